"""Assisted and shared use: the resident's PIN, facilitator consents (pendampingan), kiosk
terminals, and requests to delete optional data."""
from peewee import *


def up(migrator, db):
    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class Facility(Model):
        class Meta:
            database = db
            table_name = 'facility'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    migrator.migrate(
        migrator.add_column('account', 'pin_hash', CharField(max_length=200, null=True)),
        migrator.add_column('account', 'pin_failures', IntegerField(default=0)),
        migrator.add_column('account', 'pin_locked_until', DateTimeField(null=True)),
    )

    class Consent(Model):
        facilitator = ForeignKeyField(User, backref='assisted_sessions')
        participant = ForeignKeyField(Participant)
        resident = ForeignKeyField(User, backref='consents_given')
        scope = CharField(max_length=20)
        method = CharField(max_length=10)
        code_hash = CharField(max_length=64, null=True)
        code_expires_at = DateTimeField(null=True)
        failed_attempts = SmallIntegerField(default=0)
        created_at = DateTimeField()
        started_at = DateTimeField(null=True)
        expires_at = DateTimeField(null=True, index=True)
        ended_at = DateTimeField(null=True)
        ended_by = CharField(max_length=12, null=True)
        class Meta:
            database = db
            table_name = 'consent'

    class Kiosk(Model):
        facility = ForeignKeyField(Facility)
        name = CharField(max_length=60)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'kiosk'

    class DataRequest(Model):
        participant = ForeignKeyField(Participant)
        kind = CharField(max_length=20)
        requested_by = ForeignKeyField(User, backref='data_requests_made')
        requested_at = DateTimeField()
        state = CharField(max_length=12, default='menunggu', index=True)
        decided_by = ForeignKeyField(User, null=True, backref='decided_data_requests')
        decided_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'data_request'

    db.create_tables([Consent, Kiosk, DataRequest])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('data_request'), migrator.drop_table('kiosk'),
                     migrator.drop_table('consent'))
    migrator.migrate(*(migrator.drop_column('account', c) for c in ('pin_hash', 'pin_failures', 'pin_locked_until')))
