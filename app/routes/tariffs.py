"""Tarif iuran and denda: the public rate table (from the same dated versions the bills use), the
denda calculator, and the admin page that adds a rate version."""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import IntegrityError

from app import clock
from app.audit import audit
from app.auth import public, roles
from app.db import db, write_lock
from app.formatting import date_id
from app.models import RateVersion
from app.rendering import render
from app.rules import contributions
from app.tariff_forms import EXAMPLE_CASES, MAX_ARREARS_INPUT, MAX_TARIFF, DendaForm, RateVersionForm

bp = Blueprint("tariffs", __name__)


@dataclass(frozen=True)
class VersionView:
    """One rate version as the tariff page shows it."""

    table: contributions.RateTable
    state: str  # "lama" (superseded), "berlaku" (in force today), "akan" (announced, not yet)

    @property
    def class3_participant(self):
        return self.table.class_rates[3] - self.table.class3_government_share

    @property
    def ppu_max(self):
        """(employer, worker) at the wage ceiling: the most a PPU worker's contribution can be."""
        return contributions.ppu_contribution(self.table.ppu_wage_ceiling, self.table)


def versions_on(today, tables):
    """(the version in force today or None, every version newest first with its state)."""
    try:
        current = contributions.rate_table_on(today, tables)
    except contributions.RuleError:
        current = None
    views = []
    for table in sorted(tables, key=lambda t: t.effective_from, reverse=True):
        state = ("berlaku" if table == current else
                 "akan" if table.effective_from > today else "lama")
        views.append(VersionView(table, state))
    current_view = next((v for v in views if v.state == "berlaku"), None)
    return current_view, views


@bp.get("/tarif-iuran")
@public
def tariff():
    """Tarif iuran by segment and kelas, in force today, with the history of versions."""
    today = clock.today()
    current, versions = versions_on(today, RateVersion.tables())
    return render("tariffs/tariff.html", current=current, versions=versions, today=today,
                  due_day=contributions.DUE_DAY, max_arrears=contributions.MAX_ARREARS_MONTHS)


# --- denda calculator ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DendaResult:
    """What the calculator shows for valid input."""

    months: int
    care_class: int
    case: str | None  # example case code, when its example tariff was used
    calculation: contributions.DendaCalculation | None  # None: no tariff given
    reactivation: int | None  # per person, PBPU/BP; None when no rate table covers the months
    reactivation_months: int  # counted arrears (at most 24)
    rates_from: tuple  # effective dates of the rate tables priced


def denda_result(form, today, tables):
    months, care_class = form.months, form.care_class
    calculation = (contributions.denda_calculation(months, form.tariff)
                   if form.tariff is not None else None)
    current = contributions.month_of(today)
    arrears = [contributions.add_months(current, -n) for n in range(1, months + 1)]
    counted = contributions.arrears_counted(arrears)
    try:
        reactivation = contributions.reactivation_amount(today, "PBPU", care_class, 1, counted, False, tables)
        rates_from = contributions.effective_dates([*counted, current], tables)
    except contributions.RuleError:
        reactivation, rates_from = None, ()
    case = form.case if not form.typed_tariff else None
    return DendaResult(months, care_class, case, calculation, reactivation, len(counted), rates_from)


@bp.get("/kalkulator-denda")
@public
def denda_calculator():
    """Kalkulator denda pelayanan (a GET form: bookmarkable, works without JS); with htmx only the
    calculator block is swapped."""
    form = DendaForm(request.args)
    today = clock.today()
    result = None
    if DendaForm.submitted(request.args) and form.validate():
        result = denda_result(form, today, RateVersion.tables())
    return render(
        "tariffs/denda_calculator.html", "tariffs/_calculator.html",
        form=form, result=result, cases=EXAMPLE_CASES, rules=contributions,
        max_arrears_input=MAX_ARREARS_INPUT, max_tariff=MAX_TARIFF,
        example=contributions.denda_calculation(3, 20_000_000),
        capped_example=contributions.denda_calculation(15, 80_000_000),
    )


# --- admin: a new rate version ------------------------------------------------------------------

def _form_data(version):
    """The latest version's figures, to start the new one from (all but the date)."""
    if version is None:
        return {}
    return {name: str(getattr(version, name))
            for name in RateVersionForm.RUPIAH_FIELDS + RateVersionForm.PERCENT_FIELDS}


def save_rate_version(form, admin):
    """The new RateVersion, or None when another version at or after its date got there first
    (the form then carries the message). Checked again under the write lock."""
    with write_lock():
        latest = RateVersion.latest()
        if latest is not None:
            RateVersion.get_locked(latest.id)  # PostgreSQL: one admin at a time
            latest = RateVersion.latest()
        day = form.values["effective_from"]
        if latest is not None and day <= latest.effective_from:
            form.effective_from.errors.append(_("Harus sesudah versi tarif terakhir (berlaku %(when)s).",
                                                when=date_id(latest.effective_from)))
            return None
        try:
            with db.atomic():  # a savepoint: PostgreSQL can go on after the error
                version = RateVersion.create(created_by=admin, **form.values)
        except IntegrityError:
            form.effective_from.errors.append(_("Sudah ada versi tarif yang berlaku mulai tanggal ini."))
            return None
        audit(admin, "rate_version_added", f"rate_version:{version.id}")
    return version


@bp.route("/admin/tarif-iuran", methods=["GET", "POST"])
@roles("admin")
def add_rate_version():
    """Add a rate version (tarif iuran baru), in force from a future first of a month."""
    latest = RateVersion.latest()
    today = clock.today()
    form = RateVersionForm(latest=latest.effective_from if latest else None, today=today,
                           data=_form_data(latest) if request.method == "GET" else None)
    if form.validate_on_submit():
        version = save_rate_version(form, current_user._get_current_object())
        if version is not None:
            flash(_("Versi tarif baru disimpan: berlaku mulai %(when)s.",
                    when=date_id(version.effective_from)), "ok")
            return redirect(url_for("tariffs.add_rate_version"), 303)
    return render("tariffs/add_rate_version.html", form=form, latest=latest, today=today)
