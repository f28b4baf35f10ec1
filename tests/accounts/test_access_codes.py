"""Accounts for every participant aged 17+: a one-time code issued in person by an officer or a
facilitator after checking the KTP, used once within 24 hours to set a password (aktivasi, lupa kata
sandi), bound to its person, hashed, rate-limited, audited, the same answer for every failure."""
import re
from datetime import timedelta

import pytest

from app.accounts import service as access
from app.accounts.channels import CHANNELS, Channel
from app.core import clock
from app.models import AccessCode, AuditLog, Participant, User
from tests.helpers import csrf_post, field_error, page, sign_in, signed_in_client

SITI = ("0001000000003", "3201014203880002", "02-03-1988")  # Budi's wife: no account (demo)
AGUS = ("0001000000005", "3273020511760002", "05-11-1976")  # Dewi's husband, Coblong: no account
NEW_PASSWORD = "kopi-tubruk-pagi-77"
SAME_FAILURE = "Kode tidak cocok, sudah dipakai, atau sudah lewat 24 jam."


def issue(client, card, birth_date, checked="y"):
    data = {"number": card, "birth_date": birth_date}
    if checked:
        data["checked"] = checked
    return csrf_post(client, "/kode-sekali-pakai", data)


def shown_code(response):
    element = page(response).find(id="code")
    assert element is not None, page(response).get_text(" ", strip=True)[:300]
    return element.get_text().replace(" ", "")


def enter_code(client, identifier, code):
    return csrf_post(client, "/aktivasi", {"identifier": identifier, "code": code})


def choose(client, password=NEW_PASSWORD, confirm=None):
    return csrf_post(client, "/aktivasi/kata-sandi", {"new_password": password, "confirm": confirm or password},
                     form_page="/masuk")


def test_officer_issues_a_code_and_a_non_head_member_activates_signs_in_and_changes_password(app, officer):
    with app.app_context():
        assert User.get_or_none(User.participant == Participant.by_card(SITI[0])) is None
    response = issue(officer, SITI[0], SITI[2])
    code = shown_code(response)
    assert re.fullmatch(r"[0-9]{8}", code)
    assert "Siti Aminah" in page(response).get_text()
    with app.app_context():  # only a keyed hash is stored, bound to Siti
        record = AccessCode.select().order_by(AccessCode.id.desc()).first()
        assert record.participant.card_number == SITI[0] and code not in record.code_hash
        assert record.channel == "langsung" and record.purpose == "aktivasi"
        assert record.expires_at - record.issued_at == timedelta(hours=24)
        assert AuditLog.get_or_none((AuditLog.action == "access_code_issued")
                                    & (AuditLog.on_behalf_of == record.participant_id)) is not None

    resident = app.test_client()
    sign_in_page = page(resident.get("/masuk"))
    assert sign_in_page.find("a", href="/aktivasi") is not None  # the sign-in page links the activation page
    response = enter_code(resident, SITI[1], code[:4] + " " + code[4:])  # her NIK, the code as printed
    assert response.status_code == 303 and response.headers["Location"].endswith("/aktivasi/kata-sandi")
    form_page = page(resident.get("/aktivasi/kata-sandi"))
    assert "Siti Aminah" in form_page.get_text()
    weak = choose(resident, "02031988")  # her birth date: refused by the blocklist, code kept
    assert "tanggal lahir" in field_error(weak, "new_password")
    assert "umum" in field_error(choose(resident, "bismillah123"), "new_password")
    done = choose(resident)
    assert done.status_code == 303
    dashboard = resident.get("/beranda")
    assert "Siti Aminah" in page(dashboard).get_text()  # signed in as herself

    stranger = app.test_client()
    assert sign_in(stranger, SITI[0], NEW_PASSWORD).status_code == 303  # and signs in with the card later
    changed = csrf_post(stranger, "/akun/kata-sandi", {"current_password": NEW_PASSWORD,
                                                        "new_password": "teh-manis-sore-88",
                                                        "confirm": "teh-manis-sore-88"})
    assert changed.status_code == 303
    assert sign_in(app.test_client(), SITI[0], "teh-manis-sore-88").status_code == 303
    with app.app_context():
        siti = Participant.by_card(SITI[0])
        account = User.get(User.participant == siti)
        assert account.role == "peserta"
        actions = {entry.action for entry in AuditLog.select().where(AuditLog.on_behalf_of == siti)}
        assert {"access_code_issued", "access_code_verified", "account_activated", "sign_in"} <= actions


