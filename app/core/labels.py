"""Every user-facing label of a code, in one place: services and models return codes (sex, segment,
status, audited action, …); pages, the API and the SMS channel turn them into words through these
tables (Indonesian source texts, English in the message catalogue). tests/core/test_labels.py fails
when a code has no label, or a label no English translation.
"""
from app.core.extensions import lazy_gettext as _l

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
    "health_history_viewed": _l("Riwayat pelayanan dilihat"),
    "visit_recorded": _l("Kunjungan dicatat faskes"),
    "recent_patients_viewed": _l("Daftar pasien terakhir dilihat"),
    "visit_viewed": _l("Rincian kunjungan dilihat"),
    "referral_issued": _l("Rujukan dibuat"),
    "prb_enrolled": _l("Didaftarkan Program Rujuk Balik (PRB)"),
    "sms_consent_given": _l("Setuju menerima pengingat SMS"),
    "sms_consent_withdrawn": _l("Pengingat SMS dihentikan"),
    "phone_code_sent": _l("Kode verifikasi HP dikirim"),
    "phone_verified": _l("Nomor HP diverifikasi"),
    "api_client_created": _l("Klien API dibuat"),
    "api_client_revoked": _l("Token klien API dicabut"),
    "api_participant_upserted": _l("Data peserta dikirim sistem kantor"),
    "api_payment_pushed": _l("Pembayaran dikirim sistem kantor"),
    "api_facility_updated": _l("Data faskes dikirim sistem kantor"),
    "api_visit_recorded": _l("Kunjungan dikirim sistem kantor"),
    "api_cases_read": _l("Kasus dibaca sistem kantor"),
    "api_cases_exported": _l("Kasus diekspor sistem kantor"),
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
    "member_addition_requested": _l("Anggota baru dikirim untuk diperiksa petugas"),
    "partnership_set": _l("Kerja sama BPJS faskes dicatat"),
    "poli_saved": _l("Poli disimpan"),
    "member_addition_approved": _l("Anggota baru disetujui petugas"),
    "member_addition_rejected": _l("Anggota baru ditolak petugas"),
    "member_addition_viewed": _l("Permintaan anggota baru dibuka petugas"),
    "member_addition_document_viewed": _l("Foto dokumen anggota baru dibuka petugas"),
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
    "payments_imported": _l("Riwayat pembayaran diimpor"),
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
    "case_filed": _l("Pengaduan atau klaim dikirim"),
    "visit_feedback_given": _l("Umpan balik kunjungan dikirim"),
    "case_viewed": _l("Pengaduan atau klaim dibuka"),
    "case_photo_viewed": _l("Foto pengaduan atau klaim dilihat"),
    "case_updated": _l("Pengaduan atau klaim ditangani petugas"),
    "case_assigned": _l("Pengaduan atau klaim ditugaskan ke petugas"),
    "case_replied": _l("Informasi tambahan dikirim untuk pengaduan"),
    "case_rated": _l("Jawaban pengaduan dinilai"),
    "case_reopened": _l("Pengaduan dibuka kembali"),
    "case_report_downloaded": _l("Laporan pengaduan diunduh"),
    "case_caller_found": _l("Data peserta dibuka petugas untuk mencatat pengaduan telepon 165"),
    "denda_version_added": _l("Versi aturan denda ditambahkan"),
    "assisted_page_viewed": _l("Halaman Anda dibuka pendamping"),
    "assist_started": _l("Pendampingan dimulai dengan izin Anda"),
    "assist_refused": _l("Pendampingan ditolak: data tidak cocok"),
    "assist_code_sent": _l("Kode pendampingan dikirim ke HP"),
    "assist_code_failed": _l("Kode pendampingan salah atau tidak berlaku"),
    "assist_ended": _l("Pendampingan diakhiri pendamping"),
    "assist_revoked": _l("Izin pendampingan dicabut"),
    "assist_pin_failed": _l("PIN salah saat izin pendampingan"),
    "assist_pin_refused": _l("PIN dikunci: izin pendampingan ditolak"),
    "pin_set": _l("PIN diatur"),
    "pin_locked": _l("PIN dikunci sementara"),
    "pin_failed": _l("PIN salah"),
    "pin_refused": _l("PIN dikunci: ditolak"),
    "kiosk_sign_in": _l("Masuk di kios"),
    "kiosk_sign_in_failed": _l("Gagal masuk di kios"),
    "kiosk_sign_in_refused": _l("Masuk di kios ditolak: PIN dikunci"),
    "kiosk_registered": _l("Kios didaftarkan"),
    "kiosk_installed": _l("Kios dipasang di perangkat"),
    "kiosk_revoked": _l("Kios dicabut"),
    "data_exported": _l("Salinan data diunduh"),
    "data_request_made": _l("Permintaan hapus data dikirim"),
    "data_request_done": _l("Data dihapus atas permintaan"),
    "data_request_refused": _l("Permintaan hapus data ditolak"),
}

