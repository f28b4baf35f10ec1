"""Initial schema: regions, facilities, families, participants, accounts, the audit log.

The audit log is append-only: triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL).
"""
from peewee import *


APPEND_ONLY = {
    True: (  # SQLite
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ),
    False: (  # PostgreSQL
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


def up(migrator, db):
    class Region(Model):
        code = CharField(primary_key=True, max_length=13)
        parent = ForeignKeyField('self', null=True, column_name='parent_code')
        level = SmallIntegerField(index=True)
        name = CharField(max_length=100)
        kind = CharField(max_length=20, default='')
        class Meta:
            database = db
            table_name = 'region'
    db.create_tables([Region])

    class Facility(Model):
        code = CharField(unique=True, max_length=20)
        name = CharField(max_length=150)
        kind = CharField(max_length=20)
        district = ForeignKeyField(Region, null=True, column_name='district_code')
        address = TextField(default='')
        phone = CharField(max_length=30, default='')
        latitude = DoubleField(null=True)
        longitude = DoubleField(null=True)
        is_partner = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'facility'
    db.create_tables([Facility])

    class Family(Model):
        kk_number = CharField(unique=True, max_length=16)
        segment = CharField(max_length=4)
        care_class = SmallIntegerField(null=True)
        district = ForeignKeyField(Region, null=True, column_name='district_code')
        address = TextField(default='')
        fktp = ForeignKeyField(Facility, null=True)
        va_number = CharField(unique=True, null=True, max_length=20)
        registered_on = DateField()
        class Meta:
            database = db
            table_name = 'family'
    db.create_tables([Family])

    class Participant(Model):
        card_number = CharField(unique=True, max_length=13)
        nik_encrypted = TextField()
        nik_index = CharField(unique=True, max_length=64)
        name = CharField(max_length=100)
        sex = CharField(max_length=1)
        birth_date = DateField()
        phone = CharField(max_length=20, default='')
        family = ForeignKeyField(Family)
        relationship = CharField(max_length=10, default='kepala')
        class Meta:
            database = db
            table_name = 'participant'
    db.create_tables([Participant])

    class User(Model):
        username = CharField(unique=True, null=True, max_length=40)
        participant = ForeignKeyField(Participant, unique=True, null=True)
        role = CharField(max_length=20)
        facility = ForeignKeyField(Facility, null=True)
        password_hash = CharField(max_length=200)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        session_version = IntegerField(default=1)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'account'
    db.create_tables([User])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True)
        action = CharField(max_length=40)
        subject = CharField(index=True, max_length=60, default='')
        on_behalf_of = ForeignKeyField(Participant, null=True)
        ip = CharField(max_length=45, default='')
        detail = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])
    for statement in APPEND_ONLY[isinstance(db, SqliteDatabase)]:
        db.execute_sql(statement)


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('account'))
    migrator.migrate(migrator.drop_table('participant'))
    migrator.migrate(migrator.drop_table('family'))
    migrator.migrate(migrator.drop_table('facility'))
    migrator.migrate(migrator.drop_table('region'))