def test_a_used_code_cannot_be_used_again(app, officer):
    code = shown_code(issue(officer, SITI[0], SITI[2]))
    first = app.test_client()
    enter_code(first, SITI[0], code)
    assert choose(first).status_code == 303
    again = enter_code(app.test_client(), SITI[0], code)
    assert SAME_FAILURE in field_error(again, "code")


def test_a_code_expires_after_24_hours(app, officer, monkeypatch):
    code = shown_code(issue(officer, SITI[0], SITI[2]))
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = enter_code(app.test_client(), SITI[0], code)
    assert SAME_FAILURE in field_error(response, "code")


def test_a_code_that_expires_between_the_two_steps_is_refused(app, officer, monkeypatch):
    code = shown_code(issue(officer, SITI[0], SITI[2]))
    resident = app.test_client()
    assert enter_code(resident, SITI[0], code).status_code == 303
    later = clock.now() + timedelta(hours=25)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = choose(resident)
    assert response.status_code == 303 and response.headers["Location"].endswith("/aktivasi")
    with app.app_context():
        assert User.get_or_none(User.participant == Participant.by_card(SITI[0])) is None


def test_unknown_person_wrong_code_and_another_persons_code_get_the_same_answer(app, officer):
    siti_code = shown_code(issue(officer, SITI[0], SITI[2]))
    agus_code = shown_code(issue(officer, AGUS[0], AGUS[2]))
    answers = []
    for identifier, code in ((SITI[0], agus_code),  # a code issued for another participant
                             (AGUS[0], siti_code),
                             (SITI[0], f"{(int(siti_code) + 1) % 10**8:08d}"),  # mistyped
                             ("0001999999999", siti_code),  # nobody
                             ("3201010101010001", siti_code),
                             ("petugas", siti_code)):  # a staff account with no code
        response = enter_code(app.test_client(), identifier, code)
        assert response.status_code == 200
        answers.append(field_error(response, "code"))
    assert len(set(answers)) == 1 and SAME_FAILURE in answers[0]
    # both codes still work for their own person
    assert enter_code(app.test_client(), AGUS[1], agus_code).status_code == 303


def test_bad_code_input_is_a_message_next_to_the_field(app):
    for code in ("", "123", "abcdefgh", "1" * 10_000):
        response = enter_code(app.test_client(), SITI[0], code)
        assert response.status_code == 200 and field_error(response, "code")
    response = enter_code(app.test_client(), "1" * 10_000, "12345678")
    assert response.status_code == 200 and field_error(response, "identifier")


def test_five_wrong_codes_burn_the_code(app, officer):
    code = shown_code(issue(officer, SITI[0], SITI[2]))
    wrong = f"{(int(code) + 7) % 10**8:08d}"
    for _ in range(access.MAX_ATTEMPTS):
        enter_code(app.test_client(), SITI[0], wrong)
    assert SAME_FAILURE in field_error(enter_code(app.test_client(), SITI[0], code), "code")


def test_code_attempts_are_rate_limited_per_device(app):
    client = app.test_client()
    for _ in range(10):
        assert enter_code(client, SITI[0], "12345678").status_code == 200
    assert enter_code(client, SITI[0], "12345678").status_code == 429


