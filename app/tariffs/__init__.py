"""Tarif: the public tariff table and the denda calculator (rate versions are added under admin)."""
from flask import Blueprint

bp = Blueprint("tariffs", __name__)

from app.tariffs import views  # noqa: E402,F401  (registers the routes)
