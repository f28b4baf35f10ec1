"""PostgreSQL: a GIN index of the words of facility names alone (to_tsvector('simple', search_text)):
a search whose every word is in a name takes its page from it without scoring every match
(app/facilities/service.py, search). SQLite's FTS5 table already filters on the name column.

Both GIN indexes of facility search write straight into the index (fastupdate off): with the default,
new rows wait in a pending list that every search scans in full until a vacuum merges it, and after
an import of 35,000 facilities that made each search 11-13 ms slower (70,000 pending entries).
Facilities change seldom; searches are constant.
"""
from peewee import *


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql("CREATE INDEX facility_name_words ON facility USING gin (to_tsvector('simple', search_text)) "
                   "WITH (fastupdate = off)")
    db.execute_sql("ALTER INDEX facility_search_tsv SET (fastupdate = off)")
    db.execute_sql("SELECT gin_clean_pending_list('facility_search_tsv'::regclass)")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql("DROP INDEX IF EXISTS facility_name_words")
    db.execute_sql("ALTER INDEX facility_search_tsv RESET (fastupdate)")
