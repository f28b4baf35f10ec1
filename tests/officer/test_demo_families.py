"""The demo families that show every case (README "Demo accounts"): each signs in with demo1234 and
shows its own status; the existing two families are untouched."""
import pytest

from app.core import clock, demo
from app.models import Family, Participant, RehabPlan, StaffDistrict, User
from app.officer import demo as officer_demo
from tests.helpers import page, sign_in, signed_in_client


@pytest.mark.parametrize(("card", "status_words", "bill_words"), [
    ("0001000000006", "AKTIF", "dibayar oleh pemerintah"),  # PBI
    ("0001000000008", "AKTIF", "PT Contoh Tekstil Bandung"),  # PPU with an employer
    ("0001000000010", "AKTIF", None),  # BP, paid up
    ("0001000000011", "NONAKTIF", "Pemberi kerja berhenti"),  # nonaktif lain
    ("0001000000012", "AKTIF", None),  # ten years
    ("0001000000015", "NONAKTIF", "REHAB"),  # on a REHAB plan
])
def test_each_demo_family_signs_in_and_shows_its_case(app, card, status_words, bill_words):
    client = app.test_client()
    assert sign_in(client, card, demo.PASSWORD).status_code == 303
    status = page(client.get("/kepesertaan")).get_text(" ")
    assert status_words in status
    if bill_words:
        assert bill_words in page(client.get("/iuran")).get_text(" ")


def test_the_cases_in_the_data(app):
    today = clock.today()
    with app.app_context():
        families = {row[0]: Family.get(Family.kk_number == row[1]) for row in officer_demo.FAMILIES}
        assert families["pbi"].segment == "PBI" and families["pbi"].va_number is None
        assert families["ppu"].employer and families["ppu"].status_on(today).code == "aktif"
        assert families["bp"].segment == "BP" and families["bp"].status_on(today).code == "aktif"
        assert families["nonaktif"].status_on(today).code == "nonaktif_lain"
        assert families["sepuluh_tahun"].registered_on.year == today.year - 10
        assert len(families["sepuluh_tahun"].changes) >= 4
        plan = RehabPlan.get(RehabPlan.family == families["rehab"])
        assert plan.status == "aktif" and plan.arrears_months == 8
        assert StaffDistrict.select().join(User).where(User.username == "fasilitator").count() == 2


def test_the_two_first_families_are_as_before(app):
    with app.app_context():
        assert [p.card_number for p in Participant.select().where(Participant.family == Family.get(
            Family.kk_number == "3201010101190001")).order_by(Participant.id)] == [
            "0001000000001", "0001000000003", "0001000000004"]
        assert Family.get(Family.kk_number == "3273020202180002").member_count() == 2


def test_officer_sees_the_rehab_family(app):
    officer = signed_in_client(app, "petugas_bpjs")
    with app.app_context():
        fid = Family.get(Family.kk_number == "3201010808200008").id
    assert "REHAB" in page(officer.get(f"/petugas/keluarga/{fid}")).find(id="bill").get_text()
