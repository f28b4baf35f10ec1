"""The SMS gateway: one interface, two adapters, and the signed delivery reports.

    gateway().send(phone, text, reference) -> the gateway's message id, or SmsError(code)

- ConsoleGateway (SMS_GATEWAY=console, the default outside production): writes the SMS to the
  app log and answers at once. For development only: it shows verification codes.
- HttpGateway (SMS_GATEWAY=http): a generic JSON gateway. POST SMS_GATEWAY_URL with
  `Authorization: Bearer SMS_GATEWAY_KEY` and {"to": "+628…", "text": "…", "reference": "jkn-12"};
  a 2xx answer {"id": "…"} means accepted. `reference` is ours and the same on every retry, so a
  gateway that deduplicates by it never sends a message twice.

Delivery reports come back to POST /sms/laporan as JSON {"id": "<gateway id>", "status":
"delivered" | "failed"} with the headers X-Timestamp (Unix seconds) and X-Signature, the hex
HMAC-SHA256 of "<timestamp>.<body>" under SMS_WEBHOOK_SECRET; a report older than 5 minutes or
with a bad signature is refused.
"""
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from flask import current_app

TIMEOUT_SECONDS = 10
REPORT_MAX_AGE = 300
REPORT_STATES = ("delivered", "failed")


class SmsError(Exception):
    """The gateway did not take the message: `code` is unreachable, http_<status>, bad_answer."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class ConsoleGateway:
    def __init__(self, app=None):
        self.count = 0

    def send(self, phone, text, reference):
        self.count += 1
        current_app.logger.info("SMS (console) to %s [%s]: %s", phone, reference, text)
        return f"console-{reference}"


class HttpGateway:
    def __init__(self, url, api_key, timeout=TIMEOUT_SECONDS):
        self.url, self.api_key, self.timeout = url, api_key, timeout

    def send(self, phone, text, reference):
        body = json.dumps({"to": phone, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read(4096) or b"{}")
        except urllib.error.HTTPError as error:
            raise SmsError(f"http_{error.code}") from None
        except (urllib.error.URLError, OSError):
            raise SmsError("unreachable") from None
        except ValueError:
            raise SmsError("bad_answer") from None
        message_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(message_id, str) or not 0 < len(message_id) <= 64:
            raise SmsError("bad_answer")
        return message_id


def gateway():
    """The configured adapter (one per app)."""
    app = current_app._get_current_object()
    if "sms_gateway" not in app.extensions:
        if app.config.get("SMS_GATEWAY") == "http":
            app.extensions["sms_gateway"] = HttpGateway(app.config["SMS_GATEWAY_URL"], app.config["SMS_GATEWAY_KEY"])
        else:
            app.extensions["sms_gateway"] = ConsoleGateway()
    return app.extensions["sms_gateway"]


def sign(secret, timestamp, body):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def report_problem(timestamp, signature, body, now=None):
    """None when a delivery report is genuine and fresh, else "bad_signature" or "stale"."""
    secret = current_app.config.get("SMS_WEBHOOK_SECRET") or ""
    if not secret or not timestamp or not signature or not str(timestamp).isdigit():
        return "bad_signature"
    if not hmac.compare_digest(sign(secret, timestamp, body), str(signature)):
        return "bad_signature"
    if abs((now or time.time()) - int(timestamp)) > REPORT_MAX_AGE:
        return "stale"
    return None


def parse_report(body):
    """(gateway id, state) from a report body, or None when it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    message_id, status = data.get("id"), data.get("status")
    if not isinstance(message_id, str) or not 0 < len(message_id) <= 64 or status not in REPORT_STATES:
        return None
    return message_id, status
