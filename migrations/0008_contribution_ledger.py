"""Contribution ledger: each family's months (due, allocated, paid on) and its summary, stored by
app/contributions/ledger.py. Existing families get theirs from `flask ledger rebuild --missing`
(run by `make db`); until then their pages compute it on the fly.

Denda versions: the dated denda pelayanan rule (percent, months counted, cap, window in days), with
the one in force since 1 January 2021 (Perpres 64/2020)."""
import datetime

from peewee import *


def up(migrator, db):
    class Family(Model):
        class Meta:
            database = db
            table_name = 'family'

    class LedgerMonth(Model):
        family = ForeignKeyField(Family, on_delete='CASCADE')
        month = DateField()
        due = IntegerField()
        allocated = IntegerField(default=0)
        paid_on = DateField(null=True)
        rules_from = DateField()
        class Meta:
            database = db
            table_name = 'ledger_month'
            indexes = ((('family', 'month'), True),)

    class FamilyLedger(Model):
        family = ForeignKeyField(Family, primary_key=True, on_delete='CASCADE')
        members = SmallIntegerField(default=0)
        credit = IntegerField(default=0)
        through = DateField(null=True)
        paid_through = DateField(null=True)
        first_settled_on = DateField(null=True)
        status = CharField(max_length=20)
        status_since = DateField(null=True)
        arrears_months = SmallIntegerField(default=0)
        as_of = DateField()
        class Meta:
            database = db
            table_name = 'family_ledger'

    db.create_tables([LedgerMonth, FamilyLedger])

    class User(Model):
        class Meta:
            database = db
            table_name = 'account'

    class DendaVersion(Model):
        effective_from = DateField(unique=True)
        percent = SmallIntegerField()
        max_months = SmallIntegerField()
        cap = BigIntegerField()
        window_days = SmallIntegerField()
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'denda_version'
    db.create_tables([DendaVersion])
    DendaVersion.insert(effective_from=datetime.date(2021, 1, 1), percent=5, max_months=12, cap=30000000,
                        window_days=45, created_at=datetime.datetime(2021, 1, 1)).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('denda_version'))
    migrator.migrate(migrator.drop_table('family_ledger'))
    migrator.migrate(migrator.drop_table('ledger_month'))
