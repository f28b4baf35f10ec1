"""Unmatched payments for officers (/petugas/pembayaran): the queue oldest first with keyset pages,
one payment's page, and one decision — assign to a family by exact VA or KK number, or refund with
a note — audited, refused cleanly when wrong or when already decided, and only for officers."""
import uuid
from datetime import datetime, timedelta

import pytest

from app.core import clock
from app.models import Allocation, AuditLog, Family, Payment, User
from app.rules.contributions import month_of
from tests.helpers import (
    FAMILY_1_VA,
    FAMILY_2_VA,
    REACTIVATION,
    new_family,
    page,
    page_problems,
    signed_in_client,
)

LIST = "/petugas/pembayaran"
FAMILY_2_KK = "3273020202180002"


def unmatched(amount=REACTIVATION, va="9999900000000001", reason="unknown_va", family=None, **fields):
    return Payment.create(family=family, va_number=va, amount=amount, channel="demo",
                          reference=f"U-{uuid.uuid4().hex[:16]}", paid_at=clock.now() - timedelta(hours=2),
                          status="unmatched", unmatched_reason=reason, **fields)


@pytest.fixture
def payment(app):
    with app.app_context():
        return unmatched()


def detail_url(payment_id):
    return f"{LIST}/{payment_id}"


def csrf_of(client, path=LIST):
    return page(client.get(path)).find("input", {"name": "csrf_token"})["value"]


def decide(client, payment_id, decision, number="", note="", **extra):
    data = {"csrf_token": csrf_of(client, detail_url(payment_id)), "decision": decision, "number": number,
            "note": note, **extra}
    return client.post(detail_url(payment_id), data=data)


def field_error(response, name):
    """The error shown next to the field `name` (inside its .field wrapper), or None."""
    control = page(response).find(attrs={"name": name})
    error = control.find_parent("div", class_="field").find("p", class_="error")
    return error.get_text(strip=True) if error else None


def audit_entries(payment_id):
    return [e.action for e in AuditLog.select().where(AuditLog.subject == f"payment:{payment_id}")
            .order_by(AuditLog.id)]


def state(payment_id):
    p = Payment.get_by_id(payment_id)
    return p.status, p.family_id, p.resolved_by_id, p.resolution_note


# --- access -------------------------------------------------------------------------------------

def test_strangers_are_sent_to_sign_in(client, payment):
    for path in (LIST, detail_url(payment.id)):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next=")


@pytest.mark.parametrize("role", ["peserta", "peserta_lunas", "fasilitator", "petugas_faskes"])
def test_other_roles_are_refused_and_cannot_decide(app, payment, role):
    client = signed_in_client(app, role)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(payment.id)).status_code == 403
    token = page(client.get("/", follow_redirects=True)).find("input", {"name": "csrf_token"})["value"]
    response = client.post(detail_url(payment.id), data={"csrf_token": token, "decision": "refund",
                                                         "note": "coba-coba"})
    assert response.status_code == 403
    with app.app_context():
        assert state(payment.id) == ("unmatched", None, None, "")
        assert audit_entries(payment.id) == []


@pytest.mark.parametrize("role", ["petugas_bpjs", "admin"])
def test_officers_and_admins_see_the_queue(app, payment, role):
    response = signed_in_client(app, role).get(LIST)
    assert response.status_code == 200
    assert page(response).find("a", href=detail_url(payment.id))


def test_a_post_without_csrf_token_changes_nothing(app, officer, payment):
    response = officer.post(detail_url(payment.id), data={"decision": "refund", "note": "kembali"})
    assert response.status_code == 400
    with app.app_context():
        assert state(payment.id)[0] == "unmatched"


def test_an_unknown_payment_is_404(officer):
    assert officer.get(detail_url(10**9)).status_code == 404


# --- the queue ----------------------------------------------------------------------------------

