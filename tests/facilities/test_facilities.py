"""Faskes: search by name, type, region, service and partnership; nearest by coordinates or by the
participant's district; the facility page with hours and beds; the importer of the four shared lists.

The shared facility lists have no licence: they are read from ../shared, never copied into the repo.
"""
import gzip
import re
import secrets
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import clock
from app.core.config import ROOT
from app.facilities.importer import FacilityFileError, import_facilities
from app.models import BedAvailability, Facility
from app.rules.facilities import distance_km, search_key
from tests.helpers import page, signed_in_client

SHARED = ROOT.parent / "shared" / "data" / "facilities"
FILES = {
    "hospitals": "hospitals.csv",
    "puskesmas": "puskesmas.csv",
    "jakarta": "jakarta_facilities_rbi.csv",
    "banten": "bpjs_faskes_banten_2019.csv",
}
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (not in the repo) is missing")
CIBINONG = (-6.4816, 106.8540)  # the demo Puskesmas Cibinong
KM = re.compile(r"^(\d+(,\d)?) km$")


def names(html):
    return [li.b.get_text() for li in html.select("#hasil ol.list li")]


def messages(html):
    return [p.get_text(" ", strip=True) for p in html.select("#hasil p.error")]


def distances(html):
    """The distance shown in each row ("1,2 km") as a float."""
    found = []
    for li in html.select("#hasil ol.list li"):
        line = li.get_text("|").split("|")[1]  # "Puskesmas · 0,5 km"
        match = KM.match(line.split(" · ")[-1].strip())
        found.append(float(match[1].replace(",", ".")) if match else None)
    return found


def add_facility(name, kind="klinik_pratama", district="32.01.01", **fields):
    values = dict(code=f"TEST-{secrets.token_hex(6)}", name=name, search_name=search_key(name), kind=kind,
                  district=district, regency_code=(district or "")[:5], province_code=(district or "")[:2])
    values.update(fields)
    return Facility.create(**values)


# --- the search form ------------------------------------------------------------------------

def test_empty_search_shows_the_form_with_the_picker_and_no_list(client):
    response = client.get("/faskes")
    html = page(response)
    assert response.status_code == 200 and html.h1.get_text() == "Cari faskes"
    form = html.find("form", action="/faskes#hasil")
    assert form["method"] == "get"
    assert form.select_one("fieldset#picker select[name=provinsi]")  # the picker lives in the form
    assert [o["value"] for o in form.select("select[name=jenis] option")][1:] == list(Facility.KINDS)
    assert {i["name"] for i in form.select("input[type=hidden]")} == {"lat", "lon"}
    assert html.select_one("#hasil ol.list") is None and not messages(html)


def test_location_button_is_our_small_deferred_script_only(client):
    html = page(client.get("/faskes"))
    scripts = [s for s in html.find_all("script") if "lokasi" in (s.get("src") or "")]
    assert len(scripts) == 1 and scripts[0].has_attr("defer")
    assert re.fullmatch(r"/static/lokasi\.[0-9a-f]{12}\.js", scripts[0]["src"])
    assert all(s.get("src") for s in html.find_all("script"))  # nothing inline (CSP script-src 'self')
    assert html.find("button", string="Gunakan lokasi saya") is None  # the script adds it
    assert html.select_one("span#lokasi")["data-label"] == "Gunakan lokasi saya"
    assert (ROOT / "app" / "static" / "lokasi.js").stat().st_size < 1024
    static = client.get(scripts[0]["src"])
    assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]
    assert "lokasi" not in page(client.get("/wilayah")).decode()  # only on the search page


@pytest.mark.parametrize("query,expected", [
    ("cibinong", ["Puskesmas Cibinong", "RSUD Cibinong Contoh"]),
    ("CIBINONG", ["Puskesmas Cibinong", "RSUD Cibinong Contoh"]),
    ("Puskesmas Cibinong", ["Puskesmas Cibinong"]), ("PKM cibinong", ["Puskesmas Cibinong"]),
    ("cibinong puskesmas", ["Puskesmas Cibinong"]),
    ("RS Cibinong", ["RSUD Cibinong Contoh"]), ("  rumah   sakit  CIBINONG ", ["RSUD Cibinong Contoh"]),
])
def test_name_search_ignores_case_and_understands_type_abbreviations(client, query, expected):
    # the name matches first; the other facilities of Kecamatan Cibinong follow (their address)
    assert names(page(client.get("/faskes", query_string={"nama": query})))[:len(expected)] == expected


@pytest.mark.parametrize("query", ["RSUD Cibinong Contoh", "Rumah Sakit Cibinong Contoh", "cibinong cont"])
def test_name_search_matches_the_start_of_the_name(client, query):
    assert names(page(client.get("/faskes", query_string={"nama": query}))) == ["RSUD Cibinong Contoh"]


