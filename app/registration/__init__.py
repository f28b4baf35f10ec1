"""Pendaftaran: new family registration, adding a member, and the officer's review of a flagged registration."""
from flask import Blueprint

bp = Blueprint("registration", __name__)

from app.registration import member_views, views  # noqa: E402,F401  (registers the routes)
