"""Tambah anggota checked like the office would (member_addition: what waits for an officer)."""
import datetime

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

    class MemberAddition(Model):
        family = ForeignKeyField(Family)
        requested_by = ForeignKeyField(User)
        data_encrypted = TextField(default='')
        nik_index = CharField(max_length=64, index=True)
        document = CharField(max_length=64, default='')
        reasons = CharField(max_length=200, default='')
        status = CharField(max_length=10, default='menunggu', index=True)
        participant = ForeignKeyField(Participant, null=True)
        created_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'member_addition'
    db.create_tables([MemberAddition])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('member_addition'))
