"""Facility services (layanan) move from the facility_service table into a column of the facility:
its service codes, space-separated and sorted ("igd_24_jam kia"). A nearest search filtered by a
service then reads one table: on PostgreSQL a GIN index of the codes (as an array) meets the
location index in one bitmap, instead of probing every facility of a 200 km box for the service
(app/facilities/service.py).
"""
from peewee import *


def up(migrator, db):
    # plain ALTER TABLE: the migrator would rebuild SQLite's table, dropping the triggers that keep
    # the facility_fts index (migration 0007)
    db.execute_sql("ALTER TABLE facility ADD COLUMN services TEXT NOT NULL DEFAULT ''")
    if isinstance(db, SqliteDatabase):
        db.execute_sql("UPDATE facility SET services = coalesce((SELECT group_concat(service, ' ') FROM "
                       "(SELECT service FROM facility_service s WHERE s.facility_id = facility.id "
                       "ORDER BY service)), '')")
    else:
        db.execute_sql("UPDATE facility SET services = s.codes FROM (SELECT facility_id, "
                       "string_agg(service, ' ' ORDER BY service) AS codes FROM facility_service "
                       "GROUP BY facility_id) s WHERE s.facility_id = facility.id")
        db.execute_sql("CREATE INDEX facility_services ON facility USING gin (string_to_array(services, ' ')) "
                       "WITH (fastupdate = off)")
    migrator.migrate(migrator.drop_table('facility_service'))


def down(migrator, db):
    class Facility(Model):
        class Meta:
            database = db
            table_name = 'facility'

    class FacilityService(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        service = CharField(max_length=30)

        class Meta:
            database = db
            table_name = 'facility_service'
            indexes = ((('facility', 'service'), True), (('service', 'facility'), False))

    db.create_tables([FacilityService])
    for pk, codes in db.execute_sql("SELECT id, services FROM facility WHERE services <> ''").fetchall():
        FacilityService.insert_many([{'facility': pk, 'service': code} for code in codes.split()]).execute()
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("DROP INDEX IF EXISTS facility_services")
    db.execute_sql("ALTER TABLE facility DROP COLUMN services")