def test_the_queue_lists_only_unmatched_payments_oldest_first_50_a_page(app, officer):
    with app.app_context():
        ours = [unmatched(amount=1000 + i).id for i in range(55)]
        applied = Payment.create(family=Family.get(Family.va_number == FAMILY_2_VA), va_number=FAMILY_2_VA,
                                 amount=5, channel="demo", reference=f"A-{uuid.uuid4().hex}",
                                 paid_at=clock.now(), status="applied")
    seen, url, pages = [], LIST, 0
    while url and pages < 50:
        soup = page(officer.get(url))
        items = soup.select("ol.list li a")
        assert len(items) <= 50
        seen += [int(a["href"].rsplit("/", 1)[1]) for a in items]
        more = soup.find("a", string="Halaman berikutnya")
        url = more["href"] if more else None
        if url:
            assert len(items) == 50 and "?sebelum=" in url
        pages += 1
    assert [pid for pid in seen if pid in ours] == ours  # every one, once, in order
    assert applied.id not in seen
    with app.app_context():
        assert all(Payment.get_by_id(pid).status == "unmatched" for pid in seen)


def test_a_bad_page_cursor_shows_the_first_page(officer, payment):
    for cursor in ("abc", "-1", "99999999999"):
        response = officer.get(f"{LIST}?sebelum={cursor}")
        assert response.status_code == 200


def test_queue_and_payment_pages_are_valid_and_within_budget(app, officer, payment):
    for path in (LIST, detail_url(payment.id)):
        response = officer.get(path, headers={"Accept-Encoding": "gzip"})
        soup = page(officer.get(path))
        assert page_problems(path, response, soup) == []


# --- one payment: the form ------------------------------------------------------------------------

def test_the_payment_page_shows_the_facts_and_one_form(officer, payment):
    soup = page(officer.get(detail_url(payment.id)))
    text = soup.get_text(" ", strip=True)
    assert "9999900000000001" in text and "Rp420.000" in text and payment.reference in text
    forms = soup.find_all("form", method="post", action=detail_url(payment.id))
    assert len(forms) == 1
    form = forms[0]
    assert form.find("input", {"name": "csrf_token"})
    assert {b["value"] for b in form.find_all("button", {"name": "decision"})} == {"assign", "refund"}
    assert soup.find("label", {"for": "number"}) and soup.find("label", {"for": "note"})


def test_assign_by_va_applies_it_oldest_months_first_and_audits(app, officer, payment):
    today = clock.today()
    with app.app_context():
        budi = Family.get(Family.va_number == FAMILY_1_VA)
        owed = budi.outstanding(today)
        assert budi.status_on(today).code == "nonaktif_tunggakan"
    response = decide(officer, payment.id, "assign", number=f" {FAMILY_1_VA} ", note="VA salah ketik")
    assert response.status_code == 303 and response.headers["Location"].endswith(detail_url(payment.id))
    with app.app_context():
        petugas = User.get(User.username == "petugas")
        assert state(payment.id) == ("applied", budi.id, petugas.id, "VA salah ketik")
        assert [(a.month, a.amount) for a in Allocation.select().where(Allocation.payment == payment.id)
                .order_by(Allocation.month)] == owed
        assert Family.get_by_id(budi.id).status_on(today).code == "aktif"
        entry = AuditLog.get((AuditLog.subject == f"payment:{payment.id}") & (AuditLog.action == "payment_assigned"))
        assert entry.actor_id == petugas.id
    after = page(officer.get(detail_url(payment.id)))
    assert after.find("form", action=detail_url(payment.id)) is None  # decided: no form any more
    assert "Pembayaran Rp420.000 ditetapkan" in after.get_text()


def test_assign_by_kk_number_keeps_what_is_not_owed_as_credit(app, officer):
    with app.app_context():
        payment = unmatched(amount=50_000)
        dewi = Family.get(Family.kk_number == FAMILY_2_KK)  # paid up
        credit = dewi.credit()
    assert decide(officer, payment.id, "assign", number=FAMILY_2_KK).status_code == 303
    with app.app_context():
        assert Family.get_by_id(dewi.id).credit() == credit + 50_000
        assert state(payment.id)[:2] == ("applied", dewi.id)


