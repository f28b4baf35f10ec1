"""Reminders and SMS: exactly once per event (twice, and two workers at once), quiet hours by
province, the fake gateway receiving exactly the expected messages (and waiting out an outage),
signed delivery reports, consent and phone verification, and the inbox pages."""
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core import clock, sms, tasks
from app.core.db import db
from app.inbox import outbox, reminders
from app.models import Facility, Family, Participant, Referral, Region, Reminder, SmsMessage
from tests.helpers import csrf_post, field_error, new_family, page, run_together, signed_in_client

SECRET = "test-sms-webhook-secret"


class FakeGateway:
    """A JSON SMS gateway on 127.0.0.1: records what it accepts; `down` answers 503."""

    def __init__(self):
        self.received, self.down = [], False
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.down or self.headers.get("Authorization") != "Bearer k3y":
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.received.append(body)
                answer = json.dumps({"id": f"gw-{len(gateway.received)}-{body['reference']}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway(app):
    fake = FakeGateway()
    app.extensions["sms_gateway"] = sms.HttpGateway(fake.url, "k3y", timeout=5)
    yield fake
    app.extensions.pop("sms_gateway")
    fake.server.shutdown()


def _consenting(family, phone="081299990001"):
    person = Participant.get(Participant.family == family)
    person.phone = person.phone_verified = phone
    person.sms_consent_at = clock.now()
    person.save()
    return person


def _expiring_referral(person, days_left=3):
    hospital = Facility.get(Facility.code == "DEMO-RS-3201")
    issued = clock.today() - timedelta(days=90 - days_left)
    return Referral.create(participant=person, from_facility=hospital, to_facility=hospital,
                           poli_code="penyakit_dalam", issued_on=issued, valid_until=issued + timedelta(days=90))


def test_the_job_run_twice_makes_each_reminder_once_and_one_sms(app):
    with app.app_context():
        person = _consenting(new_family())
        referral = _expiring_referral(person)
        first = reminders.create_due()
        assert reminders.create_due() == 0 and first >= 1
        key = f"referral_expiry:{referral.valid_until.isoformat()}:referral:{referral.id}"
        assert Reminder.select().where(Reminder.event_key == key).count() == 1
        assert SmsMessage.select().join(Reminder).where(Reminder.event_key == key).count() == 1


@pytest.mark.committed
def test_two_workers_at_once_make_each_reminder_once(app):
    with app.app_context(), db.connection_context():
        family = new_family()
        person = _consenting(family)
        referral = _expiring_referral(person)
    try:
        def worker():
            with app.app_context():
                return tasks.in_app(tasks.run_reminders)()

        counts = run_together([worker, worker])
        with app.app_context(), db.connection_context():
            mine = Reminder.select().where(Reminder.participant == person.id)
            assert mine.count() == 1 and sum(counts) >= 1
            assert SmsMessage.select().where(SmsMessage.participant == person.id).count() == 1
    finally:
        with app.app_context(), db.connection_context():
            SmsMessage.delete().where(SmsMessage.participant == person.id).execute()
            Reminder.delete().where(Reminder.participant == person.id).execute()
            referral.delete_instance()
            Participant.delete().where(Participant.family == family.id).execute()
            family.delete_instance()


def test_quiet_hours_follow_the_province_time_zone(app):
    with app.app_context():
        family = new_family()
        papua = _consenting(family)
        late = datetime(2026, 12, 1, 13, 30)  # 20:30 WIB, 22:30 WIT
        district = Region.select().where(Region.level == Region.DISTRICT, Region.code.startswith("91.")).first()
        Family.update(district=district.code).where(Family.id == family.id).execute()
        there = outbox.queue(Participant.get_by_id(papua.id), "reminder", "x", now=late, quiet_hours=True)
        assert there.next_at == datetime(2026, 12, 1, 21, 0)  # 06:00 WIT
        Family.update(district="32.01.01").where(Family.id == family.id).execute()
        java = outbox.queue(Participant.get_by_id(papua.id), "reminder", "x", now=late, quiet_hours=True)
        assert java.next_at == late
        # an unknown province waits until every zone is awake (06:00 WIT = 21:00 UTC)
        Family.update(district=None).where(Family.id == family.id).execute()
        unknown = outbox.queue(Participant.get_by_id(papua.id), "reminder", "x", now=late, quiet_hours=True)
        assert unknown.next_at == datetime(2026, 12, 1, 23, 0)


def test_the_gateway_gets_exactly_the_expected_messages_and_an_outage_loses_none(app, gateway):
    with app.app_context():
        person = _consenting(new_family())
        _expiring_referral(person)
        reminders.create_due()
        message = SmsMessage.get(SmsMessage.participant == person.id)
        now = message.next_at
        gateway.down = True
        assert outbox.send_due(now) == 0
        waiting = SmsMessage.get_by_id(message.id)
        assert waiting.state == "queued" and waiting.attempts == 1 and waiting.next_at > now
        assert outbox.send_due(now + timedelta(seconds=30)) == 0  # not yet due again
        gateway.down = False
        later = now + timedelta(hours=1)
        assert outbox.send_due(later) == 1 and outbox.send_due(later) == 0
        assert len(gateway.received) == 1
        sent = gateway.received[0]
        assert sent["to"] == "081299990001" and sent["reference"] == f"jkn-{message.id}"
        assert len(sent["text"]) <= 160 and "I10" not in sent["text"] and "Rujukan" in sent["text"]
        assert SmsMessage.get_by_id(message.id).state == "sent"


def _report(client, body, secret=SECRET, timestamp=None):
    timestamp = str(timestamp or int(time.time()))
    raw = json.dumps(body).encode()
    return client.post("/api/v1/sms/delivery-report", data=raw, content_type="application/json",
                       headers={"X-Timestamp": timestamp, "X-Signature": sms.sign(secret, timestamp, raw)})


def test_signed_delivery_reports_move_the_state_and_bad_ones_are_refused(app, client):
    with app.app_context():
        person = _consenting(new_family())
        message = outbox.queue(person, "reminder", "Tes", now=clock.now())
        SmsMessage.update(state="sent", gateway_id="gw-77").where(SmsMessage.id == message.id).execute()
    assert _report(client, {"id": "gw-77", "status": "delivered"}, secret="wrong").status_code == 401
    assert _report(client, {"id": "gw-77", "status": "delivered"}, timestamp=1).status_code == 401
    assert _report(client, {"id": "gw-nope", "status": "delivered"}).status_code == 404
    assert _report(client, {"id": "gw-77", "status": "lost"}).status_code == 400
    with app.app_context():
        assert SmsMessage.get_by_id(message.id).state == "sent"
    assert _report(client, {"id": "gw-77", "status": "delivered"}).status_code == 200
    with app.app_context():
        assert SmsMessage.get_by_id(message.id).state == "delivered"


def test_consent_with_its_date_withdrawal_and_phone_verification(app):
    budi = signed_in_client(app, "peserta")
    assert csrf_post(budi, "/pesan/sms/persetujuan", {"agree": "y"}, form_page="/pesan/sms").status_code == 303
    assert "setuju sejak" in page(budi.get("/pesan/sms")).find(id="consent-status").get_text()
    bad = csrf_post(budi, "/pesan/sms/kode", {"phone": "+1 415 555 0100"}, form_page="/pesan/sms")
    assert "nomor HP Indonesia" in field_error(bad, "phone")
    assert page(bad).find(attrs={"name": "phone"})["value"] == "+1 415 555 0100"
    assert csrf_post(budi, "/pesan/sms/kode", {"phone": "+62 812-9999-0002"}, form_page="/pesan/sms").status_code == 303
    with app.app_context():
        budi_id = Participant.by_card("0001000000001").id
        text = SmsMessage.select().where(SmsMessage.participant == budi_id, SmsMessage.purpose == "verify").get().text
    code = text.split(": ")[1][:6]
    wrong = csrf_post(budi, "/pesan/sms/verifikasi", {"code": "000000" if code != "000000" else "111111"},
                      form_page="/pesan/sms")
    assert "Kode salah" in field_error(wrong, "code")
    assert csrf_post(budi, "/pesan/sms/verifikasi", {"code": code}, form_page="/pesan/sms").status_code == 303
    with app.app_context():
        me = Participant.get_by_id(budi_id)
        assert me.phone == "081299990002" and me.sms_allowed
    assert csrf_post(budi, "/pesan/sms/persetujuan", {"agree": ""}, form_page="/pesan/sms").status_code == 303
    with app.app_context():
        assert not Participant.get_by_id(budi_id).sms_allowed


def test_inbox_unread_count_message_page_and_mark_read(app):
    budi = signed_in_client(app, "peserta")
    home = page(budi.get("/beranda"))
    unread = int(home.find(id="unread").get_text().rsplit(" ", 1)[1])
    assert unread >= 1
    listing = page(budi.get("/pesan"))
    first = listing.find("ol", id="pesan").find("a")
    message = page(budi.get(first["href"]))
    assert message.find(id="isi-pesan").get_text().strip()
    reminder_id = first["href"].rsplit("/", 1)[1]
    assert csrf_post(budi, "/pesan/dibaca", {"pesan": reminder_id}, form_page="/pesan").status_code == 303
    assert page(budi.get(first["href"])).find(id="dibaca")
    after = page(budi.get("/beranda")).find(id="unread")
    assert (int(after.get_text().rsplit(" ", 1)[1]) if after else 0) == unread - 1


def test_reminders_of_every_kind_on_their_day_and_the_sms_in_the_chosen_language(app):
    from app.models import Booking, Poli, PrbEnrolment, User, Visit

    with app.app_context():
        family = new_family(months_unpaid=2)
        person = _consenting(family)
        today = clock.today()
        tomorrow = today + timedelta(days=1)
        puskesmas = Facility.get(Facility.code == "DEMO-PKM-3201")
        Visit.create(participant=person, facility=puskesmas, service_type="RJTP", visit_date=today,
                     control_date=tomorrow)
        poli = Poli.get((Poli.facility == puskesmas) & (Poli.code == "umum"))
        Booking.create(participant=person, poli=poli, visit_date=tomorrow, number=7, code=uuid_code())
        if tomorrow.day <= 28:
            PrbEnrolment.create(participant=person, condition="asma", pharmacy=puskesmas, pickup_day=tomorrow.day,
                                last_control=today, enrolled_on=today, facility=puskesmas)
        User.create(participant=person, role="peserta", password_hash="x", language="en")
        kinds = {r.kind for r in reminders.due_on(today) if r.target_id in (person.id, family.id)}
        assert {"control", "queue"} <= kinds and ("prb_pickup" in kinds or tomorrow.day > 28)
        seventh = today.replace(day=7)
        assert "bill" in {r.kind for r in reminders.due_on(seventh) if r.target_id == family.id}
        reminders.create_due(today)
        texts = [m.text for m in SmsMessage.select().where(SmsMessage.participant == person.id)]
        assert texts and all(t.startswith("JKN: ") and len(t) <= 160 for t in texts)
        assert any("tomorrow" in t for t in texts), texts  # the participant chose English
        assert not any("J45" in t or "asma" in t.lower() for t in texts)


def uuid_code():
    import uuid

    return uuid.uuid4().hex[:10].upper()


def test_a_consent_code_goes_by_sms_only_to_a_verified_phone(app):
    """The SMS channel a facilitator's consent code takes (app/assist): never to an unverified phone."""
    from app.assist import channels
    from app.models import SmsMessage

    sms = channels.CHANNELS["sms"]
    with app.app_context():
        budi = Participant.by_card("0001000000001")
        budi.phone, budi.phone_verified = "081200000001", ""
        assert sms.send_consent_code("123456", budi, 5) is False
        budi.phone_verified = budi.phone
        assert sms.send_consent_code("654321", budi, 5) is True
        message = SmsMessage.select().where(SmsMessage.participant == budi.id).order_by(SmsMessage.id.desc()).get()
        assert message.purpose == "consent" and "654321" in message.text and len(message.text) <= 160


def test_the_header_count_loaded_with_the_account_is_the_inbox_count(app):
    """The header's figure comes with the account (one query a page); it must be what the inbox
    service counts: a head counts every member's reminders, a member their own, an announcement only
    its own participant and only until its last day, read messages never."""
    from app.inbox import service
    from app.models import User

    with app.app_context():
        family = new_family(members=2)
        head, member = Participant.select().where(Participant.family == family).order_by(Participant.id)
        member.relationship = "anak"
        member.save()
        today = clock.today()
        announcement, yesterday = service.ANNOUNCEMENT, today - timedelta(days=1)
        for index, (person, kind, about_on, read) in enumerate([
                (head, "bill", today, False), (member, "control", today, False),
                (member, "queue", today, True),
                (member, announcement, today, False), (head, announcement, yesterday, False),
                (head, announcement, today + timedelta(days=2), False)]):
            Reminder.create(participant=person, kind=kind, event_key=f"uji-header:{family.id}:{index}",
                            about_on=about_on, read_at=clock.now() if read else None)
        counts = {}
        for person in (head, member):
            user = User.create(participant=person, role="peserta", password_hash="x")
            loaded = User.from_session_id(user.get_id())
            counts[person.relationship] = (loaded.unread_messages, service.unread_count(person))
        # no accounts left behind: the daily reminder job of later tests would write to them
        User.delete().where(User.participant.in_([head.id, member.id])).execute()
    # head: the bill, the member's control visit, their own current announcement (not the ended one,
    # not the member's); member: their control visit and their announcement
    assert counts == {"kepala": (3, 3), "anak": (2, 2)}


def test_the_inbox_page_counts_an_announcement_it_delivers_in_its_own_header(app):
    from app.models import Announcement, User

    def unread(soup):
        tag = soup.find(id="unread")
        return int(tag.get_text().split()[-1]) if tag else 0

    budi = signed_in_client(app, "peserta")
    before = unread(page(budi.get("/pesan")))
    with app.app_context():
        today = clock.today()
        Announcement.create(kind="gangguan", title="Baru untuk header", body="Pemeliharaan.", region_code="",
                            segment="", shown_from=today, shown_until=today + timedelta(days=1),
                            created_by=User.get(User.username == "petugas"))
    assert unread(page(budi.get("/pesan"))) == before + 1  # delivered by this very page
    assert unread(page(budi.get("/beranda"))) == before + 1


def test_an_account_signed_in_by_this_very_request_still_gets_its_header_count(app):
    """The count comes with the account a request loads from its session; one that signs in during the
    request (login_user with an account loaded another way) is counted on the spot, never a 500."""
    from bs4 import BeautifulSoup
    from flask import render_template_string

    from app.core.auth import start_session
    from app.inbox import service
    from app.models import User

    with app.test_request_context("/beranda"), db.connection_context():
        budi = Participant.by_card("0001000000001")
        start_session(User.get(User.participant == budi.id))
        html = render_template_string('{% extends "base.html" %}{% block title %}–{% endblock %}')
        expected = service.unread_count(budi)
    assert expected >= 1
    assert BeautifulSoup(html, "html.parser").find(id="unread").get_text() == f"Pesan baru: {expected}"


def test_the_inbox_pages_by_twenty_newest_first_without_gaps_or_repeats(app):
    from app.models import User

    with app.app_context():
        family = new_family()
        head = Participant.get(Participant.family == family)
        for index in range(45):
            Reminder.create(participant=head, kind="bill", event_key=f"uji-halaman:{family.id}:{index}",
                            about_on=clock.today())
        User.create(participant=head, role="peserta", password_hash="x")
    client = app.test_client()
    with client.session_transaction() as session:  # signed in as the new family's head
        with app.app_context():
            session["_user_id"] = User.get(User.participant == head).get_id()
        session["seen"] = clock.epoch()
    seen, path = [], "/pesan"
    while path:
        html = page(client.get(path))
        seen += [int(a["href"].rsplit("/", 1)[1]) for a in html.find("ol", id="pesan").find_all("a")]
        link = html.find("a", rel="next")
        path = link["href"] if link else None
    with app.app_context():
        User.delete().where(User.participant == head).execute()  # no account left for later daily jobs
        # the 45 and whatever announcement the first page delivered
        mine = Reminder.select().where(Reminder.participant == head)
        expected = [r.id for r in mine.order_by(Reminder.id.desc())]
    assert seen == expected and len(seen) >= 45 and len(set(seen)) == len(seen)
