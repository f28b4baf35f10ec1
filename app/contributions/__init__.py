"""Iuran: the bill, payment history and receipts, REHAB, auto-debit; payments applied from callbacks; VA numbers."""
from flask import Blueprint

bp = Blueprint("contributions", __name__, url_prefix="/iuran")

from app.contributions import views  # noqa: E402,F401  (registers the routes)
