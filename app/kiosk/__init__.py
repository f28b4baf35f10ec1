"""Kios: a terminal registered as a kiosk of a facility. Residents sign in with their number, date
of birth and PIN; large buttons; the session ends after 2 minutes idle or on "Selesai"."""
from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kios")

from app.kiosk import views  # noqa: E402,F401  (registers the routes)
