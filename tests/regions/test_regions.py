"""The region picker: plain GET forms without JS, dependent selects with htmx; the loader."""
import pytest

from app.models import Region
from app.regions.importer import load_regions
from tests.helpers import page


def options(html, name):
    select = html.find("select", {"name": name})
    return [] if select is None else [o["value"] for o in select.find_all("option") if o["value"]]


def selected(html, name):
    option = html.find("select", {"name": name}).find("option", selected=True)
    return option["value"] if option else None


def test_all_regions_are_loaded(app):
    with app.app_context():
        counts = [Region.select().where(Region.level == level).count() for level in (1, 2, 3, 4)]
    assert counts == [38, 514, 7285, 83762]


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        before = Region.select().count()
        assert load_regions() == {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
        assert Region.select().count() == before
        assert Region.get_by_id("32.73.02").name == "Coblong"


def test_without_choice_only_provinces_are_offered(client):
    html = page(client.get("/wilayah"))
    assert len(options(html, "provinsi")) == 38
    assert html.find("select", {"name": "kabupaten"}) is None
    assert html.select_one("fieldset.picker").find_parent("form")["method"] == "get"


def test_each_choice_opens_the_next_level(client):
    html = page(client.get("/wilayah?provinsi=32"))
    assert selected(html, "provinsi") == "32"
    assert len(options(html, "kabupaten")) == 27 and "32.73" in options(html, "kabupaten")
    html = page(client.get("/wilayah?provinsi=32&kabupaten=32.73"))
    assert "32.73.02" in options(html, "kecamatan")
    html = page(client.get("/wilayah?provinsi=32&kabupaten=32.73&kecamatan=32.73.02"))
    assert html.h2.get_text() == "Coblong"
    assert "Jawa Barat › Kota Bandung › Coblong" in html.main.get_text()
    assert "Dago" in [li.get_text() for li in html.select("ol.columns li")]


@pytest.mark.parametrize("query,kept", [
    ("provinsi=99", None),                                 # no such province
    ("provinsi=32&kabupaten=33.74", "32"),                 # a regency of another province
    ("provinsi=32&kabupaten=32.73&kecamatan=32.01.01", "32"),  # a district of another regency
    ("provinsi=" + "3" * 2000, None),                      # absurdly long
    ("provinsi=32%27%20OR%201%3D1--", None),               # SQL metacharacters
    ("kabupaten=32.73", None),                             # a regency without its province
])
def test_unknown_or_mismatched_codes_are_dropped_with_a_message(client, query, kept):
    response = client.get(f"/wilayah?{query}")
    assert response.status_code == 200
    html = page(response)
    assert html.select_one("fieldset.picker p.error").get_text() == (
        "Wilayah yang dipilih tidak dikenal. Silakan pilih lagi.")
    assert selected(html, "provinsi") == kept


def test_htmx_change_returns_only_the_picker(client):
    response = client.get("/wilayah?provinsi=32&kabupaten=32.73", headers={"HX-Request": "true"})
    html = page(response)
    assert html.find("html") is None
    picker = html.find("fieldset", id="picker")
    assert picker and len(options(html, "kecamatan")) == 30
    select = picker.find("select", {"name": "provinsi"})
    assert (select["hx-get"], select["hx-target"], select["hx-swap"]) == ("/wilayah", "#picker", "outerHTML")


def test_picker_fragment_is_within_the_fragment_budget(client):
    response = client.get("/wilayah?provinsi=32&kabupaten=32.73",
                          headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.get_data()) <= 2048


def test_the_listed_options_are_the_tree_by_name_and_an_import_is_seen_at_once(app):
    """Region.options is kept per worker; `flask import regions` makes this process read it afresh."""
    with app.app_context():
        for parent in (None, "32", "32.73", "32.73.02"):
            query = Region.select().where(Region.parent == parent if parent else Region.level == Region.PROVINCE)
            assert [(o.code, o.name) for o in Region.options(parent)] == [
                (r.code, r.name) for r in query.order_by(Region.name)]
        Region.update(name="Coblong Baru").where(Region.code == "32.73.02").execute()
        load_regions()  # puts the file's name back, and forgets the lists
        assert dict(Region.options("32.73"))["32.73.02"] == "Coblong"
        Region.update(name="Coblong Baru").where(Region.code == "32.73.02").execute()
        Region.forget_options()
        assert dict(Region.options("32.73"))["32.73.02"] == "Coblong Baru"
