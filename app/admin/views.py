"""Administration (admin only): rate versions (tarif iuran), denda rule versions, staff accounts
(akun petugas) and the editor right of officers."""
from flask import abort, flash, redirect, request, url_for

from app.accounts import service as access
from app.admin import bp
from app.admin import service as staff
from app.admin.forms import ApiClientForm, KioskForm, StaffForm, district_codes
from app.api import service as api
from app.content import service as content
from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, end_session, roles
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id
from app.core.rendering import render
from app.kiosk import service as kiosks
from app.models import ApiClient, DendaVersion, Kiosk, RateVersion, User
from app.tariffs import service as tariffs
from app.tariffs.forms import DendaVersionForm, RateVersionForm


def _form_data(version):
    """The latest version's figures, to start the new one from (all but the date)."""
    if version is None:
        return {}
    return {name: str(getattr(version, name))
            for name in RateVersionForm.RUPIAH_FIELDS + RateVersionForm.PERCENT_FIELDS}


@bp.route("/tarif-iuran", methods=["GET", "POST"])
@roles("admin")
def add_rate_version():
    """Add a rate version (tarif iuran baru), in force from a future first of a month."""
    latest = RateVersion.latest()
    today = clock.today()
    form = RateVersionForm(latest=latest.effective_from if latest else None, today=today,
                           data=_form_data(latest) if request.method == "GET" else None)
    if form.validate_on_submit():
        version = tariffs.save_rate_version(form, acting_user())
        if version is not None:
            flash(_("Versi tarif baru disimpan: berlaku mulai %(when)s.",
                    when=date_id(version.effective_from)), "ok")
            return redirect(url_for("admin.add_rate_version"), 303)
    return render("admin/add_rate_version.html", form=form, latest=latest, today=today)


# --- the editor right (penyunting) ---------------------------------------------------------------

@bp.route("/penyunting", methods=["GET", "POST"])
@roles("admin")
def editors():
    """Which officers may write articles, announcements and transparency pages (one button each)."""
    if request.method == "POST":
        user_id = parse_id(request.form.get("user"))
        grant = request.form.get("aksi") == "beri"
        if user_id is None or not content.set_editor(acting_user(), user_id, grant):
            abort(404)
        flash(_("Hak penyunting diberikan.") if grant else _("Hak penyunting dicabut."), "ok")
        return redirect(url_for("admin.editors"), 303)
    officers = User.select().where(User.role == "petugas_bpjs").order_by(User.username).limit(200)
    return render("admin/editors.html", officers=officers)
# --- staff accounts (akun petugas) ----------------------------------------------------------------

STAFF_ERRORS = {
    "username_taken": _l("Nama pengguna ini sudah dipakai. Pilih yang lain."),
    "self": _l("Anda tidak bisa mengubah peran atau menonaktifkan akun Anda sendiri."),
}


@bp.get("/pengguna")
@roles("admin")
def users():
    """Staff accounts by username, 25 a page (`?setelah=<username>`: the page after it)."""
    after = request.args.get("setelah", "")[:40]
    rows, more = User.staff_page(after=after or None)
    return render("admin/users.html", users=rows, next_after=rows[-1].username if more else None)


def _save(form, user_id):
    """The form's values saved; None (errors added to the form) when refused."""
    try:
        return staff.save_staff(acting_user(), user_id, form.username.data or "",
                                form.role.data, form.facility.data or "", district_codes(form.districts.data),
                                active=form.active.data if user_id else True)
    except staff.Refused as refused:
        (form.username if refused.code == "username_taken" else form.role).errors.append(STAFF_ERRORS[refused.code])
        return None


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@roles("admin")
def new_user():
    """A new staff account; its person sets the password with the one-time code shown once."""
    form = StaffForm(new=True)
    if form.validate_on_submit():
        user = _save(form, None)
        if user is not None:
            record, code = access.issue_code(acting_user(), user=user)
            return render("accounts/code_issued.html", code=code, record=record, person=user.username, card=None)
    return render("admin/user.html", form=form, user=None)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def edit_user(user_id):
    """Change a staff account's role, facility, districts, or deactivate it."""
    user = User.get_or_none((User.id == user_id) & User.participant.is_null()) or abort(404)
    data = None if request.method == "POST" else {
        "role": user.role, "facility": user.facility.code if user.facility_id else "",
        "districts": ", ".join(user.district_codes()), "active": user.active}
    form = StaffForm(new=False, data=data)
    if form.validate_on_submit() and _save(form, user.id) is not None:
        flash(_("Akun %(name)s disimpan.", name=user.username), "ok")
        return redirect(url_for(".edit_user", user_id=user.id), 303)
    return render("admin/user.html", form=form, user=user)


