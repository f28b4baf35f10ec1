"""Pendaftaran peserta baru (a short multi-step form, saved after every step), tambah anggota for
the head of a family, and the officer's review of a registration flagged as a possible duplicate.

Who may open a draft: the browser that started or resumed it (its id in the session), or the staff
member who started it. Every page here may show personal data: none is cached (no-store).
"""
from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_login import current_user

from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, public, roles
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.extensions import limiter
from app.core.forms import DecisionForm
from app.core.rendering import render, wants_fragment
from app.models import (
    OFFICER_ROLES,
    Facility,
    Participant,
    Region,
    RegionChoice,
    Registration,
)
from app.registration import bp
from app.registration import service as workflow
from app.registration.forms import (
    MESSAGES,
    NIK_WARNINGS,
    ConfirmForm,
    FacilityForm,
    FamilyForm,
    MemberForm,
    ResumeForm,
    StartForm,
    add_error,
    normalize_phone,
)
from app.rules import contributions, identity, membership

#: How many drafts one browser remembers (a facilitator may help several families in a row).
SESSION_DRAFTS = 5


@bp.after_request
def _personal(response):
    """Drafts hold NIKs and names, also for visitors who are not signed in."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _remember(registration):
    ids = [i for i in session.get("registrations", []) if i != registration.id]
    session["registrations"] = (ids + [registration.id])[-SESSION_DRAFTS:]


def _draft(token):
    """The registration behind `token`, if this browser (or its signed-in creator) may open it; 404
    otherwise, so a guessed code tells nothing."""
    registration = workflow.by_token(token)
    if registration is None:
        abort(404)
    creator = current_user.is_authenticated and registration.created_by_id == current_user.id
    if registration.id not in session.get("registrations", []) and not creator:
        abort(404)
    return registration


def _go(endpoint, stays=False, **values):
    """PRG. An htmx form that moves to another page gets HX-Redirect (the next page in full);
    one that stays on its page (`stays`, or the same URL) follows the 303 and receives its fragment."""
    url = url_for(endpoint, **values)
    if wants_fragment() and url != request.path and not stays:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def _closed(registration):
    """A submitted draft is not edited: its result page instead."""
    if request.method == "POST":
        flash(MESSAGES["not_draft"], "info")
    return _go(".done", token=registration.token)


def _gate(registration, step):
    """None when `step` may be shown, else where to go instead."""
    if registration.status != "draft":
        return _closed(registration)
    data = registration.data
    if not workflow.may_open(step, data, clock.today()):
        return _go(f".{_ENDPOINTS[workflow.reachable_step(data, clock.today())]}", token=registration.token)
    return None


_ENDPOINTS = {"keluarga": "family", "anggota": "members", "faskes": "facility", "periksa": "check"}


def _save(registration, step, change):
    """Save a step; None, or the response for a draft that was submitted meanwhile."""
    try:
        workflow.save_draft(registration, acting_user(), step, change, clock.today())
    except workflow.RegistrationError:
        return _closed(registration)
    return None


# --- start and resume ----------------------------------------------------------------------------

def _failed(response):
    """What counts against the resume limit: anything but a way into a draft."""
    return response.status_code != 303 and "HX-Redirect" not in response.headers


def _start_page(resume_form):
    ids, today = session.get("registrations", []), clock.today()
    found = Registration.drafts(ids) if ids else []
    drafts = [(r, _ENDPOINTS[workflow.reachable_step(r.data, today)]) for r in found]
    return render("registration/start.html", "registration/_resume.html",
                  form=resume_form, drafts=drafts)


@bp.route("/pendaftaran", methods=["GET", "POST"])
@public
@limiter.limit("60 per hour", methods=["POST"])
def start():
    """What registering takes, the start button, and the way back into a draft."""
    if request.method == "POST":
        registration = workflow.start_draft(acting_user())
        _remember(registration)
        return redirect(url_for(".family", token=registration.token), 303)
    return _start_page(ResumeForm(formdata=None))


@bp.post("/pendaftaran/lanjutkan")
@public
@limiter.limit(lambda: current_app.config.get("REGISTRATION_RESUME_LIMIT", "10 per minute"),
               deduct_when=_failed,
               error_message=lambda: _("Terlalu banyak percobaan. Tunggu satu menit, lalu coba lagi."))
def resume():
    """Resume code + KK number, typed together, bring a draft back on any device (failures are
    rate-limited per IP)."""
    form = ResumeForm()
    if form.validate_on_submit():
        registration = workflow.find_for_resume(form.code.data, form.kk_number.data)
        if registration is not None:
            _remember(registration)
            audit(acting_user(), "registration_resumed", f"registration:{registration.id}")
            if registration.status != "draft":
                return _go(".done", token=registration.token)
            step = workflow.reachable_step(registration.data, clock.today())
            return _go(f".{_ENDPOINTS[step]}", token=registration.token)
        add_error(form.code, MESSAGES["resume_failed"])
    return _start_page(form)


# --- step 1: family ------------------------------------------------------------------------------

def _region_args(district_code):
    parts = (district_code or "").split(".")
    if len(parts) != 3:
        return {}
    return {"provinsi": parts[0], "kabupaten": ".".join(parts[:2]), "kecamatan": district_code}


@bp.route("/pendaftaran/<string:token>/keluarga", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute", methods=["POST"], deduct_when=lambda response: response.status_code == 200)
def family(token):
    """Nomor KK, where the family lives (the region picker works inside this form), phone."""
    registration = _draft(token)
    gate = _gate(registration, "keluarga")
    if gate:
        return gate
    data = registration.data
    district_error = None
    if request.method == "POST":
        form, choice = FamilyForm(), RegionChoice(request.form)
        if "lanjut" in request.form:  # "Pilih" in the picker only refreshes it
            valid = form.validate_on_submit()
            if choice.district is None:
                district_error = MESSAGES["no_district"]
            kk_number = identity.normalize_number(form.kk_number.data)
            if valid and workflow.kk_registered(kk_number):
                add_error(form.kk_number, MESSAGES["kk_registered"])
                valid = False
            if valid and choice.district is not None:
                def change(draft):
                    if draft.get("district") != choice.district.code:
                        draft.pop("fktp", None)  # facilities are offered by district
                    draft.update(kk_number=kk_number, district=choice.district.code,
                                 address=" ".join((form.address.data or "").split()),
                                 phone=normalize_phone(form.phone.data))
                return _save(registration, "keluarga", change) or _go(".members", token=token)
    else:
        form = FamilyForm(formdata=None, data={k: data.get(k, "") for k in ("kk_number", "address", "phone")})
        choice = RegionChoice(_region_args(data.get("district")))
    return render("registration/family.html", "registration/_family.html", registration=registration,
                  form=form, choice=choice, district_error=district_error)


# --- step 2: members -----------------------------------------------------------------------------

def _warnings(member, today):
    """Field → what the NIK disagrees with (shown next to the field, never blocking)."""
    if member is None:
        return {}
    return {field: NIK_WARNINGS[field] for field in sorted(workflow.nik_warnings(member, today))}


def _validated(form, today, warnings):
    """Validate a member form; fill `warnings` either way (they never block)."""
    valid = form.validate_on_submit()
    warnings.update(_warnings(form.identity_facts(), today))
    return valid


def _member_rows(members, today):
    """Each member as shown: NIK masked, with NIK warnings and problems with the other members."""
    problems = {}
    for index, _field, code in membership.member_problems(members, today):
        if index is not None:
            problems.setdefault(index, []).append(MESSAGES[code])
    return [dict(member, index=i, masked_nik=identity.mask_nik(member["nik"]), problems=problems.get(i, []),
                 warnings=list(_warnings(member, today).values()))
            for i, member in enumerate(members)]


def _members_page(registration, form, list_error=None, warnings=None):
    today = clock.today()
    if not registration.data.get("members") and not form.relationship.data:
        form.relationship.data = "kepala"
    return render("registration/members.html", "registration/_members.html", registration=registration,
                  form=form, rows=_member_rows(workflow.members_of(registration.data), today),
                  list_error=list_error, warnings=warnings or {})


def _member_step(token):
    """The open draft at the member step, or (None, the response that goes elsewhere)."""
    registration = _draft(token)
    return registration, _gate(registration, "anggota")


@bp.get("/pendaftaran/<string:token>/anggota")
@public
def members(token):
    """Every member on the KK, one at a time (works on a keypad phone): add, remove, go on."""
    registration, gate = _member_step(token)
    return gate or _members_page(registration, MemberForm(formdata=None))


@bp.post("/pendaftaran/<string:token>/anggota/tambah")
@public
@limiter.limit("60 per minute", deduct_when=lambda response: response.status_code == 200)
def members_add(token):
    """Add one member to the draft (checked against the members already entered)."""
    registration, gate = _member_step(token)
    if gate:
        return gate
    today, form, warnings = clock.today(), MemberForm(), {}
    if not _validated(form, today, warnings):
        return _members_page(registration, form, warnings=warnings)
    try:
        found = workflow.add_draft_member(registration, acting_user(), form.member(), today)
    except workflow.RegistrationError:
        return _closed(registration)
    if not found:
        return _go(".members", stays=True, token=token)
    list_error = None
    for field, code in found:
        if field:
            add_error(getattr(form, field), MESSAGES[code])
        else:
            list_error = MESSAGES[code]
    return _members_page(registration, form, list_error, warnings)


@bp.post("/pendaftaran/<string:token>/anggota/hapus")
@public
def members_remove(token):
    """Remove one member (by its place in the list) from the draft."""
    registration, gate = _member_step(token)
    if gate:
        return gate
    try:
        workflow.remove_draft_member(registration, acting_user(), request.form.get("hapus"), clock.today())
    except workflow.RegistrationError:
        return _closed(registration)
    return _go(".members", stays=True, token=token)


@bp.post("/pendaftaran/<string:token>/anggota/lanjut")
@public
def members_done(token):
    """Done adding: on to the facility step when the members pass the checks together."""
    registration, gate = _member_step(token)
    if gate:
        return gate
    try:
        problem = workflow.finish_members(registration, acting_user(), clock.today())
    except workflow.RegistrationError:
        return _closed(registration)
    if problem is None:
        return _go(".facility", token=token)
    index, code = problem
    return _members_page(registration, MemberForm(formdata=None),
                         MESSAGES[code] if index is None else MESSAGES["fix_members"])


# --- step 3: facility and class ----------------------------------------------------------------

@bp.route("/pendaftaran/<string:token>/faskes", methods=["GET", "POST"])
@public
def facility(token):
    """FKTP in or near the district (never another province), segment, and class with the family's
    monthly total from the rate table."""
    registration = _draft(token)
    gate = _gate(registration, "faskes")
    if gate:
        return gate
    data, today = registration.data, clock.today()
    count = len(data["members"])
    totals, rates_from = workflow.monthly_totals("PBPU", count, today)
    facilities = workflow.nearby_fktp(data["district"])
    saved = {"fktp": str(data.get("fktp", "")), "segment": data.get("segment", ""),
             "care_class": str(data.get("care_class", ""))}
    form = FacilityForm(data["district"], facilities, totals,
                        formdata=None if request.method == "GET" else request.form, data=saved)
    if request.method == "POST" and form.validate_on_submit():
        def change(draft):
            draft.update(fktp=int(form.fktp.data), segment=form.segment.data,
                         care_class=int(form.care_class.data))
        return _save(registration, "faskes", change) or _go(".check", token=token)
    return render("registration/facility.html", "registration/_facility.html", registration=registration,
                  form=form, facilities=facilities, totals=totals, rates_from=rates_from, count=count)


# --- step 4: check, password, send ---------------------------------------------------------------

def _summary(data, today):
    members = workflow.members_of(data)
    district = Region.get_or_none(Region.code == data.get("district"))
    fktp = Facility.get_or_none(Facility.id == data.get("fktp")) if data.get("fktp") else None
    total = (contributions.family_monthly_due(data["segment"], data["care_class"], len(members), today)
             if data.get("segment") and data.get("care_class") and members else None)
    return {
        "data": data, "members": _member_rows(members, today), "fktp": fktp,
        "lineage": district.lineage() if district else [],
        "head": next((m for m in members if m["relationship"] == "kepala"), None),
        "total": total,
        "rates_from": contributions.rate_table_on(contributions.month_of(today)).effective_from,
        "kk_masked": identity.mask_kk(data.get("kk_number", "")),
    }


@bp.route("/pendaftaran/<string:token>/periksa", methods=["GET", "POST"])
@public
def check(token):
    """Everything on one page to check, the head's password, and the one write that sends it."""
    registration = _draft(token)
    gate = _gate(registration, "periksa")
    if gate:
        return gate
    today = clock.today()
    summary = _summary(registration.data, today)
    form = ConfirmForm(summary["head"])
    error = None
    if form.validate_on_submit():
        try:
            workflow.submit(registration, form.password.data, acting_user(), today)
        except workflow.RegistrationError as failure:
            if failure.code == "not_draft":
                return _closed(registration)
            error = MESSAGES[failure.code]
            if failure.code == "nik_registered":
                error = f"{summary['members'][failure.index]['name']}: {MESSAGES['nik_registered']}"
        else:
            return _go(".done", token=token)
    form.password.data = form.confirm.data = ""
    staff = current_user.is_authenticated and current_user.role != "peserta"
    return render("registration/check.html", "registration/_check.html", registration=registration,
                  form=form, error=error, staff=staff, **summary)


