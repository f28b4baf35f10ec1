"""Pengingat (reminders) tied to JKN dates, and when an SMS may go out (SPEC §2.3 "Reminders",
§3, §5.5). Pure functions: the caller reads the database and passes plain records in.

Which reminders fire on a day `day` (all computed by `reminders_for(day, ...)`):

    bill              3 days before the due date (the 10th), only while the month is unpaid
    rehab             3 days before a REHAB instalment's due date, only while it is unpaid
    control           the day before a control visit
    prb_pickup        the day before the monthly PRB medicine pickup
    referral_expiry   on each of the last 7 days of a referral (expiry day included), but with one
                      event key, so it is sent ONCE (whichever day the sender runs first)
    queue             the day before a queue booking

Every reminder has a stable `event_key`, `<kind>:<date or month>:<target>:<id>`
(`bill:2026-12:family:17`): the same inputs give the same key on every run and every machine, and a
unique constraint on it makes each reminder exactly once, however often the job runs.

Quiet hours: no SMS from 21:00 to 06:00 local time. Local time is WIB (UTC+7), WITA (UTC+8) or
WIT (UTC+9) by the participant's province (Kemendagri 2-digit code). A participant whose province
is unknown is treated as awake only when it is daytime in all three zones (06:00 WIB .. 21:00 WIT,
i.e. 23:00..12:00 UTC). Indonesia has no daylight saving time.
"""
from dataclasses import dataclass
from datetime import UTC, date, timedelta

BILL_LEAD_DAYS = 3      # bill and REHAB instalment: 3 days before the due date
DAY_BEFORE = 1          # control, PRB pickup, queue booking: the day before
REFERRAL_WARN_DAYS = 7  # referral: within the last 7 days of its validity

KINDS = ("bill", "rehab", "control", "prb_pickup", "referral_expiry", "queue")


# --- inputs (plain records the caller builds from the database) ---------------------------------

@dataclass(frozen=True)
class BillDue:
    family_id: int
    due_on: date        # the due date of the month (the 10th)
    paid: bool


@dataclass(frozen=True)
class InstalmentDue:
    plan_id: int
    family_id: int
    number: int         # 1..12
    due_on: date
    paid: bool


@dataclass(frozen=True)
class ControlVisit:
    participant_id: int
    control_on: date


@dataclass(frozen=True)
class PrbPickup:
    participant_id: int
    pickup_on: date     # health.next_pickup(pickup_day, day + 1 day) for the monthly plan


@dataclass(frozen=True)
class ReferralExpiry:
    referral_id: int
    participant_id: int
    valid_until: date   # the last valid day


@dataclass(frozen=True)
class QueueBooking:
    booking_id: int
    participant_id: int
    visit_date: date
    number: int


@dataclass(frozen=True)
class Reminder:
    """What to tell whom: `kind` (a code from KINDS), the `target` ("family" or "participant") and its
    id, the JKN date it is about (`on`), and `number` (instalment or queue number) where there is one."""

    kind: str
    event_key: str
    target: str
    target_id: int
    on: date
    number: int | None = None


def _key(kind, when, target, target_id):
    return f"{kind}:{when}:{target}:{target_id}"


def reminders_for(day, bills=(), instalments=(), controls=(), pickups=(), referrals=(), bookings=()):
    """Every reminder due on `day`, in the order of KINDS then input order."""
    out = []
    tomorrow = day + timedelta(days=DAY_BEFORE)
    for bill in bills:
        if not bill.paid and day == bill.due_on - timedelta(days=BILL_LEAD_DAYS):
            key = _key("bill", bill.due_on.strftime("%Y-%m"), "family", bill.family_id)
            out.append(Reminder("bill", key, "family", bill.family_id, bill.due_on))
    for item in instalments:
        if not item.paid and day == item.due_on - timedelta(days=BILL_LEAD_DAYS):
            key = _key("rehab", item.due_on.isoformat(), "plan", item.plan_id)
            out.append(Reminder("rehab", key, "family", item.family_id, item.due_on, item.number))
    for control in controls:
        if control.control_on == tomorrow:
            key = _key("control", control.control_on.isoformat(), "participant", control.participant_id)
            out.append(Reminder("control", key, "participant", control.participant_id, control.control_on))
    for pickup in pickups:
        if pickup.pickup_on == tomorrow:
            key = _key("prb_pickup", pickup.pickup_on.isoformat(), "participant", pickup.participant_id)
            out.append(Reminder("prb_pickup", key, "participant", pickup.participant_id, pickup.pickup_on))
    for referral in referrals:
        if referral.valid_until - timedelta(days=REFERRAL_WARN_DAYS - 1) <= day <= referral.valid_until:
            key = _key("referral_expiry", referral.valid_until.isoformat(), "referral", referral.referral_id)
            out.append(Reminder("referral_expiry", key, "participant", referral.participant_id,
                                referral.valid_until))
    for booking in bookings:
        if booking.visit_date == tomorrow:
            key = _key("queue", booking.visit_date.isoformat(), "booking", booking.booking_id)
            out.append(Reminder("queue", key, "participant", booking.participant_id, booking.visit_date,
                                booking.number))
    return out


