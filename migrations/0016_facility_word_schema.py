"""PostgreSQL: the word list of facility search (facility_word, migration 0007) names its table with
its schema. ts_stat() runs its query text when the view is refreshed, with the search_path of that
moment, and pg_restore refreshes it with an empty search_path: `flask restore` failed with
"relation facility does not exist". Nothing changes on SQLite.
"""
from peewee import *


def _view(db, schema):
    db.execute_sql("DROP MATERIALIZED VIEW IF EXISTS facility_word")
    db.execute_sql("CREATE MATERIALIZED VIEW facility_word AS SELECT word FROM "
                   f"ts_stat('SELECT search_tsv FROM {schema}.facility')")
    db.execute_sql("CREATE UNIQUE INDEX facility_word_word ON facility_word (word text_pattern_ops)")
    db.execute_sql("CREATE INDEX facility_word_trigram ON facility_word USING gin (word gin_trgm_ops)")


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
    _view(db, '"' + schema.replace('"', '""') + '"')


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):  # back to 0007's unqualified view
        db.execute_sql("DROP MATERIALIZED VIEW IF EXISTS facility_word")
        db.execute_sql("CREATE MATERIALIZED VIEW facility_word AS SELECT word FROM "
                       "ts_stat('SELECT search_tsv FROM facility')")
        db.execute_sql("CREATE UNIQUE INDEX facility_word_word ON facility_word (word text_pattern_ops)")
        db.execute_sql("CREATE INDEX facility_word_trigram ON facility_word USING gin (word gin_trgm_ops)")
