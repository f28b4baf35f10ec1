"""Tambah anggota checked like the office would (member_addition: what waits for an officer);
poli days, closing time and BPJS poli code; BPJS partnership that can be unknown (facility.is_partner NULL) with its dates; facility text search
(search_text and search_place, indexed by FTS5 on SQLite, by a tsvector column and pg_trgm words on
PostgreSQL).

On SQLite the FTS5 index follows the facility table through triggers: a later migration that
rebuilds the facility table (peewee's SQLite migrator does for some column changes) must create
them again (see _sqlite_search below).
"""
import datetime

from peewee import *

from app.rules import facilities as facility_rules

#: sources whose lists do not say whether a facility is a BPJS partner (it was stored as False)
PARTNER_UNKNOWN_SOURCES = ('hospitals', 'jakarta')


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

    migrator.migrate(
        migrator.drop_not_null('facility', 'is_partner'),
        migrator.add_column('facility', 'partner_from', DateField(null=True)),
        migrator.add_column('facility', 'partner_until', DateField(null=True)),
        migrator.add_column('facility', 'search_text', TextField(default='')),
        migrator.add_column('facility', 'search_place', TextField(default='')),
    )
    db.execute_sql("UPDATE facility SET is_partner = NULL WHERE is_partner = %s AND source IN (%s, %s)"
                   .replace('%s', '?' if _sqlite(db) else '%s'), (False, *PARTNER_UNKNOWN_SOURCES))
    migrator.migrate(
        migrator.add_column('poli', 'bpjs_code', CharField(max_length=3, default='')),
        migrator.add_column('poli', 'weekdays', CharField(max_length=7, default='0123456')),
        migrator.add_column('poli', 'end_time', CharField(max_length=5, default='14:00')),
    )
    _fill_search_text(db)
    if _sqlite(db):
        _sqlite_search(db)
    else:
        _postgresql_search(db)


def _sqlite(db):
    return isinstance(db, SqliteDatabase)


def _fill_search_text(db):
    param = '?' if _sqlite(db) else '%s'
    rows = db.execute_sql(
        "SELECT f.id, f.name, f.kind, f.address, d.name, r.name FROM facility f "
        "LEFT JOIN region d ON d.code = f.district_code LEFT JOIN region r ON r.code = f.regency_code").fetchall()
    for pk, name, kind, address, district, regency in rows:
        db.execute_sql(f"UPDATE facility SET search_text = {param}, search_place = {param} WHERE id = {param}",
                       (facility_rules.name_text(name, kind),
                        facility_rules.place_text(address, district, regency), pk))


def _sqlite_search(db):
    for statement in (
        "CREATE VIRTUAL TABLE facility_fts USING fts5(search_text, search_place, content='facility', "
        "content_rowid='id')",
        "CREATE VIRTUAL TABLE facility_fts_vocab USING fts5vocab(facility_fts, 'row')",
        "CREATE TRIGGER facility_fts_insert AFTER INSERT ON facility BEGIN "
        "INSERT INTO facility_fts (rowid, search_text, search_place) VALUES (new.id, new.search_text, new.search_place); END",
        "CREATE TRIGGER facility_fts_delete AFTER DELETE ON facility BEGIN "
        "INSERT INTO facility_fts (facility_fts, rowid, search_text, search_place) "
        "VALUES ('delete', old.id, old.search_text, old.search_place); END",
        "CREATE TRIGGER facility_fts_update AFTER UPDATE OF search_text, search_place ON facility BEGIN "
        "INSERT INTO facility_fts (facility_fts, rowid, search_text, search_place) "
        "VALUES ('delete', old.id, old.search_text, old.search_place); "
        "INSERT INTO facility_fts (rowid, search_text, search_place) VALUES (new.id, new.search_text, new.search_place); END",
        "INSERT INTO facility_fts (facility_fts) VALUES ('rebuild')",
    ):
        db.execute_sql(statement)


def _postgresql_search(db):
    for statement in (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "ALTER TABLE facility ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', search_text || ' ' || search_place)) STORED",
        "CREATE INDEX facility_search_tsv ON facility USING gin (search_tsv)",
        # every word of every facility, for typos (refreshed after imports: app/facilities/service.py)
        "CREATE MATERIALIZED VIEW facility_word AS SELECT word FROM ts_stat('SELECT search_tsv FROM facility')",
        "CREATE UNIQUE INDEX facility_word_word ON facility_word (word text_pattern_ops)",
        "CREATE INDEX facility_word_trigram ON facility_word USING gin (word gin_trgm_ops)",
    ):
        db.execute_sql(statement)


def down(migrator, db):
    if _sqlite(db):
        for name in ('facility_fts_insert', 'facility_fts_delete', 'facility_fts_update'):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        db.execute_sql("DROP TABLE IF EXISTS facility_fts_vocab")
        db.execute_sql("DROP TABLE IF EXISTS facility_fts")
    else:
        db.execute_sql("DROP MATERIALIZED VIEW IF EXISTS facility_word")
        db.execute_sql("ALTER TABLE facility DROP COLUMN search_tsv")
    migrator.migrate(
        migrator.drop_column('poli', 'end_time'),
        migrator.drop_column('poli', 'weekdays'),
        migrator.drop_column('poli', 'bpjs_code'),
        migrator.drop_column('facility', 'search_place'),
        migrator.drop_column('facility', 'search_text'),
        migrator.drop_column('facility', 'partner_until'),
        migrator.drop_column('facility', 'partner_from'),
    )
    migrator.migrate(migrator.drop_table('member_addition'))
