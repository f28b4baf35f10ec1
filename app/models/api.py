"""The office-system API (SPEC §2.6) and the SMS channel (SPEC §5.5): clients, replayable writes, SMS log."""
import hashlib
import secrets

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.core import clock
from app.models.base import BaseModel

#: every scope a client may hold
SCOPES = ("participants:write", "payments:write", "visits:write", "facilities:write", "cases:read",
          "changes:read")
TOKEN_PREFIX = "jkn_"


def token_hash(token):
    """SHA-256 of a token: tokens are 32 random bytes, so a slow hash adds nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(BaseModel):
    """Klien API: an office system allowed to call /api/v1 with a bearer token (stored hashed)."""

    name = CharField(max_length=60, unique=True)
    token_hash = CharField(max_length=64, unique=True)
    token_hint = CharField(max_length=12)  # the first characters, to tell tokens apart on the page
    scopes = CharField(max_length=200, default="")  # space separated, each in SCOPES
    created_at = DateTimeField(default=clock.now)
    revoked_at = DateTimeField(null=True)

    @property
    def scope_list(self):
        return tuple(s for s in self.scopes.split() if s in SCOPES)

    @classmethod
    def new_token(cls):
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @classmethod
    def by_token(cls, token):
        """The active client holding `token`, or None."""
        return cls.get_or_none((cls.token_hash == token_hash(token)) & cls.revoked_at.is_null())

    @classmethod
    def listed(cls):
        return cls.select().order_by(cls.revoked_at.is_null(False), cls.name)


class IdempotentWrite(BaseModel):
    """The first answer to a write sent with an Idempotency-Key, replayed for the same key and body."""

    client = ForeignKeyField(ApiClient, on_delete="CASCADE")
    key = CharField(max_length=100)
    request_hash = CharField(max_length=64)  # method, path and body
    status = IntegerField()
    response = TextField()
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("client", "key"), True),)

    @classmethod
    def find(cls, client, key):
        return cls.get_or_none((cls.client == client) & (cls.key == key))


class SmsLog(BaseModel):
    """Log of the SMS channel, without personal content: the number only as a blind index."""

    at = DateTimeField(default=clock.now, index=True)
    number_index = CharField(max_length=64, index=True)
    direction = CharField(max_length=3)  # in / out
    command = CharField(max_length=10)  # sms_commands.NAMES, or "limited"
    personal = IntegerField(default=0)  # 1 when the reply used the participant's data
    length = IntegerField(default=0)  # characters of the message

    @classmethod
    def recent_from(cls, number_index, since):
        return cls.select().where((cls.number_index == number_index) & (cls.direction == "in")
                                  & (cls.at >= since)).count()
