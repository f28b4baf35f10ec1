"""Headers on every response: security, caching of personal pages, and Vary for htmx."""
from flask import g, request

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def is_personal():
    """A signed-in user's page shows their data (at least their name): never cache or keep it."""
    user = g.get("_login_user")  # set by Flask-Login once the request looked at current_user
    return bool(user is not None and user.is_authenticated)


def add_static_headers(headers, path, url):
    """WhiteNoise hook: static files get the same security headers."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value


def init_app(app):
    @app.after_request
    def _headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        response.vary.update(("HX-Request", "HX-History-Restore-Request"))
        if is_personal():
            response.headers["Cache-Control"] = "no-store"
        return response
