"""Facility search that finds what people type (issue 9 item 8): any word of the name, address,
district or regency in any order, the usual abbreviations, small typos, relevance then distance;
the other filters still apply. Runs on both databases (FTS5 / tsvector + pg_trgm)."""
import secrets

import pytest

from app.facilities import service as facilities
from app.models import Facility
from app.rules import facilities as rules
from app.rules.facilities import search_key
from tests.helpers import page

CIBINONG = (-6.4816, 106.8540)


def names(response):
    return [li.b.get_text() for li in page(response).select("#hasil ol.list li")]


def find(client, query, **more):
    return names(client.get("/faskes", query_string={"nama": query, **more}))


def add(name, kind="klinik_pratama", district="32.01.01", **fields):
    values = dict(code=f"TEST-{secrets.token_hex(6)}", name=name, search_name=search_key(name), kind=kind,
                  district=district, regency_code=(district or "")[:5], province_code=(district or "")[:2])
    return Facility.create(**dict(values, **fields))


@pytest.mark.parametrize("query", ["harapan sehat", "sehat harapan", "klinik harapan", "HARAPAN",
                                   "harapan cibinong", "bogor harapan", "raya bogor klinik"])
def test_any_word_of_name_address_district_or_regency_in_any_order(client, query):
    assert find(client, query)[0] == "Klinik Pratama Harapan Sehat"


@pytest.mark.parametrize("query,expected", [
    ("cibnong puskesmas", "Puskesmas Cibinong"),  # one letter missing
    ("puskesmas cibinnong", "Puskesmas Cibinong"),  # one too many
    ("rsud cibinong contho", "RSUD Cibinong Contoh"),  # two swapped
    ("harapn sehat", "Klinik Pratama Harapan Sehat"),
])
def test_small_typos_are_forgiven(client, query, expected):
    assert find(client, query)[0] == expected


def test_a_typo_is_not_a_different_word_of_three_letters(client):
    assert find(client, "rsx cibinong") == []  # short words must be exact (or the start of a word)


@pytest.mark.parametrize("query,expected", [
    ("RSIA cibinong", ["Rumah Sakit Ibu dan Anak Bunda Uji"]), ("rumah sakit ibu dan anak", ["Rumah Sakit Ibu dan Anak Bunda Uji"]),
    ("apotik sehat", ["Apotek Sehat Farma"]), ("apotek", ["Apotek Sehat Farma"]),
    ("PKM coblong", ["Puskesmas Coblong"]), ("rs cibinong", ["Rumah Sakit Ibu dan Anak Bunda Uji", "RSUD Cibinong Contoh"]),
])
def test_the_usual_abbreviations(app, client, query, expected):
    with app.app_context():
        add("Rumah Sakit Ibu dan Anak Bunda Uji", kind="rumah_sakit")
    assert sorted(find(client, query)) == sorted(expected)


def test_the_name_counts_more_than_the_address_then_distance(app, client):
    with app.app_context():
        add("Klinik Jauh Sekali", address="Jl. Merdeka No. 1", latitude=-6.482, longitude=106.855)
        add("Klinik Merdeka Uji", address="Jl. Lain", latitude=-6.90, longitude=107.60, district="32.73.02")
        add("Klinik Merdeka Dekat", latitude=-6.49, longitude=106.86)
    lat, lon = CIBINONG
    response = client.get("/faskes", query_string={"nama": "merdeka", "lat": lat, "lon": lon})
    found = names(response)
    assert found[:3] == ["Klinik Merdeka Dekat", "Klinik Merdeka Uji", "Klinik Jauh Sekali"]
    assert "Yang paling cocok lebih dulu, lalu yang terdekat dari lokasi Anda." in page(response).get_text()
    assert "km" in page(response).select("#hasil ol.list li")[0].get_text()


def test_the_other_filters_still_apply(client):
    assert find(client, "cibinong", jenis="puskesmas") == ["Puskesmas Cibinong"]
    assert find(client, "cibinong", layanan="apotek_prb") == ["Apotek Sehat Farma"]
    assert find(client, "cibinong", kecamatan="32.73.02", kabupaten="32.73", provinsi="32") == []
    assert "Puskesmas Coblong" in find(client, "puskesmas", kabupaten="32.73", provinsi="32")


def test_partner_only_leaves_out_unknown_and_ended_partnerships(app, client):
    from datetime import date
    with app.app_context():
        add("Klinik Mitra Tahu", is_partner=None)
        add("Klinik Mitra Lama", is_partner=True, partner_until=date(2020, 12, 31))
        add("Klinik Mitra Aktif", is_partner=True, partner_from=date(2020, 1, 1))
    assert sorted(find(client, "klinik mitra")) == ["Klinik Mitra Aktif", "Klinik Mitra Lama", "Klinik Mitra Tahu"]
    assert find(client, "klinik mitra", mitra="1") == ["Klinik Mitra Aktif"]


def test_words_are_kept_up_to_date_by_save_and_by_a_bulk_refresh(app, client):
    with app.app_context():
        facility = add("Klinik Lama Nama")
        facility.name = "Klinik Baru Nama"
        facility.save()
        Facility.update(name="Klinik Massal Nama").where(Facility.id == facility.id).execute()
        assert find(client, "massal") == []  # a bulk update bypasses save(): until the refresh
        Facility.refresh_search_text([facility.code])
        facilities.refresh_words()
    assert find(client, "massal nama") == ["Klinik Massal Nama"] and find(client, "baru nama") == []


def test_query_words_drop_single_letters_and_cap_the_count():
    assert rules.query_words("a Rumah Sakit b umum 1 x") == ["rs", "umum", "1"]
    assert len(rules.query_words(" ".join(f"kata{i}" for i in range(20)))) == rules.QUERY_WORDS_MAX
    assert rules.close_words("cibnong", ["cibinong", "cibubur", "coblong"]) == ["cibinong"]
    assert rules.close_words("rsx", ["rsu"]) == []


@pytest.mark.parametrize("query", ["puskesmas", "klinik", "harapan sehat", "cibinong puskesmas", "cibinong",
                                   "bogor", "klinik bogor", "cibnong", "rs"])
def test_a_page_of_names_with_every_word_is_the_page_relevance_gives(app, query):
    """search() takes a page of facilities whose names hold every word without scoring the matches;
    every page is the one that scoring every match (relevance, then name) would give."""
    with app.app_context():
        for n in range(5):
            add(f"Klinik Bogor Uji {n}", district="32.01.01")
        words = rules.query_words(query)
        alternatives = facilities._alternatives(words)
        ranked = [f.id for f in Facility.select().where(facilities._matches(alternatives)).order_by(
            facilities._relevance(alternatives).desc(), Facility.search_name, Facility.id)]
        for per_page in (1, 2, 3, 20):
            for number in (1, 2, 3):
                found = facilities.search(facilities.Filters(name=" ".join(words)), page=number, per_page=per_page)
                assert [f.id for f, _km in found.rows] == ranked[(number - 1) * per_page:number * per_page]
                assert found.has_next == (len(ranked) > number * per_page)
