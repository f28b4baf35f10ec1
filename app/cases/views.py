"""Kasus pages. A participant reaches only their own family's cases (another family's id is a 404);
facility staff only cases about their own facility, without the complainant's identity unless an
officer shared it; officers every case (each opening is audited).
"""
import csv
import io
from datetime import datetime, time, timedelta, timezone

from flask import Response, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from wtforms import SelectChoice

from app.cases import bp, reports, service
from app.cases import feedback as visit_feedback
from app.cases.forms import (
    VISIT_REFUSED,
    ActionForm,
    AssignForm,
    CaseForm,
    FeedbackForm,
    RatingForm,
    ReopenForm,
    ReplyForm,
    new_request_key,
    parse_rupiah,
)
from app.cases.service import CaseRefused, NotFound
from app.core import clock, labels, uploads
from app.core.audit import audit
from app.core.auth import acting_user, public, roles, signed_in
from app.core.errors import render_error
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id
from app.core.forms import parse_date
from app.core.pagecache import same_for_everyone
from app.core.rendering import render, wants_fragment
from app.models import CaseEvent, Facility, Participant
from app.rules import identity

OFFICER_ROLES = ("petugas_bpjs", "admin")
REFUSALS = {
    "key_used": _l("Formulir ini sudah dipakai. Periksa isinya, lalu kirim lagi."),
    "closed": _l("Kasus ini sudah ditutup. Tidak ada yang diubah."),
    "action": _l("Tindakan ini tidak bisa dilakukan pada status sekarang. Lihat status terbaru."),
    "note": _l("Tulis catatan untuk peserta (atau pilih jawaban siap pakai)."),
    "amount": _l("Jumlah disetujui harus antara Rp1 dan jumlah yang diklaim."),
    "not_waiting": _l("Petugas tidak sedang menunggu informasi dari Anda."),
    "not_closed": _l("Kasus ini belum ditutup."),
    "too_late": _l("Kasus hanya bisa dibuka kembali paling lambat 7 hari setelah ditutup. Kirim pengaduan baru."),
    "no_reopen": _l("Kasus ini tidak bisa dibuka kembali."),
    "rated": _l("Anda sudah memberi nilai untuk jawaban ini."),
    "officer": _l("Pilih petugas dari daftar."),
    "answered": _l("Umpan balik kunjungan ini sudah dikirim. Terima kasih."),
}


@bp.errorhandler(NotFound)
def _not_found(error):
    return render_error(404)


# --- participant -------------------------------------------------------------------------------

@bp.get("/kasus")
@roles("peserta")
def index():
    """My family's cases, newest first, with each one's state and next deadline."""
    me = acting_user().participant
    return render("cases/index.html", cases=list(service.visible_cases(me)), now=clock.now())


def _case_form_choices(form, me, only_self=False):
    members = me.family_members() if me.is_head and not only_self else [me]
    form.member.choices = [SelectChoice(str(m.id), m.name) for m in members]
    if not form.member.data:
        form.member.data = str(me.id)
    facilities = service.facility_choices(me.family)
    form.facility.choices = [SelectChoice("", _("— tidak tentang faskes tertentu —"))] + [
        SelectChoice(str(f.id), f.name) for f in facilities]
    form.visit.choices = [SelectChoice("", _("— tidak tentang kunjungan tertentu —"))]
    if not only_self:
        locale = str(get_locale() or "id")
        form.visit.choices += [
            SelectChoice(str(v.id), f"{date_id(v.visit_date, locale)} · {v.facility.name} · {v.participant.name}")
            for v in service.visit_choices(me.family_id)]


