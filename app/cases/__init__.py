"""Kasus: complaints, questions, consultations and claims — the participant's side (/kasus), the
officer's queue and reports (/petugas/kasus), the facility's view (/faskes-saya/kasus) and the
public service dashboard (/dasbor-layanan)."""
from flask import Blueprint

bp = Blueprint("cases", __name__)

from app.cases import views  # noqa: E402,F401  (registers the routes)
