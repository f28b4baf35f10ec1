"""Payment callback API (POST /api/v1/payments/callback): signature, idempotency, validation,
allocation oldest month first, credit, unmatched payments, and concurrent callbacks on the real
database. The signature is computed here from the documented contract, not by the app's own code.
"""
import hashlib
import hmac
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest

from app import create_app
from app.contributions import payments as service
from app.core import clock
from app.core.config import DEMO_PAYMENT_SECRET, Config
from app.core.db import db
from app.models import Allocation, CallbackEvent, Family, Payment
from app.rules.contributions import add_months, month_of
from tests.helpers import (
    FAMILY_1_VA,
    FAMILY_2_VA,
    REACTIVATION,
    new_family,
    page,
    run_together,
    signed_in_client,
)

URL = "/api/v1/payments/callback"
MISSING = object()


def reference():
    return f"T-{uuid.uuid4().hex[:16]}"


def now_wib(**delta):
    return (datetime.now(clock.WIB) + timedelta(**delta)).isoformat(timespec="seconds")


def callback_body(**fields):
    data = {"va_number": FAMILY_1_VA, "amount": 105_000, "channel": "demo", "reference": reference(),
            "paid_at": now_wib()}
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not MISSING}).encode()


def signature(secret, timestamp, raw):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()


def signed_headers(raw, channel="demo", secret=DEMO_PAYMENT_SECRET, timestamp=None):
    timestamp = str(clock.epoch() if timestamp is None else timestamp)
    return {"X-Channel": channel, "X-Timestamp": timestamp, "X-Signature": signature(secret, timestamp, raw),
            "Content-Type": "application/json"}


def post(client, raw, **signing):
    return client.post(URL, data=raw, headers=signed_headers(raw, **signing))


def pay(client, **fields):
    raw = callback_body(**fields)
    return post(client, raw), json.loads(raw)


def last_event():
    return CallbackEvent.select().order_by(CallbackEvent.id.desc()).get()


def payments_with(ref):
    return Payment.select().where(Payment.reference == ref).count()


def family(va):
    return Family.get(Family.va_number == va)


def allocations_of(payment_id):
    return [(a.month, a.amount) for a in Allocation.select().where(Allocation.payment == payment_id)
            .order_by(Allocation.month, Allocation.id)]


# --- the happy path: oldest months first, then credit ---------------------------------------

def test_reactivation_amount_pays_the_arrears_oldest_first_and_family_1_turns_active(app, client):
    today = clock.today()
    with app.app_context():
        budi = family(FAMILY_1_VA)
        assert budi.status_on(today).code == "nonaktif_tunggakan"
        owed = budi.outstanding(today)
        assert sum(amount for _, amount in owed) == REACTIVATION and len(owed) == 4
        credit_before = budi.credit()

    response, sent = pay(client, amount=REACTIVATION)

    assert response.status_code == 200
    assert response.is_json and response.json["status"] == "applied"
    with app.app_context():
        budi = family(FAMILY_1_VA)
        assert budi.status_on(today).code == "aktif"
        assert budi.outstanding(today) == []
        assert budi.credit() == credit_before
        payment = Payment.get_by_id(response.json["payment_id"])
        assert (payment.status, payment.family_id, payment.amount) == ("applied", budi.id, REACTIVATION)
        assert allocations_of(payment.id) == owed  # each month in full, oldest first
        event = last_event()
        assert (event.outcome, event.channel, event.reference) == ("applied", "demo", sent["reference"])


def test_a_partial_payment_goes_to_the_oldest_month_first(app, client):
    today = clock.today()
    with app.app_context():
        oldest, second = [month for month, _ in family(FAMILY_1_VA).outstanding(today)][:2]
    response, _ = pay(client, amount=150_000)
    assert response.status_code == 200
    with app.app_context():
        assert allocations_of(response.json["payment_id"]) == [(oldest, 105_000), (second, 45_000)]
        budi = family(FAMILY_1_VA)
        assert budi.status_on(today).code == "nonaktif_tunggakan"
        assert dict(budi.outstanding(today))[second] == 60_000


