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
    "api_client_created": _l("Klien API dibuat"),
    "api_client_revoked": _l("Token klien API dicabut"),
    "api_participant_upserted": _l("Data peserta dikirim sistem kantor"),
    "api_payment_pushed": _l("Pembayaran dikirim sistem kantor"),
    "api_facility_updated": _l("Data faskes dikirim sistem kantor"),
    "api_changes_read": _l("Permintaan perubahan data dibaca sistem kantor"),
    "api_changes_exported": _l("Permintaan perubahan data diekspor sistem kantor"),
    "api_call_refused": _l("Panggilan API ditolak"),
    "api_write_replayed": _l("Panggilan API diulang: jawaban pertama dikirim lagi"),
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
    "article_created": _l("Artikel dibuat"),
    "article_updated": _l("Artikel diubah"),
    "article_withdrawn": _l("Artikel ditarik"),
    "announcement_created": _l("Pengumuman dibuat"),
    "announcement_stopped": _l("Pengumuman dihentikan"),
    "page_version_added": _l("Versi baru halaman informasi disimpan"),
    "editor_granted": _l("Hak penyunting diberikan"),
    "editor_revoked": _l("Hak penyunting dicabut"),
    "access_code_issued": _l("Kode sekali pakai diberikan petugas"),
    "access_code_failed": _l("Kode sekali pakai salah atau tidak berlaku"),
    "access_code_refused": _l("Kode sekali pakai tidak diberikan: data tidak cocok"),
    "access_code_verified": _l("Kode sekali pakai cocok"),
    "account_activated": _l("Akun diaktifkan"),
    "password_reset": _l("Kata sandi diatur ulang dengan kode"),
    "participant_looked_up": _l("Peserta dicari petugas"),
    "family_viewed": _l("Data keluarga dibuka petugas"),
    "inactive_status_set": _l("Status nonaktif lain ditetapkan petugas"),
    "inactive_status_cleared": _l("Status nonaktif lain dicabut petugas"),
    "staff_created": _l("Akun petugas dibuat"),
    "staff_updated": _l("Akun petugas diubah"),
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
    "ppu_berhenti": _l("Pemberi kerja berhenti mendaftarkan dan membayar iuran (PPU)."),
    "pindah_luar_negeri": _l("Peserta pindah ke luar negeri."),
    "pendaftaran_ganda": _l("Peserta terdaftar lebih dari satu kali."),
}
#: how a one-time code reached the person (app/accounts/channels.py)
CODE_CHANNEL_LABELS = {
    "langsung": _l("Diberikan langsung oleh petugas (dicetak atau dibacakan)"),
}
CODE_PURPOSE_LABELS = {
    "aktivasi": _l("Aktivasi akun"),
    "atur_ulang": _l("Atur ulang kata sandi"),
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
    "inactive_reason": _l("Status nonaktif lain"),
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

# --- content: articles, announcements, transparency pages --------------------------------------

ARTICLE_KIND_LABELS = {
    "berita_daerah": _l("Berita daerah"),
    "testimoni": _l("Testimoni peserta"),
    "hidup_sehat": _l("Hidup sehat"),
}
ARTICLE_STATE_LABELS = {
    "draft": _l("Draf"),
    "scheduled": _l("Terjadwal"),
    "published": _l("Terbit"),
    "withdrawn": _l("Ditarik"),
}
ANNOUNCEMENT_KIND_LABELS = {
    "kebijakan": _l("Perubahan kebijakan"),
    "tarif": _l("Perubahan tarif"),
    "program_baru": _l("Program baru"),
    "gangguan": _l("Gangguan layanan"),
}
ANNOUNCEMENT_STATE_LABELS = {
    "tampil": _l("Sedang tampil"),
    "terjadwal": _l("Akan tampil"),
    "selesai": _l("Selesai"),
}
PAGE_LABELS = {
    "hak-dan-kewajiban": _l("Hak dan kewajiban peserta"),
    "manfaat": _l("Manfaat: yang dijamin dan tidak dijamin"),
    "prosedur": _l("Prosedur pelayanan"),
    "biaya": _l("Biaya: iuran dan cara faskes dibayar"),
}

#: the tables templates use by these names
TEMPLATE_GLOBALS = dict(
    role_labels=ROLE_LABELS, relationship_labels=RELATIONSHIP_LABELS, action_labels=ACTION_LABELS,
    status_labels=STATUS_LABELS, change_kind_labels=CHANGE_KIND_LABELS, segment_labels=SEGMENT_LABELS,
    inactive_reasons=INACTIVE_REASONS, sex_labels=SEX_LABELS, article_kind_labels=ARTICLE_KIND_LABELS,
    article_state_labels=ARTICLE_STATE_LABELS, announcement_kind_labels=ANNOUNCEMENT_KIND_LABELS,
    announcement_state_labels=ANNOUNCEMENT_STATE_LABELS, page_labels=PAGE_LABELS,
)
