"""Membership: cover dates and change history, registrations, change requests, payments.

Timestamps get their defaults from the application (clock.now), not from the database.
"""
from peewee import *


def up(migrator, db):
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

    class Payment(Model):
        family = ForeignKeyField(Family, null=True)
        va_number = CharField(max_length=20)
        amount = IntegerField()
        channel = CharField(max_length=30)
        reference = CharField(max_length=64)
        paid_at = DateTimeField()
        received_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'payment'
            indexes = ((('channel', 'reference'), True),)
    db.create_tables([Payment])

    class Allocation(Model):
        payment = ForeignKeyField(Payment)
        family = ForeignKeyField(Family)
        month = DateField()
        amount = IntegerField()
        class Meta:
            database = db
            table_name = 'allocation'
            indexes = ((('family', 'month'), False),)
    db.create_tables([Allocation])

    class ChangeRequest(Model):
        participant = ForeignKeyField(Participant)
        requested_by = ForeignKeyField(User)
        kind = CharField(max_length=12)
        data_encrypted = TextField(default='')
        reason = TextField(default='')
        document = CharField(max_length=64, default='')
        status = CharField(index=True, max_length=10, default='menunggu')
        created_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'change_request'
    db.create_tables([ChangeRequest])

    class MembershipChange(Model):
        family = ForeignKeyField(Family)
        participant = ForeignKeyField(Participant, null=True)
        field = CharField(max_length=20)
        old_value = TextField(default='')
        new_value = TextField(default='')
        effective_on = DateField()
        at = DateTimeField()
        actor = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'membership_change'
    db.create_tables([MembershipChange])

    class Registration(Model):
        token = CharField(unique=True, max_length=16)
        data_encrypted = TextField(default='')
        step = CharField(max_length=20, default='keluarga')
        status = CharField(index=True, max_length=10, default='draft')
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        family = ForeignKeyField(Family, null=True)
        flags = TextField(default='')
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'registration'
    db.create_tables([Registration])

    migrator.migrate(migrator.add_column('family', 'next_care_class', SmallIntegerField(null=True)))
    migrator.migrate(migrator.add_column('family', 'next_care_class_from', DateField(null=True)))
    migrator.migrate(migrator.add_column('family', 'employer', CharField(max_length=150, default='')))
    migrator.migrate(migrator.add_column('family', 'cover_start', DateField(null=True)))
    migrator.migrate(migrator.add_column('family', 'fktp_changed_on', DateField(null=True)))
    migrator.migrate(migrator.add_column('family', 'class_changed_on', DateField(null=True)))
    migrator.migrate(migrator.add_column('family', 'inactive_reason', CharField(null=True, max_length=40)))
    migrator.migrate(migrator.add_column('participant', 'registered_on', DateField(null=True)))
    migrator.migrate(migrator.add_column('participant', 'inactive_reason', CharField(null=True, max_length=40)))
    migrator.migrate(migrator.add_index('participant', ('birth_date',)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('participant', 'participant_birth_date'))
    migrator.migrate(migrator.drop_column('participant', 'inactive_reason'))
    migrator.migrate(migrator.drop_column('participant', 'registered_on'))
    migrator.migrate(migrator.drop_column('family', 'inactive_reason'))
    migrator.migrate(migrator.drop_column('family', 'class_changed_on'))
    migrator.migrate(migrator.drop_column('family', 'fktp_changed_on'))
    migrator.migrate(migrator.drop_column('family', 'cover_start'))
    migrator.migrate(migrator.drop_column('family', 'employer'))
    migrator.migrate(migrator.drop_column('family', 'next_care_class_from'))
    migrator.migrate(migrator.drop_column('family', 'next_care_class'))
    migrator.migrate(migrator.drop_table('registration'))
    migrator.migrate(migrator.drop_table('membership_change'))
    migrator.migrate(migrator.drop_table('change_request'))
    migrator.migrate(migrator.drop_table('allocation'))
    migrator.migrate(migrator.drop_table('payment'))
