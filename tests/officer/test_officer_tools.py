"""Officer tools: one participant by an exact card number, NIK or KK (never a list, never a partial
match, every look-up audited); the family page (status, bill, payments, history, pending requests);
"nonaktif lain" with a reason from a fixed list and an effective date; the work queue's pages."""
from datetime import timedelta

import pytest

from app.core import clock
from app.models import AuditLog, ChangeRequest, Family, MembershipChange, Participant, User
from tests.helpers import crawl, csrf_post, field_error, page, page_problems, signed_in_client

BUDI_CARD, BUDI_NIK, BUDI_KK = "0001000000001", "3201011708850001", "3201010101190001"


def look_up(client, number):
    return csrf_post(client, "/petugas/cari-peserta", {"number": number})


def family_id(app, kk=BUDI_KK):
    with app.app_context():
        return Family.get(Family.kk_number == kk).id


@pytest.mark.parametrize("number", [BUDI_CARD, BUDI_NIK, BUDI_KK, "3201 0117 0885 0001", "0001-0000-00001"])
def test_an_exact_number_opens_that_family(app, officer, number):
    response = look_up(officer, number)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/petugas/keluarga/{family_id(app)}")
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "participant_looked_up").order_by(AuditLog.id.desc()).get()
        assert entry.subject == f"family:{family_id(app)}" and BUDI_NIK not in entry.detail
        assert entry.actor.username == "petugas"


@pytest.mark.parametrize(("number", "words"), [
    ("32010117", "nomor lengkap"),  # a partial NIK
    ("320101170885000", "nomor lengkap"),
    ("Budi Santoso", "nama"),
    ("9" * 10_000, "Terlalu panjang"),
    ("", "Wajib diisi"),
    ("0001999999999", "Tidak ada peserta"),
    ("3201019999999999", "Tidak ada peserta"),
])
def test_anything_else_is_a_clear_message_and_never_a_list(app, officer, number, words):
    response = look_up(officer, number)
    assert response.status_code == 200
    assert words in field_error(response, "number")
    assert number[:40] not in {a.get_text() for a in page(response).find_all("a")}
    assert "Budi Santoso" not in page(response).get_text()


def test_a_failed_look_up_is_audited_too(app, officer):
    look_up(officer, "0001999999999")
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "participant_looked_up").order_by(AuditLog.id.desc()).get()
        assert entry.subject == "unknown"


def test_the_family_page_shows_status_bill_members_and_its_reads_are_audited(app, officer):
    look_up(officer, BUDI_CARD)
    response = officer.get(f"/petugas/keluarga/{family_id(app)}")
    html = page(response)
    assert "NONAKTIF" in html.find(id="status").get_text()
    assert "Rp420.000" in html.find(id="bill").get_text()
    members = html.find(id="members").get_text(" ")
    assert "Siti Aminah" in members and "3201********0002" in members and "3201014203880002" not in members
    assert BUDI_KK not in html.get_text()  # the KK masked
    code_links = [a["href"] for a in html.find(id="members").find_all("a")]
    assert "/kode-sekali-pakai?kartu=0001000000003" in code_links
    assert not any("0001000000004" in href for href in code_links)  # Rizky is 11: no account of his own
    with app.app_context():
        assert AuditLog.select().where((AuditLog.action == "family_viewed")
                                       & (AuditLog.subject == f"family:{family_id(app)}")).exists()
    recent = page(officer.get("/petugas/cari-peserta")).find_all("a", href=f"/petugas/keluarga/{family_id(app)}")
    assert recent, "the officer's own recent look-ups link back"


def test_pending_requests_show_on_the_family_page(app, officer):
    with app.app_context():
        budi = Participant.by_card(BUDI_CARD)
        ChangeRequest.create(participant=budi, requested_by=User.get(User.participant == budi), kind="name",
                             reason="Salah ketik")
        request_id = ChangeRequest.select().order_by(ChangeRequest.id.desc()).get().id
    html = page(officer.get(f"/petugas/keluarga/{family_id(app)}"))
    assert html.find("a", href=f"/petugas/perubahan/{request_id}") is not None


def set_inactive(client, fid, target, reason, day):
    return csrf_post(client, f"/petugas/keluarga/{fid}/nonaktif",
                     {"target": target, "reason": reason, "effective_from": day}, form_page=f"/petugas/keluarga/{fid}")


def test_nonaktif_lain_for_the_family_from_a_date_then_lifted(app, officer):
    fid, today = family_id(app, "3273020202180002"), clock.today()
    response = set_inactive(officer, fid, "keluarga", "pindah_luar_negeri", today.strftime("%d-%m-%Y"))
    assert response.status_code == 303
    html = page(officer.get(f"/petugas/keluarga/{fid}"))
    assert "pindah ke luar negeri" in html.find(id="status").get_text()
    dewi = signed_in_client(app, "peserta_lunas")
    assert "NONAKTIF" in page(dewi.get("/kepesertaan")).get_text()
    with app.app_context():
        change = MembershipChange.select().where(MembershipChange.family == fid).order_by(MembershipChange.id.desc()).get()
        assert (change.field, change.new_value, change.effective_on) == ("inactive_reason", "pindah_luar_negeri", today)
        assert AuditLog.select().where(AuditLog.action == "inactive_status_set").exists()
    assert set_inactive(officer, fid, "keluarga", "cabut", today.strftime("%d-%m-%Y")).status_code == 303
    assert "AKTIF" == page(officer.get(f"/petugas/keluarga/{fid}")).find(id="status").get_text().strip()


