"""Demo reminders: the daily job run for today (the first family's control, PRB pickup and
expiring referral), so the inbox is not empty after `make run`."""
from app.core import clock
from app.inbox import reminders


def seed(created):
    created += ["reminder"] * reminders.create_due(clock.today())