@bp.route("/kasus/baru", methods=["GET", "POST"])
@roles("peserta")
def new():
    """Kirim pengaduan, pertanyaan, konsultasi atau klaim (one case per submitted form)."""
    user = acting_user()
    me = user.participant
    form = CaseForm()
    _case_form_choices(form, me)
    if request.method == "GET":
        form.request_key.data = new_request_key()
        form.kind.data = request.args.get("jenis") if request.args.get("jenis") in service.sla.KINDS else "pengaduan"
    elif form.validate_on_submit():
        member = me.relative(int(form.member.data))
        facility = Facility.get_or_none(Facility.id == int(form.facility.data)) if form.facility.data else None
        try:
            case, replayed = service.file_case(user, member, form.kind.data, form.category.data, form.text.data,
                                               facility, form.amount_value, form.images, form.request_key.data,
                                               visit_id=form.visit_id)
        except CaseRefused as refused:
            if refused.code == "visit":
                form.visit.errors = [VISIT_REFUSED]
            else:
                form.request_key.errors.append(REFUSALS.get(refused.code, REFUSALS["action"]))
            form.request_key.data = new_request_key()
        else:
            flash(_("Kiriman ini sudah diterima sebelumnya: ini kasusnya.") if replayed else
                  _("Terkirim. Batas waktu jawaban ada di halaman ini."), "info" if replayed else "ok")
            return redirect(url_for("cases.detail", case_id=case.id), 303)
    return render("cases/new.html", form=form, mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024),
                  total_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


@bp.route("/kasus/umpan-balik/<int:visit_id>", methods=["GET", "POST"])
@roles("peserta")
def feedback(visit_id):
    """Umpan balik kunjungan: four questions, answered once by the participant or the family head.
    "Asked to pay" or "not treated" opens a complaint about the visit."""
    user = acting_user()
    found, visit, member = visit_feedback.feedback_for(user.participant, visit_id)
    form = FeedbackForm()
    if request.method == "POST" and found.answered_at is not None:
        flash(str(REFUSALS["answered"]), "info")
        return redirect(url_for("cases.feedback", visit_id=visit_id), 303)
    if form.validate_on_submit():
        try:
            found, case = visit_feedback.answer_feedback(user, visit_id, form.answers)
        except CaseRefused as refused:
            flash(str(REFUSALS.get(refused.code, REFUSALS["answered"])), "error")
        else:
            flash(_("Terima kasih. Pengaduan Anda tentang kunjungan ini sudah dibuat.") if case
                  else _("Terima kasih atas umpan baliknya."), "ok")
        return redirect(url_for("cases.feedback", visit_id=visit_id), 303)
    return render("cases/feedback.html", form=form, feedback=found, visit=visit, member=member)


def _detail_context(case, user):
    first, resolution = service.clocks(case)
    hours, days, rules_from = service.target_facts(case)
    return dict(case=case, first=first, resolution=resolution, hours=hours, days=days, rules_from=rules_from,
                events=list(CaseEvent.timeline(case.id)), checked_at=clock.to_wib(clock.now()).strftime("%H.%M"))


@bp.get("/kasus/<int:case_id>")
@roles("peserta")
def detail(case_id):
    """One case: both deadlines, the time left (htmx refreshes it), the timeline and what I can do."""
    user = acting_user()
    case = service.family_case(user.participant, case_id)
    if case.participant_id != user.participant_id and not wants_fragment():
        audit(user, "case_viewed", f"case:{case.id}", case.participant_id)
    return render("cases/detail.html", "cases/_clock.html", **_detail_context(case, user),
                  reply_form=ReplyForm(), rating_form=RatingForm(), reopen_form=ReopenForm(),
                  may_reopen=service.may_reopen(case), about=Participant.get_by_id(case.participant_id))


def _participant_step(case_id, form, step, done_message):
    user = acting_user()
    service.family_case(user.participant, case_id)  # 404 before anything else
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(str(errors[0]) if errors else REFUSALS["action"], "error")
        return redirect(url_for("cases.detail", case_id=case_id), 303)
    try:
        step(user)
    except CaseRefused as refused:
        flash(str(REFUSALS.get(refused.code, REFUSALS["action"])), "error")
    else:
        flash(done_message, "ok")
    return redirect(url_for("cases.detail", case_id=case_id), 303)


