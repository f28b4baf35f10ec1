"""The time, in one place, so rules get dates as arguments and tests can move the clock.

Timestamps are stored as naive UTC; people see Western Indonesian Time (WIB, UTC+7, no DST).
"""
from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def now():
    """Naive UTC, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def epoch():
    """Whole seconds since 1970, for timestamps kept in the session."""
    return int(now().replace(tzinfo=timezone.utc).timestamp())


def today():
    """The calendar date in WIB."""
    return to_wib(now()).date()


def to_wib(moment):
    return moment.replace(tzinfo=timezone.utc).astimezone(WIB)
