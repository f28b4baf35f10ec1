"""Kepesertaan: a participant's status and family, and the digital card (KIS digital)."""
from flask import abort

from app.contributions import billing, ledger
from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.rendering import render
from app.membership import bp
from app.membership.qr import qr_svg


def status_context(me, today):
    """The status page's facts; what to pay is the bill's own figure, so the two never disagree."""
    bill = billing.bill_for(me.family, today, details=False)
    return dict(
        me=me, family=me.family, status=bill.status, today=today,
        members=[(m, m.status_on(today, bill.status)) for m in me.family_members()],
        to_pay=bill.to_pay, rates_from=bill.to_pay_rules,
    )


@bp.get("")
@roles("peserta")
def status():
    """Status, what it means and what to do; the family's facts; every member."""
    return render("membership/status.html", "membership/_status.html",
                  **status_context(acting_user().participant, clock.today()))


@bp.get("/kartu", defaults={"participant_id": None})
@bp.get("/kartu/<int:participant_id>")
@roles("peserta")
def card(participant_id):
    """KIS digital for one family member (one's own without an id), for a 240×320 screen or paper."""
    me = acting_user().participant
    member = me.relative(participant_id or me.id)
    if member is None:
        abort(404)
    if member.id != acting_user().participant_id:
        audit(acting_user(), "card_viewed", f"participant:{member.id}", member.id)
    today = clock.today()
    return render("membership/card.html", member=member, family=member.family,
                  status=member.status_on(today, ledger.family_status(member.family, today)), shown_at=clock.now(), qr=qr_svg(member.card_number))