@bp.post("/kasus/<int:case_id>/balas")
@roles("peserta")
def reply(case_id):
    """Send the information the officer asked for: the clock runs again."""
    form = ReplyForm()
    return _participant_step(case_id, form, lambda user: service.reply(user, case_id, form.text.data),
                             _("Terkirim. Jam batas waktu berjalan lagi."))


@bp.post("/kasus/<int:case_id>/nilai")
@roles("peserta")
def rate(case_id):
    form = RatingForm()
    return _participant_step(case_id, form, lambda user: service.rate(user, case_id, int(form.rating.data)),
                             _("Terima kasih atas penilaian Anda."))


@bp.post("/kasus/<int:case_id>/buka-lagi")
@roles("peserta")
def reopen(case_id):
    form = ReopenForm()
    return _participant_step(case_id, form, lambda user: service.reopen(user, case_id, form.text.data),
                             _("Kasus dibuka kembali dengan batas waktu baru."))


@bp.get("/kasus/<int:case_id>/foto")
@signed_in
def photo(case_id):
    """Photo `?n=1..3` of a case: to the family, officers and the facility's staff; 404 otherwise."""
    user = acting_user()
    case = service.any_case(case_id)
    number = request.args.get("n", type=int) or 1
    if not service.may_see_photo(user, case) or not 1 <= number <= len(case.photo_names):
        abort(404)
    path = uploads.path_of(case.photo_names[number - 1])
    if path is None:
        abort(404)
    if user.participant_id != case.participant_id:
        audit(user, "case_photo_viewed", f"case:{case.id}", case.participant_id, n=number)
    response = send_file(path, mimetype="image/jpeg", conditional=False, etag=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- officer -----------------------------------------------------------------------------------

@bp.route("/petugas/kasus/telepon", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def phone():
    """A caller to 165: find them by exact card number (audited), then record their case for them."""
    officer = acting_user()
    card = identity.normalize_number(request.values.get("kartu") or "")
    caller = Participant.by_card(card) if len(card) == 13 and card.isdigit() else None
    form = None
    if caller is not None:
        if request.method == "GET":
            audit(officer, "case_caller_found", f"participant:{caller.id}", caller.id)
        form = CaseForm()
        _case_form_choices(form, caller, only_self=True)
        if request.method == "GET":
            form.request_key.data = new_request_key()
            form.kind.data = "pengaduan"
        elif form.validate_on_submit():
            try:
                case, _replayed = service.file_case(
                    officer, caller, form.kind.data, form.category.data, form.text.data,
                    Facility.get_or_none(Facility.id == int(form.facility.data)) if form.facility.data else None,
                    form.amount_value, (), form.request_key.data, channel="phone_165")
            except CaseRefused as refused:
                form.request_key.errors.append(REFUSALS.get(refused.code, REFUSALS["action"]))
                form.request_key.data = new_request_key()
            else:
                flash(_("Kasus dicatat atas nama penelepon."), "ok")
                return redirect(url_for("cases.review", case_id=case.id), 303)
    elif request.method == "POST":
        abort(400)
    return render("cases/phone.html", form=form, caller=caller, card=card, searched="kartu" in request.values)


@bp.get("/petugas/kasus")
@roles(*OFFICER_ROLES)
def queue():
    """Open cases by deadline, breaches first; `?hal=` pages, `?saya=1` mine, `?eskalasi=1` escalated."""
    page = max(1, min(request.args.get("hal", type=int) or 1, 10_000))
    mine = request.args.get("saya") == "1"
    escalated = request.args.get("eskalasi") == "1"
    offset = (page - 1) * service.QUEUE_PAGE
    cases = list(service.Case.open_queue(offset, service.QUEUE_PAGE + 1, acting_user().id if mine else None, escalated))
    return render("cases/queue.html", cases=cases[:service.QUEUE_PAGE], more=len(cases) > service.QUEUE_PAGE,
                  page_number=page, mine=mine, escalated=escalated, now=clock.now())


def _action_form(case):
    form = ActionForm()
    form.action.choices = [SelectChoice("", _("— pilih —"))] + [
        SelectChoice(a, labels.CASE_ACTION_LABELS[a]) for a in service.officer_actions(case)]
    form.template.choices = [SelectChoice("", _("— tidak —"))] + [
        SelectChoice(k, v) for k, v in labels.CASE_ANSWER_TEMPLATES.items()]
    return form


def _act(officer, case, form):
    """Apply the posted step; returns the error text, or None when done."""
    note = form.note.data or service.template_text(form.template.data)
    amount = parse_rupiah(form.amount.data) if form.action.data == "setujui" else None
    try:
        service.act(officer, case.id, form.action.data, note, amount)
    except CaseRefused as refused:
        return REFUSALS.get(refused.code, REFUSALS["action"])
    return None


@bp.route("/petugas/kasus/<int:case_id>", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def review(case_id):
    """One case with who sent it, its clocks and timeline; one form for the next step."""
    officer = acting_user()
    case = service.any_case(case_id)
    form = _action_form(case)
    if form.validate_on_submit():
        error = _act(officer, case, form)
        if error is None:
            flash(_("Tersimpan."), "ok")
            return redirect(url_for("cases.review", case_id=case.id), 303)
        form.action.errors.append(error)
        case = service.any_case(case_id)
        form.action.choices = _action_form(case).action.choices
    elif wants_fragment():  # the countdown refreshing itself: no new read of the person's data
        return render("cases/_clock.html", **_detail_context(case, officer))
    audit(officer, "case_viewed", f"case:{case.id}", case.participant_id)
    assign_form = AssignForm()
    assign_form.officer.choices = [SelectChoice(str(o.id), o.username or "") for o in service.officers()]
    assign_form.officer.data = str(case.assigned_to_id or officer.id)
    return render("cases/review.html", **_detail_context(case, officer), form=form, assign_form=assign_form,
                  about=Participant.get_by_id(case.participant_id))


@bp.post("/petugas/kasus/<int:case_id>/tugaskan")
@roles(*OFFICER_ROLES)
def assign(case_id):
    form = AssignForm()
    form.officer.choices = [SelectChoice(str(o.id), o.username or "") for o in service.officers()]
    service.any_case(case_id)
    officer_id = int(form.officer.data) if (form.officer.data or "").isdigit() else None
    try:
        if not form.validate_on_submit() or officer_id is None:
            raise CaseRefused("officer")
        service.assign(acting_user(), case_id, officer_id)
    except CaseRefused as refused:
        flash(str(REFUSALS.get(refused.code, REFUSALS["officer"])), "error")
    else:
        flash(_("Kasus ditugaskan."), "ok")
    return redirect(url_for("cases.review", case_id=case_id), 303)


def _period():
    """(start day, end day) of `?dari=&sampai=` (WIB dates), by default the last 30 days."""
    today = clock.today()
    end = parse_date(request.args.get("sampai") or "") or today
    start = parse_date(request.args.get("dari") or "") or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=366))
    return start, end


def _utc_bounds(start, end):
    wib = clock.WIB
    low = datetime.combine(start, time.min, wib).astimezone(timezone.utc).replace(tzinfo=None)
    high = datetime.combine(end + timedelta(days=1), time.min, wib).astimezone(timezone.utc).replace(tzinfo=None)
    return low, high


@bp.get("/petugas/kasus/laporan")
@roles(*OFFICER_ROLES)
def report():
    """Frequent problems per facility and region, SLA compliance, median first response, ratings."""
    start, end = _period()
    low, high = _utc_bounds(start, end)
    figures = reports.figures(low, high)
    by_facility, by_region = reports.top_problems(low, high)
    names = reports.province_names(set(figures["by_province"]) | {code for code, _c, _n in by_region})
    return render("cases/report.html", start=start, end=end, f=figures, by_facility=by_facility,
                  by_region=by_region, names=names, rows=chart_rows(figures, names),
                  percent=reports.percent)


@bp.get("/petugas/kasus/laporan/csv")
@roles(*OFFICER_ROLES)
def report_csv():
    """The report's tables as one CSV file (counts only: no person is named)."""
    start, end = _period()
    low, high = _utc_bounds(start, end)
    figures = reports.figures(low, high)
    by_facility, by_region = reports.top_problems(low, high)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "key", "category", "count"])
    for code, n in sorted(figures["by_category"].items()):
        writer.writerow(["category", "", code, n])
    for code, n in sorted(figures["by_province"].items()):
        writer.writerow(["province", code, "", n])
    for name, category, n in by_facility:
        writer.writerow(["facility", name, category, n])
    for code, category, n in by_region:
        writer.writerow(["region", code, category, n])
    for key in ("total", "first_met", "first_late", "resolved_met", "resolved_late", "median_first_minutes",
                "rated", "rating_average", "feedback_count", "feedback_average", "feedback_paid",
                "feedback_untreated"):
        writer.writerow(["summary", key, "", figures[key] if figures[key] is not None else ""])
    audit(acting_user(), "case_report_downloaded", "case_report", start=start, end=end)
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=laporan-kasus-{start}-{end}.csv"})


