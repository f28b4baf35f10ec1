"""Logs for operators: one JSON line per request with no personal data, and the request id a
participant can quote to 165 (on error pages and in X-Request-Id)."""
import json
import logging
import re

import pytest

from app.core.logs import logger
from app.models import Participant
from tests.helpers import DEMO_ACCOUNTS, crawl, page, signed_in_client

FIELDS = {"request_id", "method", "endpoint", "route", "status", "duration_ms", "user_id"}


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines():
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def personal_values(app):
    """Every demo person's NIK (also in its spaced and masked-free digits), name, phone and card."""
    values = set()
    with app.app_context():
        for person in Participant.select():
            values |= {person.nik, person.name, person.card_number}
            values |= set(person.name.split()) - {"Bin", "Binti"}
            if person.phone:
                values.add(person.phone)
    return {value for value in values if len(value) >= 4}


def test_one_json_line_per_request_with_the_fields(client, log_lines):
    response = client.get("/tarif-iuran")
    assert len(log_lines) == 1
    record = json.loads(log_lines[0])
    assert set(record) == FIELDS
    assert record["status"] == 200 and record["method"] == "GET" and record["route"] == "/tarif-iuran"
    assert record["request_id"] == response.headers["X-Request-Id"]
    assert record["user_id"] is None and record["duration_ms"] >= 0


def test_the_route_is_the_rule_not_the_path_or_query(app, log_lines):
    budi = signed_in_client(app, "peserta")
    log_lines.clear()
    budi.get("/faskes?q=3201011708850001&nik=3201011708850001")
    record = json.loads(log_lines[-1])
    assert "3201011708850001" not in log_lines[-1]
    assert record["route"] == "/faskes" and isinstance(record["user_id"], int)


def test_a_plausible_incoming_request_id_is_kept_and_a_hostile_one_replaced(client, log_lines):
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-0123456789abcdef"})
    assert kept.headers["X-Request-Id"] == "lb-0123456789abcdef"
    replaced = client.get("/healthz", headers={"X-Request-Id": '<script>"x"</script>'})
    assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["X-Request-Id"])
    assert "<script>" not in "".join(log_lines)


def test_error_pages_show_the_request_id(app, client, log_lines, monkeypatch):
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    request_id = response.headers["X-Request-Id"]
    assert f"Kode kejadian: {request_id}." in page(response).get_text(" ", strip=True)

    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "tariffs.tariff", boom)
    broken = client.get("/tarif-iuran")
    assert broken.status_code == 500
    assert f"Kode kejadian: {broken.headers['X-Request-Id']}." in page(broken).get_text(" ", strip=True)
    assert json.loads(log_lines[-1])["status"] == 500


@pytest.mark.parametrize("role", [None, *sorted(DEMO_ACCOUNTS)])
def test_crawling_every_page_as_every_role_logs_no_personal_data(app, role, log_lines):
    client = app.test_client() if role is None else signed_in_client(app, role)
    secrets = personal_values(app) | {app.config["SECRET_KEY"], app.config["FIELD_KEY"], "demo1234"}
    pages = sum(1 for _ in crawl(client))
    cookie = client.get_cookie("jkn")
    if cookie:
        secrets.add(cookie.value)
    text = "\n".join(log_lines)
    assert len(log_lines) >= pages > 3
    assert all(set(json.loads(line)) == FIELDS for line in log_lines)
    leaked = sorted(value for value in secrets if value in text)
    assert leaked == []
