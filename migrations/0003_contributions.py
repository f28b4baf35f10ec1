"""Contributions: rate versions (seeded with the 2020-07-01 and 2021-01-01 tables), REHAB plans,
auto-debit, payment status and the callback log.
"""
import datetime

from peewee import *


def up(migrator, db):
    class Family(Model):
        class Meta:
            database = db
            table_name = 'family'

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class AutoDebit(Model):
        family = ForeignKeyField(Family)
        channel = CharField(max_length=30)
        account_hint = CharField(max_length=20)
        debit_day = SmallIntegerField()
        active = BooleanField(default=True)
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'auto_debit'
    db.create_tables([AutoDebit])

    class CallbackEvent(Model):
        received_at = DateTimeField(index=True)
        channel = CharField(max_length=30, default='')
        reference = CharField(max_length=64, default='')
        outcome = CharField(max_length=20)
        ip = CharField(max_length=45, default='')
        detail = TextField(default='')
        class Meta:
            database = db
            table_name = 'callback_event'
    db.create_tables([CallbackEvent])

    class RateVersion(Model):
        effective_from = DateField(unique=True)
        class1 = IntegerField()
        class2 = IntegerField()
        class3 = IntegerField()
        class3_government_share = IntegerField()
        pbi_rate = IntegerField()
        ppu_employer_percent = SmallIntegerField(default=4)
        ppu_worker_percent = SmallIntegerField(default=1)
        ppu_wage_ceiling = IntegerField(default=12000000)
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rate_version'
    db.create_tables([RateVersion])
    RateVersion.insert_many([
        # Perpres 64/2020: kelas 3 pays 25.500 (government 16.500) from July 2020, 35.000 (7.000) from 2021
        {"effective_from": datetime.date(2020, 7, 1), "class1": 150000, "class2": 100000, "class3": 42000,
         "class3_government_share": 16500, "pbi_rate": 42000, "created_at": datetime.datetime(2020, 7, 1)},
        {"effective_from": datetime.date(2021, 1, 1), "class1": 150000, "class2": 100000, "class3": 42000,
         "class3_government_share": 7000, "pbi_rate": 42000, "created_at": datetime.datetime(2021, 1, 1)},
    ]).execute()

    class RehabPlan(Model):
        family = ForeignKeyField(Family)
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True)
        arrears_months = SmallIntegerField()
        total = IntegerField()
        status = CharField(index=True, max_length=6, default='aktif')
        class Meta:
            database = db
            table_name = 'rehab_plan'
    db.create_tables([RehabPlan])

    class RehabInstalment(Model):
        plan = ForeignKeyField(RehabPlan)
        number = SmallIntegerField()
        due_on = DateField()
        amount = IntegerField()
        class Meta:
            database = db
            table_name = 'rehab_instalment'
    db.create_tables([RehabInstalment])

    migrator.migrate(migrator.add_column('payment', 'status', CharField(max_length=10, default='applied')))
    migrator.migrate(migrator.add_column('payment', 'unmatched_reason', CharField(max_length=30, default='')))
    migrator.migrate(migrator.add_column('payment', 'resolved_by_id', ForeignKeyField(User, field=User.id, null=True)))
    migrator.migrate(migrator.add_column('payment', 'resolved_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('payment', 'resolution_note', TextField(default='')))
    migrator.migrate(migrator.add_index('payment', ('family_id', 'paid_at')))
    migrator.migrate(migrator.add_index('payment', ('status', 'received_at')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('payment', 'payment_status_received_at'))
    migrator.migrate(migrator.drop_index('payment', 'payment_resolved_by_id'))
    migrator.migrate(migrator.drop_index('payment', 'payment_family_id_paid_at'))
    migrator.migrate(migrator.drop_column('payment', 'resolution_note'))
    migrator.migrate(migrator.drop_column('payment', 'resolved_at'))
    migrator.migrate(migrator.drop_column('payment', 'resolved_by_id'))
    migrator.migrate(migrator.drop_column('payment', 'unmatched_reason'))
    migrator.migrate(migrator.drop_column('payment', 'status'))
    migrator.migrate(migrator.drop_table('rehab_instalment'))
    migrator.migrate(migrator.drop_table('rehab_plan'))
    migrator.migrate(migrator.drop_table('rate_version'))
    migrator.migrate(migrator.drop_table('callback_event'))
    migrator.migrate(migrator.drop_table('auto_debit'))
