"""Operations (issue 16): failed re-authentications are counted per account, apart from the sign-in
lockout counter, so a stolen session that guesses the current password ends instead of locking the
owner out."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('account', 'reauth_failures', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('account', 'reauth_failures'))
