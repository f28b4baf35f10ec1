"""Wilayah: the province → regency → district picker that works without JavaScript."""
from flask import Blueprint

bp = Blueprint("regions", __name__, url_prefix="/wilayah")

from app.regions import views  # noqa: E402,F401  (registers the routes)
