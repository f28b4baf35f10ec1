"""The architecture checks itself: every route has an access rule, typed parameters and a
kebab-case path; the migrations create exactly the schema the models describe; each area is one
package, one blueprint, one URL prefix, one template folder and one tests folder; the rules are pure;
no area imports another area's views; no module grows past 500 lines."""
import ast
import importlib
import re

import pytest

from app import areas
from app.core.cli import schema_diff
from app.core.config import ROOT
from app.models import ROLES
from tests.helpers import page, signed_in_client

SEGMENT = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*(\.json)?|<\w+:\w+>)$")  # openapi.json: the name tools expect


def routes(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_has_an_explicit_access_rule(app):
    missing = [r.rule for r in routes(app) if not getattr(app.view_functions[r.endpoint], "access", None)]
    assert not missing
    for rule in routes(app):
        access = app.view_functions[rule.endpoint].access
        assert access == "public" or set(access) <= set(ROLES), rule.rule


def test_every_parameter_is_typed_and_every_path_kebab_case(app):
    for rule in routes(app):
        assert not re.search(r"<\w+>", rule.rule), f"untyped parameter in {rule.rule}"
        for segment in rule.rule.strip("/").split("/"):
            assert segment == "" or SEGMENT.match(segment), f"{rule.rule}: {segment!r}"


def test_the_convention_checks_can_fail():
    assert not SEGMENT.match("kataSandi") and not SEGMENT.match("kata_sandi")
    assert re.search(r"<\w+>", "/peserta/<card>")


def _parameterless_get_routes(app, public):
    for rule in routes(app):
        access = app.view_functions[rule.endpoint].access
        if "GET" in rule.methods and not rule.arguments and (access == "public") == public:
            yield rule.rule, access


def test_protected_pages_send_strangers_to_sign_in(app, client):
    checked = 0
    for path, _ in _parameterless_get_routes(app, public=False):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/masuk?next="), path
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(app, role):
    client = signed_in_client(app, role)
    for path, access in _parameterless_get_routes(app, public=False):
        response = client.get(path)
        assert response.status_code == (200 if role in access else 403), path


def test_roles_decorator_refuses_other_roles(app):
    """A role-restricted page (built on a second app) answers 403 to a signed-in outsider."""
    from flask import Blueprint

    from app import create_app
    from app.core.auth import roles

    other = create_app({key: value for key, value in app.config.items() if key.isupper()})
    bp = Blueprint("only_admin", __name__)

    @bp.get("/khusus-admin")
    @roles("admin")
    def only_admin():
        return "rahasia"

    other.register_blueprint(bp)
    peserta, admin = signed_in_client(other, "peserta"), signed_in_client(other, "admin")
    refused = peserta.get("/khusus-admin")
    assert refused.status_code == 403
    assert page(refused).h1.get_text() == "Tidak diizinkan"
    assert admin.get("/khusus-admin").get_data(as_text=True) == "rahasia"


def test_migrations_create_exactly_the_models(app):
    with app.app_context():
        assert not schema_diff(), str(schema_diff())


def test_an_id_beyond_the_database_range_is_a_404_not_an_error(app):
    client = signed_in_client(app, "peserta")
    checked = 0
    for rule in routes(app):
        converters = rule._converters
        if "GET" in rule.methods and converters and all(
                type(c).__name__ == "DatabaseId" for c in converters.values()):
            path = rule.build({name: 1 for name in converters})[1].replace("/1", "/99999999999999999999999")
            assert client.get(path).status_code in (404, 403, 302), path
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role,path", [
    ("petugas_bpjs", "/petugas/pembayaran?sebelum={}"),
    ("petugas_faskes", "/faskes-saya?poli={}"),
    ("peserta", "/iuran/riwayat?sebelum={}"),
    ("peserta", "/perubahan-data/permintaan?peserta={}&jenis=name"),
])
@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "0", "abc", "2147483648"])
def test_ids_in_query_parameters_never_break_a_page(app, role, path, value):
    """A number SQLite cannot bind (or that cannot be an id) is treated as no id, never a 500."""
    response = signed_in_client(app, role).get(path.format(value))
    assert response.status_code in (200, 404), response.status_code


def test_parse_id_bounds():
    from app.core.db import MAX_ID, parse_id

    assert [parse_id(v) for v in ("1", str(MAX_ID), str(MAX_ID + 1), "0", "-1", "1.5", "²", None, 7)] == [
        1, MAX_ID, None, None, None, None, None, None, 7]


# --- the layout: one package per area ---------------------------------------------------------

