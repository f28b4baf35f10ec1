"""How dates, times and money look to people: `25 Nov 2026`, `Rp150.000` (SPEC §5.1)."""
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.core import clock

MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _language():
    return str(get_locale()) if has_request_context() else "id"


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


ROLE_LABELS = {
    "peserta": _l("Peserta JKN"),
    "fasilitator": _l("Fasilitator desa"),
    "petugas_faskes": _l("Petugas fasilitas kesehatan"),
    "petugas_bpjs": _l("Petugas BPJS Kesehatan"),
    "admin": _l("Admin"),
}
RELATIONSHIP_LABELS = {
    "kepala": _l("Kepala keluarga"),
    "suami": _l("Suami"),
    "istri": _l("Istri"),
    "anak": _l("Anak"),
    "lainnya": _l("Anggota lain"),
}
ACTION_LABELS = {
    "sign_in": _l("Masuk ke akun"),
    "sign_in_failed": _l("Percobaan masuk gagal"),
    "sign_in_refused": _l("Percobaan masuk saat akun dikunci"),
    "lockout": _l("Akun dikunci sementara"),
    "sign_out": _l("Keluar dari akun"),
    "session_expired": _l("Sesi berakhir karena tidak aktif"),
    "password_changed": _l("Kata sandi diganti"),
    "card_viewed": _l("Kartu digital dilihat"),
    "contact_changed": _l("Nomor HP atau alamat diubah"),
    "fktp_changed": _l("Faskes tingkat pertama diganti"),
    "class_change_scheduled": _l("Pindah kelas dijadwalkan"),
    "change_requested": _l("Permintaan perubahan data diajukan"),
    "change_request_viewed": _l("Permintaan perubahan data dibuka petugas"),
    "change_document_viewed": _l("Foto dokumen dilihat"),
    "change_request_approved": _l("Permintaan perubahan data disetujui"),
    "change_request_rejected": _l("Permintaan perubahan data ditolak"),
    "member_added": _l("Anggota keluarga ditambahkan"),
    "participant_registered": _l("Terdaftar sebagai peserta"),
    "registration_completed": _l("Pendaftaran selesai"),
    "registration_viewed": _l("Pendaftaran dibuka petugas"),
    "registration_approved": _l("Pendaftaran disetujui petugas"),
    "queue_booked": _l("Nomor antrean diambil"),
    "queue_cancelled": _l("Nomor antrean dibatalkan"),
    "booking_viewed": _l("Antrean dilihat"),
    "rehab_registered": _l("Rencana bayar bertahap (REHAB) didaftarkan"),
    "auto_debit_registered": _l("Autodebet didaftarkan"),
    "auto_debit_replaced": _l("Autodebet diganti"),
    "auto_debit_stopped": _l("Autodebet dihentikan"),
    "payment_viewed": _l("Bukti bayar dilihat"),
    "payment_assigned": _l("Pembayaran dicocokkan petugas"),
    "payment_refunded": _l("Pembayaran dikembalikan"),
    "reauthenticated": _l("Kata sandi dikonfirmasi"),
    "reauthenticated_failed": _l("Konfirmasi kata sandi gagal"),
    "reauthenticated_refused": _l("Konfirmasi kata sandi saat akun dikunci"),
}


STATUS_LABELS = {
    "aktif": _l("AKTIF"),
    "nonaktif_tunggakan": _l("NONAKTIF: ada tunggakan iuran"),
    "menunggu_pembayaran": _l("MENUNGGU PEMBAYARAN PERTAMA"),
    "nonaktif_lain": _l("NONAKTIF"),
}
SEGMENT_LABELS = {
    "PBI": _l("PBI — iuran dibayar pemerintah"),
    "PPU": _l("PPU — pekerja penerima upah"),
    "PBPU": _l("PBPU — peserta mandiri"),
    "BP": _l("BP — bukan pekerja"),
}
CHANGE_KIND_LABELS = {
    "name": _l("Nama"),
    "birth_date": _l("Tanggal lahir"),
    "sex": _l("Jenis kelamin"),
    "nik": _l("NIK"),
}
INACTIVE_REASONS = {
    "meninggal": _l("Peserta sudah meninggal dunia."),
    "pindah_segmen": _l("Kepesertaan sedang dipindahkan ke segmen lain."),
    "data_tidak_valid": _l("Data kependudukan perlu diperiksa ulang."),
    "pbi_dinonaktifkan": _l("Bantuan iuran (PBI) dari pemerintah dihentikan."),
}


def init_app(app):
    app.jinja_env.filters.update(date_id=date_id, month_id=month_id, datetime_id=datetime_id, rupiah=rupiah)
    app.jinja_env.globals.update(
        role_labels=ROLE_LABELS, relationship_labels=RELATIONSHIP_LABELS, action_labels=ACTION_LABELS,
        status_labels=STATUS_LABELS, change_kind_labels=CHANGE_KIND_LABELS, segment_labels=SEGMENT_LABELS, inactive_reasons=INACTIVE_REASONS,
    )
