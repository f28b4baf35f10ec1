"""The base Form: no field takes more than it can hold (the 100 KB paste into a 5-character field)."""
import importlib

import wtforms
from flask_wtf import FlaskForm

from app import areas
from app.core.forms import Form
from app.models import Facility, OpeningHours
from tests.helpers import CIBINONG, PAGE_BUDGET, page, transfer_size


def _hours_data(faskes):
    form = page(faskes.get("/faskes-saya/jam-buka")).select_one('form[action="/faskes-saya/jam-buka"]')
    data = {f["name"]: f.get("value", "") for f in form.find_all("input") if f.get("type") != "checkbox"}
    data.update({f["name"]: "y" for f in form.find_all("input", type="checkbox") if f.has_attr("checked")})
    return form, data


def test_a_100_kb_paste_into_opening_hours_is_refused_and_cut_to_what_fits(app, faskes):
    form, data = _hours_data(faskes)
    assert form.find("input", {"name": "buka_1"})["maxlength"] == "5"
    data["buka_1"] = "0" * 100_000
    response = faskes.post("/faskes-saya/jam-buka", data=data, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and transfer_size(response) < PAGE_BUDGET
    response = faskes.post("/faskes-saya/jam-buka", data=data)
    html = page(response)
    assert html.select_one("#buka_1-error").get_text() == "Terlalu panjang (maksimal 5 karakter)."
    assert html.find("input", {"name": "buka_1"})["value"] == "00000"
    assert len(response.get_data()) < 20_000
    with app.app_context():
        facility = Facility.get(Facility.code == CIBINONG)
        assert OpeningHours.get(OpeningHours.facility == facility, OpeningHours.weekday == 1).opens == "07:30"


def test_text_fields_carry_maxlength_in_the_html(faskes):
    html = page(faskes.get("/akun/kata-sandi"))
    assert all(field.get("maxlength") for field in html.select("form input[type=password]"))


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_derives_from_the_base_form():
    for area in areas():
        for module in ("views", "forms"):
            try:
                importlib.import_module(f"app.{area}.{module}")
            except ModuleNotFoundError:
                pass
    strays = sorted(f"{c.__module__}.{c.__qualname__}" for c in _subclasses(FlaskForm)
                    if c.__module__.startswith("app.") and not issubclass(c, Form))
    assert strays == []
    plain_selects = sorted(f"{c.__module__}.{c.__qualname__}.{name}" for c in _subclasses(FlaskForm)
                           if c.__module__.startswith("app.")
                           for name, unbound in vars(c).items()
                           if getattr(unbound, "field_class", None) is wtforms.SelectField)
    assert plain_selects == []  # app.core.forms.SelectField: its widget writes the options fast


def test_the_select_widget_writes_what_wtforms_writes(app):
    """app.core.forms.Select writes plain options itself (WTForms' attribute builder costs ~10 µs an
    option): byte for byte WTForms' own output, escaping included."""
    from wtforms.fields.choices import SelectChoice

    from app.core.extensions import lazy_gettext
    from app.core.forms import SelectField

    choices = [SelectChoice("", lazy_gettext("— pilih —")), SelectChoice("7", 'Klinik "Sehat" <Bogor> & Co'),
               SelectChoice(8, None), SelectChoice("x\"><script>", "Rp1.000"),
               SelectChoice("9", "Dengan atribut", render_kw={"disabled": True}), SelectChoice(True, "Ya")]

    class Ours(wtforms.Form):
        field = SelectField(choices=choices, validate_choice=False)

    class Theirs(wtforms.Form):
        field = wtforms.SelectField(choices=choices, validate_choice=False)

    with app.test_request_context("/"):
        for data in ({"field": "7"}, {"field": 'x"><script>'}, {}):
            ours, theirs = Ours(data=data).field(), Theirs(data=data).field()
            assert str(ours) == str(theirs) and "<script>" not in str(ours)
        assert 'selected value="7"' in str(Ours(data={"field": "7"}).field())
        assert '<option disabled value="9">' in str(Ours().field())