def test_a_name_that_matches_nothing_says_so(client):
    html = page(client.get("/faskes?nama=tidak+ada+faskes+ini"))
    assert names(html) == [] and "Tidak ada faskes yang cocok" in html.select_one("#hasil").get_text()


def test_search_by_type(client):
    html = page(client.get("/faskes?jenis=puskesmas"))
    assert names(html) == ["Puskesmas Cibinong", "Puskesmas Coblong", "Puskesmas Tigaraksa"]
    assert all(li.get_text("|").split("|")[1] == "Puskesmas" for li in html.select("#hasil li"))


@pytest.mark.parametrize("query,chosen,expected", [
    ("provinsi=32&kabupaten=32.01&kecamatan=32.01.01", "32.01.01",
     ["Apotek Sehat Farma", "Puskesmas Cibinong", "RSUD Cibinong Contoh", "Klinik Pratama Harapan Sehat"]),
    ("provinsi=32&kabupaten=32.73", "32.73", ["Klinik Pratama Dago Medika", "Puskesmas Coblong"]),
    ("provinsi=36", "36", ["Puskesmas Tigaraksa", "RS Cahaya Medika Contoh"]),
    ("provinsi=32&kabupaten=32.73&jenis=puskesmas", "32.73", ["Puskesmas Coblong"]),
])
def test_search_by_region(client, query, chosen, expected):
    html = page(client.get(f"/faskes?{query}"))
    assert sorted(names(html)) == sorted(expected)
    picker = html.select_one("fieldset#picker")
    assert chosen in [o["value"] for o in picker.select("option[selected]")]


def test_search_by_service(client):
    assert names(page(client.get("/faskes?layanan=apotek_prb"))) == ["Apotek Sehat Farma"]
    assert names(page(client.get("/faskes?layanan=igd_24_jam"))) == ["RSUD Cibinong Contoh"]
    html = page(client.get("/faskes?layanan=poli_gigi&provinsi=32&kabupaten=32.73"))
    assert names(html) == ["Puskesmas Coblong", "Klinik Pratama Dago Medika"]  # by name, prefixes aside


def test_a_service_matches_whole_codes_only_also_in_a_nearest_search(app, client):
    with app.app_context():
        add_facility("Klinik Gigi Kode", services={"poli_gigi", "kia"}, latitude=-6.4816, longitude=106.8541)
        add_facility("Klinik Tanpa Layanan", latitude=-6.4817, longitude=106.8542)
        assert Facility.get(Facility.name == "Klinik Gigi Kode").services == {"kia", "poli_gigi"}
        for code, found in (("kia", True), ("poli_gigi", True), ("poli", False), ("gigi", False), ("ki", False)):
            matched = Facility.select(Facility.name).where(Facility.offering(code)).tuples()
            assert (("Klinik Gigi Kode",) in matched) is found, code
    near = names(page(client.get("/faskes?lat=-6.4816&lon=106.8541&layanan=kia")))
    assert near[0] == "Klinik Gigi Kode" and "Klinik Tanpa Layanan" not in near
    assert "Klinik Gigi Kode" not in names(page(client.get("/faskes?lat=-6.4816&lon=106.8541&layanan=poli_umum")))


def test_partner_only_leaves_out_the_others(app, client):
    with app.app_context():
        add_facility("Klinik Bukan Mitra", is_partner=False)
    everyone = names(page(client.get("/faskes?kecamatan=32.01.01&kabupaten=32.01&provinsi=32")))
    assert "Klinik Bukan Mitra" in everyone
    partners = names(page(client.get("/faskes?provinsi=32&kabupaten=32.01&kecamatan=32.01.01&mitra=1")))
    assert len(partners) == 4 and "Klinik Bukan Mitra" not in partners


def test_each_row_has_type_address_and_a_digits_only_tel_link(client):
    row = page(client.get("/faskes?nama=cibinong")).select_one("#hasil li")
    assert row.a["href"].startswith("/faskes/") and row.b.get_text() == "Puskesmas Cibinong"
    assert "Jl. Mayor Oking No. 10, Cibinong" in row.get_text()
    tel = row.select_one('a[href^="tel:"]')
    assert tel["href"] == "tel:0215550101" and tel.get_text() == "021-555-0101"


# --- pages ------------------------------------------------------------------------------------

@pytest.fixture
def many_clinics(app):
    with app.app_context():
        for number in range(1, 46):
            add_facility(f"Klinik Uji Halaman {number:02d}", district="32.01.02")


