"""The resident's data rights (UU PDP, SPEC §6): a copy of everything held about them and their
family, consents they can take back, and a request to delete optional data (the phone number),
decided by an officer. Returns records and codes; the pages word them; every step is audited."""
from app.core import clock
from app.core.audit import audit
from app.core.db import write_lock
from app.models import AuditLog, Booking, ChangeRequest, Consent, DataRequest, Participant, Payment
from app.rules import identity

#: optional data a resident may ask to delete, and how to blank it
DELETABLE = {"hapus_telepon": "phone"}


def _iso(value):
    return value.isoformat() if value is not None else None


def _newest(model, where, *columns, limit=60):
    """The columns of the newest `limit` rows (a copy of a long history holds its latest part), as
    tuples: a whole row object each would cost more than the copy's page itself."""
    return model.select(*columns).where(where).order_by(model.id.desc()).limit(limit).tuples()


def everything(user, trail_limit=200):
    """What JKN Lite holds about the account's family, as plain data (dates as ISO text).

    The NIK and KK numbers are masked: a full number is never shown on a screen or in a file a shared printer
    or a kiosk may keep (the resident has it on their KTP)."""
    me = user.participant
    family = me.family
    members = list(family.members.order_by(Participant.id))
    ids = [member.id for member in members]
    return {
        "dibuat_pada": clock.now().isoformat(timespec="seconds"),
        "akun": {"dibuat": _iso(user.created_at), "terakhir_masuk": _iso(user.last_login_at),
                 "pin_diatur": bool(user.pin_hash)},
        "keluarga": {"nomor_kk": identity.mask_kk(family.kk_number), "segmen": family.segment, "kelas": family.care_class,
                     "alamat": family.address, "kecamatan": family.district_code,
                     "faskes_pertama": family.fktp.name if family.fktp_id else None,
                     "nomor_va": family.va_number, "terdaftar": _iso(family.registered_on)},
        "anggota": [{"nama": m.name, "nomor_kartu": m.card_number, "nik": m.masked_nik, "jenis_kelamin": m.sex,
                     "tanggal_lahir": _iso(m.birth_date), "hubungan": m.relationship, "telepon": m.phone,
                     "status_nonaktif": m.inactive_reason} for m in members],
        "pembayaran": [{"tanggal": _iso(paid_at), "jumlah": amount, "saluran": channel}
                       for paid_at, amount, channel in _newest(Payment, Payment.family == family,
                                                               Payment.paid_at, Payment.amount, Payment.channel)],
        "antrean": [{"kode": code, "tanggal": _iso(day), "nomor": number, "status": status}
                    for code, day, number, status in _newest(Booking, Booking.participant.in_(ids), Booking.code,
                                                             Booking.visit_date, Booking.number, Booking.status)],
        "permintaan_perubahan": [{"jenis": kind, "status": status, "dibuat": _iso(created_at)}
                                 for kind, status, created_at in _newest(
                                     ChangeRequest, ChangeRequest.participant.in_(ids), ChangeRequest.kind,
                                     ChangeRequest.status, ChangeRequest.created_at)],
        "izin_pendampingan": [{"pendamping": c.facilitator.display_name, "izin": c.scope, "mulai": _iso(c.started_at),
                               "sampai": _iso(c.expires_at), "diakhiri": _iso(c.ended_at)}
                              for c in Consent.given_by(me)],
        "permintaan_hapus": [{"jenis": r.kind, "status": r.state, "dibuat": _iso(r.requested_at)}
                             for r in DataRequest.select().where(DataRequest.participant.in_(ids))],
        "riwayat_akses": [{"waktu": _iso(e.at), "kegiatan": e.action,
                           "oleh": e.actor_name if e.actor_id else None}
                          for e in AuditLog.trail(user, limit=trail_limit)],
    }


def exported(user, kind):
    audit(user, "data_exported", f"user:{user.id}", user.participant_id, format=kind)


def request_deletion(user, kind):
    """A request to delete optional data: "made", "already" (one is waiting) or "nothing"."""
    me = user.participant
    if not getattr(me, DELETABLE[kind]):
        return "nothing"
    with write_lock():
        if DataRequest.open_for(me, kind) is not None:
            return "already"
        request = DataRequest.create(participant=me, kind=kind, requested_by=user, requested_at=clock.now())
        audit(user, "data_request_made", f"data_request:{request.id}", me, kind=kind)
    return "made"


def decide(officer, request_id, approve):
    """The officer deletes the data (approve) or refuses; None when the request is not waiting."""
    with write_lock():
        request = DataRequest.get_or_none((DataRequest.id == request_id) & (DataRequest.state == "menunggu"))
        if request is None:
            return None
        request = DataRequest.get_locked(request.id)
        request.state, request.decided_by, request.decided_at = ("selesai" if approve else "ditolak"), officer, clock.now()
        request.save()
        if approve:
            Participant.update({getattr(Participant, DELETABLE[request.kind]): ""}).where(
                Participant.id == request.participant_id).execute()
        audit(officer, "data_request_done" if approve else "data_request_refused", f"data_request:{request.id}",
              request.participant_id, kind=request.kind)
    return request
