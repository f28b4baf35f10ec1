"""Peewee base model and the shared field helpers of every area's tables."""
import json

from peewee import Model

from app.core import security
from app.core.db import db, is_sqlite


def _under(field, code):
    """Region codes below `code` ("32.01" → "32.01.xx"), as an index-friendly range: "/" follows "."."""
    return (field >= f"{code}.") & (field < f"{code}/")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def get_locked(cls, pk):
        """Re-read a row inside write_lock() before changing it: FOR UPDATE on PostgreSQL; on
        SQLite the IMMEDIATE transaction already keeps every other writer out."""
        query = cls.select().where(cls._meta.primary_key == pk)
        return query.get() if is_sqlite() else query.for_update().get()


class EncryptedData:
    """A JSON document kept encrypted in `data_encrypted` (it may hold NIKs)."""

    ENCRYPTION_FIELD = None

    def __init_subclass__(cls, **kwargs):
        """Each table using this mixin joins the registry of encrypted columns (key rotation)."""
        super().__init_subclass__(**kwargs)
        if cls.ENCRYPTION_FIELD:
            security.register_encrypted(cls, "data_encrypted", cls.ENCRYPTION_FIELD)

    @property
    def data(self):
        if not self.data_encrypted:
            return {}
        return json.loads(security.decrypt(self.data_encrypted, self.ENCRYPTION_FIELD))

    @data.setter
    def data(self, value):
        self.data_encrypted = security.encrypt(json.dumps(value, sort_keys=True), self.ENCRYPTION_FIELD)
