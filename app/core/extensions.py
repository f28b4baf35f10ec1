"""Flask extensions as module singletons, bound to the app in create_app()."""
from flask import g, request
from flask_babel import Babel, get_translations
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
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


def request_translations():
    """The catalogue of this request's language, looked up once: a page says `_()` 20 to 60 times,
    and Flask-Babel walks four context look-ups for each."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


@pass_eval_context
def template_gettext(eval_context, string, **variables):
    """`_()` in templates: translated, marked safe when autoescaping, and always a format string
    whose variables are escaped (what Jinja's newstyle gettext does, in one call instead of five:
    a page says `_()` 20 to 60 times)."""
    text = request_translations().ugettext(string)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def install_fast_gettext(app):
    """Templates' `_()` through template_gettext (the templates use no other gettext form)."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
