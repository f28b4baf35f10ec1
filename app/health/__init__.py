"""Riwayat pelayanan: visits recorded by facility staff, the participant's service history,
referrals (rujukan) and PRB enrolment."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from app.health import views  # noqa: E402,F401  (registers the routes)
