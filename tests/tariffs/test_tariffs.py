"""Tarif iuran page, denda calculator and the admin's new rate version, as a visitor meets them."""
from datetime import date
from types import SimpleNamespace

import pytest

from app.core import clock
from app.core.formatting import date_id, rupiah
from app.models import AuditLog, Participant, RateVersion, User
from app.rules import contributions
from app.tariffs.service import save_rate_version
from tests.helpers import page, signed_in_client, transfer_size

CORE_BUDGET = 10_000
FRAGMENT_BUDGET = 2_048


def text_of(html, selector):
    return html.select_one(selector).get_text(" ", strip=True)


def error_next_to(response, field):
    return [p.get_text(" ", strip=True) for p in page(response).select(f"#{field}-error")]


def calculate(client, headers=None, **args):
    query = {"bulan": "", "kelas": "3", "kasus": "", "tarif": "", **args}
    return client.get("/kalkulator-denda", query_string=query, headers=headers or {})


def next_month():
    return contributions.add_months(contributions.month_of(clock.today()), 1)


def move_today(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


# --- tariff page --------------------------------------------------------------------------------

def test_tariff_page_states_the_rates_in_force_in_plain_words(client):
    response = client.get("/tarif-iuran")
    assert response.status_code == 200
    html = page(response)
    assert html.h1.get_text() == "Tarif iuran JKN"
    assert "Aturan berlaku per 1 Jan 2021." in html.main.get_text(" ", strip=True)
    classes = text_of(html, "#kelas")
    assert "Kelas 1 Rp150.000 per orang per bulan" in classes
    assert "Kelas 2 Rp100.000 per orang per bulan" in classes
    assert "Kelas 3 Rp42.000 per orang per bulan, dibayar peserta Rp35.000 dan pemerintah Rp7.000" in classes
    assert text_of(html, "#pbi").startswith("Rp42.000 per orang per bulan, seluruhnya dibayar pemerintah.")
    ppu = text_of(html, "#ppu")
    assert "5% dari gaji per bulan: 4% dibayar pemberi kerja, 1% dipotong dari gaji pekerja." in ppu
    assert "Gaji di atas Rp12.000.000 dihitung Rp12.000.000" in ppu and "Rp480.000" in ppu and "Rp120.000" in ppu
    main = html.main.get_text(" ", strip=True)
    assert "satu nomor virtual account (VA) keluarga" in main
    assert "paling lambat tanggal 10 setiap bulan" in main


def test_tariff_page_lists_every_version_newest_first(client):
    versions = page(client.get("/tarif-iuran")).select("#riwayat li")
    assert [li.b.get_text() for li in versions] == ["Berlaku mulai 1 Jan 2021", "Berlaku mulai 1 Jul 2020"]
    assert "(berlaku sekarang)" in versions[0].get_text()
    assert "Kelas 3 Rp42.000 (peserta Rp25.500, pemerintah Rp16.500)" in versions[1].get_text(" ", strip=True)


def test_tariff_page_agrees_with_the_bill(app, client):
    classes = text_of(page(client.get("/tarif-iuran")), "#kelas")
    with app.app_context():
        budi = Participant.by_card("0001000000001").family  # PBPU kelas 3, three members
        assert budi.monthly_due(clock.today()) == 3 * 35_000
        for care_class in (1, 2, 3):
            per_person = contributions.family_monthly_due("PBPU", care_class, 1, clock.today(), RateVersion.tables())
            assert rupiah(per_person) in classes


def test_tariff_page_and_calculator_link_to_each_other(client):
    tariff = page(client.get("/tarif-iuran"))
    assert tariff.select_one('main a[href="/kalkulator-denda"]')
    calculator = page(client.get("/kalkulator-denda"))
    assert calculator.select_one('main a[href="/tarif-iuran"]')


@pytest.mark.parametrize("path", ["/tarif-iuran", "/kalkulator-denda",
                                  "/kalkulator-denda?bulan=15&kelas=1&kasus=bedah-jantung&tarif="])
def test_public_pages_fit_the_core_budget(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert transfer_size(response) <= CORE_BUDGET


def test_admin_sees_the_way_to_add_a_version_and_others_do_not(app, client):
    assert page(client.get("/tarif-iuran")).select_one('a[href="/admin/tarif-iuran"]') is None
    admin = signed_in_client(app, "admin")
    assert page(admin.get("/tarif-iuran")).select_one('a[href="/admin/tarif-iuran"]')


# --- denda calculator ---------------------------------------------------------------------------

def test_calculator_without_input_shows_the_form_and_the_worked_example(client):
    response = client.get("/kalkulator-denda")
    assert response.status_code == 200
    html = page(response)
    form = html.select_one("#kalkulator form")
    assert form["method"] == "get" and form["action"] == "/kalkulator-denda"
    assert html.select_one("#hasil") is None
    main = html.main.get_text(" ", strip=True)
    assert "5% × Rp20.000.000 × 3 bulan = Rp3.000.000" in main
    assert "Denda paling banyak Rp30.000.000." in main
    assert "Paling banyak 12 bulan tunggakan yang dihitung." in main
    assert "Tidak dirawat inap: tidak ada denda." in main
    assert "Aturan denda berlaku per 1 Jan 2021" in main
    assert "Contoh perkiraan, bukan tarif resmi." in main
    assert len(html.select("#contoh li")) == len(html.select("#kasus option")) - 1 >= 6
    assert html.select_one("#kelas option[selected]")["value"] == "3"


def test_worked_example_with_a_typed_tariff(client):
    html = page(calculate(client, bulan="3", tarif="20.000.000"))
    result = text_of(html, "#hasil")
    assert "5% × Rp20.000.000 × 3 bulan = Rp3.000.000" in result
    assert "Denda: Rp3.000.000" in result
    assert "Tidak dirawat inap dalam 45 hari setelah aktif kembali: tidak ada denda." in result
    assert "Aturan denda berlaku per 1 Jan 2021." in result
    assert html.select_one("#tarif")["value"] == "20.000.000"  # kept as typed


@pytest.mark.parametrize("typed", ["20000000", "Rp20.000.000", "rp 20000000", " 20.000.000 "])
def test_tariff_may_be_typed_the_usual_ways(client, typed):
    assert "Denda: Rp3.000.000" in text_of(page(calculate(client, bulan="3", tarif=typed)), "#hasil")


def test_only_twelve_months_count_and_the_cap_applies(client):
    result = text_of(page(calculate(client, bulan="15", kelas="1", kasus="bedah-jantung")), "#hasil")
    assert "Contoh perkiraan tarif Operasi bypass jantung, Kelas 1: Rp80.000.000 (bukan tarif resmi)." in result
    assert "Tunggakan 15 bulan: yang dihitung hanya 12 bulan." in result
    assert "5% × Rp80.000.000 × 12 bulan = Rp48.000.000" in result
    assert "Denda paling banyak Rp30.000.000." in result
    assert "Denda: Rp30.000.000" in result


def test_an_example_case_gives_the_example_tariff_of_the_chosen_class(client):
    result = text_of(page(calculate(client, bulan="2", kelas="3", kasus="persalinan-caesar")), "#hasil")
    assert "5% × Rp6.000.000 × 2 bulan = Rp600.000" in result


def test_a_typed_tariff_wins_over_the_example_case(client):
    result = text_of(page(calculate(client, bulan="2", kasus="stroke", tarif="1000000")), "#hasil")
    assert "5% × Rp1.000.000 × 2 bulan = Rp100.000" in result and "Contoh perkiraan tarif" not in result


def test_no_arrears_no_denda(client):
    result = text_of(page(calculate(client, bulan="0", tarif="20000000")), "#hasil")
    assert "Tidak ada tunggakan" in result and "tidak ada denda" in result and "Denda:" not in result


def test_without_a_tariff_it_asks_for_one_and_still_prices_reactivation(client):
    result = text_of(page(calculate(client, bulan="3")), "#hasil")
    assert "Pilih contoh kasus atau tulis perkiraan tarif untuk menghitung denda." in result
    assert "tunggakan 3 bulan ditambah bulan ini = Rp140.000 per orang" in result


def test_reactivation_counts_at_most_24_months_at_each_months_rate(client):
    result = text_of(page(calculate(client, bulan="100", kelas="3", tarif="1000")), "#hasil")
    assert f"tunggakan 24 bulan ditambah bulan ini = {rupiah(25 * 35_000)} per orang" in result
    assert "Paling banyak 24 bulan tunggakan yang dihitung." in result
    assert "Aturan berlaku per 1 Jan 2021." in result


@pytest.mark.parametrize("field, value, message", [
    ("bulan", "", "Tulis lama tunggakan dalam bulan (0 jika tidak ada tunggakan)."),
    ("bulan", "-1", "Tulis angka 0 sampai 120. Untuk denda, paling banyak 12 bulan yang dihitung."),
    ("bulan", "121", "Tulis angka 0 sampai 120. Untuk denda, paling banyak 12 bulan yang dihitung."),
    ("bulan", "1000000000", "Tulis angka 0 sampai 120. Untuk denda, paling banyak 12 bulan yang dihitung."),
    ("bulan", "9" * 5000, "Tulis angka bulat saja, tanpa koma. Contoh: 3."),
    ("bulan", "tiga", "Tulis angka bulat saja, tanpa koma. Contoh: 3."),
    ("bulan", "3,5", "Tulis angka bulat saja, tanpa koma. Contoh: 3."),
    ("tarif", "-1", "Perkiraan tarif harus antara Rp1 dan Rp1.000.000.000."),
    ("tarif", "0", "Perkiraan tarif harus antara Rp1 dan Rp1.000.000.000."),
    ("tarif", "1000000001", "Perkiraan tarif harus antara Rp1 dan Rp1.000.000.000."),
    ("tarif", "20 juta", "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("tarif", "20.00.000", "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("tarif", "2e7", "Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000."),
    ("kasus", "tidak-ada", "Contoh kasus ini tidak dikenal. Pilih dari daftar."),
    ("kelas", "4", "Pilih Kelas 1, 2 atau 3."),
])
def test_bad_input_is_explained_next_to_the_field_and_kept(client, field, value, message):
    response = calculate(client, **{"bulan": "3", field: value})
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    html = page(response)
    assert html.select_one("#hasil") is None
    if field in ("bulan", "tarif"):
        assert html.select_one(f"#{field}").get("value", "") == value
        assert html.select_one(f"#{field}")["aria-invalid"] == "true"


def test_htmx_gets_only_the_calculator_block(client):
    headers = {"HX-Request": "true"}
    response = calculate(client, headers={**headers, "Accept-Encoding": "gzip"}, bulan="3", tarif="20000000")
    assert len(response.get_data()) <= FRAGMENT_BUDGET
    assert "HX-Request" in response.headers["Vary"]
    fragment = page(calculate(client, headers=headers, bulan="3", tarif="20000000"))
    assert fragment.find("html") is None and fragment.find("h1") is None
    section = fragment.select_one("section#kalkulator")
    assert "Denda: Rp3.000.000" in text_of(section, "#hasil")
    form = section.form
    assert form["hx-get"] == "/kalkulator-denda" and form["hx-target"] == "#kalkulator"
    invalid = page(calculate(client, headers=headers, bulan="x"))
    assert invalid.select_one("#bulan-error") and invalid.find("html") is None
    boosted = page(calculate(client, headers={**headers, "HX-Boosted": "true"}, bulan="3"))
    assert boosted.title and boosted.h1


# --- admin: a new rate version ------------------------------------------------------------------

def version_form(**overrides):
    return {"effective_from": next_month().strftime("%d-%m-%Y"), "class1": "160000", "class2": "110000",
            "class3": "50000", "class3_government_share": "10000", "pbi_rate": "50000",
            "ppu_employer_percent": "4", "ppu_worker_percent": "1", "ppu_wage_ceiling": "12.000.000",
            **overrides}


def post_version(client, **overrides):
    token = page(client.get("/admin/tarif-iuran")).find("input", {"name": "csrf_token"})["value"]
    return client.post("/admin/tarif-iuran", data={**version_form(**overrides), "csrf_token": token})


@pytest.fixture
def admin(app):
    return signed_in_client(app, "admin")


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
