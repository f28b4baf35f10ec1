"""The numbered main menu (keypad digits jump with accesskey), per kind of visitor."""
from flask import url_for
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user

#: (label, endpoint, for whom: "anonymous", "signed_in", or a tuple of roles)
MENU = (
    (_l("Beranda"), "main.home", "anonymous"),
    (_l("Masuk"), "auth.sign_in", "anonymous"),
    (_l("Beranda saya"), "main.dashboard", "signed_in"),
    (_l("Status kepesertaan"), "membership.status", ("peserta",)),
    (_l("Kartu digital"), "membership.card", ("peserta",)),
    (_l("Antrean kerja"), "officer.queue", ("petugas_bpjs", "admin")),
    (_l("Riwayat akses data"), "account.trail", "signed_in"),
    (_l("Ganti kata sandi"), "account.password", "signed_in"),
    (_l("Cari wilayah"), "regions.picker", "everyone"),
)


def menu_for(user):
    def shown(who):
        if who == "everyone":
            return True
        if who == "anonymous":
            return not user.is_authenticated
        if not user.is_authenticated:
            return False
        return who == "signed_in" or user.role in who

    return [(label, url_for(endpoint)) for label, endpoint, who in MENU if shown(who)]


def init_app(app):
    @app.context_processor
    def _navigation():
        return {"menu": menu_for(current_user), "locale": str(get_locale())}
