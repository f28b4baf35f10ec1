"""`flask import payments FILE.csv`: a payment history applied like callbacks, idempotent by the
channel's reference, with a line-numbered report; bad lines are refused and nothing is half-saved."""
from datetime import timedelta

import pytest

from app.contributions import ledger
from app.contributions.importer import PAYMENT_COLUMNS, import_payments
from app.core import clock
from app.models import AuditLog, Family, Payment
from app.rules import contributions
from tests.helpers import FAMILY_1_VA, REACTIVATION

HEADER = ",".join(PAYMENT_COLUMNS)


def month_day(months_ago, day=5):
    month = contributions.add_months(contributions.month_of(clock.today()), -months_ago)
    return month.replace(day=day).isoformat()


@pytest.fixture
def write(tmp_path):
    def write(lines, name="bayar.csv"):
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return path
    return write


def family_1():
    return Family.get(Family.va_number == FAMILY_1_VA)


def test_a_history_makes_the_imported_family_aktif(app, write):
    path = write([f"{FAMILY_1_VA},{REACTIVATION},kantor,RIW-1,{clock.today().isoformat()}"])
    with app.app_context():
        assert ledger.family_status(family_1()).code == "nonaktif_tunggakan"
        report = import_payments(path)
        assert report.counts == {"applied": 1, "unchanged": 0, "duplicate": 0, "invalid": 0}
        assert "4 month(s) paid" in report.text()
        assert ledger.family_status(family_1()).code == "aktif"
        assert ledger.differences(family_1()) == []
        assert AuditLog.select().where(AuditLog.action == "payments_imported").count() == 1
        again = import_payments(path)  # the same file again changes nothing
        assert again.counts["unchanged"] == 1 and again.months == 0
        assert Payment.select().where(Payment.channel == "kantor").count() == 1


def test_bad_lines_are_named_by_line_and_nothing_of_them_is_saved(app, write):
    future = (clock.now() + timedelta(days=3)).strftime("%Y-%m-%d")
    path = write([
        f"{FAMILY_1_VA},105000,kantor,OK-1,{month_day(3)}",
        f"{FAMILY_1_VA},105000,kantor,OK-1,{month_day(3)}",    # line 3: the same reference again
        f"{FAMILY_1_VA},-105000,kantor,NEG-1,{month_day(2)}",  # negative
        f"9999900000000001,105000,kantor,VA-1,{month_day(2)}",  # unknown VA
        f"{FAMILY_1_VA},105000,kantor,FUT-1,{future}",         # in the future
        f"{FAMILY_1_VA},105000,kantor,OLD-1,2013-12-31",       # before JKN
        f"{FAMILY_1_VA},1.05,kantor,DEC-1,{month_day(2)}",     # not whole rupiah
        f"{FAMILY_1_VA},105000,kantor,,{month_day(2)}",        # no reference
        f"{FAMILY_1_VA},105000,kantor,TZ-1,2026-01-05T10:00:00",  # no time zone
        f"{FAMILY_1_VA},99000000,kantor,BIG-1,{month_day(1)}",  # years of contributions as credit
        "8888800000000002,105000",                             # too few columns
        f"8888800000000002,200000,kantor,PBI-1,{month_day(1)}",
    ])
    with app.app_context():
        Family.update(segment="PBI").where(Family.va_number == "8888800000000002").execute()
        before = Payment.select().count()
        report = import_payments(path)
        text = report.text()
        assert report.counts == {"applied": 1, "unchanged": 0, "duplicate": 1, "invalid": 10}
        for expected in ("line 3: duplicate — reference OK-1 sudah ada di baris 2",
                         "line 4: invalid — jumlah tidak boleh negatif",
                         "line 5: invalid — nomor VA tidak dikenal",
                         "line 6: invalid — paid_at di masa depan",
                         "line 7: invalid — paid_at sebelum JKN dimulai (1 Jan 2014)",
                         "line 8: invalid — jumlah harus rupiah bulat",
                         "line 9: invalid — kolom wajib kosong: reference",
                         "line 10: invalid — paid_at perlu zona waktu",
                         "line 11: invalid — jumlah tidak bisa diterapkan",
                         "line 12: invalid — jumlah kolom 2, seharusnya 5",
                         "line 13: invalid — keluarga PBI tidak membayar lewat VA"):
            assert expected in text, text
        assert Payment.select().count() == before + 1  # only line 2
        assert not Payment.select().where(Payment.reference == "BIG-1").exists()


def test_a_dry_run_reports_the_same_and_saves_nothing(app, write):
    path = write([f"{FAMILY_1_VA},{REACTIVATION},kantor,DRY-1,{clock.today().isoformat()}"])
    with app.app_context():
        before = (Payment.select().count(), ledger.family_status(family_1()))
        report = import_payments(path, dry_run=True)
        assert report.text().startswith("DRY RUN — nothing saved")
        assert report.counts["applied"] == 1
        assert (Payment.select().count(), ledger.family_status(family_1())) == before


def test_rows_are_applied_in_the_order_they_were_paid(app, write):
    """Later lines paid earlier: each month's paid date is its own payment's, as by callback."""
    family = None
    with app.app_context():
        family = family_1()
        path = write([f"{FAMILY_1_VA},105000,kantor,ORD-{n},{month_day(n)}" for n in (1, 2, 3)])
        import_payments(path)
        paid = Family.get_by_id(family.id).paid_months()
        for n in (1, 2, 3):
            month = contributions.add_months(contributions.month_of(clock.today()), -n)
            assert paid[month].isoformat() == month_day(n)


def test_a_wrong_header_imports_nothing(app, tmp_path, runner):
    path = tmp_path / "x.csv"
    path.write_text("va,amount\n1,2\n", encoding="utf-8")
    result = runner.invoke(args=["import", "payments", str(path)])
    assert result.exit_code == 1 and "Wrong header" in result.output


def test_the_command_prints_the_report(app, write, runner):
    path = write([f"{FAMILY_1_VA},105000,kantor,CLI-1,{month_day(3)}"])
    result = runner.invoke(args=["import", "payments", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "DRY RUN — nothing saved" in result.output and "1 applied" in result.output
