"""Denda as a dated rule: admins add versions (percent, months counted, cap, window in days); the
calculator uses the one in force and says since when ("berlaku per")."""
from datetime import timedelta

import pytest

from app.core import clock
from app.core.formatting import date_id
from app.models import AuditLog, DendaVersion
from tests.helpers import page


def form(**overrides):
    values = {"effective_from": clock.today().strftime("%d-%m-%Y"), "percent": "4", "max_months": "10",
              "cap": "25.000.000", "window_days": "30"}
    return {**values, **overrides}


def post_version(client, **overrides):
    token = page(client.get("/admin/aturan-denda")).find("input", {"name": "csrf_token"})["value"]
    return client.post("/admin/aturan-denda", data={**form(**overrides), "csrf_token": token})


def test_the_calculator_says_which_rule_and_since_when(client):
    html = page(client.get("/kalkulator-denda", query_string={"bulan": "15", "kelas": "1", "kasus": "",
                                                              "tarif": "80000000"}))
    result = html.select_one("#hasil").get_text(" ", strip=True)
    assert "5% × Rp80.000.000 × 12 bulan = Rp48.000.000" in result
    assert "Denda: Rp30.000.000" in result and "Aturan denda berlaku per 1 Jan 2021." in result
    assert html.select_one('a[href="/admin/aturan-denda"]') is None


def test_a_new_version_is_used_from_its_date(app, admin, client):
    assert page(admin.get("/kalkulator-denda")).select_one('a[href="/admin/aturan-denda"]')
    start = page(admin.get("/admin/aturan-denda"))
    assert start.select_one("#percent")["value"] == "5" and start.select_one("#cap")["value"] == "30000000"
    response = post_version(admin)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/aturan-denda"
    html = page(client.get("/kalkulator-denda", query_string={"bulan": "15", "kelas": "1", "kasus": "",
                                                              "tarif": "80000000"}))
    result = html.select_one("#hasil").get_text(" ", strip=True)
    assert "4% × Rp80.000.000 × 10 bulan = Rp32.000.000" in result
    assert "Denda paling banyak Rp25.000.000." in result and "Denda: Rp25.000.000" in result
    assert "dalam 30 hari setelah aktif kembali" in result
    assert f"Aturan denda berlaku per {date_id(clock.today(), 'id')}." in result
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "denda_version_added").get()
        assert entry.actor.username == "admin"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("percent", "0", "Tulis angka 1 sampai 100."),
    ("percent", "4,5", "Tulis angka bulat saja, tanpa koma. Contoh: 3."),
    ("max_months", "", "Wajib diisi."),
    ("max_months", "121", "Tulis angka 1 sampai 120."),
    ("window_days", "-1", "Tulis angka 1 sampai 365."),
    ("cap", "-5", "Tulis jumlah antara Rp1 dan Rp1.000.000.000."),
    ("cap", "x" * 500, "Terlalu panjang (maksimal 200 karakter)."),  # what cannot fit is refused first
    ("effective_from", "31-02-2027", "Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_saved(app, admin, field, value, message):
    response = post_version(admin, **{field: value})
    assert response.status_code == 200
    html = page(response)
    assert html.select_one(f"#{field}-error").get_text(" ", strip=True) == message
    assert html.select_one(f"#{field}")["value"] == value[:200]  # kept: what fits the field
    with app.app_context():
        assert DendaVersion.select().count() == 1


def test_a_date_in_the_past_or_not_after_the_latest_is_refused(app, admin):
    past = (clock.today() - timedelta(days=1)).strftime("%d-%m-%Y")
    assert "sudah lewat" in page(post_version(admin, effective_from=past)).select_one("#effective_from-error").text
    assert post_version(admin).status_code == 303
    again = page(post_version(admin)).select_one("#effective_from-error").get_text(" ", strip=True)
    assert again == f"Harus sesudah versi aturan terakhir (berlaku {date_id(clock.today(), 'id')})."
