"""Pesan (the participant's inbox) and the SMS settings page. A participant reads only their own
family's messages (the head: every member's; others: their own); another id is a 404."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.errors import render_error
from app.core.extensions import fast_gettext as _
from app.core.rendering import render
from app.inbox import bp, outbox, service, texts
from app.inbox.forms import CodeForm, ConsentForm, PhoneForm
from app.inbox.service import NotFound, Refused
from app.models import Participant

REFUSALS = {
    "too_many": lambda: _("Sudah 5 kode dikirim hari ini. Coba lagi besok."),
    "no_code": lambda: _("Belum ada kode. Minta kode dahulu."),
    "expired": lambda: _("Kode sudah kedaluwarsa (10 menit). Minta kode baru."),
    "too_many_tries": lambda: _("Terlalu banyak kode salah. Minta kode baru."),
}


@bp.errorhandler(NotFound)
def _not_found(error):
    return render_error(404)


@bp.app_context_processor
def _unread():
    """The unread count in the header, for participants."""
    if current_user.is_authenticated and current_user.participant_id and request.endpoint != "static":
        # counted when the account was loaded for this request; an account signed in by this very
        # request (login_user) was loaded without it
        unread = getattr(current_user, "unread_messages", None)
        if unread is None:
            unread = service.unread_count(current_user.participant)
        return {"unread_messages": unread}
    return {}


def _me():
    return acting_user().participant


@bp.get("")
@roles("peserta")
def index():
    """My messages (and my family's, for the head), newest first, 20 a page."""
    me = _me()
    if service.deliver_new_announcements(me) and me.id == current_user.participant_id:
        current_user.unread_messages = service.unread_count(me)  # the header counts what just came
    rows, more = service.messages(me, request.args.get("sebelum", type=parse_id))
    names = {p.id: p.name for p in me.family_members()}
    return render("inbox/index.html", rows=rows, more=more, names=names, title_of=texts.title)


@bp.get("/<int:reminder_id>")
@roles("peserta")
def message(reminder_id):
    me = _me()
    found = service.message(me, reminder_id)
    if found.kind == service.ANNOUNCEMENT:
        announcement = service.announcement_of(found)
        return render("inbox/message.html", message=found, title=announcement.title, text=announcement.body)
    person = Participant.get_by_id(found.participant_id)
    return render("inbox/message.html", message=found, title=texts.title(found),
                  text=texts.body(found, person.name), feedback_visit=texts.feedback_visit(found))


@bp.post("/dibaca")
@roles("peserta")
def mark_read():
    """Mark one message (`pesan`) or all of them read."""
    me = _me()
    reminder_id = request.form.get("pesan", type=parse_id) if request.form.get("pesan") else None
    if request.form.get("pesan") and reminder_id is None:
        return render_error(404)
    service.mark_read(me, reminder_id)
    if reminder_id:
        return redirect(url_for("inbox.message", reminder_id=reminder_id), 303)
    flash(_("Semua pesan ditandai sudah dibaca."), "ok")
    return redirect(url_for("inbox.index"), 303)


def _sms_page(consent=None, phone=None, code=None):
    me = Participant.get_by_id(_me().id)
    consent = consent or ConsentForm(agree=bool(me.sms_consent_at))
    phone = phone or PhoneForm(phone=me.phone)
    return render("inbox/sms.html", me=me, consent=consent, phone=phone, code=code or CodeForm(),
                  states=outbox.states_of(me.id))


@bp.get("/sms")
@roles("peserta")
def sms():
    """Pengingat SMS: consent (with its date, withdrawable) and phone verification."""
    return _sms_page()


@bp.post("/sms/persetujuan")
@roles("peserta")
def consent():
    form = ConsentForm()
    if form.validate_on_submit():
        service.set_consent(acting_user(), form.agree.data)
        flash(_("Anda setuju menerima pengingat lewat SMS.") if form.agree.data
              else _("Pengingat lewat SMS dihentikan."), "ok")
        return redirect(url_for("inbox.sms"), 303)
    return _sms_page(consent=form)


@bp.post("/sms/kode")
@roles("peserta")
def send_code():
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            service.send_code(acting_user(), form.normalized)
        except Refused as refused:
            form.phone.errors.append(REFUSALS[refused.code]())
        else:
            flash(_("Kode dikirim lewat SMS ke %(phone)s. Tulis kodenya di bawah.", phone=form.normalized), "ok")
            return redirect(url_for("inbox.sms"), 303)
    return _sms_page(phone=form)


@bp.post("/sms/verifikasi")
@roles("peserta")
def verify():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            outcome = service.check_code(acting_user(), form.code.data)
        except Refused as refused:
            form.code.errors.append(REFUSALS[refused.code]())
        else:
            if outcome == "ok":
                flash(_("Nomor HP terverifikasi."), "ok")
                return redirect(url_for("inbox.sms"), 303)
            form.code.errors.append(_("Kode salah. Periksa SMS dan coba lagi."))
    return _sms_page(code=form)
