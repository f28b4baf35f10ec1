"""The one audit helper every capability calls (SPEC §6: every write, every read of another's data)."""
from flask import g, has_request_context, request

from app.models import AuditLog


def audit(actor, action, subject="", on_behalf_of=None, **detail):
    """Append an entry. `actor` is the User acting (None when unknown, e.g. a failed sign-in).

    Never pass a password or a plain NIK in `detail`.
    """
    ip = (request.remote_addr or "") if has_request_context() else ""
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    consent = g.get("assist") if has_request_context() else None
    if consent is not None and actor is not None and actor.id == consent.resident_id:
        # a facilitator acting for the resident (pendampingan): the facilitator did it
        actor, detail["consent"] = consent.facilitator, consent.id
        on_behalf_of = on_behalf_of or consent.participant_id
    return AuditLog.record(actor, action, subject, on_behalf_of, ip=ip, **detail)
