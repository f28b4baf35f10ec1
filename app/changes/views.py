"""Perubahan data: contact, FKTP and class changes, civil-registry requests and the officer's decision.

A participant reaches only their own family: another family's participant or request id is a 404.
The workflows live in app/changes.py; views validate, re-authenticate, call one workflow and redirect.
"""
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from wtforms import SelectChoice

from app.changes import bp
from app.changes import service as changes
from app.changes.forms import (
    FACILITY_ERRORS,
    REQUEST_FORMS,
    SAME_CLASS,
    WRONG_PASSWORD,
    ClassForm,
    ContactForm,
    FktpForm,
    normalize_phone,
)
from app.changes.service import ChangeRefused
from app.core import clock, labels, uploads
from app.core.audit import audit
from app.core.auth import acting_user, check_password, roles, signed_in
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id, rupiah
from app.core.forms import DecisionForm
from app.core.rendering import render
from app.models import OFFICER_ROLES, ChangeRequest, Facility
from app.rules.membership import Decision


def _known_id(value):
    """`value` when it can be a row id, else 404."""
    value = parse_id(value)
    if value is None:
        abort(404)
    return value


def _change_request(request_id):
    """The request with its participant, or 404."""
    change = ChangeRequest.with_participant(_known_id(request_id))
    if change is None:
        abort(404)
    return change


def _reauthenticated(user, form):
    """The fresh account when the current password is right; else the error next to the field."""
    fresh = check_password(user, form.current_password.data, "reauthenticated")
    if fresh is None:
        form.current_password.errors.append(WRONG_PASSWORD)
    return fresh


def _family_request(request_id, me):
    """A change request of `me`'s family, or 404."""
    change = _change_request(request_id)
    if change.participant.family_id != me.family_id:
        abort(404)
    return change


# --- participant -------------------------------------------------------------------------------

@bp.get("/perubahan-data")
@roles("peserta")
def index():
    """What can be changed now and when the rest can, the rules, the requests and the history."""
    me = acting_user().participant
    family = me.family
    today = clock.today()
    return render(
        "changes/index.html", me=me, family=family, today=today, head=me.is_head,
        fktp=changes.fktp_decision(family, today), care_class=changes.class_decision(family, today),
        requests=changes.family_requests(family.id), history=changes.family_history(family.id),
        field_labels=labels.FIELD_LABELS, request_status_labels=labels.REQUEST_STATUS_LABELS,
        shown_value=changes.shown_value,
    )


@bp.route("/perubahan-data/kontak", methods=["GET", "POST"])
@roles("peserta")
def contact():
    """Nomor HP (anyone, their own) and alamat domisili (the family head): they apply at once."""
    user = acting_user()
    me = user.participant
    head = me.is_head
    form = ContactForm(with_address=head)
    if request.method == "GET":
        form.phone.data = me.phone
        if head:
            form.address.data = me.family.address
    if form.validate_on_submit() and _reauthenticated(user, form):
        changed = changes.change_contact(user, me.id, normalize_phone(form.phone.data),
                                         form.address.data if head else None)
        if not changed:
            flash(_("Tidak ada yang berubah."), "info")
        elif changed == ["phone"]:
            flash(_("Nomor HP sudah diubah dan langsung berlaku."), "ok")
        elif changed == ["address"]:
            flash(_("Alamat domisili sudah diubah dan langsung berlaku."), "ok")
        else:
            flash(_("Nomor HP dan alamat domisili sudah diubah dan langsung berlaku."), "ok")
        return redirect(url_for("changes.index"), 303)
    return render("changes/contact.html", form=form, me=me, head=head)