def test_a_future_effective_date_waits(app, officer):
    fid = family_id(app, "3273020202180002")
    later = clock.today() + timedelta(days=20)
    assert set_inactive(officer, fid, "keluarga", "ppu_berhenti", later.strftime("%d-%m-%Y")).status_code == 303
    with app.app_context():
        family = Family.get_by_id(fid)
        assert family.status_on(clock.today()).code == "aktif"
        assert family.status_on(later).code == "nonaktif_lain"


def test_one_member_deceased(app, officer):
    fid = family_id(app, "3273020202180002")
    with app.app_context():
        agus = Participant.by_card("0001000000005")
    response = set_inactive(officer, fid, str(agus.id), "meninggal", clock.today().strftime("%d-%m-%Y"))
    assert response.status_code == 303
    with app.app_context():
        agus = Participant.by_card("0001000000005")
        assert agus.status_on(clock.today()).code == "nonaktif_lain"
        assert Family.get_by_id(fid).status_on(clock.today()).code == "aktif"


@pytest.mark.parametrize(("target", "reason", "day", "field", "words"), [
    ("keluarga", "bosan", "01-12-2026", "reason", "daftar"),
    ("keluarga", "meninggal", "31-02-2026", "effective_from", "Tulis tanggal"),
    ("keluarga", "meninggal", "01-01-2000", "effective_from", "lima tahun"),
    ("999999", "meninggal", "01-12-2026", "target", "Pilih keluarga"),
])
def test_bad_status_input_saves_nothing(app, officer, target, reason, day, field, words):
    fid = family_id(app, "3273020202180002")
    if target != "999999" and field != "effective_from":
        day = clock.today().strftime("%d-%m-%Y")
    response = set_inactive(officer, fid, target, reason, day)
    assert response.status_code == 200 and words in field_error(response, field)
    with app.app_context():
        assert Family.get_by_id(fid).inactive_reason is None


def test_another_familys_member_cannot_be_set_through_this_family(app, officer):
    with app.app_context():
        budi = Participant.by_card(BUDI_CARD)
    response = set_inactive(officer, family_id(app, "3273020202180002"), str(budi.id), "meninggal",
                            clock.today().strftime("%d-%m-%Y"))
    assert response.status_code == 200
    with app.app_context():
        assert Participant.by_card(BUDI_CARD).inactive_reason is None


def test_unknown_family_is_404(officer):
    assert officer.get("/petugas/keluarga/999999").status_code == 404


def test_the_work_queue_pages_past_50(app, officer):
    with app.app_context():
        budi = Participant.by_card(BUDI_CARD)
        user = User.get(User.participant == budi)
        for number in range(55):
            ChangeRequest.create(participant=budi, requested_by=user, kind="name", reason=f"r{number}")
    first = page(officer.get("/petugas/antrean-kerja"))
    next_link = first.find("a", string="Halaman berikutnya")
    assert next_link is not None
    second = page(officer.get(next_link["href"]))
    firsts = {a["href"] for a in first.find_all("a", href=lambda h: h and "perubahan" in h)}
    seconds = {a["href"] for a in second.find_all("a", href=lambda h: h and "perubahan" in h)}
    assert len(firsts) == 50 and len(seconds) >= 5 and not firsts & seconds
    assert second.find("a", string="Halaman sebelumnya") is not None
    assert officer.get("/petugas/antrean-kerja?halaman=abc").status_code == 200
    assert officer.get("/petugas/antrean-kerja?halaman=" + "9" * 400).status_code == 200


def test_the_crawler_reaches_the_family_page_after_a_look_up(app, officer):
    look_up(officer, BUDI_CARD)
    seen, problems = set(), {}
    for url, response, soup in crawl(officer):
        seen.add(url)
        found = page_problems(url, response, soup)
        if found:
            problems[url] = found
    assert not problems, problems
    assert f"/petugas/keluarga/{family_id(app)}" in seen and "/petugas/cari-peserta" in seen


def test_one_decision_form_for_every_review():
    from app.changes import views as change_views
    from app.core.forms import DecisionForm
    from app.registration import views as registration_views

    assert registration_views.DecisionForm is DecisionForm is change_views.DecisionForm


def test_a_family_page_reads_the_same_number_of_queries_however_many_members(app):
    """The status comes from the stored ledger once, for the family and every member (it was worked
    out again from every payment, once for the family and once per member)."""
    from app.contributions import ledger
    from tests.helpers import new_family, statements_run

    officer = signed_in_client(app, "petugas_bpjs")
    counts = []
    for members in (1, 4):
        with app.app_context():
            family = new_family(members=members)
            ledger.store(family)
        officer.get(f"/petugas/keluarga/{family.id}")  # (the session's first view of it)
        with app.app_context(), statements_run() as statements:
            html = page(officer.get(f"/petugas/keluarga/{family.id}"))
        names = [li.get_text() for li in html.select("main li")]
        assert sum("Peserta Uji" in name for name in names) == members
        counts.append(len(statements))
    assert counts[0] == counts[1]