@bp.post("/pengguna/<int:user_id>/kode")
@roles("admin")
def user_code(user_id):
    """Lupa kata sandi of a staff account: a one-time code for its person, shown once."""
    user = User.get_or_none((User.id == user_id) & User.participant.is_null() & User.active) or abort(404)
    record, code = access.issue_code(acting_user(), user=user)
    return render("accounts/code_issued.html", code=code, record=record, person=user.username, card=None)
@bp.route("/aturan-denda", methods=["GET", "POST"])
@roles("admin")
def add_denda_version():
    """Add a denda rule version (percent, months counted, cap, window), in force from a coming day."""
    latest = DendaVersion.latest()
    today = clock.today()
    start = {name: str(getattr(latest, name)) for name in DendaVersionForm.FIELDS} if latest else {}
    form = DendaVersionForm(latest=latest.effective_from if latest else None, today=today,
                            data=start if request.method == "GET" else None)
    if form.validate_on_submit():
        version = tariffs.save_denda_version(form, acting_user())
        if version is not None:
            flash(_("Versi aturan denda baru disimpan: berlaku mulai %(when)s.",
                    when=date_id(version.effective_from)), "ok")
            return redirect(url_for("admin.add_denda_version"), 303)
    return render("admin/add_denda_version.html", form=form, latest=latest, today=today)


# --- kiosks (SPEC §5.4) ---------------------------------------------------------------------------

@bp.route("/kios", methods=["GET", "POST"])
@roles("admin")
def kiosks_page():
    """Registered kiosks (live first) and the form to register one."""
    form = KioskForm()
    if form.validate_on_submit():
        kiosk = kiosks.register(acting_user(), form.found, form.name.data.strip())
        flash(_("Kios %(name)s terdaftar. Buka halaman ini di perangkatnya, lalu pilih Pasang.", name=kiosk.name), "ok")
        return redirect(url_for(".kiosks_page"), 303)
    return render("admin/kiosks.html", form=form, kiosks=list(Kiosk.listing()))


@bp.post("/kios/<int:kiosk_id>/pasang")
@roles("admin")
def install_kiosk(kiosk_id):
    """Turn this browser into the kiosk: the device cookie is set and the admin is signed out."""
    kiosk = Kiosk.active(kiosk_id) or abort(404)
    audit(acting_user(), "kiosk_installed", f"kiosk:{kiosk.id}")
    end_session()
    response = redirect(url_for("kiosk.sign_in"), 303)
    kiosks.set_cookie(response, kiosk)
    return response


@bp.post("/kios/<int:kiosk_id>/cabut")
@roles("admin")
def revoke_kiosk(kiosk_id):
    """Revoke: the cookie of this kiosk, wherever copied, stops working."""
    if kiosks.revoke(acting_user(), kiosk_id) is None:
        abort(404)
    flash(_("Kios dicabut."), "ok")
    return redirect(url_for(".kiosks_page"), 303)


# --- clients of the office API (klien API) -------------------------------------------------------

@bp.route("/klien-api", methods=["GET", "POST"])
@roles("admin")
def api_clients():
    """The office systems that may call /api/v1: add one (its token is shown once) or revoke one."""
    form = ApiClientForm()
    if form.validate_on_submit():
        client, token = api.create_client(acting_user(), form.name.data, form.scopes.data)
        if client is not None:
            return render("admin/api_client_token.html", client=client, token=token)
        form.name.errors.append(_("Nama ini sudah dipakai klien lain."))
    return render("admin/api_clients.html", form=form, clients=list(ApiClient.listed().limit(200)))


@bp.post("/klien-api/<int:client_id>/cabut")
@roles("admin")
def revoke_api_client(client_id):
    """Revoke a client's token for good (a revoked client is kept in the list)."""
    if not api.revoke_client(acting_user(), client_id):
        abort(404)
    flash(_("Token klien dicabut: panggilan dengan token itu sekarang ditolak."), "ok")
    return redirect(url_for("admin.api_clients"), 303)