@pytest.mark.parametrize("number, message", [
    ("", "Isi nomor VA atau nomor KK"),
    ("12345", "16 angka"),
    ("8888800000000001x", "16 angka"),
    ("9999999999999999", "Tidak ada keluarga"),
])
def test_a_wrong_number_is_shown_next_to_the_field_and_changes_nothing(app, officer, payment, number, message):
    response = decide(officer, payment.id, "assign", number=number, note="catatan")
    assert response.status_code == 200
    assert message in field_error(response, "number")
    soup = page(response)
    assert soup.find("input", {"name": "number"}).get("value", "") == number  # what was typed is kept
    assert soup.find("textarea", {"name": "note"}).get_text().strip() == "catatan"
    with app.app_context():
        assert state(payment.id) == ("unmatched", None, None, "")
        assert audit_entries(payment.id) == []


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_a_pbi_or_ppu_family_cannot_receive_a_payment(app, officer, payment, segment):
    with app.app_context():
        kk = new_family(segment=segment).kk_number
    response = decide(officer, payment.id, "assign", number=kk)
    assert response.status_code == 200
    assert "PBI/PPU" in field_error(response, "number")
    with app.app_context():
        assert state(payment.id)[0] == "unmatched"


def test_refund_needs_a_note(app, officer, payment):
    response = decide(officer, payment.id, "refund", note="   ")
    assert response.status_code == 200
    assert "Wajib diisi" in field_error(response, "note")
    with app.app_context():
        assert state(payment.id) == ("unmatched", None, None, "")


def test_refund_with_a_note_is_recorded_and_audited(app, officer, payment):
    response = decide(officer, payment.id, "refund", note="Dikembalikan ke rekening pengirim, tiket 77")
    assert response.status_code == 303
    with app.app_context():
        petugas = User.get(User.username == "petugas")
        assert state(payment.id) == ("refunded", None, petugas.id, "Dikembalikan ke rekening pengirim, tiket 77")
        assert audit_entries(payment.id) == ["payment_refunded"]
    assert "Dikembalikan ke pembayar" in page(officer.get(detail_url(payment.id))).get_text()


def test_deciding_twice_says_so_and_changes_nothing(app, officer, payment):
    stale_token = csrf_of(officer, detail_url(payment.id))
    assert decide(officer, payment.id, "refund", note="kembali").status_code == 303
    # a second officer's page, opened before the first decision, submits afterwards
    for data in ({"decision": "assign", "number": FAMILY_1_VA}, {"decision": "refund", "note": "lagi"}):
        response = officer.post(detail_url(payment.id), data={"csrf_token": stale_token, **data})
        assert response.status_code == 200
        assert "sudah diputuskan" in page(response).find("p", class_="error").get_text()
    with app.app_context():
        assert state(payment.id)[:2] == ("refunded", None)
        assert audit_entries(payment.id) == ["payment_refunded"]
        budi = Family.get(Family.va_number == FAMILY_1_VA)
        assert Allocation.select().where(Allocation.payment == payment.id).count() == 0
        assert budi.status_on(clock.today()).code == "nonaktif_tunggakan"


def test_an_unknown_decision_is_refused(app, officer, payment):
    response = decide(officer, payment.id, "hapus", number=FAMILY_1_VA, note="x")
    assert response.status_code == 200
    assert "Pilih salah satu" in page(response).find("p", class_="error").get_text()
    with app.app_context():
        assert state(payment.id)[0] == "unmatched"


def test_an_amount_mismatch_shows_its_family_and_the_view_is_audited(app, officer):
    with app.app_context():
        fam = new_family(segment="PBI")
        payment = unmatched(va=fam.va_number, reason="amount_mismatch", family=fam)
    text = page(officer.get(detail_url(payment.id))).get_text(" ", strip=True)
    assert fam.kk_number in text and "Jumlah tidak dapat diterapkan" in text
    with app.app_context():
        assert audit_entries(payment.id) == ["payment_viewed"]


def test_assigned_payment_of_an_earlier_day_counts_from_its_paid_at(app, officer):
    """The money arrived when the payer paid it, not when the officer decided."""
    with app.app_context():
        payment = unmatched(amount=REACTIVATION)
        yesterday = clock.today() - timedelta(days=1)
        payment.paid_at = datetime.combine(yesterday, datetime.min.time()) + timedelta(hours=3)  # 10.00 WIB
        payment.save()
    assert decide(officer, payment.id, "assign", number=FAMILY_1_VA).status_code == 303
    with app.app_context():
        paid = Family.get(Family.va_number == FAMILY_1_VA).paid_months()
        assert paid[month_of(clock.today())] == yesterday
