"""Demo cases for both demo families: one in every state, one past its first-response deadline,
so the case pages, the officer queue, the facility's list and the public dashboard show something.
Each is found by its request_key ("demo-case-N") first, so seeding twice changes nothing.
Feedback after a visit: the first family's latest visit has its question waiting in the inbox, the
one before was answered (a visit's feedback is found by the visit: seeding twice adds nothing)."""
from datetime import timedelta

from app.cases import feedback, reports, service
from app.core import clock
from app.models import Case, CaseEvent, Facility, Participant, Reminder, User, Visit, VisitFeedback
from app.rules import sla

#: (key, card, kind, category, facility code, hours ago opened, claim, text,
#:  [(officer action or participant step, hours after opening, note)], rating)
CASES = (
    (1, "0001000000001", "pengaduan", "pelayanan_faskes", "DEMO-PKM-3201", 72, None,
     "Antre sejak pagi di poli umum, sampai siang belum dipanggil padahal sudah ambil nomor.", (), None),
    (2, "0001000000001", "informasi", "iuran", None, 2, None,
     "Berapa yang harus dibayar supaya kartu aktif lagi bulan ini?", (), None),
    (3, "0001000000001", "pengaduan", "obat", "DEMO-PKM-3201", 48, None,
     "Obat darah tinggi untuk sebulan hanya diberi untuk seminggu.",
     (("jawab", 3, "hubungi_faskes"),), None),
    (4, "0001000000001", "pengaduan", "rujukan", None, 120, None,
     "Surat rujukan ke rumah sakit ditolak karena katanya sudah lewat.",
     (("jawab", 2, "diterima"), ("proses", 26, "")), None),
    (5, "0001000000001", "klaim", "diminta_membayar", "DEMO-RS-3201", 70, 350_000,
     "Diminta membayar obat di IGD padahal kartu aktif.",
     (("minta_info", 5, "dokumen"),), None),
    (6, "0001000000001", "konsultasi", "lainnya", None, 150, None,
     "Apakah kacamata ditanggung JKN untuk anak sekolah?",
     (("jawab", 1, "diterima"), ("selesai", 25, "Kacamata ditanggung sesuai ketentuan, dengan resep dokter mata.")), None),
    (7, "0001000000002", "pengaduan", "administrasi", None, 240, None,
     "Nama di kartu salah satu huruf.",
     (("jawab", 4, "diterima"), ("tolak", 30, "Perubahan nama diajukan lewat menu Perubahan data dengan foto KK.")), 4),
    (8, "0001000000002", "klaim", "diminta_membayar", "DEMO-PKM-3273", 480, 200_000,
     "Membayar pemeriksaan laboratorium yang seharusnya ditanggung.",
     (("verifikasi", 6, ""), ("setujui", 50, "Kuitansi sah."), ("bayar", 120, "Ditransfer ke rekening peserta.")), 5),
    (9, "0001000000001", "klaim", "diminta_membayar", "DEMO-PKM-3201", 24, 75_000,
     "Membayar biaya pendaftaran di puskesmas.", (("verifikasi", 2, ""),), None),
    (10, "0001000000002", "klaim", "diminta_membayar", None, 96, 125_000,
     "Membayar obat di apotek luar karena stok habis.",
     (("verifikasi", 3, ""), ("setujui", 40, "Disetujui sesuai kuitansi.")), None),
    (11, "0001000000002", "klaim", "lainnya", None, 200, 90_000,
     "Biaya parkir rumah sakit.", (("tolak", 20, "Biaya parkir tidak termasuk layanan JKN."),), None),
    (12, "0001000000002", "klaim", "diminta_membayar", None, 1, 60_000,
     "Membayar surat keterangan sehat.", (), None),
    (13, "0001000000001", "pengaduan", "kepesertaan", None, 30, None,
     "Anak saya belum muncul di daftar anggota keluarga.",
     (("jawab", 2, "diterima"), ("minta_info", 4, "Mohon kirim foto akta kelahiran anak.")), None),
)


def _step(case, officer, participant_user, action, at, note):
    note = service.template_text(note) or note
    from_state = case.state
    if action == "setujui":
        case.approved_amount = case.claim_amount
    service._move(case, service.ACTION_TARGETS[action], at)
    if case.assigned_to_id is None:
        case.assigned_to = officer.id
    case.save()
    service._event(case, officer, action, from_state, note, at)


def seed(created):
    officer = User.get(User.username == "petugas")
    now = clock.now()
    for key, card, kind, category, code, hours_ago, claim, text, steps, rating in CASES:
        request_key = f"demo-case-{key}"
        if Case.by_key(request_key):
            continue
        member = Participant.by_card(card)
        user = User.get_or_none(User.participant == member)
        facility = Facility.get_or_none(Facility.code == code) if code else None
        opened = now - timedelta(hours=hours_ago)
        start = service.aware(opened)
        first_target = sla.first_response_target(kind, start)
        province, regency = service._region_of(facility, member.family)
        case = Case(kind=kind, category=category, state=sla.INITIAL_STATE[kind], participant=member,
                    family=member.family_id, created_by=user, facility=facility, claim_amount=claim,
                    request_key=request_key, province_code=province, regency_code=regency, opened_at=opened,
                    clock_start=opened,
                    first_response_due=service.naive(sla.deadline(start, first_target)) if first_target else None,
                    resolution_due=service.naive(sla.deadline(start, sla.resolution_target(kind, category, start))))
        case.data = {"text": text}
        case.due_at = case.first_response_due or case.resolution_due
        case.save()
        CaseEvent.create(case=case, at=opened, actor=user, action="dibuat", to_state=case.state)
        for action, after, note in steps:
            _step(case, officer, user, action, opened + timedelta(hours=after), note)
        if rating:
            case.rating, case.rated_at = rating, case.closed_at + timedelta(hours=1)
            case.save()
            service._event(case, user, "nilai", case.state, str(rating), case.rated_at)
        created.append("case")
    _feedback(created, now)
    reports.dashboard(refresh=True)


def _feedback(created, now):
    budi = Participant.by_card("0001000000001")
    visits = list(Visit.select().where(Visit.participant == budi).order_by(Visit.visit_date.desc()).limit(2))
    user = User.get_or_none(User.participant == budi)
    for number, visit in enumerate(visits):
        if VisitFeedback.select().where(VisitFeedback.visit == visit).exists():
            continue
        feedback.ask_feedback(visit, now - timedelta(days=1))
        created.append("visit_feedback")
        if number == 1:  # the older one: answered, all well, 4 of 5
            VisitFeedback.update(answered_at=now - timedelta(hours=20), answered_by=user, treated=True,
                                 asked_to_pay=False, all_medicines=True, satisfaction=4) \
                .where(VisitFeedback.visit == visit).execute()
            Reminder.update(read_at=now - timedelta(hours=20)) \
                .where(Reminder.event_key == feedback.feedback_key(visit.id)).execute()
