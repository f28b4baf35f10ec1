"""Antrean online for participants: taking a number, the booking page, cancelling."""
from flask import Blueprint

bp = Blueprint("queue", __name__, url_prefix="/antrean")

from app.queue import views  # noqa: E402,F401  (registers the routes)
