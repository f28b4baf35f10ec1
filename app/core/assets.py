"""Static files: our CSS and htmx (from node_modules, when npm installed it), served by WhiteNoise
under content-hashed names with a one-year immutable cache. Templates call `asset("app.css")`.
"""
import hashlib

from whitenoise import WhiteNoise

from app.core.config import ROOT
from app.core.headers import add_static_headers

STATIC = ROOT / "app" / "static"
#: logical name → file installed from the npm registry (package-lock.json pins it)
VENDOR = {"htmx.js": ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"}
ONE_YEAR = 31536000


class _Static(WhiteNoise):
    FOREVER = ONE_YEAR


def fingerprinted(name, path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    stem, _, ext = name.partition(".")
    return f"/static/{stem}.{digest}.{ext}"


def init_app(app):
    """Wraps app.wsgi_app; call after every Flask-level hook is registered."""
    files = {p.name: p for p in STATIC.iterdir() if p.is_file()}
    files.update({name: path for name, path in VENDOR.items() if path.exists()})
    server = _Static(app.wsgi_app, immutable_file_test=lambda path, url: True,
                     add_headers_function=add_static_headers)
    urls = {}
    for name, path in sorted(files.items()):
        urls[name] = fingerprinted(name, path)
        server.add_file_to_dictionary(urls[name], str(path))
    app.wsgi_app = server
    app.extensions["assets"] = urls
    app.jinja_env.globals["asset"] = urls.get
