"""Flask extensions as module singletons, bound to the app in create_app()."""
from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
babel = Babel()
compress = Compress()
#: No default limits: routes opt in (sign-in counts failures per IP).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def select_locale():
    """The language chosen with the footer switch (a cookie), else Indonesian."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in ("id", "en") else "id"
