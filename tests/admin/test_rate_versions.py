"""The admin adds a rate version (tarif iuran baru): the form, its checks, and what changes."""
from datetime import date
from types import SimpleNamespace

import pytest

from app.core import clock
from app.core.formatting import date_id
from app.models import AuditLog, Participant, RateVersion, User
from app.rules import contributions
from app.tariffs.service import save_rate_version
from tests.helpers import error_next_to, page, signed_in_client, text_of


def next_month():
    return contributions.add_months(contributions.month_of(clock.today()), 1)


def move_today(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


def version_form(**overrides):
    return {"effective_from": next_month().strftime("%d-%m-%Y"), "class1": "160000", "class2": "110000",
            "class3": "50000", "class3_government_share": "10000", "pbi_rate": "50000",
            "ppu_employer_percent": "4", "ppu_worker_percent": "1", "ppu_wage_ceiling": "12.000.000",
            **overrides}


def post_version(client, **overrides):
    token = page(client.get("/admin/tarif-iuran")).find("input", {"name": "csrf_token"})["value"]
    return client.post("/admin/tarif-iuran", data={**version_form(**overrides), "csrf_token": token})


def test_only_admins_reach_the_rate_form(app, client):
    assert client.get("/admin/tarif-iuran").headers["Location"].startswith("/masuk?next=")
    for role in ("peserta", "petugas_bpjs"):
        assert signed_in_client(app, role).get("/admin/tarif-iuran").status_code == 403


def test_rate_form_starts_from_the_latest_version(admin):
    html = page(admin.get("/admin/tarif-iuran"))
    form = html.select_one("main form")
    assert form["method"] == "post" and form["action"] == "/admin/tarif-iuran"
    assert form.find("input", {"name": "csrf_token"})["value"]
    assert form.select_one("#class3_government_share")["value"] == "7000"
    assert form.select_one("#ppu_wage_ceiling")["value"] == "12000000"
    assert form.select_one("#effective_from").get("value", "") == ""


def test_a_new_version_applies_from_its_date_on_the_page_and_on_the_bill(app, admin, client, monkeypatch):
    start = next_month()
    response = post_version(admin)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/tarif-iuran"
    assert f"Versi tarif baru disimpan: berlaku mulai {date_id(start, 'id')}." in page(
        admin.get("/admin/tarif-iuran")).get_text()
    with app.app_context():
        version = RateVersion.get(RateVersion.effective_from == start)
        assert (version.class3, version.class3_government_share, version.ppu_wage_ceiling) == (50_000, 10_000, 12_000_000)
        assert version.created_by == User.get(User.username == "admin")
        entry = AuditLog.get(AuditLog.action == "rate_version_added")
        assert entry.subject == f"rate_version:{version.id}" and entry.actor_id == version.created_by_id

    before = page(client.get("/tarif-iuran"))
    assert "Aturan berlaku per 1 Jan 2021." in before.main.get_text(" ", strip=True)
    upcoming = before.select("#riwayat li")[0].get_text(" ", strip=True)
    assert f"Berlaku mulai {date_id(start, 'id')} (akan berlaku)" in upcoming

    move_today(monkeypatch, start)
    after = page(client.get("/tarif-iuran"))
    assert f"Aturan berlaku per {date_id(start, 'id')}." in after.main.get_text(" ", strip=True)
    assert ("Kelas 3 Rp50.000 per orang per bulan, dibayar peserta Rp40.000 dan pemerintah Rp10.000"
            in text_of(after, "#kelas"))
    assert "(berlaku sekarang)" in after.select("#riwayat li")[0].get_text()

    with app.app_context():  # a fresh context: g.rate_tables is read again
        family = Participant.by_card("0001000000001").family  # PBPU kelas 3, three members
        assert family.monthly_due(contributions.add_months(start, -1)) == 3 * 35_000
        assert family.monthly_due(start) == family.monthly_due(contributions.add_months(start, 5)) == 3 * 40_000


def too_late():
    return date(clock.today().year + 11, 1, 1).strftime("%d-%m-%Y")


@pytest.mark.parametrize("field, value, message", [
    ("effective_from", "", "Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."),
    ("effective_from", "31-02-2030", "Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."),
    ("effective_from", "besok", "Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."),
    ("effective_from", "15-01-2099", "Tarif baru berlaku mulai tanggal 1 suatu bulan."),
    ("effective_from", "01-07-2020", "Tanggal ini sudah lewat. Tulis tanggal hari ini atau sesudahnya."),
    ("effective_from", too_late(), "Paling lambat 10 tahun dari sekarang."),
    ("class1", "-150000", "Tulis jumlah antara Rp1 dan Rp10.000.000."),
    ("class1", "0", "Tulis jumlah antara Rp1 dan Rp10.000.000."),
    ("class1", "99999999999", "Tulis jumlah antara Rp1 dan Rp10.000.000."),
    ("class1", "150000.5", "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("class2", "seratus ribu", "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("class2", "170000", "Iuran Kelas 2 tidak boleh lebih besar dari Kelas 1."),
    ("class3", "", "Wajib diisi."),
    ("class3_government_share", "50000",
     "Bagian pemerintah harus lebih kecil dari iuran Kelas 3: peserta tetap membayar sebagian."),
    ("class3_government_share", "60000",
     "Bagian pemerintah harus lebih kecil dari iuran Kelas 3: peserta tetap membayar sebagian."),
    ("class3_government_share", "-1", "Tulis jumlah antara Rp0 dan Rp10.000.000."),
    ("pbi_rate", "4" * 40, "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("ppu_employer_percent", "4,5", "Tulis persen dengan angka bulat saja, tanpa koma. Contoh: 4."),
    ("ppu_employer_percent", "101", "Tulis angka 0 sampai 100."),
    ("ppu_worker_percent", "99", "Jumlah kedua persen harus 1 sampai 100."),
    ("ppu_wage_ceiling", "0", "Tulis jumlah antara Rp1 dan Rp1.000.000.000."),
])
def test_bad_rate_input_is_explained_next_to_the_field_and_kept(app, admin, field, value, message):
    response = post_version(admin, **{field: value})
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    assert page(response).select_one(f"#{field}").get("value", "") == value
    with app.app_context():
        assert RateVersion.select().count() == 2


def test_the_date_must_come_after_the_latest_version(app, admin):
    assert post_version(admin).status_code == 303
    again = post_version(admin)
    assert again.status_code == 200
    assert error_next_to(again, "effective_from") == [
        f"Harus sesudah versi tarif terakhir (berlaku {date_id(next_month(), 'id')})."]


def test_a_version_saved_meanwhile_is_caught_under_the_lock(app):
    """Two admins: the second form was valid against an older latest version when it was read."""
    with app.test_request_context():  # messages are translated for a request
        admin = User.get(User.username == "admin")
        start = next_month()
        values = {"effective_from": start, "class1": 1, "class2": 1, "class3": 1, "class3_government_share": 0,
                  "pbi_rate": 1, "ppu_employer_percent": 4, "ppu_worker_percent": 1, "ppu_wage_ceiling": 1}
        first = SimpleNamespace(values=values, effective_from=SimpleNamespace(errors=[]))
        assert save_rate_version(first, admin) is not None
        second = SimpleNamespace(values=values, effective_from=SimpleNamespace(errors=[]))
        assert save_rate_version(second, admin) is None
        assert second.effective_from.errors == [f"Harus sesudah versi tarif terakhir (berlaku {date_id(start)})."]
        assert RateVersion.select().count() == 3


def test_rate_form_without_csrf_is_refused(app, admin):
    response = admin.post("/admin/tarif-iuran", data=version_form())
    assert response.status_code == 400
    with app.app_context():
        assert RateVersion.select().count() == 2
