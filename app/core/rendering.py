"""One rule for full page versus htmx fragment, the render helper every view uses, and templates
whose constant texts are translated when they are compiled."""
from flask import current_app, render_template
from flask_babel import force_locale, get_translations
from jinja2.ext import Extension
from jinja2.lexer import Token

from app.core.extensions import htmx, request_language


def wants_fragment():
    """An htmx request that is neither a boosted navigation nor a history restore."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page, fragment=None, **context):
    """Render `page`, or only `fragment` (which the page includes) when the rule says so."""
    name = fragment if fragment and wants_fragment() else page
    return render_template(translated_environment().get_template(name), **context)


class ConstantTranslations(Extension):
    """`{{ _("Status kepesertaan") }}`, alone between its braces, is written in the environment's
    language when the template is compiled, as `_()` would write it on every render (the
    translation, not escaped: it is the page's own text): a page says 20 to 60 of them, each a call,
    a look-up and an escape a render. A text with variables, a filter or a "%" stays a call."""

    SHAPE = ("variable_begin", "name", "lparen", "string", "rparen", "variable_end")

    def filter_stream(self, stream):
        translate = self.environment.catalogue.ugettext
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            window = tokens[i:i + len(self.SHAPE)]
            if tuple(t.type for t in window) == self.SHAPE and window[1].value == "_":
                text = translate(window[3].value)
                if "%" not in window[3].value and "%" not in text:
                    yield Token(window[0].lineno, "data", text)
                    i += len(window)
                    continue
            yield tokens[i]
            i += 1


def translated_environment():
    """The app's template environment for this request's language: templates loaded through it
    (and what they extend, include and import) have their constant texts translated. Made once per
    language and worker, with the catalogue `_()` reads."""
    language = request_language()
    environments = current_app.extensions.setdefault("translated_templates", {})
    if language not in environments:
        environment = current_app.jinja_env.overlay(extensions=[ConstantTranslations], cache_size=400)
        with force_locale(language):
            environment.catalogue = get_translations()
        environments[language] = environment
    return environments[language]
