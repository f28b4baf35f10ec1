"""JKN Lite: the services of Mobile JKN as a tiny server-rendered website."""
import importlib
import pkgutil

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.core import assets, auth, db, formatting, headers, logs, navigation, security
from app.core.config import SECRET_NAMES, config_from_env, dev_secrets
from app.core.errors import register_error_handlers
from app.core.extensions import (
    babel,
    compress,
    csrf,
    htmx,
    install_template_globals,
    limiter,
    select_babel_locale,
    skip_the_app_wide_limit_check,
)
from app.core.forms import install_html_params


def create_app(config=None):
    """Build the app. `config` is a config class or a dict of overrides; nothing connects here."""
    app = Flask(__name__, static_folder=None, instance_relative_config=True)
    app.config.from_object(config if isinstance(config, type) else config_from_env())
    if isinstance(config, dict):
        app.config.update(config)
    _require_secrets(app)
    app.url_map.converters["int"] = DatabaseId

    db.init_app(app)
    logs.init_app(app)  # first: its after_request hook runs last, when the status is final
    security.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_babel_locale)
    install_template_globals(app)
    install_html_params()
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    limiter.init_app(app)
    compress.init_app(app)
    formatting.init_app(app)
    navigation.init_app(app)

    for area in areas():
        app.register_blueprint(importlib.import_module(f"app.{area}").bp)
    skip_the_app_wide_limit_check(app)

    register_error_handlers(app)

    from app.core.cli import register_commands

    register_commands(app)
    headers.init_app(app)
    assets.init_app(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


#: app/<name>/ packages that are not areas: everything else in app/ with a blueprint is one
NOT_AREAS = ("core", "models", "rules")


def areas():
    """Every area package (app/<area>/: blueprint, views, forms, service), in name order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg and m.name not in NOT_AREAS
                  and m.name not in ("static", "templates", "translations"))


class DatabaseId(IntegerConverter):
    """`<int:…>` in our URLs is a row id: a number beyond the column's range is a 404, not an error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", db.MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _require_secrets(app):
    """Fail fast without secrets in production; development generates its own under instance/."""
    missing = [name for name in SECRET_NAMES if not app.config.get(name)]
    if not missing:
        return
    if app.config["ENV_NAME"] == "development":
        generated = dev_secrets()
        app.config.update({name: generated[name] for name in missing})
        return
    raise RuntimeError(f"Set {', '.join(missing)} in the environment (APP_ENV={app.config['ENV_NAME']}).")