@bp.route("/perubahan-data/faskes", methods=["GET", "POST"])
@roles("peserta")
def fktp():
    """Pindah FKTP (family head): facilities nearest first, narrowed by regency and district."""
    user = acting_user()
    me = user.participant
    if not me.is_head:
        abort(403)
    family = me.family
    decision = changes.fktp_decision(family, clock.today())
    province, regencies, regency, districts, district, area = changes.region_areas(family, request.args)
    options, more = changes.fktp_options(family, area) if area else ([], False)
    form = FktpForm()
    form.facility.choices = [SelectChoice("", _("— pilih —"))] + [
        SelectChoice(str(f.id), f"{f.name} — {f.district.name}") for f in options if f.id != family.fktp_id]
    if decision.allowed and form.validate_on_submit():
        chosen = Facility.get_or_none(Facility.id == int(form.facility.data))
        if chosen is None or not changes.fktp_choosable(family, chosen):
            form.facility.errors.append(FACILITY_ERRORS["facility"])
        elif chosen.id == family.fktp_id:
            form.facility.errors.append(FACILITY_ERRORS["same"])
        elif _reauthenticated(user, form):
            try:
                facility = changes.change_fktp(user, me.id, chosen.id)
            except ChangeRefused as refused:
                if refused.code in FACILITY_ERRORS:
                    form.facility.errors.append(FACILITY_ERRORS[refused.code])
                else:  # the rules changed between the page and the lock (a concurrent change)
                    decision = Decision(False, refused.code, refused.possible_from)
            else:
                flash(_("FKTP Anda sekarang %(name)s, berlaku mulai hari ini.", name=facility.name), "ok")
                return redirect(url_for("changes.index"), 303)
    return render("changes/fktp.html", "changes/_fktp_choices.html", form=form, family=family,
                  decision=decision, province=province, regencies=regencies, regency=regency,
                  districts=districts, district=district, options=options, more=more)


@bp.route("/perubahan-data/kelas", methods=["GET", "POST"])
@roles("peserta")
def care_class():
    """Pindah kelas rawat (family head, PBPU/BP): from the 1st of next month, with the new total."""
    user = acting_user()
    me = user.participant
    if not me.is_head:
        abort(403)
    family = me.family
    today = clock.today()
    decision = changes.class_decision(family, today)
    form = ClassForm(current=family.care_class_on(today))
    if decision.allowed and form.validate_on_submit() and _reauthenticated(user, form):
        try:
            effective_from, monthly, rates_from = changes.schedule_class_change(
                user, me.id, int(form.care_class.data))
        except ChangeRefused as refused:
            if refused.code in ("same", "class"):
                form.care_class.errors.append(SAME_CLASS)
            else:
                decision = Decision(False, refused.code, refused.possible_from)
        else:
            flash(_("Kelas rawat menjadi Kelas %(n)d mulai %(when)s. Iuran keluarga mulai bulan itu "
                    "%(amount)s per bulan (aturan berlaku per %(rules)s).",
                    n=int(form.care_class.data), when=date_id(effective_from), amount=rupiah(monthly),
                    rules=date_id(rates_from)), "ok")
            return redirect(url_for("changes.index"), 303)
    prices = rates_from = members = None
    if decision.allowed:
        prices, rates_from, members = changes.class_prices(family, decision.possible_from)
        form.care_class.choices = [SelectChoice("", _("— pilih —"))] + [
            SelectChoice(str(n), _("Kelas %(n)d: %(amount)s per bulan", n=n, amount=rupiah(amount)))
            for n, amount in prices if n != form.current]
    return render("changes/care_class.html", form=form, family=family, today=today, decision=decision,
                  prices=prices, rates_from=rates_from, members=members)


@bp.route("/perubahan-data/permintaan", methods=["GET", "POST"])
@roles("peserta")
def new_request():
    """Ask for a name, birth date, sex or NIK correction (`?peserta=<id>&jenis=<kind>`), with a
    photo of the document; without both, choose whose data and which."""
    user = acting_user()
    me = user.participant
    member_id = request.args.get("peserta", type=parse_id)
    kind = request.args.get("jenis")
    member = None
    if "peserta" in request.args:
        member = me.relative(_known_id(member_id))
        if member is None:
            abort(404)
        if not me.may_act_for(member):
            abort(403)
    if member is None or kind not in ChangeRequest.KINDS:
        if request.method == "POST":
            abort(400)
        members = [member] if member else (me.family_members() if me.is_head else [me])
        return render("changes/request_choose.html", members=members, me=me)
    pending = changes.pending_request(member, kind)
    form = REQUEST_FORMS[kind](current=changes.current_value(member, kind))
    if pending is None and form.validate_on_submit() and _reauthenticated(user, form):
        try:
            change = changes.create_request(user, me, member.id, kind, form.clean_value, form.reason.data,
                                            form.image)
        except ChangeRefused:
            pending = changes.pending_request(member, kind)
        else:
            flash(_("Permintaan terkirim. Petugas BPJS akan memeriksanya; statusnya ada di halaman ini."), "ok")
            return redirect(url_for("changes.request_detail", request_id=change.id), 303)
    now = member.masked_nik if kind == "nik" else changes.shown_value(kind, changes.current_value(member, kind))
    return render("changes/request_form.html", form=form, member=member, kind=kind, pending=pending,
                  now=now, label=labels.FIELD_LABELS[kind],
                  max_mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024))


