"""How dates, times and money look to people: `25 Nov 2026`, `Rp150.000` (SPEC §5.1)."""
import re

from flask import has_request_context

from app.core import clock, labels
from app.core.extensions import request_language

MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _language():
    return request_language() if has_request_context() else "id"


def date_id(value, language=None):
    """`25 Nov 2026` (`25 Mei 2026` in Indonesian, `25 May 2026` in English)."""
    months = MONTHS.get(language or _language(), MONTHS["id"])
    return f"{value.day} {months[value.month - 1]} {value.year}" if value else ""


def month_id(value, language=None):
    """A month as people name it: `Sep 2026` (`date_id` without the day)."""
    return date_id(value, language).split(" ", 1)[1] if value else ""


def datetime_id(value):
    """A stored (naive UTC) timestamp in WIB: `25 Nov 2026 14.05 WIB`."""
    if not value:
        return ""
    local = clock.to_wib(value)
    return f"{date_id(local)} {local:%H.%M} WIB"


def rupiah(amount):
    """Integer rupiah with dots for thousands: Rp150.000, -Rp7.000."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(int(amount)):,}".replace(",", ".")


def tel_href(phone):
    """`tel:` + the digits of the (first) number, or "" when there are too few digits to dial."""
    first = phone.replace(";", ",").replace("/", ",").split(",")[0]
    digits = "".join(c for c in first if c.isdigit())
    return f"tel:{digits}" if len(digits) >= 3 else ""


_LONG_NUMBER = re.compile(r"\d{12,}")


def masked_reference(reference):
    """A payment reference as shown: any run of 12 or more digits (a KK or NIK a channel may have
    put inside it) keeps its first and last four digits only: `DEMO-3201********0001-202611`."""
    return _LONG_NUMBER.sub(lambda m: m.group()[:4] + "*" * (len(m.group()) - 8) + m.group()[-4:],
                            reference or "")


def init_app(app):
    app.jinja_env.filters.update(date_id=date_id, month_id=month_id, datetime_id=datetime_id, rupiah=rupiah,
                                 tel=tel_href, masked_reference=masked_reference)
    app.jinja_env.globals.update(labels.TEMPLATE_GLOBALS)
