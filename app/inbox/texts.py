"""The words of a reminder: its title and text in the inbox, and its SMS (≤ 160 GSM-7 characters,
never a diagnosis, medicine or other health detail: only the kind of date and the day)."""
from flask_babel import get_locale

from app.core.extensions import fast_gettext as _
from app.core.formatting import date_id
from app.core.labels import REMINDER_LABELS
from app.rules.sms_text import fit_sms


def _day(reminder):
    return date_id(reminder.about_on, str(get_locale() or "id"))


def title(reminder):
    return str(REMINDER_LABELS[reminder.kind])


def body(reminder, name):
    """The inbox text, in the current language."""
    day, kind = _day(reminder), reminder.kind
    if kind == "bill":
        return _("Iuran JKN bulan ini jatuh tempo %(day)s dan belum lunas. Bayar lewat virtual account "
                 "keluarga agar kartu tetap aktif.", day=day)
    if kind == "rehab":
        return _("Cicilan REHAB ke-%(n)d jatuh tempo %(day)s dan belum lunas.", n=reminder.number or 0, day=day)
    if kind == "control":
        return _("%(name)s punya jadwal kontrol besok, %(day)s. Bawa kartu JKN.", name=name, day=day)
    if kind == "prb_pickup":
        return _("Besok, %(day)s, hari pengambilan obat PRB %(name)s di apotek PRB.", name=name, day=day)
    if kind == "referral_expiry":
        return _("Rujukan %(name)s berlaku sampai %(day)s. Setelah itu minta rujukan baru di FKTP.",
                 name=name, day=day)
    if kind == "feedback":
        return _("Bagaimana kunjungan %(name)s pada %(day)s? Jawab 4 pertanyaan singkat: dilayani atau "
                 "tidak, diminta membayar atau tidak, obat lengkap atau tidak, dan nilai kepuasan.",
                 name=name, day=day)
    return _("%(name)s punya antrean nomor %(n)d besok, %(day)s. Datang sebelum jam mulai poli.",
             name=name, n=reminder.number or 0, day=day)


def feedback_visit(reminder):
    """The visit id a feedback question is about ("feedback:17" → 17), else None."""
    if reminder.kind != "feedback":
        return None
    return int(reminder.event_key.split(":")[1])


def sms_text(reminder, participant):
    """The SMS: the same words without any health detail, fitted to one SMS."""
    return fit_sms(f"JKN: {body(reminder, participant.name.split(' ')[0])}")
