"""The pure helpers of scripts/load_test.py and scripts/fault_test.py (the tools themselves are too
slow for the suite: `make load`, `make fault`)."""
import hashlib
import hmac
import importlib.util
import json
from pathlib import Path

from app.core.config import DEMO_PAYMENT_SECRET
from app.rules.identity import is_digits

_spec = importlib.util.spec_from_file_location(
    "proof_common", Path(__file__).resolve().parent.parent / "scripts" / "proof_common.py")
proof = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(proof)


def test_extra_families_are_distinct_and_well_formed():
    rows = [proof.extra_family(i) for i in range(0, 30_000, 7)]
    for kk, va, card, nik in rows:
        assert (len(kk), len(va), len(card), len(nik)) == (16, 16, 13, 16)
        assert all(is_digits(value) for value in (kk, va, card, nik))
    for column in range(4):
        assert len({row[column] for row in rows}) == len(rows)


def test_a_callback_is_signed_over_the_timestamp_and_the_exact_body():
    body, headers = proof.signed_callback("8888890000000001", 35_000, "LOAD-1", now=1_800_000_000)
    assert json.loads(body) == {"va_number": "8888890000000001", "amount": 35_000, "channel": "demo",
                                "reference": "LOAD-1", "paid_at": "2027-01-15T15:00:00+07:00"}
    expected = hmac.new(DEMO_PAYMENT_SECRET.encode(), b"1800000000." + body, hashlib.sha256).hexdigest()
    assert headers["X-Timestamp"] == "1800000000" and headers["X-Signature"] == expected
    assert proof.resign(body, now=1_800_000_060)["X-Signature"] != expected


def test_form_values_from_a_page():
    html = ('<input type="hidden" name="csrf_token" value="abc"><select name="poli">'
            '<option value="">—</option><option value="3">Umum</option>'
            '<option value="4" selected>Gigi</option></select>'
            '<input type="hidden" name="member" value="12">')
    assert proof.csrf_token(html) == "abc"
    assert proof.options(html, "poli") == ["3", "4"]
    assert proof.options(html, "member") == ["12"]
    assert proof.options(html, "visit_date") == []
