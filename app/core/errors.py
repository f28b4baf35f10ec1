"""One handler for every error status: a small Indonesian page (or fragment) with a way back."""
from flask import abort, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.extensions import compress
from app.core.extensions import lazy_gettext as _l
from app.core.rendering import render

MESSAGES = {
    400: (_l("Permintaan tidak dapat diproses"),
          _l("Data yang dikirim tidak lengkap atau tidak sah. Kembali dan coba lagi.")),
    403: (_l("Tidak diizinkan"), _l("Akun Anda tidak punya akses ke halaman ini.")),
    404: (_l("Halaman tidak ditemukan"),
          _l("Alamat ini tidak ada. Periksa lagi alamatnya atau mulai dari beranda.")),
    405: (_l("Cara membuka halaman salah"),
          _l("Halaman ini tidak bisa dibuka dengan cara itu. Mulai lagi dari beranda.")),
    413: (_l("Kiriman terlalu besar"), _l("Data atau berkas yang dikirim terlalu besar.")),
    414: (_l("Alamat terlalu panjang"),
          _l("Alamat halaman atau isian pencarian terlalu panjang. Ketik yang lebih pendek, lalu coba lagi.")),
    429: (_l("Terlalu banyak percobaan"),
          _l("Terlalu banyak percobaan dari perangkat ini. Tunggu satu menit, lalu coba lagi.")),
    503: (_l("Layanan sedang sibuk"),
          _l("Layanan sedang sibuk atau dalam perawatan. Data Anda aman. Coba lagi beberapa menit lagi.")),
    500: (_l("Terjadi gangguan"),
          _l("Maaf, ada gangguan di sistem kami. Data Anda aman. Coba lagi beberapa saat lagi.")),
}
CSRF_MESSAGE = _l("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi.")
#: Last resort when even the error page cannot be rendered (e.g. the database is down).
BARE_500 = ('<!doctype html><html lang="id"><meta charset="utf-8"><title>Terjadi gangguan</title>'
            '<h1>Terjadi gangguan</h1><p>Coba lagi beberapa saat lagi.</p><a href="/">Beranda</a>')


def render_error(code, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    try:
        body = render("errors/error.html", "errors/_error.html", code=code, title=title,
                      message=message or default)
    except Exception:  # noqa: BLE001 - the error page must never fail
        current_app.logger.exception("error page failed")
        body = BARE_500
    return body, code


def compress_errors(response):
    """flask-compress leaves every non-2xx response alone, but an error page (and a form refused
    with 403) is HTML like any other and must fit the same 2G round trip: compress it as a 200."""
    if response.status_code < 400:
        return response
    code, response.status_code = response.status_code, 200
    response = compress.after_request(response)
    response.status_code = code
    return response


#: the longest request target (path and query, as sent) the app reads; gunicorn lets up to 1 MB
#: through (gunicorn.conf.py: limit_request_line = 0) so that this page, not its bare English 414,
#: answers a longer one
URI_MAX = 4096


def _uri_too_long():
    uri = request.environ.get("RAW_URI") or request.full_path
    if len(uri) > URI_MAX:
        abort(414)


def register_error_handlers(app):
    app.after_request(compress_errors)  # registered after flask-compress's hook, so it runs first
    app.before_request(_uri_too_long)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return _http(error)
        if isinstance(error, (OperationalError, InterfaceError)):  # the database is down or busy: retry later
            current_app.logger.error("database unavailable: %s", type(error).__name__)
            if request.path.startswith("/api/"):  # a channel or office system reads JSON, not a page
                response = jsonify(error="unavailable", message=str(MESSAGES[503][1]))
                response.status_code = 503
            else:
                response = current_app.make_response(render_error(503))
            response.headers["Retry-After"] = "30"
            return response
        current_app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
