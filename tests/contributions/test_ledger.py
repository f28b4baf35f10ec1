"""The stored contribution ledger: equal to the rules' recomputation after every event, read by the
participant pages in a few queries, checked and rebuilt by `flask ledger verify|rebuild`."""
import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.changes import service as changes
from app.contributions import billing, ledger, payments
from app.core import clock
from app.core.db import db
from app.models import Family, FamilyLedger, LedgerMonth, Participant, RateVersion, User
from app.officer import service as officers
from app.registration import service as registration
from app.rules import contributions as rules
from app.tariffs import service as tariffs
from tests.helpers import signed_in_client, statements_run

# --- helpers ------------------------------------------------------------------------------------

class Clock:
    """clock.now() under the test's control (naive UTC)."""

    def __init__(self, monkeypatch, start):
        self.moment = start
        monkeypatch.setattr(clock, "now", lambda: self.moment)

    def to(self, day, hour=3):
        self.moment = datetime(day.year, day.month, day.day, hour)


def make_family(cover_start, care_class=3, members=1, registered_on=None):
    """A PBPU family of its own with a head who has an account."""
    family = Family.create(kk_number=f"98{uuid.uuid4().int % 10**14:014d}", segment="PBPU",
                           care_class=care_class, va_number=f"66666{uuid.uuid4().int % 10**11:011d}",
                           registered_on=registered_on or cover_start, cover_start=cover_start)
    head = None
    for number in range(members):
        person = Participant(card_number=Participant.new_card_number(), name="Peserta Uji", sex="L",
                             birth_date=date(1980, 1, 1), family=family,
                             relationship="kepala" if number == 0 else "anak")
        person.nik = f"32{uuid.uuid4().int % 10**14:014d}"
        person.save()
        head = head or person
    user = User.create(participant=head, role="peserta", password_hash="-")
    ledger.store(family)
    return family, head, user


def pay(family, amount):
    return payments.apply_payment(family.va_number, amount, "demo", f"T-{uuid.uuid4().hex[:20]}", clock.now())


def assert_ledger_is_the_rules(family, day):
    """The stored ledger equals a recomputation, and what pages read from it equals the rules."""
    family = Family.get_by_id(family.id)
    assert ledger.differences(family) == []
    book = ledger.read(family, day)
    assert book.status() == family.status_on(day)
    assert book.outstanding(day) == family.outstanding(day)
    assert book.credit == family.credit()
    standing = rules.status_on(day, family.segment, family.cover_start, family.paid_months(),
                                aktif_since=False)
    assert book.standing() == standing  # `since` too


# --- the property: ledger == recomputation after each event -------------------------------------

EVENTS = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(1, 900_000)),
    st.tuples(st.just("member"), st.just(0)),
    st.tuples(st.just("class"), st.sampled_from((1, 2, 3))),
    st.tuples(st.just("rate"), st.integers(0, 2)),
    st.tuples(st.just("days"), st.integers(1, 75)),
    st.tuples(st.just("rehab"), st.integers(2, 12)),
    st.tuples(st.just("nonaktif_lain"), st.integers(-20, 40)),  # from that many days away
    st.tuples(st.just("cabut"), st.just(0)),  # the officer lifts it
), min_size=1, max_size=10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS, unpaid=st.integers(0, 30), start_day=st.integers(1, 28))
def test_the_ledger_is_the_rules_after_every_event(app, monkeypatch, events, unpaid, start_day):
    with app.app_context(), db.atomic() as example:
        moment = Clock(monkeypatch, datetime(2025, 6, start_day, 3))
        cover = rules.add_months(date(2025, 6, 1), -unpaid)
        family, head, user = make_family(cover, registered_on=cover - timedelta(days=400))
        admin, officer = User.get(User.role == "admin"), User.get(User.role == "petugas_bpjs")
        assert_ledger_is_the_rules(family, clock.today())
        for kind, value in events:
            today = clock.today()
            if kind == "pay":
                pay(family, value)
            elif kind == "member":
                registration.add_member(family, {
                    "name": "Anak Baru", "sex": "P", "birth_date": today - timedelta(days=3),
                    "relationship": "anak", "nik": f"32{uuid.uuid4().int % 10**14:014d}"}, user, today)
            elif kind == "class":
                try:
                    changes.schedule_class_change(user, head.id, value)
                except changes.ChangeRefused:
                    pass
            elif kind == "rate":
                add_rate_version(admin, rules.add_months(rules.month_of(today), value), 40_000 + value)
            elif kind == "days":
                moment.to(today + timedelta(days=value))
            elif kind == "rehab":
                try:
                    billing.register_rehab(user, head, value, today)
                except billing.BillingError:
                    pass
            else:
                try:
                    officers.set_inactive(officer, family.id, "keluarga",
                                          "pindah_luar_negeri" if kind == "nonaktif_lain" else "cabut",
                                          today + timedelta(days=value))
                except officers.Refused:  # unchanged
                    pass
            assert_ledger_is_the_rules(family, clock.today())
        example.rollback()


class _RateForm:
    """What save_rate_version reads from its form."""

    def __init__(self, values):
        self.values = values
        self.effective_from = type("Field", (), {"errors": []})()


def add_rate_version(admin, effective_from, class3):
    latest = RateVersion.latest()
    if effective_from <= latest.effective_from:
        return None
    return tariffs.save_rate_version(_RateForm({
        "effective_from": effective_from, "class1": 160_000, "class2": 110_000, "class3": class3,
        "class3_government_share": 7_000, "pbi_rate": 42_000}), admin)


