"""Announcements in the inbox of the participants they target: during the display window only,
read/unread like reminders, never twice however often the delivery runs, gone when stopped."""
from datetime import timedelta

from app.content import service as content
from app.core import clock
from app.inbox import reminders, service
from app.models import Announcement, Participant, Reminder, User
from tests.helpers import csrf_post, page, signed_in_client

BUDI, DEWI = "0001000000001", "0001000000002"


def _announce(app, region, days=(0, 3), title="Layanan terganggu Sabtu", segment=""):
    with app.app_context():
        editor = User.get(User.username == "petugas")
        today = clock.today()
        announcement = Announcement.create(kind="gangguan", title=title, body="Aplikasi pemeliharaan pukul 22.00.",
                                           region_code=region, segment=segment,
                                           shown_from=today + timedelta(days=days[0]),
                                           shown_until=today + timedelta(days=days[1]), created_by=editor)
        return announcement


def _keys(app, announcement):
    with app.app_context():
        return list(Reminder.select(Reminder.participant, Reminder.read_at)
                    .where(Reminder.event_key.startswith(f"announcement:{announcement.id}:")).tuples())


def test_a_targeted_announcement_reaches_the_inbox_once_and_is_read_like_a_reminder(app):
    with app.app_context():
        budi, dewi = Participant.by_card(BUDI), Participant.by_card(DEWI)
        region = budi.family.district_code[:5]
        assert not (dewi.family.district_code or "").startswith(region)  # Dewi lives elsewhere
    announcement = _announce(app, region)
    with app.app_context():
        # (only this announcement: another test's may still be shown today)
        first = service.deliver_announcements(announcement_id=announcement.id)
        again = service.deliver_announcements(announcement_id=announcement.id) + reminders.create_due()
    assert first >= 1
    rows = _keys(app, announcement)
    assert len(rows) == first and budi.id in {pid for pid, _read in rows} and dewi.id not in {p for p, _r in rows}
    client = signed_in_client(app, "peserta")
    unread_before = int(page(client.get("/beranda")).find(id="unread").get_text().split()[-1])
    inbox = page(client.get("/pesan"))
    assert len(_keys(app, announcement)) == len(rows)  # the inbox page delivers nothing twice
    with app.app_context():
        message = Reminder.get(Reminder.event_key == f"announcement:{announcement.id}:{budi.id}")
    item = inbox.find("a", href=f"/pesan/{message.id}")
    assert item is not None and item.find("b") is not None  # unread
    shown = page(client.get(f"/pesan/{message.id}"))
    assert shown.find("h1").get_text() == "Layanan terganggu Sabtu"
    assert "pemeliharaan" in shown.find(id="isi-pesan").get_text()
    assert csrf_post(client, "/pesan/dibaca", {"pesan": str(message.id)}, form_page="/pesan").status_code == 303
    unread = page(client.get("/beranda")).find(id="unread")
    assert unread is None or int(unread.get_text().split()[-1]) == unread_before - 1
    dewi_client = signed_in_client(app, "peserta_lunas")
    assert dewi_client.get(f"/pesan/{message.id}").status_code == 404
    assert again == 0 or len(_keys(app, announcement)) == len(rows)


def test_outside_its_window_or_stopped_an_announcement_is_not_in_the_inbox(app):
    with app.app_context():
        region = Participant.by_card(BUDI).family.district_code[:2]
    later = _announce(app, region, days=(2, 5), title="Tarif baru")
    client = signed_in_client(app, "peserta")
    client.get("/pesan")
    assert _keys(app, later) == []  # not before its first day
    current = _announce(app, region, title="Program baru")
    inbox = page(client.get("/pesan"))  # the inbox page delivers one made since the daily job
    with app.app_context():
        budi = Participant.by_card(BUDI)
        message = Reminder.get(Reminder.event_key == f"announcement:{current.id}:{budi.id}")
        assert inbox.find("a", href=f"/pesan/{message.id}") is not None
        Reminder.update(about_on=clock.today() - timedelta(days=1)).where(Reminder.id == message.id).execute()
    assert page(client.get("/pesan")).find("a", href=f"/pesan/{message.id}") is None  # its window ended
    assert client.get(f"/pesan/{message.id}").status_code == 404
    stopped = _announce(app, region, title="Dihentikan")
    with app.app_context():
        service.deliver_announcements()
        assert _keys(app, stopped)
        content.stop_announcement(stopped, User.get(User.username == "petugas"))
    assert _keys(app, stopped) == []


