"""The SMS channel: the signed inbound webhook, the commands with forgiving spelling, public answers
to anyone, personal answers only to a verified phone, ≤ 160 GSM-7 characters, no health details,
the per-number limit, and a log without content."""
import hashlib
import hmac
import json

import pytest

from app.api import sms
from app.core import clock
from app.core.config import DEMO_SMS_SECRET
from app.models import Participant, SmsLog
from app.rules.sms_text import gsm7_length, is_gsm7
from tests.helpers import BUDI_CARD, CIBINONG, make_booking, person, poli, today

URL = "/api/v1/sms/masuk"
UNKNOWN = "+6285700000000"


def signed(body, secret=DEMO_SMS_SECRET, timestamp=None, gateway="demo"):
    timestamp = str(clock.epoch() if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Gateway": gateway, "X-Timestamp": timestamp, "X-Signature": signature,
            "Content-Type": "application/json"}


def inbound(client, number, text, **signing):
    body = json.dumps({"from": number, "text": text}).encode()
    return client.post(URL, data=body, headers=signed(body, **signing))


def fits(text):
    return is_gsm7(text) and gsm7_length(text) <= 160 and text


# --- the webhook --------------------------------------------------------------------------------------

def test_a_signed_message_gets_its_reply(client):
    response = inbound(client, UNKNOWN, "bantuan")
    assert response.status_code == 200
    assert response.json["to"] == UNKNOWN and "FASKES" in response.json["reply"] and fits(response.json["reply"])


@pytest.mark.parametrize("signing", [
    {"secret": "salah"}, {"gateway": "lain"}, {"timestamp": 1}, {"timestamp": "abc"}])
def test_unsigned_or_stale_messages_are_refused_and_not_logged(app, client, signing):
    response = inbound(client, UNKNOWN, "status", **signing)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    with app.app_context():
        assert SmsLog.select().count() == 0


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", json.dumps({"from": "abc", "text": "x"}).encode(),
                                  json.dumps({"from": UNKNOWN}).encode(), b"x" * 5000])
def test_bodies_that_are_not_a_message_are_4xx(client, body):
    assert 400 <= client.post(URL, data=body, headers=signed(body)).status_code < 500


# --- the answers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "BANTUAN", "  help  ", "?", "x" * 1000, "🙂🙂🙂", "apa ini",
                                  "ｓｔａｔｕｓ", "faskes", "faskes kecamatan tidak ada sama sekali"])
def test_every_reply_is_short_gsm7_and_helpful(app, text):
    with app.test_request_context():
        answer = sms.reply(UNKNOWN, text)
    assert fits(answer)


def test_faskes_lists_three_nearest_fktps_with_phones(app):
    with app.test_request_context():
        answer = sms.reply(UNKNOWN, "  faskes   kec. CIBINONG ")
    assert fits(answer)
    assert "Puskesmas Cibinong 021-555-0101" in answer and "Klinik Pratama Harapan Sehat" in answer
    assert "RSUD" not in answer and "Apotek" not in answer  # FKTPs only
    assert answer.count(";") <= 2


def test_personal_commands_from_an_unverified_number_get_no_personal_data(app):
    with app.test_request_context():
        budi = person(BUDI_CARD)
        for text in ("STATUS", "tghn", "antri"):
            answer = sms.reply(budi.phone, text)
            assert "terverifikasi" in answer and "Budi" not in answer and budi.family.va_number not in answer


@pytest.fixture
def verified_budi(app):
    """Budi's phone, verified (as the code typed back on Pesan → SMS marks it)."""
    with app.app_context():
        budi = person(BUDI_CARD)
        budi.phone_verified = budi.phone
        budi.save()
    return budi


def test_only_the_one_person_who_verified_a_number_gets_personal_answers(app, verified_budi):
    with app.app_context():
        assert Participant.by_verified_phone(verified_budi.phone).id == verified_budi.id
        siti = person("0001000000003")
        siti.phone = siti.phone_verified = verified_budi.phone  # two people verified one phone
        siti.save()
        assert Participant.by_verified_phone(verified_budi.phone) is None
        assert "terverifikasi" in sms.reply(verified_budi.phone, "status")


def test_a_verified_phone_gets_status_bill_and_queue(app, verified_budi):
    with app.test_request_context():
        status = sms.reply("+62" + verified_budi.phone[1:], "cek status")
        bill = sms.reply(verified_budi.phone, "tagihan")
        nothing = sms.reply(verified_budi.phone, "antre")
        make_booking(verified_budi, poli(app, CIBINONG, "gigi"), today(), 7)
        booked = sms.reply(verified_budi.phone, "ANTRIAN")
    assert status == "Budi: status JKN NONAKTIF: ada tunggakan iuran."
    assert "Rp420.000" in bill and "8888800000000001" in bill and fits(bill)
    assert nothing == "Tidak ada antrean hari ini."
    assert "nomor 7" in booked and "Puskesmas Cibinong" in booked and fits(booked)
    assert "gigi" not in booked.lower()  # which clinic unit is a health detail


# --- the limit and the log -------------------------------------------------------------------------

def test_a_number_is_limited_per_hour_and_others_are_not(app):
    limit = app.config["SMS_RATE_LIMIT"]
    with app.test_request_context():
        answers = [sms.reply(UNKNOWN, "bantuan") for _ in range(limit + 1)]
        other = sms.reply("081300000000", "bantuan")
    assert "FASKES" in answers[limit - 1] and "Terlalu banyak SMS" in answers[limit]
    assert "FASKES" in other


def test_the_log_keeps_no_content_and_no_number(app, verified_budi):
    with app.test_request_context():
        sms.reply(verified_budi.phone, "tagihan")
        rows = list(SmsLog.select().dicts())
    assert [(r["direction"], r["command"], r["personal"]) for r in rows] == [("in", "tagihan", 0),
                                                                             ("out", "tagihan", 1)]
    flat = json.dumps(rows, default=str)
    assert verified_budi.phone not in flat and verified_budi.phone[1:] not in flat and "8888800000000001" not in flat
