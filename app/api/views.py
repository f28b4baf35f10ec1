"""The JSON API (SPEC §2.6, §6): payment callbacks from the payment channels. JSON in, JSON out.

No session and no CSRF token here (the blueprint is exempt from CSRF): every request proves who
sent it by its signature. The workflow lives in app/contributions.py; README "Payment callback API"
documents the contract for the channels.
"""
from flask import current_app, jsonify, request
from peewee import DatabaseError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.api import bp, office
from app.api.problems import problem_response
from app.contributions import payments as contributions
from app.core.auth import public
from app.core.extensions import csrf, limiter

csrf.exempt(bp)

#: Refused callbacks allowed per IP (each is logged): a channel's retries of good callbacks never count.
REFUSALS_PER_IP = "120 per minute"
STATUS_OF_OUTCOME = {"applied": 200, "duplicate": 200, "unmatched": 202}


def _json(body, status):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(code, channel, reference="", detail=""):
    """The 4xx/5xx answer for error `code`, logged as a CallbackEvent."""
    status, message = contributions.ERRORS[code]
    contributions.record_event(code, channel, reference, request.remote_addr,
                               status=status, **({"detail": detail} if detail else {}))
    return _json({"error": code, "message": f"{message}: {detail}" if detail else message}, status)


def _raw_body(limit=contributions.MAX_BODY_BYTES):
    """The raw body (at most 16 KB), or None when it is larger (app/api/office.read_body)."""
    return office.read_body(limit)


@bp.post("/payments/callback")
@public
@limiter.limit(REFUSALS_PER_IP, deduct_when=lambda response: 400 <= response.status_code < 500)
def payment_callback():
    """A payment channel reports a contribution paid into a family VA (pembayaran iuran).

    Access is @public on purpose: there is no session; the caller is authenticated by X-Signature,
    the hex HMAC-SHA256 of f"{X-Timestamp}." + the raw body under the secret of the channel named in
    X-Channel, checked before the body is parsed. Answers: 200 applied / duplicate, 202 unmatched,
    401 signature problems, 400/403 a malformed body, 413 over 16 KB, 503 retry later.
    """
    channel = request.headers.get("X-Channel", "")
    body = _raw_body()
    if body is None:
        return _refuse("body_too_large", channel)
    reference = contributions.reference_hint(body)
    error = contributions.verify_signature(
        channel, request.headers.get("X-Timestamp", ""), request.headers.get("X-Signature", ""), body)
    if error:
        return _refuse(error, channel, reference)
    try:
        callback = contributions.parse_callback(body, channel)
    except contributions.CallbackError as refused:
        return _refuse(refused.code, channel, reference, refused.detail)
    try:
        outcome = contributions.apply_payment(callback.va_number, callback.amount, callback.channel,
                                              callback.reference, callback.paid_at)
    # locked or unreachable (InterfaceError: a pooled connection the restarted server closed): nothing
    # was applied, the channel should retry
    except (DatabaseError, InterfaceError):
        current_app.logger.exception("payment callback not applied")
        try:
            return _refuse("unavailable", channel, reference)
        except (DatabaseError, InterfaceError):
            status, message = contributions.ERRORS["unavailable"]
            return _json({"error": "unavailable", "message": message}, status)
    detail = {"payment": outcome.payment.id, "amount": callback.amount}
    if outcome.reason:
        detail["reason"] = outcome.reason
    if outcome.differs:
        detail["differs"] = True  # same reference, different content: worth a look, changes nothing
    contributions.record_event(outcome.status, channel, callback.reference, request.remote_addr, **detail)
    return _json({"status": outcome.status, "payment_id": outcome.payment.id},
                 STATUS_OF_OUTCOME[outcome.status])


@bp.errorhandler(HTTPException)
def _http_error(error):
    """Errors under /api/v1 (e.g. 429 from the limiter) answer in JSON too: problem+json for the
    office API, the callback's own shape for the payment channels."""
    if request.endpoint != "api.payment_callback":
        return office.http_problem(error)
    return _json({"error": f"http_{error.code}", "message": error.description or error.name}, error.code or 500)


@bp.errorhandler(Exception)
def _unexpected(error):
    if isinstance(error, HTTPException):
        return _http_error(error)
    if isinstance(error, (OperationalError, InterfaceError)):  # no database for a moment: retry later
        current_app.logger.warning("database unavailable: %s", type(error).__name__)
        if request.endpoint != "api.payment_callback":
            return problem_response("unavailable")
        status, message = contributions.ERRORS["unavailable"]
        return _json({"error": "unavailable", "message": message}, status)
    current_app.logger.exception("unhandled API error")
    if request.endpoint != "api.payment_callback":
        return problem_response("internal_error")
    return _json({"error": "internal_error", "message": "Terjadi gangguan / internal error"}, 500)


@bp.post("/sms/delivery-report")
@public
@limiter.limit(REFUSALS_PER_IP, deduct_when=lambda response: 400 <= response.status_code < 500)
def sms_delivery_report():
    """The SMS gateway reports a message delivered or failed (app/core/sms.py has the contract):
    200 ok, 401 bad or stale signature, 400 not a report, 404 an unknown message."""
    from app.core import sms
    from app.inbox import outbox

    body = _raw_body()
    if body is None:
        return _json({"error": "body_too_large"}, 413)
    problem = sms.report_problem(request.headers.get("X-Timestamp", ""), request.headers.get("X-Signature", ""), body)
    if problem:
        return _json({"error": problem}, 401)
    report = sms.parse_report(body)
    if report is None:
        return _json({"error": "malformed"}, 400)
    if outbox.delivery_report(*report) == "unknown":
        return _json({"error": "unknown_message"}, 404)
    return _json({"status": "ok"}, 200)