@bp.get("/perubahan-data/permintaan/<int:request_id>")
@roles("peserta")
def request_detail(request_id):
    """One request of the family: what was asked, its status and the officer's reason."""
    user = acting_user()
    change = _family_request(request_id, user.participant)
    if change.participant_id != user.participant_id:
        audit(user, "change_request_viewed", f"change_request:{change.id}", change.participant_id)
    label, now, asked = changes.request_facts(change)
    return render("changes/request_detail.html", change=change, label=label, now=now, asked=asked,
                  request_status_labels=labels.REQUEST_STATUS_LABELS)


@bp.get("/perubahan-data/dokumen/<int:request_id>")
@signed_in
def document(request_id):
    """The document photo: to the requester's family and to officers; 404 for everyone else."""
    user = acting_user()
    change = _change_request(request_id)
    officer = user.role in OFFICER_ROLES
    family_member = (user.role == "peserta" and user.participant_id is not None
                     and change.participant.family_id == user.participant.family_id)
    if not (officer or family_member):
        abort(404)
    path = uploads.path_of(change.document)
    if path is None:
        abort(404)
    if officer or change.participant_id != user.participant_id:
        audit(user, "change_document_viewed", f"change_request:{change.id}", change.participant_id)
    response = send_file(path, mimetype="image/jpeg", conditional=False, etag=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


# --- officer -----------------------------------------------------------------------------------

@bp.route("/petugas/perubahan/<int:request_id>", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def review(request_id):
    """Old against new value (the full new NIK), the document photo, and one decision form."""
    officer = acting_user()
    change = _change_request(request_id)
    form = DecisionForm(_l("Setujui: ubah data peserta"))
    already_decided = False
    if request.method == "POST" and change.status != "menunggu":
        already_decided = True
    elif form.validate_on_submit():
        approve = form.approved
        try:
            changes.decide(officer, change.id, approve, form.reason.data)
        except ChangeRefused as refused:
            if refused.code == "nik_taken":
                form.decision.errors.append(_("Tidak bisa disetujui: NIK ini sudah terdaftar atas peserta "
                                              "lain. Tolak permintaan ini dengan alasannya."))
            elif refused.code == "reason":
                form.reason.errors.append(_("Tulis alasan penolakan: peserta akan membacanya."))
            else:
                already_decided = True
                change = ChangeRequest.get_by_id(change.id)
        else:
            what = {"name": change.participant.name, "kind": labels.FIELD_LABELS[change.kind]}
            if approve:
                flash(_("Permintaan untuk %(name)s (%(kind)s) disetujui; datanya sudah diubah.", **what), "ok")
            else:
                flash(_("Permintaan untuk %(name)s (%(kind)s) ditolak.", **what), "ok")
            return redirect(url_for("officer.queue"), 303)
    audit(officer, "change_request_viewed", f"change_request:{change.id}", change.participant_id)
    label, now, asked = changes.request_facts(change, full_nik=True)
    return render("changes/review.html", change=change, form=form, label=label, now=now, asked=asked,
                  already_decided=already_decided, warnings=changes.nik_warnings(change, clock.today()),
                  nik_taken=change.status == "menunggu" and changes.nik_taken(change),
                  request_status_labels=labels.REQUEST_STATUS_LABELS)
