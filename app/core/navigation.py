"""The numbered main menu (keypad digits 1–9 jump with accesskey), per kind of visitor, and the
footer's language switch."""
from urllib.parse import quote_plus

from flask import current_app, g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.core.auth import in_scope
from app.core.extensions import lazy_gettext as _l
from app.core.extensions import request_language
from app.models import OFFICER_ROLES

ANONYMOUS, SIGNED_IN, EVERYONE = "anonymous", "signed_in", "everyone"
#: officers an admin made editors (User.is_editor)
EDITORS = "editors"
PESERTA, FASKES, BPJS = ("peserta",), ("petugas_faskes",), OFFICER_ROLES
REGISTRARS = ("fasilitator", "petugas_bpjs", "admin")
ADMIN = ("admin",)

#: (label, endpoint, for whom), most used first: only the first nine get a digit.
MENU = (
    (_l("Beranda"), "main.home", ANONYMOUS),
    (_l("Masuk"), "accounts.sign_in", ANONYMOUS),
    (_l("Beranda saya"), "main.dashboard", SIGNED_IN),
    (_l("Status kepesertaan"), "membership.status", PESERTA),
    (_l("Kartu digital"), "membership.card", PESERTA),
    (_l("Tagihan iuran"), "contributions.bill", PESERTA),
    (_l("Antrean online"), "queue.index", PESERTA),
    (_l("Riwayat pelayanan"), "health.history", PESERTA),
    (_l("Pesan"), "inbox.index", PESERTA),
    (_l("Pengaduan dan klaim"), "cases.index", PESERTA),
    (_l("Antrean hari ini"), "staff.board", FASKES),
    (_l("Cari pasien"), "health.patient_search", FASKES),
    (_l("Antrean kerja"), "officer.queue", BPJS),
    (_l("Cari peserta"), "officer.look_up", BPJS),
    (_l("Pendampingan"), "assist.index", ("fasilitator",)),
    (_l("Kode sekali pakai"), "accounts.issue_code", REGISTRARS),
    (_l("Pengaduan dan klaim"), "cases.queue", BPJS),
    (_l("Pengaduan tentang faskes"), "cases.facility_cases", FASKES),
    (_l("Pembayaran belum cocok"), "officer.payments", BPJS),
    (_l("Akun petugas"), "admin.users", ADMIN),
    (_l("Kios"), "admin.kiosks_page", ADMIN),
    (_l("Daftar peserta baru"), "registration.start", ANONYMOUS),
    (_l("Daftarkan keluarga"), "registration.start", REGISTRARS),
    (_l("Cari faskes"), "facilities.search", EVERYONE),
    (_l("Perubahan data"), "changes.index", PESERTA),
    (_l("Data saya"), "accounts.my_data", PESERTA),
    (_l("Riwayat akses data"), "accounts.trail", SIGNED_IN),
    (_l("Ganti kata sandi"), "accounts.password", SIGNED_IN),
    (_l("Tarif iuran"), "tariffs.tariff", EVERYONE),
    (_l("Kalkulator denda"), "tariffs.denda_calculator", EVERYONE),
    (_l("Artikel"), "content.articles", EVERYONE),
    (_l("Hak, manfaat dan prosedur"), "content.pages", EVERYONE),
    (_l("Penyuntingan"), "content.desk", EDITORS),
    (_l("Hak penyunting"), "admin.editors", ("admin",)),
    (_l("Dasbor layanan"), "cases.dashboard", EVERYONE),
    (_l("Klien API"), "admin.api_clients", ADMIN),
    (_l("Cari wilayah"), "regions.picker", EVERYONE),
)


def _shown(who, user, endpoint):
    consent = g.get("assist")
    if who == PESERTA and consent is not None:  # a facilitator with a consent: the pages of its scope
        return in_scope(consent.scope, endpoint)
    if who == EVERYONE:
        return True
    if who == ANONYMOUS:
        return not user.is_authenticated
    if not user.is_authenticated:
        return False
    if who == EDITORS:
        return user.role == "petugas_bpjs" and user.is_editor
    return who == SIGNED_IN or user.role in who


def menu_for(user):
    """[(label, url)] for this visitor, in menu order."""
    return [(label, url_for(endpoint)) for label, endpoint, who in MENU
            if _shown(who, user, endpoint) and endpoint in current_app.view_functions]


def cached_menu(user, locale):
    """The menu's list (markup) for this visitor in `locale`: rendered once per kind of visitor and
    language, as every page shows it (twenty url_for, translations and links a page otherwise). The
    kind is all that _shown() reads: the role, whether an officer is an editor, the scope of a
    facilitator's consent."""
    consent = g.get("assist")
    key = (user.role if user.is_authenticated else None, user.is_authenticated and user.is_editor,
           consent.scope if consent is not None else None, locale, request.script_root)
    menus = current_app.extensions.setdefault("menus", {})
    if key not in menus:
        menus[key] = Markup(current_app.jinja_env.get_template("_menu.html").render(menu=menu_for(user)))
    return menus[key]


#: what url_for leaves unescaped in a query string's value (werkzeug's choice)
_QUERY_SAFE = "!$'()*,/:;?@"


def language_switch(locale):
    """The footer's link to the other language, which comes back to this page (a GET's full path, a
    POST's path): url_for's URL, kept, with `next` added as url_for would encode it (its encoding of
    the query string cost more than all the rest of the footer)."""
    other = "id" if locale == "en" else "en"
    bases = current_app.extensions.setdefault("language_urls", {})
    key = (other, request.script_root)
    if key not in bases:
        bases[key] = url_for("main.language", lang=other)
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return f"{bases[key]}&next={quote_plus(here, safe=_QUERY_SAFE)}"


def init_app(app):
    @app.context_processor
    def _navigation():
        locale = request_language()
        return {"menu": cached_menu(current_user, locale), "locale": locale,
                "language_switch": language_switch(locale)}
