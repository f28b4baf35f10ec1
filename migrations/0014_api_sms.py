"""The office-system API (clients with hashed tokens, replayable writes) and the SMS channel's log."""
from peewee import *


def up(migrator, db):
    class ApiClient(Model):
        name = CharField(max_length=60, unique=True)
        token_hash = CharField(max_length=64, unique=True)
        token_hint = CharField(max_length=12)
        scopes = CharField(max_length=200, default='')
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'api_client'

    class IdempotentWrite(Model):
        client = ForeignKeyField(ApiClient, on_delete='CASCADE')
        key = CharField(max_length=100)
        request_hash = CharField(max_length=64)
        status = IntegerField()
        response = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'idempotent_write'
            indexes = ((('client', 'key'), True),)

    class SmsLog(Model):
        at = DateTimeField(index=True)
        number_index = CharField(max_length=64, index=True)
        direction = CharField(max_length=3)
        command = CharField(max_length=10)
        personal = IntegerField(default=0)
        length = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'sms_log'

    db.create_tables([ApiClient, IdempotentWrite, SmsLog])
