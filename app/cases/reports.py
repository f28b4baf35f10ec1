"""Figures about cases for officers' reports and the public service dashboard: most frequent
problems per region and facility, SLA compliance, median first response, feedback scores. The
dashboard reads a precomputed snapshot (refreshed by the task worker every 5 minutes)."""
import json
from datetime import timedelta

from peewee import IntegrityError, fn

from app.core import clock
from app.core.db import db
from app.models import Case, CaseStatSnapshot, Facility, Region, VisitFeedback

DASHBOARD_MAX_AGE = timedelta(minutes=15)
DASHBOARD_DAYS = 90
SMALL = 5  # public figures below this are shown as "< 5"



def _period(query, start, end):
    return query.where((Case.opened_at >= start) & (Case.opened_at < end))


def figures(start, end, now=None):
    """What the reports and the dashboard show, for cases opened in [start, end) (naive UTC):
    totals, by category, by province, first-response and resolution compliance, the median first
    response in minutes, the ratings and the feedback after visits. Every count is computed in SQL (GROUP BY)."""
    now = now or clock.now()
    base = _period(Case.select(), start, end)
    total = base.count()
    by_category = dict(_period(Case.select(Case.category, fn.COUNT(Case.id)), start, end)
                       .group_by(Case.category).tuples())
    by_kind = dict(_period(Case.select(Case.kind, fn.COUNT(Case.id)), start, end).group_by(Case.kind).tuples())
    by_province = dict(_period(Case.select(Case.province_code, fn.COUNT(Case.id)), start, end)
                       .group_by(Case.province_code).tuples())
    first_met = base.where(Case.first_response_at.is_null(False)
                           & (Case.first_response_at <= Case.first_response_due)).count()
    first_late = base.where(Case.first_response_due.is_null(False) & (
        (Case.first_response_at > Case.first_response_due)
        | (Case.first_response_at.is_null() & (Case.first_response_due < now)))).count()
    resolved_met = base.where(Case.closed_at.is_null(False) & (Case.closed_at <= Case.resolution_due)).count()
    resolved_late = base.where(((Case.closed_at > Case.resolution_due))
                               | (Case.is_open & Case.paused_since.is_null() & (Case.resolution_due < now))).count()
    responded = base.where(Case.first_response_seconds.is_null(False))
    count = responded.count()
    median = None
    if count:
        row = (responded.select(Case.first_response_seconds).order_by(Case.first_response_seconds)
               .offset((count - 1) // 2).limit(1).scalar())
        median = round(row / 60)
    ratings = dict(base.select(Case.rating, fn.COUNT(Case.id)).where(Case.rating.is_null(False))
                   .group_by(Case.rating).tuples())
    rated = sum(ratings.values())
    feedback_count, feedback_average, feedback_paid, feedback_untreated = VisitFeedback.scores(start, end)
    return {
        "total": total, "by_category": by_category, "by_kind": by_kind, "by_province": by_province,
        "first_met": first_met, "first_late": first_late, "resolved_met": resolved_met,
        "resolved_late": resolved_late, "responded": count, "median_first_minutes": median,
        "ratings": {str(k): v for k, v in ratings.items()}, "rated": rated,
        "rating_average": round(sum(k * v for k, v in ratings.items()) / rated, 1) if rated else None,
        # feedback after visits (answered in the period): satisfaction 1–5, asked to pay, not treated
        "feedback_count": feedback_count, "feedback_average": feedback_average,
        "feedback_paid": feedback_paid, "feedback_untreated": feedback_untreated,
    }


def top_problems(start, end, limit=20):
    """The most frequent (facility, category) and (province, category) pairs of complaints."""
    complaints = _period(Case.select(), start, end).where(Case.kind == "pengaduan")
    by_facility = list(complaints.select(Case.facility, Case.category, fn.COUNT(Case.id).alias("n"))
                       .where(Case.facility.is_null(False)).group_by(Case.facility, Case.category)
                       .order_by(fn.COUNT(Case.id).desc(), Case.facility, Case.category).limit(limit).tuples())
    by_region = list(complaints.select(Case.province_code, Case.category, fn.COUNT(Case.id).alias("n"))
                     .group_by(Case.province_code, Case.category)
                     .order_by(fn.COUNT(Case.id).desc(), Case.province_code, Case.category).limit(limit).tuples())
    names = {f.id: f.name for f in Facility.select(Facility.id, Facility.name)
             .where(Facility.id.in_([row[0] for row in by_facility] or [0]))}
    return [(names.get(f, "?"), c, n) for f, c, n in by_facility], by_region


def province_names(codes):
    return {r.code: r.name for r in Region.select(Region.code, Region.name).where(Region.code.in_(list(codes) or [""]))}


def dashboard(now=None, refresh=False):
    """The public dashboard's figures (last DASHBOARD_DAYS days) and when they were computed: read
    from the snapshot, recomputed when older than DASHBOARD_MAX_AGE (or when `refresh`)."""
    now = now or clock.now()
    snapshot = CaseStatSnapshot.get_or_none(CaseStatSnapshot.key == "public")
    if snapshot is not None and not refresh and now - snapshot.computed_at < DASHBOARD_MAX_AGE:
        payload = json.loads(snapshot.payload)
        if "feedback_count" in payload:  # a snapshot from before the feedback figures: recompute
            return payload, snapshot.computed_at
    payload = figures(now - timedelta(days=DASHBOARD_DAYS), now + timedelta(seconds=1), now)
    payload["province_names"] = province_names(payload["by_province"])
    text = json.dumps(payload, sort_keys=True)
    try:
        with db.atomic():
            updated = (CaseStatSnapshot.update(computed_at=now, payload=text)
                       .where(CaseStatSnapshot.key == "public").execute())
            if not updated:
                CaseStatSnapshot.create(key="public", computed_at=now, payload=text)
    except IntegrityError:
        pass  # another worker stored the same figures at the same moment
    return payload, now


def percent(met, late):
    """Compliance in whole percent, or None when fewer than SMALL cases were measured."""
    measured = met + late
    return None if measured < SMALL else round(100 * met / measured)

