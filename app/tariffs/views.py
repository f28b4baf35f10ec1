"""Tarif iuran and denda: the public rate table (from the same dated versions the bills use), the
denda calculator. Admins add rate versions under /admin."""

from flask import request

from app.core import clock
from app.core.auth import public
from app.core.pagecache import same_for_everyone
from app.core.rendering import render
from app.models import RateVersion
from app.rules import contributions
from app.tariffs import bp, service
from app.tariffs.forms import EXAMPLE_CASES, MAX_ARREARS_INPUT, MAX_TARIFF, DendaForm


@bp.get("/tarif-iuran")
@same_for_everyone
@public
def tariff():
    """Tarif iuran by segment and kelas, in force today, with the history of versions."""
    today = clock.today()
    current, versions = service.versions_on(today, RateVersion.tables())
    return render("tariffs/tariff.html", current=current, versions=versions, today=today,
                  due_day=contributions.DUE_DAY, max_arrears=contributions.MAX_ARREARS_MONTHS)


# --- denda calculator ---------------------------------------------------------------------------

@bp.get("/kalkulator-denda")
@same_for_everyone
@public
def denda_calculator():
    """Kalkulator denda pelayanan (a GET form: bookmarkable, works without JS); with htmx only the
    calculator block is swapped."""
    today = clock.today()
    denda = service.denda_rule_on(today)
    form = DendaForm(request.args, max_months=denda.max_months)
    result = None
    if DendaForm.submitted(request.args) and form.validate():
        result = service.denda_result(form, today, RateVersion.tables(), denda)
    return render(
        "tariffs/denda_calculator.html", "tariffs/_calculator.html",
        form=form, result=result, cases=EXAMPLE_CASES, rules=contributions, denda=denda,
        max_arrears_input=MAX_ARREARS_INPUT, max_tariff=MAX_TARIFF,
        example=contributions.denda_calculation(3, 20_000_000, denda),
        capped_example=contributions.denda_calculation(15, 80_000_000, denda),
    )
