"""The base Form: no field takes more than it can hold (the 100 KB paste into a 5-character field)."""
import importlib
import importlib.util

import wtforms
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app import areas
from app.core.forms import Form, html_params
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
                           if getattr(unbound, "field_class", None) in (wtforms.SelectField, wtforms.RadioField))
    assert plain_selects == []  # app.core.forms' SelectField and RadioField: their widgets write the options fast


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


def test_the_radio_list_writes_what_wtforms_writes(app):
    """app.core.forms.RadioList writes the buttons itself (WTForms binds a field for each): byte for
    byte WTForms' own list, with the list's flags on each button, checked, escaped, with the page's
    attributes on the list, and the library's way for attributes of a field or a choice."""
    from wtforms.fields.choices import SelectChoice
    from wtforms.validators import DataRequired

    from app.core.extensions import lazy_gettext
    from app.core.forms import RadioField

    choices = [SelectChoice("a", lazy_gettext("Pengaduan")), SelectChoice("7", 'Klinik "Sehat" <Bogor> & Co'),
               SelectChoice("x\"><script>", "Rp1.000"), SelectChoice("9", None)]

    class Off:  # a validator that marks the field disabled (WTForms puts its flags on every button)
        def __init__(self):
            self.field_flags = {"disabled": True}

        def __call__(self, form, field):
            pass

    fields = {
        "plain": {"choices": choices, "validate_choice": False},
        "disabled": {"choices": choices, "validators": [Off(), DataRequired()]},
        "required": {"choices": choices, "validators": [DataRequired()]},
        "numbers": {"choices": [SelectChoice(n, str(n)) for n in range(1, 6)], "coerce": int,
                    "validators": [DataRequired()]},
        "field attributes": {"choices": choices, "validate_choice": False, "render_kw": {"class": "x"}},
        "choice attributes": {"choices": [*choices, SelectChoice("10", "Mati", render_kw={"disabled": True})],
                              "validate_choice": False},
    }
    Ours = type("Ours", (wtforms.Form,), {name: RadioField(**kw) for name, kw in fields.items()})
    Theirs = type("Theirs", (wtforms.Form,), {name: wtforms.RadioField(**kw) for name, kw in fields.items()})
    posted = {"plain": "7", "required": 'x"><script>', "numbers": "3", "field attributes": "a", "choice attributes": "10"}

    class Data(dict):  # a form's input
        def getlist(self, key):
            return [self[key]] if key in self else []

    with app.test_request_context("/"):
        for data in (Data(posted), Data()):
            ours, theirs = Ours(data), Theirs(data)
            ours.validate(), theirs.validate()
            for name in fields:
                for extra in ({}, {"aria-invalid": "true", "aria-describedby": "x-error"}):
                    assert str(ours[name](**extra)) == str(theirs[name](**extra)), (name, dict(data), extra)
            assert "<script>" not in str(ours["plain"]())
        drawn = str(Ours(Data(posted))["numbers"]())
        assert drawn.count("required") == 5 and 'checked id="numbers-2"' in drawn


def test_a_select_is_drawn_without_reading_a_signature(app, monkeypatch):
    """WTForms reads render_option's signature on every drawing of a list (for an override of the
    old form); ours is drawn without it."""
    from wtforms.fields.choices import SelectChoice
    from wtforms.widgets import core

    from app.core.forms import SelectField

    def refuse(callable):
        raise AssertionError(f"inspect.signature({callable})")

    monkeypatch.setattr(core, "get_signature", refuse)

    class Ours(wtforms.Form):
        field = SelectField(choices=[SelectChoice("1", "Satu"), SelectChoice("2", "Dua")])

    with app.test_request_context("/"):
        assert str(Ours(data={"field": "2"}).field()).count("<option") == 2


def _pristine_html_params():
    """WTForms' own attribute writer, from a fresh copy of its module (the app replaced it)."""
    spec = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params


ATTRIBUTE_KEYS = ["id", "name", "value", "class_", "for_", "data_hx_get", "aria_describedby", "aria-invalid",
                  "required", "checked", "maxlength", "type", "placeholder", 'x"y', "<k>"]
