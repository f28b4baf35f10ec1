"""The form fuzzer (tests/test_fuzz.py, `make fuzz`): hostile values in every field of every form the
app shows, and in every GET parameter of every page, as every role.

Nothing here is a hand list of forms: the forms are found by crawling the site as each role
(helpers.crawl) and reading the HTML; the POST routes they reach are checked against app.url_map, so a
form added by a new area is fuzzed without touching this file. Each submission is checked for a 5xx,
an unescaped reflection of the <script> marker (or an element injected through an attribute), and a
page over the budget.
"""
import random
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from app.core import demo
from tests.helpers import PAGE_BUDGET, crawl, decoded, internal, transfer_size

SCRIPT_MARKER = "<script>alert('fz16')</script>"
ATTRIBUTE_MARKER = '"><b id=fz16x>x</b>'
HOSTILE = [
    "A" * 100_000,  # very long
    "9" * 5_000,
    SCRIPT_MARKER,
    ATTRIBUTE_MARKER,
    "'><svg onload=alert(1)>",
    "\x00", "a\x00b", "\x00" * 50,
    "\u202egnp.exe", "\ufeff", "Z\u0336\u0324\u0354\u0367\u0311", "𝕏" * 40, "👨‍👩‍👧‍👦" * 20, "ｑ１２３",
    "' OR '1'='1", "1; DROP TABLE account; --", "\\", "%00", "../../etc/passwd",
    "{{7*7}}", "{% raw %}", "%(n)s %s", "${7*7}",
    "-1", "0", "-0", "1.5", "1e309", "NaN", "2147483648", "9223372036854775808",
    "-99999999999999999999", "99999999999999999999",
    "0000-00-00", "9999-12-31", "1900-01-01", "2026-02-30", "31-12-9999", "00-00-0000", "1-1-1",
    "", " ", "\r\n\t", "true", "null", "[]", "{}",
]
WRONG_CHOICES = ["tidak-ada", "", "-1", "99999999999", SCRIPT_MARKER]


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class FormSpec:
    role: str
    page: str
    action: str
    method: str
    fields: list
    multipart: bool = False

    @property
    def key(self):
        return (self.role, self.method, urlsplit(self.action).path, tuple(f.name for f in self.fields))


def fields_of(form):
    """The named controls of a form with the value a person would send untouched."""
    found, seen = [], {}
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or name == "csrf_token":
            continue
        if control.name == "select":
            options = [o.get("value", o.get_text()) for o in control.find_all("option")]
            chosen = control.find("option", selected=True) or (control.find("option") if options else None)
            spec = Field(name, "select", chosen.get("value", chosen.get_text()) if chosen else "", options)
        elif control.name == "textarea":
            spec = Field(name, "textarea", control.get_text())
        else:
            kind = (control.get("type") or "text").lower()
            if kind in ("file", "image", "reset", "button"):
                continue
            value = control.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind == "password":
                value = demo.PASSWORD
            if name in seen and kind in ("radio", "submit", "checkbox"):
                seen[name].options.append(value)
                if kind == "radio" and control.has_attr("checked"):
                    seen[name].value = value
                continue
            checked = control.has_attr("checked") or kind not in ("radio", "checkbox")
            spec = Field(name, kind, value if checked or kind == "radio" else "", [value])
        seen[name] = spec
        found.append(spec)
    return found


def forms_on(url, soup, role, forms, params):
    """Add the forms of one page to `forms` (POST, by key) and `params` (GET, by path)."""
    if urlsplit(url).query:
        params.setdefault(urlsplit(url).path, dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)))
    for form in soup.find_all("form"):
        method = (form.get("method") or "get").lower()
        action = internal(url, form.get("action")) or url
        spec = FormSpec(role, url, action, method, fields_of(form),
                        multipart=(form.get("enctype") == "multipart/form-data"))
        if method == "post":
            forms.setdefault(spec.key, spec)
        else:
            merged = params.setdefault(urlsplit(action).path, {})
            for f in spec.fields:
                merged.setdefault(f.name, f.value)


def discover(client, role):
    """(POST forms, GET urls with parameters) found by crawling as this role."""
    forms, params = {}, {}
    for url, response, soup in crawl(client):
        if soup is not None:
            forms_on(url, soup, role, forms, params)
    return list(forms.values()), params


def mutations(spec):
    """Every hostile submission of one form: (label, MultiDict of fields)."""
    base = [(f.name, f.value) for f in spec.fields if f.value != "" or f.kind not in ("checkbox", "submit")]
    names = [f.name for f in spec.fields]
    for target in spec.fields:
        values = WRONG_CHOICES if target.kind in ("select", "radio", "checkbox", "submit") else []
        for value in [*values, *HOSTILE]:
            yield f"{target.name}={value[:20]!r}", [(n, value if n == target.name else v) for n, v in base]
        yield f"{target.name} missing", [(n, v) for n, v in base if n != target.name]
        yield f"{target.name} twice", base + [(target.name, "kedua")]
    yield "every field long", [(n, "B" * 100_000) for n in names]
    yield "every field marker", [(n, SCRIPT_MARKER) for n in names]
    yield "nothing", []


def get_mutations(path, params):
    for name in params:
        for value in HOSTILE:
            yield f"{path}?{name}={value[:20]!r}", f"{path}?{urlencode({**params, name: value})}"
        yield f"{path}?{name} twice", f"{path}?{urlencode(list(params.items()) + [(name, 'kedua')])}"
    yield f"{path}?unknown", f"{path}?{urlencode({**params, 'zz_fuzz': SCRIPT_MARKER})}"


def problems(response):
    """What is wrong with a response to a hostile request (empty when nothing)."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    if response.mimetype != "text/html":
        return found
    body = decoded(response)
    if SCRIPT_MARKER.encode() in body or b"<svg onload" in body.lower():
        found.append("unescaped reflection")
    if BeautifulSoup(body, "html.parser").find(id="fz16x"):
        found.append("element injected through an attribute")
    size = transfer_size(response)
    if size > PAGE_BUDGET:
        found.append(f"{size} bytes > {PAGE_BUDGET}")
    return found


def sample(plan, count, seed=16):
    """`count` items of `plan`, the same ones on every run (all of them when it is short)."""
    if len(plan) <= count:
        return list(plan)
    return random.Random(seed).sample(plan, count)


def as_multidict(pairs):
    return MultiDict(pairs)
