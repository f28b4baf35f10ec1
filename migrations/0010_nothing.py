# Generated from a schema diff on 2026-12-01 16:02.
from peewee import *

# TODO: referral: dropped index referral_participant_valid_until (partial/expression) cannot be restored by down()

def up(migrator, db):
    migrator.migrate(migrator.drop_index('referral', 'referral_participant_valid_until'))
    migrator.migrate(migrator.add_index('referral', ('participant_id', 'valid_until')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('referral', 'referral_participant_id_valid_until'))