# --- the result ----------------------------------------------------------------------------------

@bp.route("/pendaftaran/<string:token>/selesai", methods=["GET", "POST"])
@public
def done(token):
    """The outcome: cards and VA, waiting for an officer, or rejected with the reason. POST forgets
    the draft on this device (a shared kiosk)."""
    registration = _draft(token)
    if request.method == "POST":
        session["registrations"] = [i for i in session.get("registrations", []) if i != registration.id]
        return redirect(url_for(".start"), 303)
    if registration.status == "draft":
        return _go(f".{_ENDPOINTS[workflow.reachable_step(registration.data, clock.today())]}", token=token)
    context = {"registration": registration, "form": StartForm()}
    family = registration.family
    if registration.status == "done" and family is not None:
        today = clock.today()
        context.update(family=family, members=list(family.members.order_by(Participant.id)),
                       status=family.status_on(today), to_pay=family.monthly_due(today),
                       rates_from=contributions.rate_table_on(contributions.month_of(today)).effective_from)
    return render("registration/done.html", "registration/_done.html", **context)


# --- officer review ------------------------------------------------------------------------------

@bp.route("/petugas/pendaftaran/<int:registration_id>", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def review(registration_id):
    """A registration flagged as a possible duplicate: the draft (NIKs masked), why it was flagged,
    and one decision — approve (the family is created) or reject with a reason."""
    registration = Registration.get_or_none(Registration.id == registration_id)
    if registration is None or registration.status == "draft":
        abort(404)
    officer = acting_user()
    form = DecisionForm(_l("Setujui: buat keluarga dan kartu"))
    error = None
    if request.method == "POST" and registration.status != "review":
        error = MESSAGES["decided"]
    elif form.validate_on_submit():
        try:
            if form.decision.data == "setujui":
                workflow.approve(registration, officer, clock.today())
                flash(_("Pendaftaran disetujui. Keluarga dan kartu peserta sudah dibuat."), "info")
            else:
                workflow.reject(registration, officer, form.reason.data.strip())
                flash(_("Pendaftaran ditolak. Alasannya ditampilkan kepada pendaftar."), "info")
        except workflow.RegistrationError as failure:
            error = MESSAGES.get(failure.code, MESSAGES["incomplete"])
        else:
            return _go(".review", registration_id=registration.id)
    elif request.method == "GET":
        audit(officer, "registration_viewed", f"registration:{registration.id}")
    return render("registration/review.html", "registration/_review.html", registration=registration,
                  form=form, error=error, matches=workflow.flagged_matches(registration),
                  **_summary(registration.data, clock.today()))
