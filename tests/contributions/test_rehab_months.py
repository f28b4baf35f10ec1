"""REHAB that works (issue 9.6): a family on a plan that pays, month by month, exactly what its
bill says is AKTIF after its last instalment — simulated for 4, 12 and 24 months of arrears."""
import re
import uuid
from datetime import date, datetime, timedelta

import pytest

from app.contributions import billing, ledger, payments
from app.core import clock, demo
from app.models import Family, Participant, RehabInstalment, User
from app.rules import contributions as rules
from tests.helpers import page, sign_in

DUE = 2 * 35_000  # kelas 3, two members
MONEY = re.compile(r"Rp([0-9.]+)")


def rupiah(text):
    return int(MONEY.search(text)[1].replace(".", ""))


def family_in_arrears(arrears, today):
    """A kelas 3 family of two whose first two months were paid and the `arrears` months before
    `today`'s month were not; its head (with an account) and the card to sign in with."""
    cover = rules.add_months(rules.month_of(today), -arrears - 2)
    family = Family.create(kk_number=f"97{uuid.uuid4().int % 10**14:014d}", segment="PBPU", care_class=3,
                           va_number=f"55555{uuid.uuid4().int % 10**11:011d}", registered_on=cover,
                           cover_start=cover)
    head = None
    for relationship in ("kepala", "istri"):
        person = Participant(card_number=Participant.new_card_number(), name="Peserta Uji", sex="L",
                             birth_date=date(1980, 1, 1), family=family, relationship=relationship)
        person.nik = f"32{uuid.uuid4().int % 10**14:014d}"
        person.save()
        head = head or person
    user = User(participant=head, role="peserta")
    user.set_password(demo.PASSWORD)
    user.save()
    ledger.store(family)
    return family, head, user


def bill_page(app, card):
    client = app.test_client()
    assert sign_in(client, card).status_code == 303
    return page(client.get("/iuran"))


@pytest.mark.parametrize("arrears", [4, 12, 24])
def test_paying_what_the_bill_says_each_month_ends_aktif_after_the_last_instalment(app, monkeypatch, arrears):
    moment = [datetime(2025, 3, 5, 3)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    with app.app_context():
        today = clock.today()
        family, head, user = family_in_arrears(arrears, today)
        payments.apply_payment(family.va_number, 2 * DUE, "demo", f"OLD-{family.id}",
                               moment[0] - timedelta(hours=1))
        assert len(ledger.read(family, today).status().arrears) == arrears
        count = min(arrears, rules.REHAB_MAX_INSTALMENTS)
        plan = billing.register_rehab(user, head, count, today)
        assert plan.total == (arrears + 1) * DUE
        instalments = list(plan.instalments.order_by(RehabInstalment.number))
    for number, instalment in enumerate(instalments, start=1):
        month = rules.add_months(rules.month_of(today), number)
        moment[0] = datetime(month.year, month.month, 5, 3)
        html = bill_page(app, head.card_number)
        assert html.select_one(".big").get_text().startswith("NONAKTIF")
        told = html.select_one("#bayar").get_text(" ", strip=True)
        assert f"cicilan ke-{number} dari {count}" in told, told
        assert rupiah(told) == instalment.amount + DUE, told  # the instalment plus the month falling due
        with app.app_context():
            outcome = payments.apply_payment(family.va_number, rupiah(told), "demo",
                                             f"REHAB-{family.id}-{number}", moment[0])
            assert outcome.status == "applied"
    html = bill_page(app, head.card_number)
    assert html.select_one(".big").get_text().startswith("AKTIF")
    assert "Iuran bulan ini sudah lunas." in html.select_one("#tagihan").get_text(" ", strip=True)
    assert html.select_one("#bayar") is None
    with app.app_context():
        day = clock.today()
        assert ledger.read(family, day).status() == family.status_on(day)
        assert family.status_on(day).code == "aktif" and family.outstanding(day) == [] and family.credit() == 0
        # the month after: paying the bill's amount alone keeps it AKTIF
        month = rules.add_months(rules.month_of(day), 1)
        moment[0] = datetime(month.year, month.month, 5, 3)
        assert billing.bill_for(Family.get_by_id(family.id), clock.today()).to_pay == DUE