def chart_rows(figures, names, provinces=12):
    """The bar chart rows of `figures`: by category, the top provinces, and ratings 1–5."""
    by_category = sorted(figures["by_category"].items(), key=lambda item: (-item[1], item[0]))
    by_province = sorted(figures["by_province"].items(), key=lambda item: (-item[1], item[0]))[:provinces]
    return {
        "category": [(str(labels.CASE_CATEGORY_LABELS.get(code, code)), n) for code, n in by_category],
        "province": [(names.get(code) or code or "?", n) for code, n in by_province],
        "rating": [(str(k), figures["ratings"].get(str(k), 0)) for k in range(1, 6)],
    }


# --- facility staff ------------------------------------------------------------------------------

@bp.get("/faskes-saya/kasus")
@roles("petugas_faskes")
def facility_cases():
    """Cases about my facility, newest first, without who sent them."""
    user = acting_user()
    page = max(1, min(request.args.get("hal", type=int) or 1, 10_000))
    cases = list(service.Case.of_facility(user.facility_id, (page - 1) * service.QUEUE_PAGE, service.QUEUE_PAGE + 1)) \
        if user.facility_id else []
    return render("cases/facility_list.html", cases=cases[:service.QUEUE_PAGE], more=len(cases) > service.QUEUE_PAGE,
                  page_number=page, now=clock.now())


@bp.get("/faskes-saya/kasus/<int:case_id>")
@roles("petugas_faskes")
def facility_case(case_id):
    user = acting_user()
    case = service.facility_case(user, case_id)
    if not wants_fragment():
        audit(user, "case_viewed", f"case:{case.id}", case.participant_id, identity=case.share_identity)
    return render("cases/facility_case.html", "cases/_clock.html", **_detail_context(case, user),
                  about=Participant.get_by_id(case.participant_id) if case.share_identity else None)


# --- public --------------------------------------------------------------------------------------

@bp.get("/dasbor-layanan")
@same_for_everyone
@public
def dashboard():
    """Public figures of the last 90 days (no sign-in); below 5 cases a figure shows as "< 5"."""
    figures, computed_at = reports.dashboard()
    return render("cases/dashboard.html", f=figures, computed_at=computed_at, days=reports.DASHBOARD_DAYS,
                  percent=reports.percent, rows=chart_rows(figures, figures["province_names"]))
