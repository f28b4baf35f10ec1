"""`flask import participants` with the optional history columns cover_start and paid_through: an
imported family shows its true status and arrears; the history is recorded once."""
import csv
import io

import pytest

from app.contributions import billing, ledger
from app.core import clock
from app.membership.importer import HISTORY_COLUMNS, PARTICIPANT_COLUMNS, import_participants
from app.models import Family, MembershipChange, Payment
from app.rules import contributions

COLUMNS = PARTICIPANT_COLUMNS + HISTORY_COLUMNS
KK = "3201010505200009"
HEAD = {"kk_number": KK, "segment": "PBPU", "care_class": "3", "district_code": "32.01.01",
        "address": "Kp. Sukamaju", "fktp_code": "DEMO-PKM-3201", "employer": "", "nik": "3201010203900004",
        "card_number": "", "name": "Joko Susilo", "sex": "L", "birth_date": "1990-03-02",
        "relationship": "kepala", "phone": ""}
WIFE = dict(HEAD, nik="3201015507920005", name="Ani Rahmawati", sex="P", birth_date="1992-07-15",
            relationship="istri")


def months_ago(n):
    return contributions.add_months(contributions.month_of(clock.today()), -n)


def history(cover_start, paid_through):
    return {"cover_start": f"{cover_start:%Y-%m}", "paid_through": paid_through and f"{paid_through:%Y-%m}"}


@pytest.fixture
def write(tmp_path):
    def write(rows):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.get(column) or "" for column in COLUMNS])
        path = tmp_path / "peserta.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        return path
    return write


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def family():
    return Family.get(Family.kk_number == KK)


def test_a_family_paid_through_three_months_ago_shows_its_arrears(ctx, write):
    dates = history(months_ago(40), months_ago(3))
    report = import_participants(write([dict(HEAD, **dates), dict(WIFE, **dates)]))
    assert report.counts["created"] == 2 and report.history_months == 38
    assert "History: 38 month(s) recorded as paid (paid_through)." in report.text()
    imported = family()
    assert imported.cover_start == months_ago(40)
    status = ledger.family_status(imported)
    assert status.code == "nonaktif_tunggakan" and status.arrears == (months_ago(2), months_ago(1))
    bill = billing.bill_for(imported, clock.today())
    assert bill.to_pay == 3 * 2 * 35_000  # two months of arrears and this month, two members
    assert ledger.differences(imported) == []
    payments = Payment.select().where(Payment.family == imported)
    assert payments.count() == 38 and {p.channel for p in payments} == {"riwayat"}
    again = import_participants(write([dict(HEAD, **dates), dict(WIFE, **dates)]))
    assert again.counts["unchanged"] == 2 and again.history_months == 0
    assert Payment.select().where(Payment.family == imported).count() == 38


def test_a_family_paid_through_last_month_is_aktif(ctx, write):
    report = import_participants(write([dict(HEAD, **history(months_ago(12), months_ago(1)))]))
    assert report.history_months == 12
    assert ledger.family_status(family()).code == "aktif"


def test_history_added_to_a_family_already_imported(ctx, write):
    import_participants(write([HEAD]))
    assert ledger.family_status(family()).code == "menunggu_pembayaran"
    report = import_participants(write([dict(HEAD, **history(months_ago(6), months_ago(1)))]))
    assert report.counts["updated"] == 1 and report.families_updated == 1 and report.history_months == 6
    change = MembershipChange.get((MembershipChange.family == family()) & (MembershipChange.field == "cover_start"))
    assert change.new_value == months_ago(6).isoformat()
    assert ledger.family_status(family()).code == "aktif"


def test_a_dry_run_counts_the_history_and_saves_nothing(ctx, write):
    report = import_participants(write([dict(HEAD, **history(months_ago(6), months_ago(1)))]), dry_run=True)
    assert report.history_months == 6 and report.counts["created"] == 1
    assert not Family.select().where(Family.kk_number == KK).exists()
    assert not Payment.select().where(Payment.channel == "riwayat").exists()


@pytest.mark.parametrize(("values", "reason"), [
    ({"cover_start": "2019/04"}, "cover_start harus YYYY-MM, mis. 2019-04"),
    ({"cover_start": "2019-13"}, "cover_start harus YYYY-MM, mis. 2019-04"),
    ({"cover_start": "2013-12"}, "cover_start sebelum JKN dimulai (2014-01)"),
    ({"cover_start": "2999-01"}, "cover_start di masa depan"),
    ({"cover_start": "2019-04"}, "belum ada tarif iuran sebelum 2020-07: cover_start lebih awal"),
    ({"cover_start": "2022-05", "paid_through": "2022-04"}, "paid_through sebelum cover_start"),
    ({"paid_through": "2999-01"}, "paid_through di masa depan"),
    ({"segment": "PBI", "care_class": "", "fktp_code": "", "paid_through": "2022-04"},
     "paid_through hanya untuk PBPU dan BP (iuran PBI dibayar pihak lain)"),
])
def test_bad_history_is_refused_by_line_and_nothing_saved(ctx, write, values, reason):
    report = import_participants(write([dict(HEAD, **values)]))
    assert [(row.line, row.outcome, row.reason) for row in report.rows] == [(2, "invalid", reason)]
    assert not Family.select().where(Family.kk_number == KK).exists()


def test_rows_of_one_kk_must_agree_on_the_history(ctx, write):
    report = import_participants(write([dict(HEAD, **history(months_ago(6), months_ago(1))),
                                        dict(WIFE, **history(months_ago(7), months_ago(1)))]))
    assert report.rows[1].outcome == "invalid" and "cover_start" in report.rows[1].reason
