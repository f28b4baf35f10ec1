"""BPJS officers' work (petugas BPJS): the work queue and unmatched payments."""
from flask import Blueprint

bp = Blueprint("officer", __name__, url_prefix="/petugas")

from app.officer import views  # noqa: E402,F401  (registers the routes)
