"""Indexes that give a person's latest rows in order, so a page reads a page of them instead of
gathering and sorting everything that person (or facility) ever did:

- audit_log (actor_id | subject | on_behalf_of_id, id): a person's trail (the access history page,
  the printable copy of their data) takes the newest entries of each kind. The old one-column
  indexes gave PostgreSQL every entry of the person to sort (12.8 ms at 5,000 entries; an index
  keeps equal keys in row order, not in id order). (actor_id, action, id): the sign-in before this
  one (every dashboard) and an officer's latest look-ups.
- visit (facility_id, id): a facility's latest visits (its staff's list of recent patients).
- consent (facilitator_id, started_at | expires_at), (participant_id, started_at): a facilitator's
  latest residents and live consents, a resident's consents given.
- booking (participant_id, visit_date): a family's bookings from a week ago on (the queue page).

Each replaces the one-column index of its first column, so every other look-up keeps an index.
On a large database run it in a quiet hour: CREATE INDEX blocks writes to its table while it builds.
"""
from peewee import *

#: (table, columns of the new index, the index it replaces or None); the old names are those of the
#: migrations that made them (0001's models named the audit log's after the class, not the table)
CHANGES = (
    ('audit_log', ('actor_id', 'id'), 'auditlog_actor_id'),
    ('audit_log', ('subject', 'id'), 'auditlog_subject'),
    ('audit_log', ('on_behalf_of_id', 'id'), 'auditlog_on_behalf_of_id'),
    ('audit_log', ('actor_id', 'action', 'id'), None),
    ('visit', ('facility_id', 'id'), 'visit_facility_id'),
    ('consent', ('facilitator_id', 'started_at'), 'consent_facilitator_id'),
    ('consent', ('facilitator_id', 'expires_at'), None),
    ('consent', ('participant_id', 'started_at'), 'consent_participant_id'),
    ('booking', ('participant_id', 'visit_date'), 'booking_participant_id'),
)


def up(migrator, db):
    for table, columns, old in CHANGES:
        migrator.migrate(migrator.add_index(table, columns))
        if old:
            migrator.migrate(migrator.drop_index(table, old))


def down(migrator, db):
    for table, columns, old in reversed(CHANGES):
        if old:  # under its old name, so that up() can run again
            db.execute_sql(f'CREATE INDEX "{old}" ON "{table}" ("{columns[0]}")')
        migrator.migrate(migrator.drop_index(table, f"{table}_{'_'.join(columns)}"))
