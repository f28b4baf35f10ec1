"""PostgreSQL: a GIN index of the words of facility names alone (to_tsvector('simple', search_text)).
A search whose every word is in a name takes its page from it without scoring every match
(app/facilities/service.py, search). SQLite's FTS5 table already filters on the name column.
"""
from peewee import *


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("CREATE INDEX facility_name_words ON facility USING gin (to_tsvector('simple', search_text))")


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("DROP INDEX IF EXISTS facility_name_words")
