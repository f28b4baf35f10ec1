"""Health monitoring: visits, PRB enrolments, reminders (inbox), the SMS outbox and phone codes;
SMS consent and the verified phone on participants; the account's language."""
from peewee import *


def up(migrator, db):
    class Facility(Model):
        class Meta:
            database = db
            table_name = 'facility'

    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class Referral(Model):
        class Meta:
            database = db
            table_name = 'referral'

    class Booking(Model):
        class Meta:
            database = db
            table_name = 'booking'

    class Visit(Model):
        participant = ForeignKeyField(Participant)
        facility = ForeignKeyField(Facility)
        service_type = CharField(max_length=4)
        visit_date = DateField()
        admitted_on = DateField(null=True)
        discharged_on = DateField(null=True)
        control_date = DateField(null=True, index=True)
        referral = ForeignKeyField(Referral, null=True)
        booking = ForeignKeyField(Booking, null=True, unique=True)
        data_encrypted = TextField(default='')
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'visit'
            indexes = ((('participant', 'visit_date', 'id'), False),)

    class PrbEnrolment(Model):
        participant = ForeignKeyField(Participant)
        condition = CharField(max_length=20)
        pharmacy = ForeignKeyField(Facility)
        pickup_day = SmallIntegerField()
        last_control = DateField()
        enrolled_on = DateField()
        enrolled_by = ForeignKeyField(User, null=True)
        facility = ForeignKeyField(Facility)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'prb_enrolment'
            indexes = ((('participant', 'condition'), False),)

    class Reminder(Model):
        participant = ForeignKeyField(Participant)
        kind = CharField(max_length=20)
        event_key = CharField(max_length=80, unique=True)
        about_on = DateField()
        number = SmallIntegerField(null=True)
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'reminder'
            indexes = ((('participant', 'read_at'), False), (('participant', 'id'), False))

    class SmsMessage(Model):
        participant = ForeignKeyField(Participant)
        phone = CharField(max_length=20)
        purpose = CharField(max_length=10)
        reminder = ForeignKeyField(Reminder, null=True, unique=True)
        text_encrypted = TextField()
        state = CharField(max_length=10, default='queued')
        attempts = SmallIntegerField(default=0)
        next_at = DateTimeField()
        gateway_id = CharField(max_length=64, null=True, unique=True)
        last_error = CharField(max_length=40, default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sms_message'
            indexes = ((('state', 'next_at'), False),)

    class PhoneCode(Model):
        participant = ForeignKeyField(Participant)
        phone = CharField(max_length=20)
        code_hash = CharField(max_length=64)
        expires_at = DateTimeField()
        tries = SmallIntegerField(default=0)
        used_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'phone_code'

    db.create_tables([Visit, PrbEnrolment, Reminder, SmsMessage, PhoneCode])
    migrator.migrate(migrator.add_column('participant', 'sms_consent_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('participant', 'phone_verified', CharField(max_length=20, default='')))
    migrator.migrate(migrator.add_column('account', 'language', CharField(max_length=2, default='id')))
    migrator.migrate(migrator.add_index('referral', ('participant_id', 'valid_until')))
    migrator.migrate(migrator.add_index('referral', ('valid_until',)))
    migrator.migrate(migrator.add_index('booking', ('visit_date', 'status')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('booking', 'booking_visit_date_status'))
    migrator.migrate(migrator.drop_index('referral', 'referral_valid_until'))
    migrator.migrate(migrator.drop_index('referral', 'referral_participant_id_valid_until'))
    migrator.migrate(migrator.drop_column('account', 'language'))
    migrator.migrate(migrator.drop_column('participant', 'phone_verified'))
    migrator.migrate(migrator.drop_column('participant', 'sms_consent_at'))
    migrator.migrate(migrator.drop_table('phone_code'))
    migrator.migrate(migrator.drop_table('sms_message'))
    migrator.migrate(migrator.drop_table('reminder'))
    migrator.migrate(migrator.drop_table('prb_enrolment'))
    migrator.migrate(migrator.drop_table('visit'))
