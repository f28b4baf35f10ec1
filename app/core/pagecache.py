"""Public pages that are the same for every anonymous visitor, kept for a short while per worker.

The home page, a facility search, the tariff: an anonymous visitor (no session: no flash message, no
CSRF secret, not a kiosk) sees the same page for the same URL, language and htmx headers. A view
marked `@same_for_everyone` is rendered once per PAGE_CACHE_SECONDS for such visitors and served
from memory in between; the request still passes every hook (log line, security headers).
Signed-in users, visitors with a session and other methods always get a fresh page, and a page that
started a session (it showed a form with a CSRF token) is never kept.
A change (a new announcement, a facility edited) reaches anonymous visitors within
PAGE_CACHE_SECONDS; 0 turns the cache off (the tests do, but for the cache's own).
"""
import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_login import current_user

from app.core.extensions import compress, select_locale

#: pages kept per worker (the least recently used goes first)
SIZE = 500
#: what else, besides the URL and the language, makes a different page (or a different encoding of it)
VARY = ("Accept-Encoding", "HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Target")

_pages = OrderedDict()
_lock = threading.Lock()


def same_for_everyone(view):
    """Mark a public view whose page depends only on the URL, the language and htmx's headers when
    the visitor is anonymous."""

    @wraps(view)
    def cached(*args, **kwargs):
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if not seconds or not _anonymous():
            return view(*args, **kwargs)
        key = (request.full_path, select_locale(), *(request.headers.get(name) for name in VARY))
        now = time.monotonic()
        with _lock:
            kept = _pages.get(key)
            if kept is not None and kept[0] > now:
                _pages.move_to_end(key)
                return make_response(kept[1], 200, kept[2])  # compressed already: Flask-Compress leaves it
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.is_streamed and not session:
            response = compress.after_request(response)  # kept as it is sent
            if response.status_code == 200:  # not answered with a 304 (a page with a validator)
                page = (now + seconds, response.get_data(), list(response.headers.items()))
                with _lock:
                    _pages[key] = page
                    _pages.move_to_end(key)
                    while len(_pages) > SIZE:
                        _pages.popitem(last=False)
        return response

    return cached


def _anonymous():
    return (request.method == "GET" and not session and not g.get("kiosk")
            and not current_user.is_authenticated)


def clear():
    with _lock:
        _pages.clear()
