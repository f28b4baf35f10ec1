"""Facilities: search name and region codes, services, opening hours, beds, poli, referrals and
the online queue (antrean).
"""
import datetime

from peewee import *


def up(migrator, db):
    class Facility(Model):
        class Meta:
            database = db
            table_name = 'facility'

    class Participant(Model):
        class Meta:
            database = db
            table_name = 'participant'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class BedAvailability(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        bed_class = CharField(max_length=20)
        available = IntegerField()
        total = IntegerField()
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'bed_availability'
            indexes = ((('facility', 'bed_class'), True),)
    db.create_tables([BedAvailability])

    class Poli(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        code = CharField(max_length=20)
        name = CharField(max_length=60)
        start_time = CharField(max_length=5, default='08:00')
        service_minutes = SmallIntegerField(default=10)
        daily_quota = SmallIntegerField(default=40)
        class Meta:
            database = db
            table_name = 'poli'
            indexes = ((('facility', 'code'), True),)
    db.create_tables([Poli])

    class Referral(Model):
        participant = ForeignKeyField(Participant)
        from_facility = ForeignKeyField(Facility)
        to_facility = ForeignKeyField(Facility)
        poli_code = CharField(max_length=20)
        issued_on = DateField()
        valid_until = DateField()
        class Meta:
            database = db
            table_name = 'referral'
    db.create_tables([Referral])

    class Booking(Model):
        participant = ForeignKeyField(Participant)
        poli = ForeignKeyField(Poli)
        visit_date = DateField()
        number = SmallIntegerField()
        code = CharField(unique=True, max_length=12)
        status = CharField(max_length=12, default='aktif')
        active_key = SmallIntegerField(null=True, default=1)
        request_key = CharField(unique=True, null=True, max_length=40)
        referral = ForeignKeyField(Referral, null=True)
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'booking'
            indexes = ((('participant', 'poli', 'visit_date', 'active_key'), True), (('poli', 'visit_date', 'number'), True))
    db.create_tables([Booking])

    class FacilityService(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        service = CharField(index=True, max_length=30)
        class Meta:
            database = db
            table_name = 'facility_service'
            indexes = ((('facility', 'service'), True),)
    db.create_tables([FacilityService])

    class OpeningHours(Model):
        facility = ForeignKeyField(Facility, on_delete='CASCADE')
        weekday = SmallIntegerField()
        opens = CharField(max_length=5)
        closes = CharField(max_length=5)
        class Meta:
            database = db
            table_name = 'opening_hours'
            indexes = ((('facility', 'weekday'), True),)
    db.create_tables([OpeningHours])

    class PoliDay(Model):
        poli = ForeignKeyField(Poli, on_delete='CASCADE')
        visit_date = DateField()
        issued = SmallIntegerField(default=0)
        booked = SmallIntegerField(default=0)
        now_serving = SmallIntegerField(default=0)
        class Meta:
            database = db
            table_name = 'poli_day'
            indexes = ((('poli', 'visit_date'), True),)
    db.create_tables([PoliDay])

    migrator.migrate(migrator.add_column('facility', 'search_name', CharField(index=True, max_length=150, default='')))
    migrator.migrate(migrator.add_column('facility', 'hospital_class', CharField(max_length=12, default='')))
    migrator.migrate(migrator.add_column('facility', 'province_code', CharField(index=True, max_length=2, default='')))
    migrator.migrate(migrator.add_column('facility', 'regency_code', CharField(index=True, max_length=5, default='')))
    migrator.migrate(migrator.add_column('facility', 'source', CharField(max_length=20, default='demo')))
    migrator.migrate(migrator.add_column('facility', 'updated_at', DateTimeField(default=datetime.datetime(2026, 11, 1))))
    migrator.migrate(migrator.add_index('facility', ('kind',)))
    migrator.migrate(migrator.add_index('facility', ('latitude', 'longitude')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('facility', 'facility_search_name'))
    migrator.migrate(migrator.drop_index('facility', 'facility_regency_code'))
    migrator.migrate(migrator.drop_index('facility', 'facility_province_code'))
    migrator.migrate(migrator.drop_index('facility', 'facility_latitude_longitude'))
    migrator.migrate(migrator.drop_index('facility', 'facility_kind'))
    migrator.migrate(migrator.drop_column('facility', 'updated_at'))
    migrator.migrate(migrator.drop_column('facility', 'source'))
    migrator.migrate(migrator.drop_column('facility', 'regency_code'))
    migrator.migrate(migrator.drop_column('facility', 'province_code'))
    migrator.migrate(migrator.drop_column('facility', 'hospital_class'))
    migrator.migrate(migrator.drop_column('facility', 'search_name'))
    migrator.migrate(migrator.drop_table('poli_day'))
    migrator.migrate(migrator.drop_table('opening_hours'))
    migrator.migrate(migrator.drop_table('facility_service'))
    migrator.migrate(migrator.drop_table('booking'))
    migrator.migrate(migrator.drop_table('referral'))
    migrator.migrate(migrator.drop_table('poli'))
    migrator.migrate(migrator.drop_table('bed_availability'))
