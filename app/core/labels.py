"""Every user-facing label of a code, in one place: services and models return codes (sex, segment,
status, audited action, …); pages, the API and the SMS channel turn them into words through these
tables (Indonesian source texts, English in the message catalogue). tests/core/test_labels.py fails
when a code has no label, or a label no English translation.
"""
from flask_babel import lazy_gettext as _l

# --- people and accounts -----------------------------------------------------------------------

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
    "reauth_session_ended": _l("Dikeluarkan karena konfirmasi kata sandi salah berulang kali"),
    "registration_started": _l("Pendaftaran dimulai"),
    "registration_saved": _l("Langkah pendaftaran disimpan"),
    "registration_resumed": _l("Pendaftaran dilanjutkan"),
    "registration_flagged": _l("Pendaftaran diteruskan ke petugas untuk diperiksa"),
    "registration_rejected": _l("Pendaftaran ditolak petugas"),
    "participants_imported": _l("Data peserta diimpor dari kantor"),
    "queue_board_viewed": _l("Daftar antrean poli dibuka petugas faskes"),
    "beds_updated": _l("Ketersediaan tempat tidur diperbarui"),
    "hours_updated": _l("Jam buka diperbarui"),
    "services_updated": _l("Layanan faskes diperbarui"),
    "rate_version_added": _l("Versi tarif iuran ditambahkan"),
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
SEX_LABELS = {"L": _l("Laki-laki"), "P": _l("Perempuan")}

# --- changes ------------------------------------------------------------------------------------

FIELD_LABELS = {
    **CHANGE_KIND_LABELS,
    "phone": _l("Nomor HP"),
    "address": _l("Alamat domisili"),
    "fktp": _l("Faskes tingkat pertama"),
    "care_class": _l("Kelas rawat"),
    "segment": _l("Segmen"),
}
REQUEST_STATUS_LABELS = {
    "menunggu": _l("Menunggu keputusan petugas"),
    "disetujui": _l("Disetujui"),
    "ditolak": _l("Ditolak"),
}

# --- facilities and the queue -------------------------------------------------------------------

KIND_LABELS = {
    "puskesmas": _l("Puskesmas"),
    "klinik_pratama": _l("Klinik pratama"),
    "klinik_utama": _l("Klinik utama"),
    "dokter_praktik": _l("Dokter praktik"),
    "dokter_gigi": _l("Dokter gigi"),
    "rumah_sakit": _l("Rumah sakit"),
    "apotek": _l("Apotek"),
    "optik": _l("Optik"),
    "laboratorium": _l("Laboratorium"),
}
SERVICE_LABELS = {
    "igd_24_jam": _l("IGD 24 jam"),
    "poli_umum": _l("Poli umum"),
    "poli_gigi": _l("Poli gigi"),
    "kia": _l("Kesehatan ibu dan anak (KIA)"),
    "persalinan": _l("Persalinan"),
    "rawat_inap": _l("Rawat inap"),
    "apotek_prb": _l("Apotek PRB (obat penyakit kronis)"),
    "laboratorium": _l("Laboratorium"),
    "radiologi": _l("Radiologi"),
    "poli_spesialis": _l("Poli spesialis"),
}
BED_CLASS_LABELS = {
    "kelas_1": _l("Kelas I"),
    "kelas_2": _l("Kelas II"),
    "kelas_3": _l("Kelas III"),
    "vip": _l("VIP"),
    "icu": _l("ICU"),
    "nicu": _l("NICU"),
    "picu": _l("PICU"),
    "isolasi": _l("Isolasi"),
}
DAY_NAMES = (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu"))
PARTNER_LABELS = {
    "ya": _l("Mitra BPJS Kesehatan"),
    "tidak": _l("Bukan mitra BPJS Kesehatan"),
    "belum_tercatat": _l("Status mitra BPJS belum tercatat"),
}
BOOKING_STATUS_LABELS = {
    "aktif": _l("Terdaftar, belum datang"),
    "hadir": _l("Sudah hadir, menunggu dipanggil"),
    "dipanggil": _l("Dipanggil"),
    "selesai": _l("Selesai dilayani"),
    "tidak_hadir": _l("Tidak hadir"),
    "batal": _l("Dibatalkan"),
}
STAFF_ACTION_LABELS = {
    "hadir": _l("Hadir"),
    "dipanggil": _l("Panggil"),
    "selesai": _l("Selesai"),
    "tidak_hadir": _l("Tidak hadir"),
}

# --- payments -----------------------------------------------------------------------------------

PAYMENT_STATUSES = {
    "applied": _l("Diterapkan ke iuran keluarga"),
    "unmatched": _l("Belum cocok: menunggu keputusan petugas"),
    "refunded": _l("Dikembalikan ke pembayar"),
}
UNMATCHED_REASONS = {
    "unknown_va": _l("Nomor VA tidak dikenal"),
    "amount_mismatch": _l("Jumlah tidak dapat diterapkan ke keluarga ini"),
}

#: the tables templates use by these names
TEMPLATE_GLOBALS = dict(
    role_labels=ROLE_LABELS, relationship_labels=RELATIONSHIP_LABELS, action_labels=ACTION_LABELS,
    status_labels=STATUS_LABELS, change_kind_labels=CHANGE_KIND_LABELS, segment_labels=SEGMENT_LABELS,
    inactive_reasons=INACTIVE_REASONS, sex_labels=SEX_LABELS,
)
