"""Petugas BPJS: the work queue of registrations and data-change requests, oldest first."""
from flask import Blueprint

from app.auth import roles
from app.models import ChangeRequest, Registration
from app.rendering import render

bp = Blueprint("officer", __name__, url_prefix="/petugas")


@bp.get("/antrean-kerja")
@roles("petugas_bpjs", "admin")
def queue():
    """Everything waiting for an officer's decision, oldest first (bounded: the first 50 of each)."""
    return render("officer/queue.html",
                  registrations=Registration.awaiting_review().limit(50),
                  requests=ChangeRequest.awaiting_decision().limit(50))
