"""Peewee base model and the shared field helpers of every area's tables."""
import json

from peewee import OP, Expression, Field, Model, Node

from app.core import security
from app.core.db import Prepared, db, is_sqlite

#: per (model, column name), its row by primary key or a unique column as a prepared query (BaseModel.get)
_BY_KEY = {}


def _under(field, code):
    """Region codes below `code` ("32.01" → "32.01.xx"), as an index-friendly range: "/" follows ".".
    `code` may be a prepared query's placeholder."""
    low, high = (f"{code}.", f"{code}/") if isinstance(code, str) else (code.concat("."), code.concat("/"))
    return (field >= low) & (field < high)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def get(cls, *query, **filters):
        """Peewee's get, with one shortcut: a row by its primary key or a unique column (`get_by_id`,
        every foreign key followed such as `participant.family`, a facility by its code, an account
        by its username) runs a prepared query (app.core.db.Prepared)."""
        if len(query) == 1 and not filters and _is_key_lookup(cls, query[0]):
            field = query[0].lhs
            key = (cls, field.name)  # (a peewee Field's == makes SQL, not a comparison)
            if key not in _BY_KEY:
                _BY_KEY[key] = Prepared(lambda value: cls.select().where(field == value))
            row = _BY_KEY[key].first(query[0].rhs)
            if row is None:
                raise cls.DoesNotExist(f"{cls.__name__} {field.name}={query[0].rhs!r} does not exist")
            return row
        return super().get(*query, **filters)

    @classmethod
    def get_locked(cls, pk):
        """Re-read a row inside write_lock() before changing it: FOR UPDATE on PostgreSQL; on
        SQLite the IMMEDIATE transaction already keeps every other writer out."""
        query = cls.select().where(cls._meta.primary_key == pk)
        return query.get() if is_sqlite() else query.for_update().get()


def _is_key_lookup(model, expression):
    """`column == value` (not NULL, not SQL) on `model`'s primary key or one of its unique columns."""
    if not (isinstance(expression, Expression) and expression.op == OP.EQ
            and not isinstance(expression.rhs, Node)):
        return False
    field = expression.lhs
    return isinstance(field, Field) and field.model is model and (field.primary_key or field.unique)


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