def test_the_family_head_does_not_get_each_members_copy(app):
    with app.app_context():
        region = Participant.by_card(BUDI).family.district_code[:2]
    announcement = _announce(app, region, title="Satu saja")
    with app.app_context():
        service.deliver_announcements()
    client = signed_in_client(app, "peserta")
    inbox = page(client.get("/pesan"))
    titles = [a.get_text() for a in inbox.find("ol", id="pesan").find_all("a")]
    with app.app_context():
        mine = Reminder.select().where(Reminder.event_key.startswith(f"announcement:{announcement.id}:")).count()
    assert mine >= 1 and titles.count("Pengumuman") >= 1
    hrefs = {a["href"] for a in inbox.find("ol", id="pesan").find_all("a")}
    with app.app_context():
        others = Reminder.select().where(Reminder.event_key.startswith(f"announcement:{announcement.id}:"),
                                         Reminder.participant != Participant.by_card(BUDI).id)
        assert not any(f"/pesan/{r.id}" in hrefs for r in others)


def test_the_inbox_page_writes_only_when_an_announcement_is_new_to_the_participant(app):
    from app.core.db import db
    client = signed_in_client(app, "peserta")
    client.get("/pesan")  # delivers what is current
    statements = []
    real = db.obj.execute_sql
    db.obj.execute_sql = lambda sql, *args, **kwargs: statements.append(sql) or real(sql, *args, **kwargs)
    try:
        assert client.get("/pesan").status_code == 200
        with app.app_context():
            region = Participant.by_card(BUDI).family.district_code[:2]
        announcement = _announce(app, region, title="Baru saja terbit")
        before = len(statements)
        assert client.get("/pesan").status_code == 200
    finally:
        del db.obj.execute_sql
    inserts = [sql for sql in statements if sql.startswith("INSERT") and 'INTO "reminder"' in sql]
    assert len(inserts) == 1 and inserts[0] in statements[before:]  # none on the first view, one after
    with app.app_context():
        assert len(_keys(app, announcement)) >= 1  # delivered by that page view
        budi = Participant.by_card(BUDI)
    assert budi.id in {pid for pid, _read in _keys(app, announcement)}


def test_what_the_inbox_page_finds_lacking_is_what_the_delivery_targets(app):
    """The page's one read (province, regency and segment of the family) picks exactly the
    announcements the delivery's own targeting (district prefix, segment) gives the participant."""
    with app.app_context():
        budi = Participant.by_card(BUDI)
        district, segment = budi.family.district_code, budi.family.segment
        other_segment = next(s for s in ("PBI", "PPU", "PBPU", "BP") if s != segment)
    made = {(region, segment_code): _announce(app, region, segment=segment_code).id
            for region in ("", district[:2], district[:5], "11", "11.01")
            for segment_code in ("", segment, other_segment)}
    ours = set(made.values())
    with app.app_context():
        lacking = {a.id for a in service._LACKING(clock.today(), district[:2], district[:5], segment,
                                                   f":{budi.id}")} & ours
        assert lacking == {pk for (region, segment_code), pk in made.items()
                           if region in ("", district[:2], district[:5]) and segment_code in ("", segment)}
        delivered = sum(service.deliver_announcements(announcement_id=pk, participant_id=budi.id) for pk in ours)
        assert delivered == len(lacking) == 6
        keys = Reminder.select(Reminder.event_key).where(
            Reminder.participant == budi.id, Reminder.event_key.startswith("announcement:")).tuples()
        assert {int(key.split(":")[1]) for (key,) in keys} & ours == lacking
        assert service.deliver_new_announcements(budi) == 0  # nothing lacking any more
