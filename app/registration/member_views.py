"""Tambah anggota: the head of a family adds a member (a newborn with its birth letter), and the
officer's review of an unusual addition before it counts toward dues."""
from flask import abort, flash, request, send_file
from flask_login import current_user

from app.core import clock, uploads
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.extensions import limiter
from app.core.formatting import rupiah
from app.core.forms import DecisionForm
from app.core.rendering import render
from app.models import (
    OFFICER_ROLES,
    MemberAddition,
)
from app.registration import bp
from app.registration import service as workflow
from app.registration.forms import (
    MESSAGES,
    AddMemberForm,
    add_error,
)
from app.rules import contributions, identity

#: How many drafts one browser remembers (a facilitator may help several families in a row).
SESSION_DRAFTS = 5
from app.registration.views import _go, _validated

# --- tambah anggota --------------------------------------------------------------------------------

def _add_member_page(family, form, status=200, **context):
    response = render("registration/add_member.html", "registration/_add_member.html", form=form,
                      family=family, allowed=family.segment in contributions.FAMILY_VA,
                      pending=workflow.pending_members(family), **context)
    return response, status


def _head():
    """The signed-in head of a family, or None (only the head adds members)."""
    me = current_user.participant
    return me if me.is_head else None


@bp.get("/tambah-anggota")
@roles("peserta")
def add_member():
    """The form by which the head of a family adds a member (a newborn within 28 days of birth)."""
    if _head() is None:
        return render("registration/add_member.html", "registration/_add_member.html", not_head=True), 403
    return _add_member_page(current_user.participant.family, AddMemberForm(formdata=None), warnings={})


@bp.post("/tambah-anggota")
@roles("peserta")
@limiter.limit("30 per hour", deduct_when=lambda response: response.status_code != 200)
def add_member_send():
    """Check the member like the office would; add them at once, or send them to an officer."""
    if _head() is None:
        return render("registration/add_member.html", "registration/_add_member.html", not_head=True), 403
    family, today = current_user.participant.family, clock.today()
    form, warnings = AddMemberForm(), {}
    if family.segment not in contributions.FAMILY_VA or not _validated(form, today, warnings):
        return _add_member_page(family, form, warnings=warnings)
    member = form.member()
    days_late = workflow.newborn_days_late(family, member, today)
    form_errors = _show_problems(form, workflow.addition_problems(family, member, today))
    if days_late and not form.confirm_late.data:
        add_error(form.confirm_late, _("Centang kotak ini untuk menyatakan Anda sudah membaca keterangan di atas."))
    if not form.errors and not form_errors:
        try:
            addition = workflow.request_addition(family, member, form.image, acting_user(), today)
        except workflow.RegistrationError as refused:
            form_errors = _show_problems(form, [(refused.step, refused.code)])
        else:
            _flash_addition(addition, family, warnings, today)
            return _go("membership.status")
    return _add_member_page(family, form, warnings=warnings, days_late=days_late, form_errors=form_errors)


def _show_problems(form, problems):
    """Each problem next to its field; those of the whole form returned as messages."""
    messages = []
    for field, code in problems:
        if field:
            add_error(getattr(form, field), MESSAGES[code])
        else:
            messages.append(MESSAGES[code])
    return messages


def _flash_addition(addition, family, warnings, today):
    name = addition.data["name"]
    if addition.status == "menunggu":
        flash(_("Data %(name)s sudah dikirim dan menunggu pemeriksaan petugas BPJS. Iuran tidak berubah "
                "sebelum disetujui.", name=name), "info")
        return
    message = _("%(name)s sudah ditambahkan. Nomor kartu JKN: %(card)s.",
                name=name, card=addition.participant.card_number)
    due = family.monthly_due(today)
    if due:
        message += " " + _("Iuran keluarga mulai bulan ini %(amount)s per bulan.", amount=rupiah(due))
    flash(message, "info")
    for warning in warnings.values():
        flash(warning, "info")


# --- officer: members waiting to be added ----------------------------------------------------------

def _addition(addition_id):
    return MemberAddition.get_or_none(MemberAddition.id == addition_id) or abort(404)


@bp.route("/petugas/anggota-baru/<int:addition_id>", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def review_addition(addition_id):
    """A member a family asked to add that needs an officer: who, why, the document, one decision."""
    addition, officer = _addition(addition_id), acting_user()
    form, error = DecisionForm(_l("Setujui: tambahkan ke keluarga")), None
    if request.method == "POST" and addition.status != "menunggu":
        error = MESSAGES["decided"]
    elif form.validate_on_submit():
        try:
            workflow.decide_addition(officer, addition.id, form.approved, form.reason.data or "", clock.today())
        except workflow.RegistrationError as refused:
            error = MESSAGES[refused.code]
        else:
            flash(_("Keputusan disimpan."), "info")
            return _go("officer.queue")
    audit(officer, "member_addition_viewed", f"member_addition:{addition.id}", addition.family.head())
    member = workflow.members_of({"members": [addition.data]})[0]
    return render("registration/review_addition.html", addition=addition, form=form, error=error,
                  member=member, masked_nik=identity.mask_nik(member["nik"]),
                  family_rows=workflow.family_members(addition.family))


@bp.get("/petugas/anggota-baru/<int:addition_id>/dokumen")
@roles(*OFFICER_ROLES)
def addition_document(addition_id):
    """The birth letter or akta photo, to officers only (never cached)."""
    addition = _addition(addition_id)
    path = uploads.path_of(addition.document) or abort(404)
    audit(acting_user(), "member_addition_document_viewed", f"member_addition:{addition.id}", addition.family.head())
    response = send_file(path, mimetype="image/jpeg", conditional=False, etag=False, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
