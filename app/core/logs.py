"""Logs for operators: one JSON line per request, and a request id a participant can quote to 165.

A line holds the request id, the method, the endpoint and its URL rule (`/antrean/<int:booking_id>`,
never the path itself nor the query string, where a NIK or a name may be typed), the status, the
duration in milliseconds and the account id: never a NIK, a name, a phone number, a diagnosis or a
token. The id comes from the load balancer's X-Request-Id when it sends a plausible one, else it is
made here; every response carries it back in X-Request-Id, and error pages show it.
"""
import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

logger = logging.getLogger("jkn.requests")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def request_id():
    """This request's id (a short hex string), made on first use."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex[:16]
    return g.request_id


def _user_id():
    user = g.get("_login_user")  # set by Flask-Login only when the request looked at the user
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def line(response):
    """The log record of this request, as a dict (what `init_app` writes as JSON)."""
    started = g.get("request_started")
    return {
        "request_id": request_id(),
        "method": request.method,
        "endpoint": request.endpoint,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": _user_id(),
    }


def init_app(app):
    if not logger.handlers:  # one handler per process, however many apps it builds (tests)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _log(response):
        response.headers["X-Request-Id"] = request_id()
        logger.info(json.dumps(line(response), separators=(",", ":")))
        return response

    @app.context_processor
    def _request_id():
        return {"request_id": request_id}
