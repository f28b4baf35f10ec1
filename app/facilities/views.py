"""Faskes: find a facility by name, type, region, service and BPJS partnership, nearest first when
the device gives coordinates (or from a participant's own district); one facility's details."""
from flask import abort, request, url_for
from flask_login import current_user

from app.core import clock, labels
from app.core.auth import public
from app.core.extensions import lazy_gettext as _l
from app.core.pagecache import same_for_everyone
from app.core.rendering import render
from app.facilities import bp
from app.facilities import service as facilities
from app.facilities.forms import MESSAGES, FacilitySearchForm
from app.models import OFFICER_ROLES, Facility, Region, RegionChoice

#: PostgreSQL ids are 32-bit; anything larger cannot exist (and must not reach the driver)


@bp.context_processor
def _labels():
    return dict(kind_labels=labels.KIND_LABELS, service_labels=labels.SERVICE_LABELS,
                partner_labels=labels.PARTNER_LABELS, distance_text=facilities.distance_text)


def _home_district():
    """The district (kecamatan) of a signed-in participant's family, or None."""
    if not current_user.is_authenticated or not current_user.participant_id:
        return None
    family = current_user.participant.family
    return Region.lookup(family.district_code, Region.DISTRICT) if family.district_code else None


def results_context(form):
    """What the results block shows: the page of facilities (None: nothing asked yet) and notes."""
    messages, notes = form.messages(), []
    filters = form.filters()
    if form.blocked:
        return dict(results=facilities.Page([], 1, False), messages=messages, notes=notes)
    if form.has_coordinates and filters.name:
        results = facilities.search(filters, form.page, near_to=(form.lat, form.lon))
        notes.append(_l("Yang paling cocok lebih dulu, lalu yang terdekat dari lokasi Anda."))
        return dict(results=results, messages=messages, notes=notes)
    if form.has_coordinates:
        results = facilities.near(form.lat, form.lon, filters, form.page)
        notes.append(_l("Diurutkan menurut jarak dari lokasi Anda. Faskes tanpa titik lokasi tidak ikut."))
        if results.cut_off and not results.has_next:
            notes.append(_l("Faskes yang lebih jauh dari %(km)d km tidak ditampilkan.", km=results.radius_km))
        return dict(results=results, messages=messages, notes=notes)
    if form.nearest and not form.region:
        district = _home_district()
        if district is not None:
            regency = Region.get_or_none(Region.code == district.parent_code)
            results = facilities.search(form.filters(regency_code=district.parent_code), form.page,
                                        first_district=district.code)
            notes.append(_l("Faskes di Kecamatan %(district)s lebih dulu, lalu di %(regency)s.",
                            district=district.name,
                            regency=regency.name if regency else district.parent_code))
            return dict(results=results, messages=messages, notes=notes)
        messages.append(MESSAGES["nearest"])
    results = facilities.search(filters, form.page) if form.has_criteria() else None
    return dict(results=results, messages=messages, notes=notes)


@bp.get("")
@same_for_everyone
@public
def search():
    """The search form and a page of results (the results block alone for an htmx request)."""
    choice = RegionChoice(request.args)
    form = FacilitySearchForm(request.args, choice)
    return render("facilities/search.html", "facilities/_results.html", form=form, choice=choice,
                  participant=current_user.is_authenticated and bool(current_user.participant_id),
                  **results_context(form))


@bp.get("/<int:facility_id>")
@same_for_everyone
@public
def detail(facility_id):
    """Type, class, address, phone, hours, services, partnership, region and (hospitals) beds."""
    facility = Facility.get_or_none(Facility.id == facility_id)  # the <int> converter bounds the id
    if facility is None:
        abort(404)
    participant = current_user.participant if current_user.is_authenticated and current_user.participant_id else None
    may_book = participant is not None and facilities.may_book_at(participant, facility, clock.today())
    return render("facilities/detail.html", facility=facility, regions=facilities.regions_of(facility),
                  queue_url=url_for("queue.index", faskes=facility.code) if may_book else None,
                  officer=current_user.is_authenticated and current_user.role in OFFICER_ROLES,
                  hours=facilities.hours_of(facility), services=facilities.services_of(facility),
                  beds=facilities.beds_of(facility, clock.now()) if facility.kind == "rumah_sakit" else [],
                  partner=facilities.partner_status(facility))
