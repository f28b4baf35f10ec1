"""Month arithmetic, written once for every rule: a MONTH is the first day of a month (a `date`
with day=1), the unit of billing; `months_after` moves a whole date by calendar months."""
import calendar
from datetime import date


def month_of(day):
    """The month (its first day) that `day` falls in."""
    return date(day.year, day.month, 1)


def add_months(month, n):
    """The month `n` months later (earlier when n < 0)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_from(start, end):
    """Months start..end, both included; [] when start is after end."""
    months, month = [], month_of(start)
    while month <= month_of(end):
        months.append(month)
        month = add_months(month, 1)
    return months


def months_after(day, months):
    """The same day `months` later; the last day of the month where that day does not exist
    (30 Nov + 3 months = 28/29 Feb; 29 Feb + 12 months = 28 Feb)."""
    month = add_months(month_of(day), months)
    return month.replace(day=min(day.day, calendar.monthrange(month.year, month.month)[1]))


def first_of_next_month(day):
    return add_months(month_of(day), 1)
