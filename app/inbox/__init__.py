"""Pesan: the participant's inbox of reminders, and SMS settings (consent, phone verification)."""
from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/pesan")

from app.inbox import views  # noqa: E402,F401  (registers the routes)