#: what a facilitator may do for a resident (app/core/auth.py ASSIST_SCOPES)
ASSIST_SCOPE_LABELS = {
    "lihat": _l("Melihat status dan tagihan"),
    "antrean": _l("Mengambil antrean"),
    "kasus": _l("Mengajukan pengaduan"),
    "perubahan": _l("Mengajukan perubahan data"),
}
DATA_REQUEST_LABELS = {"hapus_telepon": _l("Hapus nomor HP")}
DATA_REQUEST_STATE_LABELS = {"menunggu": _l("Menunggu"), "selesai": _l("Selesai"), "ditolak": _l("Ditolak")}


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
#: why a member a family adds waits for an officer (app/rules/membership.addition_review_reasons)
ADDITION_REASON_LABELS = {
    "not_child": _l("Hubungannya bukan anak"),
    "many_at_once": _l("Lebih dari dua anggota baru dalam 30 hari"),
    "nik_birth_date": _l("Tanggal lahir berbeda dengan yang tertulis di NIK"),
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

# --- health and reminders -------------------------------------------------------------------------

SERVICE_TYPE_LABELS = {
    "RJTP": _l("Rawat jalan di FKTP"),
    "RJTL": _l("Rawat jalan di rumah sakit"),
    "RITL": _l("Rawat inap"),
    "IGD": _l("Gawat darurat (IGD)"),
}
PRB_CONDITION_LABELS = {
    "diabetes": _l("Diabetes melitus"),
    "hipertensi": _l("Hipertensi"),
    "jantung": _l("Penyakit jantung"),
    "asma": _l("Asma"),
    "ppok": _l("PPOK (paru obstruktif kronis)"),
    "epilepsi": _l("Epilepsi"),
    "skizofrenia": _l("Skizofrenia"),
    "stroke": _l("Stroke"),
    "sle": _l("Lupus (SLE)"),
}
REMINDER_LABELS = {
    "bill": _l("Iuran segera jatuh tempo"),
    "rehab": _l("Cicilan REHAB segera jatuh tempo"),
    "control": _l("Jadwal kontrol besok"),
    "prb_pickup": _l("Ambil obat PRB besok"),
    "referral_expiry": _l("Rujukan segera berakhir"),
    "queue": _l("Antrean besok"),
    "feedback": _l("Bagaimana pelayanan kunjungan Anda?"),
    "announcement": _l("Pengumuman"),
}
SMS_STATE_LABELS = {
    "queued": _l("menunggu dikirim"),
    "sending": _l("sedang dikirim"),
    "sent": _l("terkirim ke operator"),
    "delivered": _l("diterima"),
    "failed": _l("gagal"),
}

# --- cases (pengaduan, informasi, konsultasi, klaim) -----------------------------------------------

CASE_KIND_LABELS = {
    "pengaduan": _l("Pengaduan"),
    "informasi": _l("Permintaan informasi"),
    "konsultasi": _l("Konsultasi"),
    "klaim": _l("Klaim penggantian biaya"),
}
CASE_CATEGORY_LABELS = {
    "kepesertaan": _l("Kepesertaan"),
    "iuran": _l("Iuran"),
    "pelayanan_faskes": _l("Pelayanan di faskes"),
    "obat": _l("Obat"),
    "rujukan": _l("Rujukan"),
    "diminta_membayar": _l("Diminta membayar"),
    "administrasi": _l("Administrasi"),
    "lainnya": _l("Lainnya"),
}
CASE_STATE_LABELS = {
    "diterima": _l("Diterima, menunggu tanggapan"),
    "ditanggapi": _l("Sudah ditanggapi"),
    "diproses": _l("Sedang diproses"),
    "menunggu_peserta": _l("Menunggu jawaban peserta"),
    "selesai": _l("Selesai"),
    "ditolak": _l("Ditolak"),
    "diajukan": _l("Diajukan, menunggu verifikasi"),
    "diverifikasi": _l("Sedang diverifikasi"),
    "disetujui": _l("Disetujui, menunggu dibayar"),
    "dibayar": _l("Sudah dibayar"),
}
CASE_CHANNEL_LABELS = {
    "web": _l("Situs web"),
    "kiosk": _l("Anjungan di puskesmas"),
    "facilitator": _l("Lewat fasilitator desa"),
    "sms": _l("SMS"),
    "phone_165": _l("Telepon 165 (dicatat petugas)"),
}
#: what happened at each step of a case's timeline
CASE_EVENT_LABELS = {
    "dibuat": _l("Dikirim"),
    "jawab": _l("Dijawab petugas"),
    "proses": _l("Diproses petugas"),
    "verifikasi": _l("Diverifikasi petugas"),
    "minta_info": _l("Petugas meminta informasi tambahan"),
    "info_dikirim": _l("Informasi tambahan dikirim"),
    "eskalasi": _l("Diteruskan ke atasan"),
    "tugaskan": _l("Ditugaskan ke petugas"),
    "selesai": _l("Ditutup: selesai"),
    "tolak": _l("Ditutup: ditolak"),
    "setujui": _l("Klaim disetujui"),
    "bayar": _l("Klaim dibayar"),
    "buka_lagi": _l("Dibuka kembali oleh peserta"),
    "nilai": _l("Jawaban dinilai"),
    "bagikan": _l("Identitas pelapor dibagikan ke faskes"),
}
#: the officer's actions on a case, as offered in the form
CASE_ACTION_LABELS = {
    "jawab": _l("Jawab (tanggapan pertama)"),
    "proses": _l("Tandai sedang diproses"),
    "verifikasi": _l("Tandai sudah diverifikasi"),
    "minta_info": _l("Minta informasi tambahan ke peserta (jam berhenti)"),
    "eskalasi": _l("Teruskan ke atasan (eskalasi)"),
    "selesai": _l("Tutup: selesai"),
    "tolak": _l("Tutup: tolak"),
    "setujui": _l("Setujui klaim dengan jumlah"),
    "bayar": _l("Tandai klaim sudah dibayar"),
    "bagikan": _l("Bagikan identitas pelapor ke faskes"),
}
TIME_UNIT_LABELS = {"hari": _l("hari"), "jam": _l("jam"), "menit": _l("menit")}
#: ready answers an officer starts from (the text can be changed before sending)
CASE_ANSWER_TEMPLATES = {
    "diterima": _l("Terima kasih. Laporan Anda sudah kami terima dan sedang kami periksa. "
                   "Kami akan mengabari Anda di halaman ini."),
    "hubungi_faskes": _l("Kami sudah menghubungi faskes yang Anda sebut dan meminta penjelasan. "
                         "Kami kabari lagi paling lambat pada batas waktu di halaman ini."),
    "iuran": _l("Pembayaran iuran Anda sudah kami periksa. Status kepesertaan terbaru ada di menu "
                "Status kepesertaan."),
    "tidak_boleh_bayar": _l("Peserta JKN tidak boleh dimintai biaya untuk layanan yang dijamin. "
                            "Simpan kuitansinya; biaya yang sudah dibayar dapat diklaim."),
    "dokumen": _l("Mohon kirim foto kuitansi atau surat keterangan dari faskes agar bisa kami periksa."),
}

#: the tables templates use by these names
TEMPLATE_GLOBALS = dict(
    role_labels=ROLE_LABELS, relationship_labels=RELATIONSHIP_LABELS, action_labels=ACTION_LABELS,
    status_labels=STATUS_LABELS, change_kind_labels=CHANGE_KIND_LABELS, segment_labels=SEGMENT_LABELS,
    inactive_reasons=INACTIVE_REASONS, sex_labels=SEX_LABELS, article_kind_labels=ARTICLE_KIND_LABELS,
    article_state_labels=ARTICLE_STATE_LABELS, announcement_kind_labels=ANNOUNCEMENT_KIND_LABELS,
    announcement_state_labels=ANNOUNCEMENT_STATE_LABELS, page_labels=PAGE_LABELS,
    service_type_labels=SERVICE_TYPE_LABELS, prb_condition_labels=PRB_CONDITION_LABELS,
    reminder_labels=REMINDER_LABELS, sms_state_labels=SMS_STATE_LABELS,
    case_kind_labels=CASE_KIND_LABELS, case_category_labels=CASE_CATEGORY_LABELS,
    case_state_labels=CASE_STATE_LABELS, case_channel_labels=CASE_CHANNEL_LABELS,
    case_event_labels=CASE_EVENT_LABELS, time_unit_labels=TIME_UNIT_LABELS,
    request_status_labels=REQUEST_STATUS_LABELS, addition_reason_labels=ADDITION_REASON_LABELS,
    assist_scope_labels=ASSIST_SCOPE_LABELS, data_request_labels=DATA_REQUEST_LABELS,
    data_request_state_labels=DATA_REQUEST_STATE_LABELS,
)
