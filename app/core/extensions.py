"""Flask extensions as module singletons, bound to the app in create_app()."""
import functools

import flask_babel
from babel import Locale
from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, get_translations
from flask_babel.speaklater import LazyString
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from jinja2 import pass_eval_context
from markupsafe import Markup

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
babel = Babel()
compress = Compress()
#: No default limits: routes opt in (sign-in counts failures per IP).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def skip_the_app_wide_limit_check(app):
    """Flask-Limiter checks default, application and blueprint limits before every request. We have
    none of those (a route opts in with @limiter.limit, and its own wrapper checks it), so that
    check only costs time (~0.1 ms a request): drop it while there is nothing for it to check.
    Call once the blueprints are registered."""
    manager = limiter.limit_manager
    if (manager.default_limits or manager.application_limits or manager._blueprint_limits
            or limiter._meta_limits):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)


def select_locale():
    """The language chosen with the footer switch (a cookie), else Indonesian."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in ("id", "en") else "id"


#: the two languages as Babel locales, made once: Flask-Babel parses a selector's string on every
#: request, and Babel looks for the language's data file on disk each time
LOCALES = {code: Locale.parse(code) for code in ("id", "en")}


def select_babel_locale():
    """select_locale() for Flask-Babel."""
    return LOCALES[select_locale()]


def request_language():
    """This request's language code, "id" or "en": `str(get_locale())` without its look-ups and
    formatting (dates are written in it several times a page)."""
    locale = g.get("babel_locale") or flask_babel.get_locale()
    for code, known in LOCALES.items():
        if locale is known:
            return code
    return str(locale)  # under force_locale


def request_translations():
    """The catalogue of this request's language, looked up once (again only under force_locale): a
    page says `_()` 20 to 60 times, and Flask-Babel walks four context look-ups for each."""
    cached = g.get("_translations")
    if cached is None or cached[0] is not g.get("babel_locale"):
        translations = get_translations()  # sets g.babel_locale on first use
        cached = g._translations = (g.get("babel_locale"), translations)
    return cached[1]


def fast_gettext(string, **variables):
    """Flask-Babel's gettext through request_translations() (its own outside a request)."""
    if not has_request_context():
        return flask_babel.gettext(string, **variables)
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string, **variables):
    """Flask-Babel's lazy_gettext, translated by fast_gettext: labels are rendered on every page.
    Like Flask-Babel's, a lazy string is markup-safe to Jinja: never put typed input into one."""
    return LazyString(fast_gettext, string, **variables)


def _template_gettext(catalogue):
    """`_()` in templates: translated by `catalogue` (a function, or None for the request's),
    marked safe when autoescaping, and always a format string whose variables are escaped (what
    Jinja's newstyle gettext does, in one call instead of five: a page says `_()` 20 to 60 times)."""
    @pass_eval_context
    def template_gettext(eval_context, string, **variables):
        text = (catalogue or request_translations().ugettext)(string)
        if eval_context.autoescape:
            text = Markup(text)
        # most strings have no variable and no "%" (else "%%" must still become "%"): nothing to format
        return text % variables if variables or "%" in text else text
    return template_gettext


#: the global `_`, for templates rendered without a context (imported macros)
template_gettext = _template_gettext(None)


@functools.lru_cache(maxsize=8)
def _bound_gettext(translations):
    return _template_gettext(translations.ugettext)


def csrf_token():
    """Flask-WTF's CSRF token for this session, signed once per session and worker rather than on
    every page (every signed-in page has the sign-out form). Valid exactly like generate_csrf()'s:
    tokens do not expire (WTF_CSRF_TIME_LIMIT is None), so the one made first serves the session."""
    config = current_app.config
    if config["WTF_CSRF_TIME_LIMIT"] or "csrf_token" in g:
        return generate_csrf()  # expiring tokens; or already made for this request
    if "csrf_token" not in session:
        generate_csrf()  # the session's first page: Flask-WTF makes its secret (and signs it now) …
    # … and every page, the first too, shows the one token signed for it, not one a second apart
    g.csrf_token = _signed(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, session["csrf_token"])
    return g.csrf_token


@functools.lru_cache(maxsize=4096)
def _signed(secret_key, raw):
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)


def csrf_field():
    """`{{ csrf() }}` in a form: its hidden CSRF input. A global rather than a macro, so that the
    templates with a form import nothing for it (every `{% import %}` costs a comparison of the
    template globals on each render)."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()


def install_template_globals(app):
    """Templates' `_()` (they use no other gettext form), csrf_token() and csrf() through the fast
    paths above. Call after the extensions' init_app, which install their own."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, csrf_token=csrf_token,
                                 csrf=csrf_field)
    # the status box of the status, bill, dashboard and queue pages, there without an import; its
    # module reads the environment's globals themselves (the labels are added after this)
    env = app.jinja_env
    macros = env.get_template("_macros/status.html").make_module(env.globals, shared=True)
    env.globals["status_box"] = macros.status_box

    @app.context_processor
    def _fast_paths():
        # each render's own `_`, bound to the catalogue once (the global looks it up on every call);
        # and csrf_token again: Flask-WTF's context processor, which comes before this one, puts its
        # generate_csrf (a new signature on every page) over the global
        gettext = _bound_gettext(request_translations())
        return {"_": gettext, "gettext": gettext, "csrf_token": csrf_token}
