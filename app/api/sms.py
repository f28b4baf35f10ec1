"""The SMS channel (SPEC §5.5): `reply(phone, text) -> str` answers one inbound message.

Commands come from app/rules/sms_commands.parse_sms (forgiving spelling). Public answers (BANTUAN,
FASKES <kecamatan>) go to anyone; personal ones (STATUS, TAGIHAN, ANTRE) only to a participant's
verified phone (`verified_participant`), through the same services the pages use (billing.bill_for,
queue.family_bookings). Answers are at most 160 GSM-7 characters (sms_text.fit_sms), never carry
health details (no poli, no diagnosis), and are in the participant's language. Each number may send
SMS_RATE_LIMIT messages an hour. Every message is logged as an SmsLog without its content and
with the number only as a blind index.
"""
import hashlib
import hmac
import json
import re
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from peewee import fn

from app.contributions import billing
from app.core import clock, security
from app.core.config import DEMO_SMS_SECRET
from app.core.db import db
from app.core.extensions import fast_gettext as _
from app.core.formatting import rupiah
from app.core.labels import STATUS_LABELS
from app.models import Facility, Participant, Region, SmsLog, User
from app.queue import service as queue
from app.rules.sms_commands import parse_sms
from app.rules.sms_text import fit_sms

TIMESTAMP_TOLERANCE = 300
HELP_LINE = "165"
_NUMBER = re.compile(r"\+?[0-9]{6,15}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


# --- the webhook's checks -------------------------------------------------------------------------

def gateway_secret(gateway):
    secret = current_app.config.get("SMS_GATEWAY_SECRETS", {}).get(gateway)
    if not isinstance(secret, str) or not secret:
        return None
    if secret == DEMO_SMS_SECRET and current_app.config["ENV_NAME"] not in ("development", "test"):
        return None
    return secret


def sign(secret, timestamp, body):
    """Hex HMAC-SHA256 over f"{timestamp}." + body, as the payment callback."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(gateway, timestamp, signature, body, now=None):
    """None when the gateway signed `body` within 300 s, else why not (a short English code)."""
    if not (gateway and timestamp and signature):
        return "missing_signature"
    secret = gateway_secret(gateway)
    if secret is None:
        return "unknown_gateway"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "bad_timestamp"
    if not _SIGNATURE.fullmatch(signature) or not hmac.compare_digest(sign(secret, timestamp, body),
                                                                      signature.lower()):
        return "bad_signature"
    if abs((clock.epoch() if now is None else now) - int(timestamp)) > TIMESTAMP_TOLERANCE:
        return "stale_timestamp"
    return None


def parse_inbound(raw):
    """(number, text) from the gateway's JSON {"from", "text"}, or None when it is not that."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    number, text = data.get("from"), data.get("text")
    if not isinstance(number, str) or not isinstance(text, str) or not _NUMBER.fullmatch(number.strip()):
        return None
    return number.strip(), text[:1000]


def local_number(number):
    """+6281234… / 6281234… / 081234… → 081234… (as participants' phones are stored)."""
    digits = number.lstrip("+")
    return "0" + digits[2:] if digits.startswith("62") else digits


# --- who is asking ----------------------------------------------------------------------------------

def verified_participant(number):
    """The participant whose VERIFIED phone is `number` (a code sent to it was typed back, Pesan →
    SMS), or None: then only the public answers. Two people verifying one phone get none either."""
    return Participant.by_verified_phone(number)


def language_of(person):
    """The language the participant chose for their account, else Indonesian."""
    if person is None:
        return "id"
    user = User.get_or_none(User.participant == person)
    return getattr(user, "language", None) if getattr(user, "language", None) in ("id", "en") else "id"


# --- the answer -----------------------------------------------------------------------------------

def reply(phone, text):
    """The reply to `text` from `phone`: at most 160 GSM-7 characters, logged without content."""
    number = local_number(phone)
    index = security.blind_index(number, "sms")
    since = clock.now() - timedelta(hours=1)
    if SmsLog.recent_from(index, since) >= current_app.config["SMS_RATE_LIMIT"]:
        _log(index, "limited", 0, len(text or ""))
        return fit_sms(_("Terlalu banyak SMS dari nomor ini. Coba lagi 1 jam lagi."))
    command = parse_sms(text or "")
    person = verified_participant(number)
    with force_locale(language_of(person)):
        answer, personal = _answer(command, person)
        answer = fit_sms(answer)
    _log(index, command.name, personal, len(text or ""), len(answer))
    return answer


def _log(index, command, personal, length_in, length_out=None):
    with db.atomic():
        SmsLog.create(number_index=index, direction="in", command=command, length=length_in)
        if length_out is not None:
            SmsLog.create(number_index=index, direction="out", command=command, personal=personal,
                              length=length_out)


def _answer(command, person):
    """(text, 1 when it used the participant's data else 0)."""
    if command.name == "faskes":
        return faskes_answer(command.argument), 0
    if command.name in ("status", "tagihan", "antre"):
        if person is None:
            return _("Nomor HP ini belum terverifikasi di JKN Lite. Info pribadi hanya ke nomor "
                     "terverifikasi. Bantuan: %(line)s", line=HELP_LINE), 0
        return PERSONAL[command.name](person), 1
    if command.name == "unknown":
        return _("Perintah tidak dikenal. Ketik: STATUS, TAGIHAN, FASKES <kecamatan>, ANTRE atau BANTUAN."), 0
    return _("JKN Lite SMS: STATUS (status peserta), TAGIHAN (iuran & VA), FASKES <kecamatan>, "
             "ANTRE (antrean hari ini). Bantuan: %(line)s", line=HELP_LINE), 0


def status_answer(person):
    bill = billing.bill_for(person.family, clock.today())
    return _("%(name)s: status JKN %(status)s.", name=person.name.split()[0], status=STATUS_LABELS[bill.status.code])


def bill_answer(person):
    bill = billing.bill_for(person.family, clock.today())
    if bill.payer != "va" or not person.family.va_number:
        return _("Iuran keluarga Anda tidak dibayar lewat VA. Status: %(status)s.",
                 status=STATUS_LABELS[bill.status.code])
    return _("Tagihan iuran: %(amount)s. Bayar ke VA %(va)s sebelum %(due)s.", amount=rupiah(bill.to_pay),
             va=person.family.va_number, due=bill.due_on.strftime("%d/%m"))


def queue_answer(person):
    today = clock.today()
    bookings = [b for b in queue.family_bookings(person, today) if b.visit_date == today
                and b.status == "aktif"]
    if not bookings:
        return _("Tidak ada antrean hari ini.")
    booking = bookings[0]
    return _("Antrean hari ini: nomor %(number)s di %(place)s, perkiraan %(time)s. Kode %(code)s.",
             number=booking.number, place=booking.poli.facility.name, time=queue.estimated_time(booking),
             code=booking.code)


PERSONAL = {"status": status_answer, "tagihan": bill_answer, "antre": queue_answer}


def district_named(name):
    """The kecamatan called `name` (any case), the first by code when several share it; or None."""
    if not name:
        return None
    return (Region.select().where((Region.level == Region.DISTRICT) & (fn.LOWER(Region.name) == name.lower()))
            .order_by(Region.code).first())


def faskes_answer(argument):
    if not argument:
        return _("Ketik FASKES lalu nama kecamatan, mis. FASKES Cibinong.")
    district = district_named(argument)
    if district is None:
        return _("Kecamatan %(name)s tidak ditemukan. Contoh: FASKES Cibinong.", name=argument[:30])
    found = Facility.fktp_near(district.code, district.code[:5], limit=3)
    if not found:
        return _("Belum ada FKTP mitra di sekitar %(name)s.", name=district.name)
    return "; ".join(f"{f.name[:40]} {f.phone or '-'}" for f in found)
