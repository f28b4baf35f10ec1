"""Contribution ledger: each family's months (due, allocated, paid on) and its summary, stored by
app/contributions/ledger.py. Existing families get theirs from `flask ledger rebuild --missing`
(run by `make db`); until then their pages compute it on the fly."""
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


def down(migrator, db):
    migrator.migrate(migrator.drop_table('family_ledger'))
    migrator.migrate(migrator.drop_table('ledger_month'))
