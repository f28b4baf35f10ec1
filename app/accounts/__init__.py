"""Accounts: sign-in and sign-out, the password, and the account's access trail."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import views  # noqa: E402,F401  (registers the routes)
