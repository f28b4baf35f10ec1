"""Demo: a kiosk at Puskesmas Cibinong, Budi Santoso's PIN, and a session the demo facilitator
held with Budi's consent an hour ago (its page views show in Budi's "Riwayat akses data")."""
from datetime import timedelta

from app.core import clock, security
from app.models import AuditLog, Consent, Facility, Kiosk, Participant, User

DEMO_PIN = "468024"  # Budi Santoso (0001000000001): kiosk sign-in and consent (README)
KIOSK_NAME = "Kios lobi"
VIEWED = ("/beranda", "/kepesertaan", "/iuran", "/iuran/riwayat")


def seed(created):
    budi = User.get_or_none(User.participant == Participant.by_card("0001000000001"))
    facilitator = User.get_or_none(User.username == "fasilitator")
    admin = User.get_or_none(User.username == "admin")
    facility = Facility.get_or_none(Facility.code == "DEMO-PKM-3201")
    if facility is not None and admin is not None and not Kiosk.select().where(Kiosk.facility == facility).exists():
        Kiosk.create(facility=facility, name=KIOSK_NAME, created_by=admin, created_at=clock.now())
        created.append("kiosk")
    if budi is None or facilitator is None:
        return
    if not budi.pin_hash:
        budi.pin_hash = security.hash_password(DEMO_PIN)
        budi.save()
        created.append("pin")
    if Consent.select().where((Consent.facilitator == facilitator) & (Consent.participant == budi.participant_id)).exists():
        return
    started = clock.now() - timedelta(hours=1)
    consent = Consent.create(facilitator=facilitator, participant=budi.participant_id, resident=budi, scope="lihat",
                             method="pin", created_at=started, started_at=started,
                             expires_at=started + timedelta(minutes=30), ended_at=started + timedelta(minutes=6),
                             ended_by="fasilitator")
    subject = f"consent:{consent.id}"
    AuditLog.create(at=started, actor=facilitator, action="assist_started", subject=subject,
                    on_behalf_of=budi.participant_id, detail='{"method": "pin", "scope": "lihat"}')
    for minute, path in enumerate(VIEWED, start=1):
        AuditLog.create(at=started + timedelta(minutes=minute), actor=facilitator, action="assisted_page_viewed",
                        subject=path, on_behalf_of=budi.participant_id, detail=f'{{"consent": {consent.id}}}')
    AuditLog.create(at=started + timedelta(minutes=6), actor=facilitator, action="assist_ended", subject=subject,
                    on_behalf_of=budi.participant_id)
    created.append("consent")
