"""Content: the editor right, articles and their target regions, announcements, the versions of the
transparency pages, and the full-text search over articles and pages.

The search index is the database's own: an FTS5 table (external content) on SQLite, a tsvector table
with a GIN index on PostgreSQL; triggers on search_entry keep either in step, so the application
only ever writes search_entry.
"""

from peewee import *


FULL_TEXT = {
    True: (  # SQLite: FTS5 over search_entry (external content), words without diacritics
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, body, content='search_entry', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
        "INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); END",
        "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); END",
        "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, summary, body) "
        "VALUES ('delete', old.id, old.title, old.summary, old.body); "
        "INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); END",
    ),
    False: (  # PostgreSQL: a weighted tsvector per entry, GIN-indexed
        "CREATE TABLE search_vector (entry_id INTEGER PRIMARY KEY REFERENCES search_entry (id) "
        "ON DELETE CASCADE, document TSVECTOR NOT NULL)",
        "CREATE INDEX search_vector_document ON search_vector USING GIN (document)",
        "CREATE OR REPLACE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO search_vector (entry_id, document) VALUES (NEW.id, "
        "setweight(to_tsvector('simple', NEW.title), 'A') || setweight(to_tsvector('simple', NEW.summary), 'B') "
        "|| setweight(to_tsvector('simple', NEW.body), 'C')) "
        "ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document; RETURN NEW; END $$",
        "CREATE TRIGGER search_entry_vector AFTER INSERT OR UPDATE ON search_entry "
        "FOR EACH ROW EXECUTE FUNCTION search_entry_vector()",
    ),
}


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    migrator.migrate(migrator.add_column('account', 'is_editor', BooleanField(default=False)))

    class Article(Model):
        kind = CharField(max_length=20)
        title = CharField(max_length=150)
        summary = CharField(max_length=300)
        body_markdown = TextField()
        body_html = TextField()
        status = CharField(max_length=10, default='draft')
        published_at = DateTimeField(null=True)
        image = CharField(max_length=40, null=True)
        image_alt = CharField(max_length=200, default='')
        withdrawn_at = DateTimeField(null=True)
        withdrawn_reason = CharField(max_length=300, default='')
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'article'
            indexes = ((('status', 'published_at'), False),)
    db.create_tables([Article])

    class ArticleRegion(Model):
        article = ForeignKeyField(Article, on_delete='CASCADE')
        region_code = CharField(max_length=5)
        class Meta:
            database = db
            table_name = 'article_region'
            indexes = ((('article', 'region_code'), True), (('region_code',), False))
    db.create_tables([ArticleRegion])

    class Announcement(Model):
        kind = CharField(max_length=20)
        title = CharField(max_length=100)
        body = TextField()
        region_code = CharField(max_length=5, default='')
        segment = CharField(max_length=4, default='')
        shown_from = DateField()
        shown_until = DateField()
        stopped = BooleanField(default=False)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'announcement'
            indexes = ((('shown_until', 'shown_from'), False),)
    db.create_tables([Announcement])

    class PageVersion(Model):
        slug = CharField(max_length=30)
        number = SmallIntegerField()
        title = CharField(max_length=150)
        body_markdown = TextField()
        body_html = TextField()
        effective_from = DateField()
        source = CharField(max_length=300)
        note = CharField(max_length=300, default='')
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'page_version'
            indexes = ((('slug', 'number'), True),)
    db.create_tables([PageVersion])

    class SearchEntry(Model):
        key = CharField(max_length=40, unique=True)
        title = CharField(max_length=150)
        summary = CharField(max_length=300, default='')
        body = TextField()
        visible_from = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'search_entry'
    db.create_tables([SearchEntry])
    for statement in FULL_TEXT[isinstance(db, SqliteDatabase)]:
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TABLE search_fts")
    else:
        db.execute_sql("DROP TABLE search_vector")
        db.execute_sql("DROP FUNCTION search_entry_vector() CASCADE")
    for table in ('search_entry', 'page_version', 'announcement', 'article_region', 'article'):
        migrator.migrate(migrator.drop_table(table))
    migrator.migrate(migrator.drop_column('account', 'is_editor'))
