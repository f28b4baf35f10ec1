"""The JSON API under /api/v1: the payment callback, the office-system API and the SMS webhook."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import office, sms_webhook, views  # noqa: E402,F401  (registers the routes)
