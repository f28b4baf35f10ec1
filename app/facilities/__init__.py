"""Faskes: facility search (nearest, by name, region, type, service), the facility page, facility imports."""
from flask import Blueprint

bp = Blueprint("facilities", __name__, url_prefix="/faskes")

from app.facilities import views  # noqa: E402,F401  (registers the routes)
