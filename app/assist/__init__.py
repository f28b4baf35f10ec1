"""Pendampingan: a village facilitator acts for a resident, only with the resident's live consent
(PIN typed by the resident, or a code sent to the resident's phone), in one scope, for 30 minutes."""
from flask import Blueprint

bp = Blueprint("assist", __name__, url_prefix="/pendampingan")

from app.assist import views  # noqa: E402,F401  (registers the routes)