#: areas whose blueprint has no url_prefix because a few of their URLs belong elsewhere for the
#: people who type or bookmark them: their prefix, and the URLs outside it (with why)
DECLARED_PREFIX = {
    "main": ("/",),  # the site's own root pages: /, /beranda, /bahasa, /healthz
    # activation is found from the sign-in page by people who have no account yet; facilitators and
    # officers issue its codes at one address
    "accounts": ("/akun", "/aktivasi", "/kode-sekali-pakai"),
    "registration": ("/pendaftaran",),
    "changes": ("/perubahan-data",),
    "tariffs": ("/tarif-iuran",),
    # articles, the transparency pages and the search are three things readers look for by name;
    # editors work under /petugas with every other officer task
    "content": ("/artikel", "/informasi", "/cari", "/petugas/konten"),
    # a participant's own history; facility staff record visits among their other /faskes-saya pages
    "health": ("/riwayat", "/faskes-saya/pasien", "/faskes-saya/icd10"),
    # a participant's cases; officers and facility staff work them among their other pages; the
    # public dashboard is named for what it shows
    "cases": ("/kasus", "/petugas/kasus", "/faskes-saya/kasus", "/dasbor-layanan"),
}
OUTSIDE_PREFIX = {
    "/masuk", "/keluar",  # sign-in and sign-out: the two words every page links to
    "/tambah-anggota",  # adding a member: the head's own task, not a registration draft
    "/petugas/pendaftaran/<int:registration_id>",  # officers find every decision under /petugas,
    "/petugas/perubahan/<int:request_id>",  # while the review stays with its workflow
    "/petugas/anggota-baru/<int:addition_id>", "/petugas/anggota-baru/<int:addition_id>/dokumen",
    "/kalkulator-denda",  # a public calculator people are told about by name
}
#: template folders every area may use
SHARED_TEMPLATES = ("errors", "_macros")
#: a page one area renders from another's folder, and why
BORROWED_TEMPLATES = {
    ("admin", "accounts/code_issued"),  # the one-time code slip is the same wherever a code is issued
}


def area_modules(area):
    return sorted((ROOT / "app" / area).glob("*.py"))


def test_each_area_is_one_package_one_blueprint_one_prefix(app):
    assert len(areas()) >= 10
    for area in areas():
        bp = importlib.import_module(f"app.{area}").bp
        assert bp.name == area, f"app/{area}/ defines blueprint {bp.name!r}"
        prefix = (bp.url_prefix,) if bp.url_prefix else DECLARED_PREFIX.get(area)
        assert prefix, f"app/{area}/: give the blueprint a url_prefix"
        for rule in routes(app):
            if rule.endpoint.partition(".")[0] == area:
                assert rule.rule.startswith(prefix) or rule.rule in OUTSIDE_PREFIX, (area, rule.rule)
    assert {rule.endpoint.partition(".")[0] for rule in routes(app)} <= {*areas(), "static"}


def test_each_area_renders_only_its_own_templates_and_has_its_tests():
    rendered = re.compile(r"""render(?:_template)?\(\s*["']([\w/]+)\.html""")
    for area in areas():
        for module in area_modules(area):
            for template in rendered.findall(module.read_text()):
                folder = template.split("/")[0]
                assert folder in (area, *SHARED_TEMPLATES) or (area, template) in BORROWED_TEMPLATES, \
                    f"{module.relative_to(ROOT)} renders {template}"
        assert (ROOT / "tests" / area).is_dir(), f"tests/{area}/ is missing"
    folders = {p.name for p in (ROOT / "app" / "templates").iterdir() if p.is_dir()}
    assert folders <= {*areas(), *SHARED_TEMPLATES}, folders - {*areas(), *SHARED_TEMPLATES}


def imports_of(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_rules_import_nothing_from_flask_peewee_or_the_app():
    forbidden = ("flask", "peewee", "playhouse", "werkzeug", "wtforms", "jinja2", "psycopg2", "app.")
    for path in sorted((ROOT / "app" / "rules").glob("*.py")):
        bad = [name for name in imports_of(path) if name.startswith(forbidden)
               and not name.startswith("app.rules")]
        assert not bad, f"{path.name} imports {bad}"


def test_no_area_imports_another_areas_views():
    for area in areas():
        for module in area_modules(area):
            for name in imports_of(module):
                parts = name.split(".")
                if len(parts) >= 3 and parts[0] == "app" and parts[1] != area and parts[2] == "views":
                    pytest.fail(f"{module.relative_to(ROOT)} imports {name}")


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "app").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 500}
    assert not long, long


def test_one_csrf_rendering():
    """Every form carries its token through the csrf() macro (the htmx header in base.html aside)."""
    for path in sorted((ROOT / "app" / "templates").rglob("*.html")):
        if path.parent.name == "_macros":
            continue
        text = path.read_text()
        if path.name == "base.html":
            text = text.replace("\"X-CSRFToken\":\"{{ csrf_token() }}\"", "")
        assert "csrf_token" not in text, f"{path.relative_to(ROOT)}: use {{{{ csrf() }}}}"


def test_python_code_translates_through_the_requests_catalogue():
    """`_()` in Python is app.core.extensions.fast_gettext (the request's catalogue, looked up once),
    not Flask-Babel's gettext, which walks its context look-ups on every call (3.4 → 11 µs)."""
    pattern = re.compile(r"^from flask_babel import .*\bgettext\b", re.MULTILINE)
    slow = [str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py") if pattern.search(p.read_text())]
    assert slow == []
