"""Tarif iuran page and denda calculator, as a visitor meets them."""

import pytest

from app.core import clock
from app.core.formatting import rupiah
from app.models import Participant, RateVersion
from app.rules import contributions
from tests.helpers import error_next_to, page, signed_in_client, text_of, transfer_size

CORE_BUDGET = 10_000
FRAGMENT_BUDGET = 2_048




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
    ("bulan", "9" * 5000, "Terlalu panjang (maksimal 10 karakter)."),
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
        assert html.select_one(f"#{field}").get("value", "") == value[:10]  # only what fits is kept
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