def test_pages_of_twenty_with_previous_and_next(client, many_clinics):
    first = page(client.get("/faskes?nama=uji+halaman"))
    assert names(first) == [f"Klinik Uji Halaman {n:02d}" for n in range(1, 21)]
    assert first.select_one("#hasil a[rel=prev]") is None
    next_link = first.select_one("#hasil a[rel=next]")
    assert next_link["href"] == "/faskes?nama=uji+halaman&halaman=2#hasil"
    second = page(client.get(next_link["href"].split("#")[0]))
    assert names(second)[0] == "Klinik Uji Halaman 21" and len(names(second)) == 20
    assert second.select_one("#hasil a[rel=prev]")["href"].startswith("/faskes?nama=uji+halaman&halaman=1")
    third = page(client.get("/faskes?nama=uji+halaman&halaman=3"))
    assert names(third) == [f"Klinik Uji Halaman {n}" for n in range(41, 46)]
    assert third.select_one("#hasil a[rel=next]") is None
    assert "Halaman 3" in third.select_one("#hasil").get_text()


@pytest.mark.parametrize("value", ["-1", "0", "abc", "", "1.5", "٣", "%00"])
def test_a_bad_page_number_means_the_first_page(client, many_clinics, value):
    response = client.get(f"/faskes?nama=uji+halaman&halaman={value}")
    assert response.status_code == 200
    assert names(page(response))[0] == "Klinik Uji Halaman 01"


@pytest.mark.parametrize("value", ["1000000000", "9" * 40])
def test_a_page_far_beyond_the_end_is_empty_with_a_message(client, many_clinics, value):
    response = client.get(f"/faskes?nama=uji+halaman&halaman={value}")
    assert response.status_code == 200
    html = page(response)
    assert names(html) == []
    results = html.select_one("#hasil")
    assert "Tidak ada faskes di halaman ini." in results.get_text()
    assert results.find("a", string="Ke halaman pertama")["href"] == "/faskes?nama=uji+halaman#hasil"


# --- bad input: a message, never a 500, never unescaped ------------------------------------------

def test_a_name_of_two_thousand_characters_gets_a_message(client):
    response = client.get("/faskes", query_string={"nama": "a" * 2000})
    assert response.status_code == 200
    html = page(response)
    assert messages(html) == ["Nama faskes terlalu panjang: paling banyak 100 huruf."]
    assert names(html) == []


@pytest.mark.parametrize("query", ["%", "_", "'", "%%%", "''", "--"])
def test_only_metacharacters_asks_for_letters(client, query):
    response = client.get("/faskes", query_string={"nama": query})
    assert response.status_code == 200
    html = page(response)
    assert messages(html) == ["Ketik nama faskes dengan huruf atau angka."] and names(html) == []
    assert html.find("input", {"name": "nama"})["value"] == query  # what was typed is kept


@pytest.mark.parametrize("query,found", [
    ("<script>alert(1)</script>", 0), ("' OR '1'='1", 0), ("%' OR 1=1 --", 0), ("cib_nong", 0),
    ("\"><img src=x onerror=alert(1)>", 0), ("a\x00b", 0), ("*", 0), ("[a-z]*", 0),
    ("cib%", 4),  # "%" is dropped, not a wildcard: "cib" starts a word of the four facilities in Cibinong
])
def test_sql_and_html_metacharacters_are_harmless(client, query, found):
    response = client.get("/faskes", query_string={"nama": query})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    html = page(response)
    assert len(names(html)) == found
    if query.strip("*%_'-"):
        assert html.find("input", {"name": "nama"})["value"] == query


def test_wildcards_in_a_name_are_not_wildcards(app, client):
    with app.app_context():
        add_facility("Klinik 100 Persen")
    assert names(page(client.get("/faskes", query_string={"nama": "1_0"}))) == []
    assert names(page(client.get("/faskes", query_string={"nama": "100%"}))) == ["Klinik 100 Persen"]


@pytest.mark.parametrize("query", ["jenis=rumah-sakit", "jenis=%27", "layanan=bedah_plastik", "layanan=<b>"])
def test_an_unknown_type_or_service_is_dropped_with_a_message(client, query):
    response = client.get(f"/faskes?{query}")
    assert response.status_code == 200
    html = page(response)
    assert len(messages(html)) == 1 and "tidak dikenal" in messages(html)[0]
    assert len(names(html)) == 8  # the search ran without it (the demo has 8 facilities)


@pytest.mark.parametrize("query", ["provinsi=99", "provinsi=32&kabupaten=33.74", "kecamatan=32.01.01",
                                   "provinsi=" + "3" * 500])
def test_a_region_that_does_not_exist_gets_a_message(client, query):
    response = client.get(f"/faskes?{query}")
    assert response.status_code == 200
    html = page(response)
    assert "Wilayah yang dipilih tidak dikenal" in html.select_one("fieldset#picker p.error").get_text()
    fragment = page(client.get(f"/faskes?{query}", headers={"HX-Request": "true"}))
    assert "Wilayah yang dipilih tidak dikenal, jadi pencarian tanpa wilayah." in messages(fragment)


