"""Administration (admin only): rate versions (tarif iuran) and the editor right of officers."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.content import service as content
from app.core import clock
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.formatting import date_id
from app.core.rendering import render
from app.models import RateVersion, User
from app.tariffs import service as tariffs
from app.tariffs.forms import RateVersionForm


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
