"""The SMS gateway's inbound webhook (SPEC §5.5): a thin adapter to app/api/sms.reply.

Signed like the payment callback: X-Gateway names the gateway, X-Signature is the hex HMAC-SHA256
of f"{X-Timestamp}." + the raw body under that gateway's secret (SMS_GATEWAY_SECRETS), within 300 s.
The body is JSON {"from": "+62…", "text": "…"}; the answer is JSON {"to": …, "reply": "…"} for
the gateway to send back.
"""
import json

from flask import Response, current_app, request

from app.api import bp, sms
from app.api.office import read_body
from app.api.problems import problem_response
from app.core.auth import public
from app.core.extensions import limiter

MAX_BODY = 4 * 1024


@bp.post("/sms/masuk")
@public
@limiter.limit("120 per minute", deduct_when=lambda response: 400 <= response.status_code < 500)
def sms_inbound():
    """An inbound SMS from the gateway: answer its reply (bad signatures: 401, bad bodies: 400)."""
    raw = read_body(MAX_BODY)
    if raw is None:
        return problem_response("body_too_large")
    gateway = request.headers.get("X-Gateway", "")
    error = sms.verify(gateway, request.headers.get("X-Timestamp", ""), request.headers.get("X-Signature", ""), raw)
    if error:
        return problem_response("bad_token", error)
    message = sms.parse_inbound(raw)
    if message is None:
        return problem_response("invalid_body", "from, text")
    number, text = message
    answer = sms.reply(number, text)
    response = Response(json.dumps({"to": number, "reply": answer}, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    current_app.logger.debug("sms answered")
    return response