def test_a_new_code_replaces_the_old_one(app, officer):
    old = shown_code(issue(officer, SITI[0], SITI[2]))
    new = shown_code(issue(officer, SITI[0], SITI[2]))
    assert SAME_FAILURE in field_error(enter_code(app.test_client(), SITI[0], old), "code")
    assert enter_code(app.test_client(), SITI[0], new).status_code == 303


def test_the_second_step_needs_the_first(app):
    response = app.test_client().get("/aktivasi/kata-sandi")
    assert response.status_code == 303 and response.headers["Location"].endswith("/aktivasi")


def test_forgot_password_of_an_existing_account_ends_its_sessions_and_lifts_a_lockout(app, officer):
    budi = signed_in_client(app, "peserta")
    with app.app_context():
        User.update(failed_logins=3).where(User.participant == Participant.by_card("0001000000001")).execute()
    response = issue(officer, "0001000000001", "17-08-1985")
    code = shown_code(response)
    resident = app.test_client()
    enter_code(resident, "0001000000001", code)
    assert choose(resident).status_code == 303
    assert budi.get("/beranda").status_code == 302  # the old session ended
    with app.app_context():
        record = AccessCode.select().order_by(AccessCode.id.desc()).first()
        assert record.purpose == "atur_ulang"
        assert User.get(User.participant == record.participant).failed_logins == 0
        assert AuditLog.select().where(AuditLog.action == "password_reset").exists()


@pytest.mark.parametrize(("card", "birth_date", "checked", "field", "words"), [
    (SITI[0], "03-03-1988", "y", "birth_date", "Tanggal lahir tidak sama"),  # not the KTP's date
    ("0001000000004", "10-01-2015", "y", "birth_date", "di bawah 17 tahun"),  # Rizky, 11 years old
    ("0001999999999", "10-01-2015", "y", "number", "Tidak ada peserta"),
    ("32010142", "02-03-1988", "y", "number", "lengkap"),  # a partial NIK
    (SITI[0], "kemarin", "y", "birth_date", "17-08-1985"),
    (SITI[0], SITI[2], "", "checked", "Periksa KTP"),  # the identity check not confirmed
])
def test_no_code_without_the_identity_check(app, officer, card, birth_date, checked, field, words):
    response = issue(officer, card, birth_date, checked)
    assert response.status_code == 200 and page(response).find(id="code") is None
    assert words in field_error(response, field)
    with app.app_context():
        assert not AccessCode.select().exists()


def test_a_facilitator_issues_codes_only_in_their_districts(app):
    facilitator = signed_in_client(app, "fasilitator")  # demo: Cibinong and Coblong
    assert shown_code(issue(facilitator, SITI[0], SITI[2]))
    tigaraksa = issue(facilitator, "0001000000010", "25-01-1950")  # Ahmad Sobari, Tigaraksa
    assert "luar kecamatan" in field_error(tigaraksa, "birth_date")


def test_the_code_pages_are_for_staff_who_check_identities(app):
    assert signed_in_client(app, "peserta").get("/kode-sekali-pakai").status_code == 403
    assert signed_in_client(app, "petugas_faskes").get("/kode-sekali-pakai").status_code == 403
    assert app.test_client().get("/kode-sekali-pakai").status_code == 302


def test_the_channel_is_the_only_thing_an_sms_delivery_would_add(app, monkeypatch):
    sent = []

    class FakeSms(Channel):  # an SMS channel delivers by itself: the issuer is handed nothing
        name = "sms"

        def deliver(self, code, participant=None, user=None):
            sent.append((code, participant.card_number))

    monkeypatch.setitem(CHANNELS, "sms", FakeSms())
    with app.app_context():
        siti = Participant.by_card(SITI[0])
        record, handed_over = access.issue_code(User.get(User.username == "petugas"), participant=siti,
                                                channel="sms")
        assert handed_over is None and sent[0][1] == SITI[0] and record.channel == "sms"
        assert access.verify_code(SITI[0], sent[0][0]) == record.id
