"""Facility staff tools (petugas faskes): today's queue board, beds, opening hours, services."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/faskes-saya")

from app.staff import views  # noqa: E402,F401  (registers the routes)