def test_overpayment_is_kept_as_the_familys_credit_and_grows(app, client):
    with app.app_context():
        budi, dewi = family(FAMILY_1_VA), family(FAMILY_2_VA)
        budi_before, dewi_before = budi.credit(), dewi.credit()
    assert pay(client, amount=REACTIVATION + 50_000)[0].status_code == 200
    with app.app_context():
        assert family(FAMILY_1_VA).credit() == budi_before + 50_000
        assert family(FAMILY_1_VA).status_on(clock.today()).code == "aktif"
    assert pay(client, amount=30_000)[0].json["status"] == "applied"
    with app.app_context():
        assert family(FAMILY_1_VA).credit() == budi_before + 80_000
        assert family(FAMILY_2_VA).credit() == dewi_before  # never moved to another family


def test_existing_credit_is_spent_before_a_later_payment(app, client):
    first = pay(client, amount=REACTIVATION + 50_000)[0].json["payment_id"]
    next_month = add_months(month_of(clock.today()), 1)
    with app.app_context():
        budi = family(FAMILY_1_VA)
        credit_before = budi.credit()
        later = service.apply_payment(FAMILY_1_VA, 60_000, "demo", reference(),
                                      datetime.combine(next_month, datetime.min.time()) + timedelta(hours=3),
                                      today=next_month.replace(day=2))
        assert later.status == "applied"
        assert allocations_of(first)[-1] == (next_month, 50_000)  # the older payment's credit first
        assert allocations_of(later.payment.id) == [(next_month, 55_000)]
        assert family(FAMILY_1_VA).credit() == credit_before - 50_000 + 5_000


def test_apply_credit_spends_credit_on_a_new_month(app, client):
    pay(client, amount=REACTIVATION + 200_000)
    next_month = add_months(month_of(clock.today()), 1)
    with app.app_context():
        before = family(FAMILY_1_VA).credit()
        assert service.apply_credit(family(FAMILY_1_VA).id, today=next_month) == [(next_month, 105_000)]
        assert family(FAMILY_1_VA).credit() == before - 105_000
        assert family(FAMILY_1_VA).status_on(next_month.replace(day=20)).code == "aktif"


# --- unmatched --------------------------------------------------------------------------------

def test_unknown_va_is_kept_as_unmatched_and_listed_for_officers(app, client):
    response = pay(client, va_number="9999912345678901", amount=77_000)[0]
    assert response.status_code == 202
    assert response.json["status"] == "unmatched"
    with app.app_context():
        payment = Payment.get_by_id(response.json["payment_id"])
        assert (payment.status, payment.unmatched_reason, payment.family_id) == ("unmatched", "unknown_va", None)
        assert Allocation.select().where(Allocation.payment == payment.id).count() == 0
        assert last_event().outcome == "unmatched"
    officer = signed_in_client(app, "petugas_bpjs")
    listing = page(officer.get("/petugas/pembayaran"))
    link = listing.find("a", href=f"/petugas/pembayaran/{payment.id}")
    assert link is not None and "9999912345678901" in link.get_text()


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_a_payment_to_a_pbi_or_ppu_family_is_an_amount_mismatch(app, client, segment):
    with app.app_context():
        fam = new_family(segment=segment)
    response, _ = pay(client, va_number=fam.va_number, amount=105_000)
    assert response.status_code == 202 and response.json["status"] == "unmatched"
    with app.app_context():
        payment = Payment.get_by_id(response.json["payment_id"])
        assert (payment.unmatched_reason, payment.family_id) == ("amount_mismatch", fam.id)
        assert Family.get_by_id(fam.id).credit() == 0


def test_more_than_twelve_months_of_credit_is_an_amount_mismatch(app, client):
    with app.app_context():
        dewi = family(FAMILY_2_VA)  # paid up: Kelas II, 2 members, Rp200.000 a month
        assert dewi.outstanding(clock.today()) == []
        year = 12 * dewi.monthly_due(clock.today()) - dewi.credit()
    too_much = pay(client, va_number=FAMILY_2_VA, amount=year + 1)[0]
    assert too_much.status_code == 202
    a_year = pay(client, va_number=FAMILY_2_VA, amount=year)[0]
    assert a_year.status_code == 200
    with app.app_context():
        assert Payment.get_by_id(too_much.json["payment_id"]).unmatched_reason == "amount_mismatch"


