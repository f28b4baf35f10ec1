"""Administration (admin only): rate versions (tarif iuran) and denda rule versions."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.core import clock
from app.core.auth import roles
from app.core.formatting import date_id
from app.core.rendering import render
from app.models import DendaVersion, RateVersion
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
        version = tariffs.save_rate_version(form, current_user._get_current_object())
        if version is not None:
            flash(_("Versi tarif baru disimpan: berlaku mulai %(when)s.",
                    when=date_id(version.effective_from)), "ok")
            return redirect(url_for("admin.add_rate_version"), 303)
    return render("admin/add_rate_version.html", form=form, latest=latest, today=today)


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
        version = tariffs.save_denda_version(form, current_user._get_current_object())
        if version is not None:
            flash(_("Versi aturan denda baru disimpan: berlaku mulai %(when)s.",
                    when=date_id(version.effective_from)), "ok")
            return redirect(url_for("admin.add_denda_version"), 303)
    return render("admin/add_denda_version.html", form=form, latest=latest, today=today)