# --- time zones and quiet hours -----------------------------------------------------------------

ZONE_OFFSETS = {"WIB": 7, "WITA": 8, "WIT": 9}  # hours ahead of UTC

#: Kemendagri province code → zone, all 38 provinces (Kepmendagri 300.2.2-2138/2025)
PROVINCE_ZONES = {
    # Sumatera, Jawa, Kalimantan Barat and Kalimantan Tengah
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
                     "31", "32", "33", "34", "35", "36", "61", "62"), "WIB"),
    # Bali, NTB, NTT; Kalimantan Selatan, Timur, Utara; all of Sulawesi
    **dict.fromkeys(("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"), "WITA"),
    # Maluku, Maluku Utara; the six Papua provinces (91 Papua .. 96 Papua Barat Daya)
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), "WIT"),
}

QUIET_FROM = 21   # local hour the quiet period starts (21:00)
QUIET_UNTIL = 6   # local hour it ends (06:00)


def province_tz(code):
    """"WIB", "WITA" or "WIT" for a province code (`"61"`, `61`, or any region code starting with
    it, `"61.71.01"`); None when unknown."""
    text = str(code).strip() if code is not None else ""
    return PROVINCE_ZONES.get(text[:2]) if len(text) == 2 or text[2:3] == "." else None


def _utc_naive(now_utc):
    """(naive UTC datetime, whether the input was aware)."""
    if now_utc.tzinfo is not None:
        return now_utc.astimezone(UTC).replace(tzinfo=None), True
    return now_utc, False


def _zones(province_code):
    zone = province_tz(province_code)
    return (zone,) if zone else tuple(ZONE_OFFSETS)


def _quiet_hour(hour):
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def local_time(now_utc, province_code):
    """The wall-clock time in the province (naive); for an unknown province, WIB."""
    utc, _ = _utc_naive(now_utc)
    return utc + timedelta(hours=ZONE_OFFSETS[province_tz(province_code) or "WIB"])


def quiet(now_utc, province_code):
    """True during 21:00–05:59 local time (in any zone, when the province is unknown).
    `now_utc`: an aware datetime, or a naive one in UTC."""
    utc, _ = _utc_naive(now_utc)
    return any(_quiet_hour((utc + timedelta(hours=ZONE_OFFSETS[zone])).hour)
               for zone in _zones(province_code))


def next_send_time(now_utc, province_code):
    """`now_utc` when an SMS may go now, else the first moment after the quiet hours (06:00 local,
    or the first whole UTC hour when every zone is awake). Aware in → aware UTC out; naive → naive."""
    utc, aware = _utc_naive(now_utc)
    moment = utc
    if quiet(moment, province_code):
        moment = moment.replace(minute=0, second=0, microsecond=0)
        while quiet(moment, province_code):  # at most 12 whole hours ahead
            moment += timedelta(hours=1)
    return moment.replace(tzinfo=UTC) if aware else moment


# --- retries ------------------------------------------------------------------------------------

RETRY_MINUTES = (1, 5, 15, 60)  # after the 1st, 2nd, 3rd failure; 60 after every later one
MAX_ATTEMPTS = 6                # then the reminder is marked failed (it stays in the inbox)


def retry_delay(attempt):
    """How long to wait after failed attempt number `attempt` (1-based) before the next one."""
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise ValueError("attempt")
    return timedelta(minutes=RETRY_MINUTES[min(attempt, len(RETRY_MINUTES)) - 1])


def should_retry(attempt):
    """After `attempt` failed attempts, is there another one?"""
    return attempt < MAX_ATTEMPTS

