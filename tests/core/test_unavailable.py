"""A database that cannot be reached for a moment (a restart, a failover) answers 503 with a
Retry-After, never a 500: a page for people, JSON for the API (a payment channel then retries)."""
from peewee import OperationalError

import app.core.db as db_module
from tests.helpers import page


class _Down:
    def connect(self, reuse_if_open=False):
        raise OperationalError("connection refused")


def test_a_page_says_try_again(client, monkeypatch):
    monkeypatch.setattr(db_module, "db", _Down())
    response = client.get("/faskes?nama=puskesmas")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Coba lagi" in page(response).get_text()


def test_a_payment_callback_is_told_to_retry(client, monkeypatch):
    monkeypatch.setattr(db_module, "db", _Down())
    response = client.post("/api/v1/payments/callback", data=b"{}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 503 and response.json["error"] == "unavailable"
