"""Tarif iuran and denda: what the tariff page and the calculator show, and the one write path
that adds a rate version (checked again under the write lock)."""
from dataclasses import dataclass

from flask import g
from peewee import IntegrityError

from app.contributions import ledger
from app.core.audit import audit
from app.core.db import db, write_lock
from app.core.extensions import fast_gettext as _
from app.core.formatting import date_id
from app.models import DendaVersion, RateVersion
from app.rules import contributions


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


def denda_rule_on(today):
    """The denda rule in force today (the stored versions; the rules' own when none is stored yet)."""
    try:
        return contributions.denda_rule_on(today, DendaVersion.rules() or contributions.DENDA_RULES)
    except contributions.RuleError:
        return contributions.DENDA_RULES[0]


def denda_result(form, today, tables, denda=contributions.DENDA_RULES[0]):
    months, care_class = form.months, form.care_class
    calculation = (contributions.denda_calculation(months, form.tariff, denda)
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


def save_denda_version(form, admin):
    """The new DendaVersion, or None when another version at or after its date got there first (the
    form then carries the message). Checked again under the write lock."""
    with write_lock():
        latest = DendaVersion.latest()
        if latest is not None:
            DendaVersion.get_locked(latest.id)  # PostgreSQL: one admin at a time
            latest = DendaVersion.latest()
        day = form.values["effective_from"]
        if latest is not None and day <= latest.effective_from:
            form.effective_from.errors.append(_("Harus sesudah versi aturan terakhir (berlaku %(when)s).",
                                                when=date_id(latest.effective_from)))
            return None
        try:
            with db.atomic():
                version = DendaVersion.create(created_by=admin, **form.values)
        except IntegrityError:
            form.effective_from.errors.append(_("Sudah ada versi aturan yang berlaku mulai tanggal ini."))
            return None
        audit(admin, "denda_version_added", f"denda_version:{version.id}", **{
            name: value for name, value in form.values.items() if name != "effective_from"},
            effective_from=day.isoformat())
    return version


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
        g.pop("rate_tables", None)  # the request's cached tables lack the new version
        repriced = ledger.store_all(ledger.families_priced_from(version.effective_from))
        audit(admin, "rate_version_added", f"rate_version:{version.id}", families_repriced=repriced)
    return version
