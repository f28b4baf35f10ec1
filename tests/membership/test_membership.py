"""Status, family and digital card: what a participant sees, and nothing of another family."""
import pytest

from app.core import clock
from app.core.formatting import date_id
from app.models import AuditLog, Participant
from app.rules import contributions
from tests.helpers import page, signed_in_client


def test_status_in_arrears_says_since_when_and_how_much(budi):
    html = page(budi.get("/kepesertaan"))
    status = html.select_one("#status")
    assert status.select_one(".big").get_text() == "NONAKTIF: ada tunggakan iuran"
    text = status.get_text(" ", strip=True)
    # the demo paid up to 4 months ago: the first unpaid month was 3 months ago, cover stopped a month later
    since = contributions.add_months(contributions.month_of(clock.today()), -2)
    assert f"Nonaktif sejak {date_id(since, 'id')} karena iuran 3 bulan belum dibayar." in text
    # 3 arrears + the current month, 3 members × Rp35.000
    assert "Bayar Rp420.000 ke nomor VA 8888800000000001 untuk aktif kembali." in text
    assert "Aturan berlaku per 1 Jan 2021." in text


def test_status_page_lists_family_facts_and_every_member(budi):
    html = page(budi.get("/kepesertaan"))
    facts = html.select_one("dl.facts").get_text(" ", strip=True)
    assert "PBPU — peserta mandiri" in facts and "Kelas 3" in facts
    assert "Puskesmas Cibinong" in facts and html.select_one('dl.facts a[href="tel:0215550101"]')
    assert "1 Feb 2021" in facts  # cover start
    members = html.select("ol.list li")
    assert [li.b.get_text() for li in members] == ["Budi Santoso", "Siti Aminah", "Rizky Pratama"]
    assert "NIK 3201********0002" in members[1].get_text(" ", strip=True)
    assert "3201014203880002" not in html.get_text()


def test_paid_up_family_is_active(app):
    html = page(signed_in_client(app, "peserta_lunas").get("/kepesertaan"))
    assert html.select_one("#status .big").get_text() == "AKTIF"
    assert [li.b.get_text() for li in html.select("ol.list li")] == ["Dewi Lestari", "Agus Wijaya"]


def test_status_refresh_via_htmx_returns_only_the_status_block(budi):
    response = budi.get("/kepesertaan", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert len(response.get_data()) <= 2048
    fragment = page(budi.get("/kepesertaan", headers={"HX-Request": "true"}))
    assert fragment.find("html") is None and fragment.select_one("section#status .big")
    boosted = page(budi.get("/kepesertaan", headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert boosted.title and boosted.select_one("ol.list")


def test_member_with_own_reason_is_inactive_while_family_is_not(app):
    with app.app_context():
        agus = Participant.by_card("0001000000005")
        agus.inactive_reason = "meninggal"
        agus.save()
    html = page(signed_in_client(app, "peserta_lunas").get("/kepesertaan"))
    agus_row = html.select("ol.list li")[1].get_text(" ", strip=True)
    assert "NONAKTIF" in agus_row and "tunggakan" not in agus_row


def test_card_shows_the_facts_and_a_qr_code(app, budi):
    with app.app_context():
        budi_id = Participant.by_card("0001000000001").id
    html = page(budi.get(f"/kepesertaan/kartu/{budi_id}"))
    card = html.select_one("section.kis")
    assert card.select_one(".kis-no").get_text() == "0001 0000 00001"
    assert card.select_one(".kis-name").get_text() == "Budi Santoso"
    facts = card.select_one("dl").get_text(" ", strip=True)
    assert "17 Agu 1985" in facts and "Puskesmas Cibinong" in facts and "Kelas 3" in facts
    svg = card.select_one(".qr svg")
    assert svg["viewbox"] == "0 0 29 29" and svg.find("path")


def dark_modules(svg):
    """The dark modules drawn by a segno line path ("M4 4.5h7m2 0h3…"), as (x, y) cells."""
    import re

    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    cells = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            cells.update((int(x) + i, int(y)) for i in range(int(float(a))))
            x += float(a)
    return cells


def test_qr_encodes_the_card_number():
    import segno

    from app.membership.qr import qr_svg

    code = segno.make("0001000000001", error="m", micro=False)
    expected = {(x + 4, y + 4) for y, row in enumerate(code.matrix) for x, dark in enumerate(row) if dark}
    assert dark_modules(str(qr_svg("0001000000001"))) == expected
    assert dark_modules(str(qr_svg("0001000000002"))) != expected


def test_viewing_a_family_members_card_is_audited(app, budi):
    with app.app_context():
        siti = Participant.by_card("0001000000003")
    html = page(budi.get(f"/kepesertaan/kartu/{siti.id}"))
    assert html.select_one(".kis-name").get_text() == "Siti Aminah"
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "card_viewed").order_by(AuditLog.id.desc()).get()
        assert (entry.subject, entry.on_behalf_of_id) == (f"participant:{siti.id}", siti.id)


def test_no_url_reaches_another_familys_member(app, budi):
    with app.app_context():
        others = [p.id for p in Participant.select().where(
            Participant.card_number.in_(["0001000000002", "0001000000005"]))]
    for other in others + [999999]:
        response = budi.get(f"/kepesertaan/kartu/{other}")
        assert response.status_code == 404
        assert "Dewi" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["fasilitator", "petugas_faskes", "petugas_bpjs", "admin"])
def test_staff_have_no_participant_status_page(app, role):
    assert signed_in_client(app, role).get("/kepesertaan").status_code == 403


def test_status_and_card_pages_fit_the_core_budget(app, budi):
    from tests.helpers import transfer_size

    with app.app_context():
        budi_id = Participant.by_card("0001000000001").id
    for path in ("/kepesertaan", f"/kepesertaan/kartu/{budi_id}"):
        assert transfer_size(budi.get(path, headers={"Accept-Encoding": "gzip"})) <= 10_000, path


def test_a_member_added_today_never_changes_months_already_paid(app):
    with app.app_context():
        dewi = Participant.by_card("0001000000002")
        baby = Participant(card_number=Participant.new_card_number(), name="Bayi Lestari", sex="P",
                           birth_date=clock.today(), family=dewi.family, relationship="anak",
                           registered_on=clock.today())
        baby.nik = "3273024101260009"
        baby.save()
        family = dewi.family
        month = contributions.month_of(clock.today())
        assert family.monthly_due(contributions.add_months(month, -1)) == 2 * 100_000
        assert family.monthly_due(month) == 3 * 100_000
        assert family.outstanding(clock.today()) == [(month, 100_000)]
    html = page(signed_in_client(app, "peserta_lunas").get("/kepesertaan"))
    assert html.select_one("#status .big").get_text() == "AKTIF"