# --- signature ----------------------------------------------------------------------------------

def assert_refused(app, response, status, code, ref=None):
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"] == code and response.json["message"]
    with app.app_context():
        event = last_event()
        assert event.outcome == code
        assert DEMO_PAYMENT_SECRET not in f"{event.detail}{event.channel}{event.reference}"
        if ref is not None:
            assert payments_with(ref) == 0
            assert event.reference == ref


def test_wrong_secret_is_refused(app, client):
    raw = callback_body()
    response = post(client, raw, secret="not-the-secret")
    assert_refused(app, response, 401, "bad_signature", json.loads(raw)["reference"])


def test_a_body_changed_after_signing_is_refused(app, client):
    raw = callback_body(amount=1_000)
    headers = signed_headers(raw)
    tampered = raw.replace(b'"amount": 1000', b'"amount": 9000')
    assert tampered != raw
    assert_refused(app, client.post(URL, data=tampered, headers=headers), 401, "bad_signature")


def test_a_signature_over_the_body_without_the_timestamp_is_refused(app, client):
    raw = callback_body()
    headers = signed_headers(raw)
    headers["X-Signature"] = hmac.new(DEMO_PAYMENT_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert_refused(app, client.post(URL, data=raw, headers=headers), 401, "bad_signature")


@pytest.mark.parametrize("header", ["X-Channel", "X-Timestamp", "X-Signature"])
def test_missing_signature_headers_are_refused(app, client, header):
    raw = callback_body()
    headers = signed_headers(raw)
    del headers[header]
    assert_refused(app, client.post(URL, data=raw, headers=headers), 401, "missing_signature",
                   json.loads(raw)["reference"])


def test_unknown_channel_is_refused(app, client):
    raw = callback_body(channel="bank-x")
    assert_refused(app, post(client, raw, channel="bank-x", secret="whatever"), 401, "unknown_channel")
    assert last_event_channel(app) == "bank-x"


def last_event_channel(app):
    with app.app_context():
        return last_event().channel


@pytest.mark.parametrize("offset", [-301, 301, -10_000])
def test_stale_and_future_timestamps_are_refused(app, client, offset):
    raw = callback_body()
    response = post(client, raw, timestamp=clock.epoch() + offset)
    assert_refused(app, response, 401, "stale_timestamp", json.loads(raw)["reference"])


@pytest.mark.parametrize("offset", [-290, 290])
def test_timestamps_within_five_minutes_are_accepted(client, offset):
    assert post(client, callback_body(), timestamp=clock.epoch() + offset).status_code == 200


def test_a_timestamp_that_is_not_unix_seconds_is_refused(app, client):
    raw = callback_body()
    assert_refused(app, post(client, raw, timestamp="2026-11-25T10:00:00"), 401, "bad_timestamp")


def test_the_demo_secret_never_works_in_production(app):
    assert Config.PAYMENT_CHANNEL_SECRETS.get("demo") != DEMO_PAYMENT_SECRET
    production = create_app({**{key: value for key, value in app.config.items() if key.isupper()},
                             "ENV_NAME": "production", "TESTING": False,
                             "PAYMENT_CHANNEL_SECRETS": {"demo": DEMO_PAYMENT_SECRET}})
    raw = callback_body()
    response = post(production.test_client(), raw)
    assert response.status_code == 401 and response.json["error"] == "unknown_channel"


# --- idempotency --------------------------------------------------------------------------------

def test_a_replayed_callback_is_acknowledged_and_changes_nothing(app, client):
    raw = callback_body(amount=REACTIVATION)
    headers = signed_headers(raw)
    first = client.post(URL, data=raw, headers=headers)
    with app.app_context():
        allocated = Allocation.select().where(Allocation.family == family(FAMILY_1_VA)).count()
    again = client.post(URL, data=raw, headers=headers)
    assert first.status_code == again.status_code == 200
    assert (first.json["status"], again.json["status"]) == ("applied", "duplicate")
    assert again.json["payment_id"] == first.json["payment_id"]
    with app.app_context():
        assert payments_with(json.loads(raw)["reference"]) == 1
        assert Allocation.select().where(Allocation.family == family(FAMILY_1_VA)).count() == allocated
        assert last_event().outcome == "duplicate"


def test_a_duplicate_reference_with_another_body_changes_nothing(app, client):
    ref = reference()
    first = pay(client, reference=ref, amount=105_000)[0]
    with app.app_context():
        credit = family(FAMILY_1_VA).credit()
        outstanding = family(FAMILY_1_VA).outstanding(clock.today())
    second = pay(client, reference=ref, amount=900_000, va_number=FAMILY_2_VA)[0]
    assert second.status_code == 200 and second.json == {"status": "duplicate",
                                                          "payment_id": first.json["payment_id"]}
    with app.app_context():
        assert Payment.get_by_id(first.json["payment_id"]).amount == 105_000
        assert family(FAMILY_1_VA).credit() == credit
        assert family(FAMILY_1_VA).outstanding(clock.today()) == outstanding
        assert json.loads(last_event().detail)["differs"] is True


def test_the_same_reference_from_another_channel_is_another_payment(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_CHANNEL_SECRETS",
                        {**app.config["PAYMENT_CHANNEL_SECRETS"], "bank-b": "rahasia-bank-b"})
    ref = reference()
    assert pay(client, reference=ref)[0].json["status"] == "applied"
    raw = callback_body(reference=ref, channel="bank-b")
    assert post(client, raw, channel="bank-b", secret="rahasia-bank-b").json["status"] == "applied"
    with app.app_context():
        assert payments_with(ref) == 2


def test_the_unique_index_is_the_final_guard_against_a_race(app, client, monkeypatch):
    """A concurrent callback commits the same reference between our check and our insert."""
    sent = pay(client, amount=1_000)[1]
    checks, recorded = [], service._recorded

    def not_yet(channel, ref):
        checks.append(ref)
        return None if len(checks) == 1 else recorded(channel, ref)

    monkeypatch.setattr(service, "_recorded", not_yet)
    with app.app_context():
        outcome = service.apply_payment(FAMILY_1_VA, 1_000, "demo", sent["reference"], clock.now())
        assert outcome.status == "duplicate" and len(checks) == 2
        assert payments_with(sent["reference"]) == 1
        assert family(FAMILY_1_VA).status_on(clock.today()).code == "nonaktif_tunggakan"  # still usable


# --- malformed bodies ---------------------------------------------------------------------------

MALFORMED = {
    "not json": (b"{", "invalid_json"),
    "a json array": (b"[1, 2]", "invalid_json"),
    "a json string": (b'"halo"', "invalid_json"),
    "empty": (b"", "invalid_json"),
    "not utf-8": (b'{"amount": "\xff\xfe"}', "invalid_json"),
    "nested too deep": (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    "a 5000-digit number": (b'{"amount": 1' + b"0" * 5000 + b"}", "invalid_json"),
    "va_number missing": (callback_body(va_number=MISSING), "missing_field"),
    "amount missing": (callback_body(amount=MISSING), "missing_field"),
    "channel missing": (callback_body(channel=MISSING), "missing_field"),
    "reference missing": (callback_body(reference=MISSING), "missing_field"),
    "paid_at missing": (callback_body(paid_at=MISSING), "missing_field"),
    "amount null": (callback_body(amount=None), "missing_field"),
    "amount as text": (callback_body(amount="105000"), "invalid_amount"),
    "amount with decimals": (callback_body(amount=105000.5), "invalid_amount"),
    "amount as float": (callback_body(amount=105000.0), "invalid_amount"),
    "amount true": (callback_body(amount=True), "invalid_amount"),
    "amount zero": (callback_body(amount=0), "invalid_amount"),
    "amount negative": (callback_body(amount=-105000), "invalid_amount"),
    "amount absurd": (callback_body(amount=1_000_000_001), "invalid_amount"),
    "amount NaN": (callback_body(amount=float("nan")), "invalid_amount"),
    "va of 15 digits": (callback_body(va_number=FAMILY_1_VA[:-1]), "invalid_va_number"),
    "va of 17 digits": (callback_body(va_number=FAMILY_1_VA + "0"), "invalid_va_number"),
    "va with letters": (callback_body(va_number="88888000000000AB"), "invalid_va_number"),
    "va as a number": (callback_body(va_number=8888800000000001), "invalid_va_number"),
    "va in full-width digits": (callback_body(va_number="８" * 16), "invalid_va_number"),
    "va with a newline": (callback_body(va_number=FAMILY_1_VA + "\n"), "invalid_va_number"),
    "paid_at in 1900": (callback_body(paid_at="1900-01-01T10:00:00+07:00"), "invalid_paid_at"),
    "paid_at in 2100": (callback_body(paid_at="2100-01-01T10:00:00+07:00"), "invalid_paid_at"),
    "paid_at two days ahead": (callback_body(paid_at=now_wib(days=2)), "invalid_paid_at"),
    "paid_at without offset": (callback_body(paid_at="2026-11-25T10:15:00"), "invalid_paid_at"),
    "paid_at a date only": (callback_body(paid_at="2026-11-25"), "invalid_paid_at"),
    "paid_at in words": (callback_body(paid_at="kemarin sore"), "invalid_paid_at"),
    "paid_at as unix seconds": (callback_body(paid_at=1795000000), "invalid_paid_at"),
    "reference empty": (callback_body(reference=""), "invalid_reference"),
    "reference too long": (callback_body(reference="R" * 65), "invalid_reference"),
    "reference with a newline": (callback_body(reference="REF-1\n"), "invalid_reference"),
    "reference as a number": (callback_body(reference=12345), "invalid_reference"),
    "channel not the signer": (callback_body(channel="bank-lain"), "channel_mismatch"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_bodies_get_a_4xx_json_error_and_are_logged(app, client, case):
    raw, code = MALFORMED[case]
    with app.app_context():
        payments_before = Payment.select().count()
    response = post(client, raw)
    assert 400 <= response.status_code < 500
    assert_refused(app, response, 403 if code == "channel_mismatch" else 400, code)
    with app.app_context():
        assert Payment.select().count() == payments_before


def test_the_field_that_is_missing_is_named(client):
    response = post(client, callback_body(amount=MISSING, paid_at=MISSING))
    assert "amount, paid_at" in response.json["message"]


def test_unknown_extra_fields_are_ignored(client):
    assert post(client, callback_body(customer_name="Budi", fee=2500)).status_code == 200


def test_a_body_over_16_kb_is_refused_with_413(app, client):
    raw = callback_body(padding="x" * (1024 * 1024))
    assert_refused(app, post(client, raw), 413, "body_too_large")
    limit = service.MAX_BODY_BYTES
    just_over = callback_body(padding="")
    just_over = callback_body(padding="x" * (limit + 1 - len(just_over)))
    assert len(just_over) == limit + 1
    assert post(client, just_over).status_code == 413
    at_limit = callback_body(padding="x" * (limit - len(callback_body(padding=""))))
    assert len(at_limit) == limit
    assert post(client, at_limit).status_code == 200


def test_a_chunked_body_without_content_length_is_bounded_too(client):
    """As gunicorn passes a chunked request: no Content-Length, wsgi.input_terminated set."""
    def chunked(raw):
        return client.post(URL, input_stream=io.BytesIO(raw),
                           headers={**signed_headers(raw), "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    response = chunked(callback_body(padding="x" * 40_000))
    assert response.status_code == 413 and response.json["error"] == "body_too_large"
    assert chunked(callback_body()).status_code == 200


def test_the_callback_needs_no_csrf_token_and_answers_only_post(client):
    assert pay(client)[0].status_code == 200  # no csrf_token anywhere: the signature is the proof
    assert client.get(URL).status_code == 405


def test_refusals_are_rate_limited_per_ip_and_good_callbacks_do_not_count(client):
    for _ in range(119):
        assert post(client, b"{").status_code == 400
    for _ in range(5):
        assert pay(client)[0].status_code == 200
    assert post(client, b"{").status_code == 400  # the 120th refusal
    limited = post(client, b"{")
    assert limited.status_code == 429
    assert limited.is_json and limited.json["error"] == "http_429"


# --- concurrency (threads, committed, on SQLite and on PostgreSQL) ------------------------------

def run_at_once(app, bodies):
    """POST each signed body from its own client, all released together; their responses."""
    requests = [(app.test_client(), raw, signed_headers(raw)) for raw in bodies]
    return run_together([lambda c=c, raw=raw, h=h: c.post(URL, data=raw, headers=h) for c, raw, h in requests])


@pytest.mark.committed
def test_two_identical_callbacks_at_once_apply_once(app):
    with app.app_context(), db.connection_context():
        fam = new_family(members=3)  # 3 months of arrears + this month, Rp105.000 each
    raw = callback_body(va_number=fam.va_number, amount=210_000)
    responses = run_at_once(app, [raw, raw])
    assert sorted(r.json["status"] for r in responses) == ["applied", "duplicate"]
    assert {r.status_code for r in responses} == {200}
    with app.app_context(), db.connection_context():
        assert payments_with(json.loads(raw)["reference"]) == 1
        allocated = Allocation.select().where(Allocation.family == fam.id)
        assert sum(a.amount for a in allocated) == 210_000
        assert Family.get_by_id(fam.id).credit() == 0


@pytest.mark.committed
def test_two_payments_for_one_family_at_once_pay_two_different_months(app):
    with app.app_context(), db.connection_context():
        fam = new_family(members=3)
        owed = fam.outstanding(clock.today())
    responses = run_at_once(app, [callback_body(va_number=fam.va_number, amount=105_000) for _ in range(2)])
    assert [r.json["status"] for r in responses] == ["applied", "applied"]
    with app.app_context(), db.connection_context():
        months = sorted(a.month for a in Allocation.select().where(Allocation.family == fam.id))
        assert months == [month for month, _ in owed[:2]]  # serialized: not both on the oldest month
        assert Family.get_by_id(fam.id).credit() == 0


@pytest.mark.committed
def test_two_identical_callbacks_for_an_unknown_va_at_once_record_one_payment(app):
    raw = callback_body(va_number=f"66666{uuid.uuid4().int % 10**11:011d}", amount=50_000)
    responses = run_at_once(app, [raw, raw])
    assert sorted(r.json["status"] for r in responses) == ["duplicate", "unmatched"]
    with app.app_context(), db.connection_context():
        payment = Payment.get(Payment.reference == json.loads(raw)["reference"])
        # committed: an officer refunds it so later listings stay as they were
        payment.status, payment.resolution_note = "refunded", "test"
        payment.save()


def test_apply_credit_command_pays_a_new_month_from_credit(app, runner, monkeypatch):
    """Credit left by an overpayment pays the next month when it comes (the daily job)."""
    from datetime import timedelta

    from app.contributions import payments as service
    from app.core import clock
    from app.models import Family
    from app.rules import contributions

    with app.app_context():
        dewi = Family.get(Family.kk_number == "3273020202180002")
        month = contributions.month_of(clock.today())
        service.apply_payment(dewi.va_number, 200_000, "demo", "CREDIT-TEST-1", clock.now())
        assert dewi.credit() == 200_000 and dewi.id in service.families_with_credit()
    later = clock.now() + timedelta(days=40)
    monkeypatch.setattr(clock, "now", lambda: later)
    result = runner.invoke(args=["apply-credit"])
    assert result.exit_code == 0 and "month(s) paid from credit" in result.output
    with app.app_context():
        next_month = contributions.add_months(month, 1)
        assert next_month in dewi.paid_months() and dewi.credit() == 0
        assert dewi.status_on(clock.today()).code == "aktif"