ATTRIBUTE_VALUES = st.one_of(
    st.booleans(), st.integers(), st.text(), st.sampled_from(['"', "'", "<b>&amp;", 'x" onfocus="1']),
    st.text().map(Markup), st.sampled_from([Markup('a"b'), Markup("<i>ok</i>")]))


@settings(max_examples=300, deadline=None)
@given(attributes=st.dictionaries(st.sampled_from(ATTRIBUTE_KEYS), ATTRIBUTE_VALUES))
def test_the_attribute_writer_writes_what_wtforms_writes(attributes):
    """app.core.forms.html_params: byte for byte WTForms' own, on hostile keys and values, Markup too."""
    wtforms_own = _pristine_html_params()
    ours = html_params(**attributes)
    assert ours == wtforms_own(**attributes) and isinstance(ours, Markup)


def test_every_widget_draws_with_the_fast_attribute_writer_as_with_wtforms_own(app, monkeypatch):
    """The app puts html_params where each widget looks it up; every kind of field, its label and its
    error state come out as WTForms draws them."""
    from wtforms import widgets
    from wtforms.fields.choices import SelectChoice

    from app.cases.forms import FeedbackForm
    from app.core.forms import TextAreaField

    class Every(Form):
        text = wtforms.StringField("Nama <lengkap>")
        secret = wtforms.PasswordField("Kata sandi")
        note = TextAreaField("Catatan", render_kw={"rows": 3})
        hidden = wtforms.HiddenField()
        born = wtforms.DateField("Lahir")
        count = wtforms.IntegerField("Jumlah")
        tick = wtforms.BooleanField("Setuju")
        choice = wtforms.RadioField("Pilih", choices=[SelectChoice("a", 'A "1"'), SelectChoice("b", "<B>")])
        many = wtforms.SelectMultipleField("Banyak", choices=[SelectChoice("1", "1"), SelectChoice("2", "2")])
        send = wtforms.SubmitField("Kirim")

    def draw(data):
        with app.test_request_context("/", method="POST", data=data):
            forms = (Every(meta={"csrf": False}), FeedbackForm(meta={"csrf": False}))
            for form in forms:
                form.validate()
            return [(str(field.label), str(field(class_="x", aria_invalid="true", data_a_b='"')))
                    for form in forms for field in form]

    data = {"text": 'Budi "<script>', "note": "a\nb & c", "hidden": "1", "born": "salah", "count": "x",
            "tick": "y", "choice": "b", "many": ["1", "2"], "treated": "ya"}
    assert widgets.core.html_params is html_params and widgets.Input.html_params is html_params
    ours = draw(data), draw({})
    own = _pristine_html_params()
    for place in (widgets.core, widgets):
        monkeypatch.setattr(place, "html_params", own)
    for kind in (widgets.Input, widgets.Button):
        monkeypatch.setattr(kind, "html_params", staticmethod(own))
    assert ours == (draw(data), draw({}))
    drawn = dict(ours[0])['<label for="text">Nama &lt;lengkap&gt;</label>']
    assert 'value="Budi &#34;&lt;script&gt;"' in drawn


def test_wtforms_own_texts_come_from_a_catalogue_read_once_per_language(app, monkeypatch):
    """A built-in message reads as Flask-WTF's own translations give it, in the page's language;
    the catalogue is read from disk once a language and process, not once a request."""
    from babel import support
    from flask_wtf.i18n import translations as flask_wtf_translations

    from app.core import forms

    read, real_load = [], support.Translations.load.__func__
    monkeypatch.setattr(support.Translations, "load",
                        classmethod(lambda cls, path, locales, domain: read.append(str(locales[0]))
                                    or real_load(cls, path, locales, domain)))
    forms._wtforms_catalogue.cache_clear()

    class Count(Form):
        count = wtforms.IntegerField("Jumlah")

    ours = []
    for language in ("en", "id", "en", "id", "en"):
        cookie = {"Cookie": f"lang={language}"}
        with app.test_request_context("/", method="POST", data={"count": "x"}, headers=cookie):
            form = Count(meta={"csrf": False})
            form.validate()
            ours += read
            assert form.count.errors == [flask_wtf_translations.gettext("Not a valid integer value.")]
            read.clear()
    assert ours == ["en", "id"]
    forms._wtforms_catalogue.cache_clear()
