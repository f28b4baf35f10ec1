"""Kepesertaan: the family's status and the digital card; the office's participant import."""
from flask import Blueprint

bp = Blueprint("membership", __name__, url_prefix="/kepesertaan")

from app.membership import views  # noqa: E402,F401  (registers the routes)
