"""Facility services: index (service, facility) for "which facilities offer X" in a nearest search."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.drop_index('facility_service', 'facilityservice_service'))
    migrator.migrate(migrator.add_index('facility_service', ('service', 'facility_id')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('facility_service', 'facility_service_service_facility_id'))
    migrator.migrate(migrator.add_index('facility_service', ('service',), name='facilityservice_service'))
