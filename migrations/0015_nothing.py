# Generated from a schema diff on 2026-12-01 17:39.
from peewee import *

# TODO: facility: dropped index facility_search_tsv cannot be restored by down() (column dropped)
# TODO: facility.search_tsv: dropped column cannot be restored by down()

def up(migrator, db):
    migrator.migrate(migrator.drop_index('facility', 'facility_search_tsv'))
    migrator.migrate(migrator.drop_column('facility', 'search_tsv'))


def down(migrator, db):
    pass
