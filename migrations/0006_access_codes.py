"""Accounts for every participant and officer tools: one-time access codes (aktivasi / lupa kata
sandi), the districts a facilitator serves, and the effective date of a "nonaktif lain" status.
"""
from peewee import *


def up(migrator, db):
    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class Region(Model):
        code = CharField(primary_key=True, max_length=13)
        class Meta:
            database = db
            table_name = 'region'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class AccessCode(Model):
        participant = ForeignKeyField(Participant, null=True)
        user = ForeignKeyField(User, null=True)
        code_hash = CharField(max_length=64)
        channel = CharField(max_length=20)
        purpose = CharField(max_length=20)
        issued_by = ForeignKeyField(User, null=True, backref='issued_codes')
        issued_at = DateTimeField()
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)
        failed_attempts = SmallIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'access_code'
    db.create_tables([AccessCode])

    class StaffDistrict(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        district = ForeignKeyField(Region, column_name='district_code')
        class Meta:
            database = db
            table_name = 'staff_district'
            indexes = ((('user', 'district'), True),)
    db.create_tables([StaffDistrict])

    migrator.migrate(migrator.add_column('family', 'inactive_from', DateField(null=True)))
    migrator.migrate(migrator.add_column('participant', 'inactive_from', DateField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('participant', 'inactive_from'))
    migrator.migrate(migrator.drop_column('family', 'inactive_from'))
    migrator.migrate(migrator.drop_table('staff_district'))
    migrator.migrate(migrator.drop_table('access_code'))