# --- nearest --------------------------------------------------------------------------------------

def test_nearest_by_coordinates_sorts_by_distance_and_shows_it(client):
    lat, lon = CIBINONG
    html = page(client.get(f"/faskes?lat={lat}&lon={lon}"))
    shown = distances(html)
    assert names(html)[0] == "Puskesmas Cibinong" and shown[0] == 0.0
    assert len(shown) == 8 and None not in shown and shown == sorted(shown)
    assert "Diurutkan menurut jarak" in html.select_one("#hasil").get_text()
    # the figures are the great-circle distances, one decimal under 10 km
    coblong = next(li for li in html.select("#hasil li") if li.b.get_text() == "Puskesmas Coblong")
    assert f"{distance_km(lat, lon, -6.8913, 107.6220):.0f} km" in coblong.get_text()
    # the coordinates stay in the form (hidden) and in the page links
    assert html.find("input", {"name": "lat"})["value"] == "-6.48160"


def test_nearest_keeps_the_other_filters(client):
    html = page(client.get(f"/faskes?lat={CIBINONG[0]}&lon={CIBINONG[1]}&jenis=puskesmas"))
    assert names(html) == ["Puskesmas Cibinong", "Puskesmas Tigaraksa", "Puskesmas Coblong"]


def test_nearest_pages_through_more_than_twenty(client, many_clinics, app):
    with app.app_context():
        for i, facility in enumerate(Facility.select().where(Facility.name.startswith("Klinik Uji Halaman"))):
            facility.latitude, facility.longitude = CIBINONG[0] + 0.001 * (i + 1), CIBINONG[1]
            facility.save()
    first = page(client.get(f"/faskes?lat={CIBINONG[0]}&lon={CIBINONG[1]}"))
    second = page(client.get(f"/faskes?lat={CIBINONG[0]}&lon={CIBINONG[1]}&halaman=2"))
    everything = distances(first) + distances(second)
    assert len(everything) == 40 and everything == sorted(everything)
    assert first.select_one("#hasil a[rel=next]")["href"].startswith("/faskes?lat=-6.48160&lon=106.85400")


@pytest.mark.parametrize("query", ["lat=999&lon=106.8", "lat=-6.4&lon=abc", "lat=-6.4", "lon=106.8",
                                   "lat=nan&lon=106.8", "lat=1e999&lon=106", "lat=-6.4&lon=-181"])
def test_bad_coordinates_give_a_message_and_the_unsorted_search(client, query):
    response = client.get(f"/faskes?{query}")
    assert response.status_code == 200
    html = page(response)
    assert messages(html) == [("Lokasi tidak valid (lintang -90 sampai 90, bujur -180 sampai 180), "
                               "jadi hasil tidak diurutkan menurut jarak.")]
    assert len(names(html)) == 8 and set(distances(html)) == {None}
    assert html.find("input", {"name": "lat"})["value"] == ""


def test_coordinates_with_a_decimal_comma_are_understood(client):
    html = page(client.get("/faskes?lat=-6,4816&lon=106,8540"))
    assert not messages(html) and names(html)[0] == "Puskesmas Cibinong"


def test_far_from_everything_lists_only_what_is_within_reach(client):
    html = page(client.get("/faskes?lat=-2.5&lon=140.7"))  # Jayapura: the demo is on Java
    assert names(html) == []


def test_participant_nearest_is_the_family_district_then_its_regency(app):
    with app.app_context():
        add_facility("Apotek Tetangga Kecamatan", kind="apotek", district="32.01.02")
    budi = signed_in_client(app, "peserta")  # family in 32.01.01 Cibinong, regency 32.01
    html = page(budi.get("/faskes?terdekat=1"))
    listed = names(html)
    assert sorted(listed[:4]) == ["Apotek Sehat Farma", "Klinik Pratama Harapan Sehat", "Puskesmas Cibinong",
                                  "RSUD Cibinong Contoh"]
    assert listed[4:] == ["Apotek Tetangga Kecamatan"]  # the regency, after the district
    note = "Faskes di Kecamatan Cibinong lebih dulu, lalu di Kabupaten Bogor."
    assert note in html.select_one("#hasil").get_text()
    assert html.find("input", {"name": "terdekat"})["value"] == "1"  # refining keeps it
    kinds = page(budi.get("/faskes?terdekat=1&jenis=apotek"))
    assert names(kinds) == ["Apotek Sehat Farma", "Apotek Tetangga Kecamatan"]


