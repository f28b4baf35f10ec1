"""Perubahan data: contact, FKTP and class changes, civil-registry change requests and the officer's review."""
from flask import Blueprint

bp = Blueprint("changes", __name__)

from app.changes import views  # noqa: E402,F401  (registers the routes)
