"""Feedback after a visit (visit_feedback) and Case.visit_id as a real link to the visit: an index on
both databases, a foreign key constraint on PostgreSQL (SQLite cannot add one to an existing table
without rebuilding it; there the service checks the visit belongs to the case's family)."""
from peewee import *
from playhouse.migrate import SqliteMigrator


def up(migrator, db):
    class Visit(Model):
        class Meta:
            database = db
            table_name = 'visit'

    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class Case(Model):
        class Meta:
            database = db
            table_name = 'service_case'

    class VisitFeedback(Model):
        visit = ForeignKeyField(Visit, unique=True)
        participant = ForeignKeyField(Participant)
        asked_at = DateTimeField()
        answered_at = DateTimeField(null=True)
        answered_by = ForeignKeyField(User, null=True)
        treated = BooleanField(null=True)
        asked_to_pay = BooleanField(null=True)
        all_medicines = BooleanField(null=True)
        satisfaction = SmallIntegerField(null=True)
        case = ForeignKeyField(Case, null=True)
        class Meta:
            database = db
            table_name = 'visit_feedback'
            indexes = ((('answered_at',), False),)

    db.create_tables([VisitFeedback])
    # a case can only name a visit that exists: clear any stray number before the constraint
    db.execute_sql('UPDATE service_case SET visit_id = NULL WHERE visit_id IS NOT NULL '
                   'AND visit_id NOT IN (SELECT id FROM visit)')
    migrator.migrate(migrator.add_index('service_case', ('visit_id',)))
    if not isinstance(migrator, SqliteMigrator):
        migrator.migrate(migrator.add_foreign_key_constraint('service_case', 'visit_id', 'visit', 'id'))


def down(migrator, db):
    if not isinstance(migrator, SqliteMigrator):
        db.execute_sql('ALTER TABLE service_case DROP CONSTRAINT IF EXISTS fk_service_case_visit_id_refs_visit')
    migrator.migrate(migrator.drop_index('service_case', 'service_case_visit_id'))
    migrator.migrate(migrator.drop_table('visit_feedback'))