def test_participant_sees_the_nearest_link_and_coordinates_win_over_it(app):
    budi = signed_in_client(app, "peserta")
    assert page(budi.get("/faskes")).find("a", string="Faskes di sekitar alamat saya")["href"] == (
        "/faskes?terdekat=1#hasil")
    html = page(budi.get("/faskes?terdekat=1&lat=-6.8913&lon=107.6220"))
    assert names(html)[0] == "Puskesmas Coblong" and distances(html)[0] == 0.0


@pytest.mark.parametrize("role", [None, "petugas_bpjs"])
def test_nearest_without_a_participant_explains_what_to_do(app, client, role):
    visitor = signed_in_client(app, role) if role else client
    html = page(visitor.get("/faskes?terdekat=1"))
    assert messages(html) == [("Untuk faskes terdekat, tekan “Gunakan lokasi saya” atau masuk sebagai "
                               "peserta. Anda juga bisa memilih wilayah.")]
    assert names(html) == []


# --- the page budget and HTML checks of tests/test_budget.py (the menu does not link here yet) -------

@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_facility_page_passes_the_page_checks(app, lang, many_clinics):
    from bs4 import BeautifulSoup

    from tests.helpers import decoded, page_problems, transfer_size

    anonymous, budi = app.test_client(), signed_in_client(app, "peserta")
    urls = ["/faskes", "/faskes?jenis=puskesmas", f"/faskes?lat={CIBINONG[0]}&lon={CIBINONG[1]}",
            "/faskes?nama=uji+halaman&halaman=2", "/faskes?nama=%25", "/faskes?lat=999&lon=abc",
            "/faskes?provinsi=32&kabupaten=32.01&kecamatan=32.01.01&layanan=poli_umum&mitra=1",
            "/faskes?nama=" + "x" * 2000, "/faskes?halaman=1000000000&jenis=apotek", "/faskes?provinsi=99",
            *[f"/faskes/{pk}" for (pk,) in
              Facility.select(Facility.id).where(Facility.code.startswith("DEMO")).tuples()]]
    for client in (anonymous, budi):
        client.set_cookie("lang", lang)
        for url in urls + ["/faskes?terdekat=1"]:
            response = client.get(url, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, url
            assert page_problems(url, response, BeautifulSoup(decoded(response), "html.parser")) == [], url
            assert transfer_size(response) <= 10_000, url


# --- htmx ------------------------------------------------------------------------------------------

def test_htmx_search_returns_only_the_results_within_the_fragment_budget(client):
    headers = {"HX-Request": "true", "Accept-Encoding": "gzip"}
    response = client.get("/faskes?jenis=puskesmas", headers=headers)
    assert response.headers["Content-Encoding"] == "gzip" and len(response.get_data()) <= 2048
    assert "HX-Request" in response.headers["Vary"]
    fragment = page(client.get("/faskes?jenis=puskesmas", headers={"HX-Request": "true"}))
    assert fragment.find("html") is None and fragment.find("form") is None
    section = fragment.find("section", id="hasil")
    assert section["hx-target"] == "this" and len(section.select("li")) == 3
    boosted = page(client.get("/faskes?jenis=puskesmas",
                              headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert boosted.title and boosted.find("form", action="/faskes#hasil")


def test_the_form_and_page_links_swap_only_the_results(client, many_clinics):
    html = page(client.get("/faskes?nama=uji+halaman"))
    form = html.find("form", action="/faskes#hasil")
    assert (form["hx-get"], form["hx-target"], form["hx-swap"], form["hx-push-url"]) == (
        "/faskes", "#hasil", "outerHTML", "true")
    link = html.select_one("#hasil a[rel=next]")
    assert link["hx-get"] == "/faskes?nama=uji+halaman&halaman=2" and link["hx-push-url"] == "true"


# --- the facility page ------------------------------------------------------------------------------

def facility_page(client, code):
    facility = Facility.get(Facility.code == code)
    return page(client.get(f"/faskes/{facility.id}"))


def facts(html):
    dl = html.select_one("dl.facts")
    return {dt.get_text(): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in dl.find_all("dt")}


def test_hospital_page_has_class_hours_services_region_and_beds(app, client):
    with app.app_context():
        html = facility_page(client, "DEMO-RS-3201")
    assert html.h1.get_text() == "RSUD Cibinong Contoh"
    assert facts(html) == {
        "Kode faskes": "DEMO-RS-3201",
        "Jenis": "Rumah sakit · Kelas C",
        "Kerja sama BPJS": "Mitra BPJS Kesehatan",
        "Alamat": "Jl. KSR Dadi Kusmayadi No. 27, Cibinong",
        "Wilayah": "Cibinong › Kabupaten Bogor › Jawa Barat",
        "Telepon": "021-555-0103",
    }
    assert html.select_one('dl.facts a[href="tel:0215550103"]')
    hours = html.find_all("dl", class_="facts")[1]
    assert [dd.get_text() for dd in hours.find_all("dd")] == ["24 jam"] * 7
    assert [dt.get_text() for dt in hours.find_all("dt")] == [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    assert [li.get_text() for li in html.select("ul.services li")] == [
        "IGD 24 jam", "Persalinan", "Rawat inap", "Laboratorium", "Radiologi", "Poli spesialis"]
    beds = [li.get_text(" ", strip=True) for li in html.select("ul.beds li")]
    assert [li.b.get_text() for li in html.select("ul.beds li")] == [
        "Kelas I", "Kelas II", "Kelas III", "ICU", "Isolasi"]
    assert beds[0].startswith("Kelas I : 4 dari 20 kosong Diperbarui ") and beds[0].endswith("WIB")
    assert "data lama" not in html.get_text()


def test_bed_counts_older_than_a_day_are_marked_as_old(app, client, monkeypatch):
    with app.app_context():
        hospital = Facility.get(Facility.code == "DEMO-RS-3201")
        reported = BedAvailability.get(facility=hospital, bed_class="icu").updated_at
    monkeypatch.setattr(clock, "now", lambda: reported + timedelta(hours=24, minutes=1))
    with app.app_context():
        html = facility_page(client, "DEMO-RS-3201")
    assert len(html.select("ul.beds li strong")) == 5
    assert {s.get_text() for s in html.select("ul.beds li strong")} == {"data lama"}
    monkeypatch.setattr(clock, "now", lambda: reported + timedelta(hours=23))
    with app.app_context():
        assert "data lama" not in facility_page(client, "DEMO-RS-3201").get_text()


def test_puskesmas_page_is_closed_on_missing_days_and_has_no_beds(app, client):
    with app.app_context():
        html = facility_page(client, "DEMO-PKM-3201")
    hours_list = html.find_all("dl", class_="facts")[1]
    hours = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in hours_list.find_all("dt")}
    assert hours["Senin"] == "07.30–14.00" and hours["Sabtu"] == "07.30–12.00" and hours["Minggu"] == "Tutup"
    assert facts(html)["Jenis"] == "Puskesmas" and html.select_one("ul.beds") is None
    assert "Tempat tidur" not in html.get_text()
    nearby = html.find("a", string="Faskes lain di sekitar sini")["href"]
    assert nearby == "/faskes?lat=-6.48160&lon=106.85400#hasil"


def test_a_facility_without_details_says_they_are_not_recorded(app, client):
    with app.app_context():
        facility = add_facility("RS Tanpa Data", kind="rumah_sakit", is_partner=None, source="hospitals",
                                phone="", district=None, regency_code="32.01", province_code="32")
    html = page(client.get(f"/faskes/{facility.id}"))
    text = html.get_text(" ", strip=True)
    for expected in ("Jam buka belum tercatat", "Layanan belum tercatat",
                     "Data tempat tidur belum dilaporkan", "Status mitra BPJS belum tercatat"):
        assert expected in text
    assert facts(html)["Wilayah"] == "Kabupaten Bogor › Jawa Barat"
    assert facts(html)["Telepon"] == "Belum tercatat"


@pytest.mark.parametrize("path", ["/faskes/999999", "/faskes/0", "/faskes/2147483648",
                                  "/faskes/99999999999999999999999", "/faskes/abc", "/faskes/-1"])
def test_unknown_facility_is_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert page(response).h1.get_text() == "Halaman tidak ditemukan"


# --- import of the four shared lists --------------------------------------------------------------

EXPECTED = {
    # format: (rows, loaded, {skip reason: count}, {dropped value: count})
    "hospitals": (3155, 3155, {}, {"koordinat (coord_suspect=yes)": 40}),
    "puskesmas": (9061, 9061, {}, {"koordinat (coord_suspect=yes)": 89}),
    "jakarta": (2620, 2110, {
        "klinik kecantikan: bukan layanan JKN": 276,
        "praktik bidan: belum ada jenis faskes untuk bidan": 226,
        "klinik akupunktur: bukan jenis faskes JKN": 4,
        "klinik rutan: tidak melayani umum": 4,
    }, {}),
    "banten": (901, 900, {"kode tidak valid": 1}, {"telepon (tidak valid)": 16}),
}


def import_all(app):
    with app.app_context():
        return {fmt: import_facilities(SHARED / filename, fmt) for fmt, filename in FILES.items()}


@needs_shared
def test_the_four_shared_lists_import_with_counts_and_a_rerun_creates_nothing(app):
    before = Facility.select().count()
    reports = import_all(app)
    for fmt, (rows, loaded, skipped, dropped) in EXPECTED.items():
        report = reports[fmt]
        assert (report.rows, report.loaded, report.created, report.skipped_count) == (
            rows, loaded, loaded, rows - loaded), fmt
        assert {reason: len(lines) for reason, lines in report.skipped.items()} == skipped, fmt
        assert {reason: len(lines) for reason, lines in report.dropped.items()} == dropped, fmt
    assert reports["banten"].skipped["kode tidak valid"] == [39]
    assert Facility.select().count() == before + sum(loaded for _, loaded, _, _ in EXPECTED.values())

    again = import_all(app)
    for fmt, (_, loaded, _, _) in EXPECTED.items():
        assert (again[fmt].created, again[fmt].updated, again[fmt].unchanged) == (0, 0, loaded), fmt
    assert Facility.select().count() == before + 15_226

    # codes from the four sources cannot collide, and keep their leading zeros
    hospital, puskesmas = Facility.get(code="R1110053"), Facility.get(code="P1106010101")
    assert (hospital.name, hospital.kind, hospital.hospital_class, hospital.regency_code) == (
        "RS Arun Lhokseumawe", "rumah_sakit", "C", "11.73")
    assert (puskesmas.name, puskesmas.district_code, puskesmas.is_partner) == (
        "Puskesmas Isaq", "11.04.01", True)
    banten = Facility.get(code="02190002")
    assert (banten.name, banten.kind, banten.source, banten.district_code) == (
        "Puskesmas Majasari", "puskesmas", "banten", "36.01.21")
    pharmacy = Facility.get(code="JKT-APT-1")
    assert (pharmacy.kind, pharmacy.regency_code, pharmacy.district_code, pharmacy.is_partner) == (
        "apotek", "31.75", "31.75.07", None)  # the Jakarta list does not say: unknown
    kinds = {kind for (kind,) in
             Facility.select(Facility.kind).where(Facility.source == "jakarta").distinct().tuples()}
    assert kinds == {"apotek", "klinik_pratama", "dokter_praktik", "dokter_gigi", "klinik_utama",
                          "puskesmas", "rumah_sakit"}
    located = Facility.select().where(Facility.source == "hospitals", Facility.latitude.is_null(False),
                                      ~Facility.code.startswith("DEMO-"))  # the demo's own hospital aside
    assert located.count() == 1133 - 40  # the suspect coordinates were dropped


@needs_shared
def test_imported_lists_are_searchable(app, client):
    import_all(app)
    # the hospital list spells "RSUD" out; people type it short, or only the name
    for query in ("RSUD Meuraxa", "meuraxa", "Rumah Sakit Umum Daerah Meuraxa"):
        assert "RS Umum Daerah Meuraxa" in names(page(client.get("/faskes", query_string={"nama": query})))
    html = page(client.get("/faskes?provinsi=11&kabupaten=11.04&kecamatan=11.04.01&jenis=puskesmas"))
    assert "Puskesmas Isaq" in names(html)
    # nearest in Jakarta: a full page of 20 sorted by distance, and its htmx fragment
    monas = "lat=-6.1754&lon=106.8272"
    html = page(client.get(f"/faskes?{monas}"))
    shown = distances(html)
    assert len(shown) == 20 and shown == sorted(shown) and shown[-1] < 5
    assert html.select_one("#hasil a[rel=next]")
    fragment = client.get(f"/faskes?{monas}", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert len(fragment.get_data()) <= 2048, len(fragment.get_data())
    assert len(page_from_gzip(fragment).select("li")) == 20
    full = client.get(f"/faskes?{monas}", headers={"Accept-Encoding": "gzip"})
    assert len(full.get_data()) <= 10_000
    # Jakarta puskesmas are partners (the others of that list: not recorded)
    assert names(page(client.get(f"/faskes?{monas}&mitra=1&jenis=puskesmas")))


def page_from_gzip(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(gzip.decompress(response.get_data()), "html.parser")


@needs_shared
def test_import_command_prints_the_report(runner):
    result = runner.invoke(args=["import", "facilities", str(SHARED / FILES["banten"]), "--format=banten"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Facilities from bpjs_faskes_banten_2019.csv (format banten): 901 rows, 900 loaded "
        "(900 created, 0 updated, 0 unchanged), 1 skipped.")
    assert "skipped 1: kode tidak valid (line 39)" in result.output


def test_import_refuses_a_file_of_another_format(runner, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("kk_number,nik\n1,2\n", encoding="utf-8")
    result = runner.invoke(args=["import", "facilities", str(wrong), "--format=hospitals"])
    assert result.exit_code == 1 and "is not a hospitals file: missing columns" in result.output
    assert runner.invoke(args=["import", "facilities", str(wrong), "--format=kaggle"]).exit_code == 2


def test_import_skips_bad_rows_with_their_lines_and_updates_on_rerun(app, tmp_path):
    header = ("bpjs_code,name,facility_type,address,phone,province_code,regency_code,regency_name_src,"
              "latitude,longitude,district_code_approx,nearest_puskesmas_km\n")
    rows = [
        "0001A001,Apotek Satu,Apotek,Jl. Satu,0254-111,36,36.01,x,-6.3,106.1,36.01.21,1",
        ",Tanpa Kode,Apotek,,,36,36.01,x,,,,",                       # 3: bad code
        "0001A002,,Apotek,,,36,36.01,x,,,,",                         # 4: no name
        "0001Z003,Optik Baru,Optik Kacamata,,,36,36.01,x,,,,",       # 5: unknown type
        "0001A001,Apotek Satu Lagi,Apotek,,,36,36.01,x,,,,",         # 6: repeated code
        "0001A004,Apotek Laut,Apotek,,P360207,99,99.99,x,40.0,10.0,99.99.99,1",  # 7: kept, values dropped
        '"0001A005","Apotek ""Kutip""",Apotek,"Jl. A, B",,36,36.01,x,,,,',       # 8: quoted
    ]
    path = tmp_path / "banten.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    with app.app_context():
        report = import_facilities(path, "banten")
        assert (report.rows, report.created) == (7, 3)
        assert report.skipped == {"kode tidak valid": [3], "nama kosong": [4],
                                  "jenis faskes tidak dikenal": [5], "kode ganda (sama dengan baris 2)": [6]}
        assert report.dropped == dict.fromkeys(
            ("telepon (tidak valid)", "kode provinsi (tidak dikenal)", "kode kabupaten/kota (tidak dikenal)",
             "kode kecamatan (tidak dikenal)", "koordinat (di luar Indonesia)"), [7])
        laut = Facility.get(code="0001A004")
        assert (laut.province_code, laut.regency_code, laut.district_code, laut.latitude, laut.phone) == (
            "", "", None, None, "")
        assert Facility.get(code="0001A005").name == 'Apotek "Kutip"'
        path.write_text(header + rows[0].replace("Apotek Satu", "Apotek Satu Baru") + "\n", encoding="utf-8")
        rerun = import_facilities(path, "banten")
        assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 1, 0)
        assert Facility.get(code="0001A001").search_name == "satu baru"
    with pytest.raises(FacilityFileError), app.app_context():
        import_facilities(tmp_path / "missing.csv", "banten")


def test_service_codes_and_kinds_have_indonesian_labels():
    from app.core.labels import KIND_LABELS, SERVICE_LABELS

    assert set(KIND_LABELS) == set(Facility.KINDS)
    assert set(SERVICE_LABELS) == {"igd_24_jam", "poli_umum", "poli_gigi", "kia", "persalinan", "rawat_inap",
                                   "apotek_prb", "laboratorium", "radiologi", "poli_spesialis"}
    assert all(code.isidentifier() for code in SERVICE_LABELS)  # no spaces: Facility.services joins them


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_search_without_words_made_once_a_shape_reads_what_its_query_reads(app, data):
    """A search by kind, service, partnership and region is a prepared query made once per shape
    (which filters, which region level, a point, a district first): with any values, its rows and the
    nearest search's candidates are those of the same search built afresh."""
    from app.facilities import service as facilities

    with app.app_context():
        rows = list(Facility.select().where(Facility.latitude.is_null(False)))
        kinds = sorted({f.kind for f in rows})
        services = sorted({code for f in rows for code in f.services})
        some = data.draw(st.sampled_from(rows))
        chosen = {"province_code": some.province_code, "regency_code": some.regency_code,
                  "district_code": some.district}
        region = dict(list(chosen.items())[:data.draw(st.integers(0, 3))])  # as the picker: down to a level
        maybe = lambda values: data.draw(st.one_of(st.just(""), st.sampled_from(values)))  # noqa: E731
        filters = facilities.Filters(kind=maybe(kinds), service=maybe(services),
                                     partner_only=data.draw(st.booleans()), **region)
        near_to = data.draw(st.sampled_from([None, (some.latitude, some.longitude), (-6.2, 106.8)]))
        first = data.draw(st.sampled_from([None, some.district, "32.01.01"]))
        number, size = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5))
        found = facilities.search(filters, number, size, first_district=first, near_to=near_to)
        built = list(facilities._filtered(Facility.select(), filters)
                     .order_by(*facilities._order(near_to, first))
                     .offset((number - 1) * size).limit(size + 1))
        assert [f.id for f, _ in found.rows] == [f.id for f in built[:size]]
        assert found.has_next == (len(built) > size)
        box = (some.latitude - 1, some.latitude + 1, some.longitude - 1, some.longitude + 1)
        assert sorted(facilities._within(filters)(*box)) == sorted(facilities._in_box(filters, *box))