def test_a_new_rate_reprices_the_months_it_covers(app, monkeypatch):
    with app.app_context():
        Clock(monkeypatch, datetime(2025, 6, 5, 3))
        family, _, _ = make_family(date(2025, 6, 1))
        pay(family, 35_000)
        june = (LedgerMonth.family == family.id) & (LedgerMonth.month == date(2025, 6, 1))
        assert LedgerMonth.get(june).paid_on == date(2025, 6, 5)
        add_rate_version(User.get(User.role == "admin"), date(2025, 6, 1), 50_000)
        june = LedgerMonth.get(june)
        assert (june.due, june.allocated, june.rules_from, june.paid_on) == (43_000, 35_000, date(2025, 6, 1), None)
        assert_ledger_is_the_rules(family, clock.today())


def test_a_ten_year_history_reads_the_same_as_the_rules(app, monkeypatch):
    with app.app_context():
        moment = Clock(monkeypatch, datetime(2015, 1, 5, 3))
        RateVersion.create(effective_from=date(2014, 1, 1), class1=59_500, class2=42_500, class3=25_500,
                           class3_government_share=0, pbi_rate=19_225)  # Perpres 12/2013
        family, _, _ = make_family(date(2015, 1, 1), members=2)
        day = date(2015, 1, 5)
        while day < date(2026, 11, 1):
            if day.month not in (3, 4):  # two months late each year, paid in May
                pay(family, family.monthly_due(day) * (3 if day.month == 5 else 1))
            day = rules.add_months(day, 1)
            moment.to(day)
        assert LedgerMonth.select().where(LedgerMonth.family == family.id).count() >= 142
        assert_ledger_is_the_rules(family, clock.today())


# --- flask ledger verify | rebuild --------------------------------------------------------------

def test_verify_reports_a_difference_and_rebuild_repairs_it(app, runner):
    with app.app_context():
        family = Participant.by_card("0001000000001").family
        LedgerMonth.update(allocated=1).where(LedgerMonth.family == family.id).execute()
        FamilyLedger.update(credit=999).where(FamilyLedger.family == family.id).execute()
    result = runner.invoke(args=["ledger", "verify", "--family", str(family.id)])
    assert result.exit_code == 1
    assert f"family {family.id}: credit: stored 999, recomputed 0" in result.output
    assert "1 families checked, 1 with differences." in result.output
    result = runner.invoke(args=["ledger", "rebuild", "--family", str(family.id)])
    assert result.exit_code == 0 and "1 families rebuilt" in result.output
    result = runner.invoke(args=["ledger", "verify", "--family", str(family.id)])
    assert result.exit_code == 0 and "1 families checked, 0 with differences." in result.output
    # every family: the families other tests made with the models alone have no stored ledger
    everyone = runner.invoke(args=["ledger", "verify"])
    assert "families checked" in everyone.output and f"family {family.id}:" not in everyone.output


def test_rebuild_by_a_range_of_ids(app, runner):
    with app.app_context():
        ids = sorted(f.id for f in Family.select(Family.id))
        FamilyLedger.delete().execute()
    result = runner.invoke(args=["ledger", "rebuild", "--ids", str(ids[0]), str(ids[0])])
    assert result.exit_code == 0 and "1 families rebuilt" in result.output and "1 ledgers stored" in result.output
    result = runner.invoke(args=["ledger", "rebuild", "--missing"])
    assert f"{len(ids) - 1} families rebuilt" in result.output


def test_verify_of_an_unknown_family_says_so(runner):
    result = runner.invoke(args=["ledger", "verify", "--family", "999999999"])
    assert result.exit_code == 1 and "No family 999999999" in result.output


def test_a_family_without_a_stored_ledger_still_reads_true(app):
    with app.app_context():
        family = Participant.by_card("0001000000001").family
        before = ledger.read(family).status()
        FamilyLedger.delete().where(FamilyLedger.family == family.id).execute()
        LedgerMonth.delete().where(LedgerMonth.family == family.id).execute()
        assert ledger.read(family).status() == before == family.status_on(clock.today())


# --- pages read the ledger in a few queries -----------------------------------------------------

#: every query of each page (signed in as a demo family), measured when the ledger came: status
#: 15 → 7-8, bill 13 → 7-8, home 9 → 8, queue 14 → 13; the rest is the page's own content
#: (members, facility, referrals, polis). Since then every signed-in page counts unread messages and
#: the home page reads its announcements: home 9 (the family's members are read once per request).
#: Since the account comes with its family's FKTP and the unread count (one round trip): status 4,
#: bill 4, home 5, queue 7
PAGE_QUERIES = {"/kepesertaan": 4, "/iuran": 4, "/beranda": 5, "/antrean": 7}
CONTRIBUTION_TABLES = ("ledger", "payment", "allocation", "rate_version", "rehab_", "auto_debit")


@pytest.mark.parametrize("path", sorted(PAGE_QUERIES))
@pytest.mark.parametrize("role", ["peserta", "peserta_lunas"])
def test_participant_pages_read_the_ledger_in_few_queries(app, path, role):
    client = signed_in_client(app, role)
    assert client.get(path).status_code == 200  # warm: caches of the process
    with statements_run() as run:
        response = client.get(path)
    statements = [sql for sql, _params in run]
    assert response.status_code == 200
    contributions = [sql for sql in statements if any(f'"{name}' in sql for name in CONTRIBUTION_TABLES)]
    assert not any('"allocation"' in sql for sql in statements), statements  # never a walk over payments
    assert len(contributions) <= 4, contributions
    assert len(statements) <= PAGE_QUERIES[path], statements
