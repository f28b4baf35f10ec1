"""Cases (pengaduan, informasi, konsultasi, klaim): the case with its stored deadlines, its timeline,
the pauses of its clock, and the precomputed figures of the public dashboard. visit_id is a plain
integer until the visit table exists."""
from peewee import *


def up(migrator, db):
    class Facility(Model):
        class Meta:
            database = db
            table_name = 'facility'

    class Family(Model):
        class Meta:
            database = db
            table_name = 'family'

    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class Case(Model):
        kind = CharField(max_length=12)
        category = CharField(max_length=20)
        state = CharField(max_length=20)
        channel = CharField(max_length=12, default='web')
        participant = ForeignKeyField(Participant)
        family = ForeignKeyField(Family)
        created_by = ForeignKeyField(User, null=True)
        facility = ForeignKeyField(Facility, null=True)
        visit_id = IntegerField(null=True)
        data_encrypted = TextField(default='')
        claim_amount = IntegerField(null=True)
        approved_amount = IntegerField(null=True)
        photos = CharField(max_length=120, default='')
        request_key = CharField(max_length=40, null=True, unique=True)
        province_code = CharField(max_length=2, default='')
        regency_code = CharField(max_length=5, default='')
        opened_at = DateTimeField()
        clock_start = DateTimeField()
        first_response_due = DateTimeField(null=True)
        first_response_at = DateTimeField(null=True)
        first_response_seconds = IntegerField(null=True)
        resolution_due = DateTimeField()
        paused_since = DateTimeField(null=True)
        due_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        is_open = BooleanField(default=True)
        assigned_to = ForeignKeyField(User, null=True)
        escalated = BooleanField(default=False)
        share_identity = BooleanField(default=False)
        rating = SmallIntegerField(null=True)
        rated_at = DateTimeField(null=True)
        reopen_count = SmallIntegerField(default=0)

        class Meta:
            database = db
            table_name = 'service_case'
            indexes = (
                (('is_open', 'due_at'), False),
                (('family', 'opened_at'), False),
                (('facility', 'opened_at'), False),
                (('opened_at',), False),
            )

    class CaseEvent(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        at = DateTimeField()
        actor = ForeignKeyField(User, null=True)
        action = CharField(max_length=20)
        from_state = CharField(max_length=20, default='')
        to_state = CharField(max_length=20, default='')
        note_encrypted = TextField(default='')

        class Meta:
            database = db
            table_name = 'case_event'
            indexes = ((('case', 'at'), False),)

    class CasePause(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        started_at = DateTimeField()
        ended_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'case_pause'
            indexes = ((('case', 'started_at'), False),)

    class CaseStatSnapshot(Model):
        key = CharField(max_length=40, unique=True)
        computed_at = DateTimeField()
        payload = TextField()

        class Meta:
            database = db
            table_name = 'case_stat_snapshot'

    db.create_tables([Case, CaseEvent, CasePause, CaseStatSnapshot])


def down(migrator, db):
    for table in ('case_stat_snapshot', 'case_pause', 'case_event', 'service_case'):
        migrator.migrate(migrator.drop_table(table))
