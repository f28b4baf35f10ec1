"""Secrets at rest: password hashes (argon2id + pepper), field encryption and blind indexes.

Keys come from the app config (FIELD_KEY, PASSWORD_PEPPER); sub-keys are derived with HKDF so one
field key never serves two purposes. A ciphertext names the key that sealed it
(`v2:<key id>:<base64>`), so during a key rotation (`flask rotate-field-key`, app/core/rotation.py)
FIELD_KEY (the new key) and FIELD_KEY_PREVIOUS (the old one) are both accepted: values not yet
re-encrypted still decrypt, and look-ups by blind index try both keys.

Every encrypted column is registered in ENCRYPTED_FIELDS (`encrypted_field` below, or automatically
by the EncryptedData mixin), so the rotation finds the columns other areas add.
"""
import base64
import hashlib
import hmac
import os

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: OWASP's argon2id floor: 19 MiB, 2 passes.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
_CIPHER_VERSION = "v2"  # v2:<key id>:<base64 of nonce + sealed>; v1:<base64> (no key id) still reads


class FieldKey:
    """One FIELD_KEY's derived keys and its public id (names the key in a ciphertext)."""

    def __init__(self, field_key, name="FIELD_KEY"):
        raw = base64.b64decode(field_key)
        if len(raw) != 32:
            raise ValueError(f"{name} must be base64 of 32 bytes")
        self.encryption = _derive(raw, b"jkn-lite field encryption")
        self.cipher = AESGCM(self.encryption)  # made once: every masked NIK on a page is a decryption
        self.blind_index = _derive(raw, b"jkn-lite blind index")
        self.id = _derive(raw, b"jkn-lite key id")[:4].hex()


class Keys:
    def __init__(self, field_key, pepper, previous_field_key=None):
        self.current = FieldKey(field_key)
        self.previous = FieldKey(previous_field_key, "FIELD_KEY_PREVIOUS") if previous_field_key else None
        self.by_id = {key.id: key for key in (self.previous, self.current) if key}
        self.pepper = pepper.encode()
        self.dummy_hash = None  # made on first use: verified against when no account matches

    @property
    def all(self):
        """The keys to try, the current one first."""
        return [key for key in (self.current, self.previous) if key]


def _derive(key, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def init_app(app):
    app.extensions["jkn_keys"] = Keys(app.config["FIELD_KEY"], app.config["PASSWORD_PEPPER"],
                                      app.config.get("FIELD_KEY_PREVIOUS"))


# --- the registry of encrypted columns ------------------------------------------------------------

class EncryptedField:
    """A column holding `encrypt(value, field)`; `index` names the column of its blind index, if any."""

    def __init__(self, model, column, field, index=None):
        self.model, self.column, self.field, self.index = model, column, field, index

    def __repr__(self):
        return f"{self.model.__name__}.{self.column}"


#: every encrypted column of every table (filled when app.models is imported)
ENCRYPTED_FIELDS = []


def encrypted_field(column, field, index=None):
    """Class decorator of a model: `column` holds values encrypted as `field`, `index` their blind index."""

    def register(model):
        register_encrypted(model, column, field, index)
        return model

    return register


def register_encrypted(model, column, field, index=None):
    if not any(f.model is model and f.column == column for f in ENCRYPTED_FIELDS):
        ENCRYPTED_FIELDS.append(EncryptedField(model, column, field, index))


def _keys():
    return current_app.extensions["jkn_keys"]


def _peppered(password):
    return hmac.new(_keys().pepper, password.encode(), hashlib.sha256).hexdigest()


def hash_password(password):
    return _hasher.hash(_peppered(password))


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash, _peppered(password))
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)


def burn_password_check(password):
    """Spend the time of a real check, so an unknown account answers as slowly as a known one."""
    keys = _keys()
    if keys.dummy_hash is None:
        keys.dummy_hash = hash_password(os.urandom(16).hex())
    verify_password(keys.dummy_hash, password)


def encrypt(value, field):
    """AES-256-GCM with the current key and the field name bound in, so a ciphertext cannot be
    moved to another field."""
    key = _keys().current
    nonce = os.urandom(12)
    sealed = key.cipher.encrypt(nonce, value.encode(), field.encode())
    return f"{_CIPHER_VERSION}:{key.id}:{base64.b64encode(nonce + sealed).decode()}"


def current_key_prefix():
    """What every ciphertext sealed with the current key starts with (the rotation's marker)."""
    return f"{_CIPHER_VERSION}:{_keys().current.id}:"


def decrypt(token, field):
    """The plain value, with whichever configured key sealed it."""
    version, _, rest = token.partition(":")
    if version == _CIPHER_VERSION:
        key_id, _, payload = rest.partition(":")
        key = _keys().by_id.get(key_id)
        if key is None:
            raise ValueError(f"no configured key has the id {key_id!r} (FIELD_KEY, FIELD_KEY_PREVIOUS)")
        candidates = [key]
    elif version == "v1":  # written before key ids: by the current key, or the previous one
        payload, candidates = rest, _keys().all
    else:
        raise ValueError(f"unknown cipher version {version!r}")
    raw = base64.b64decode(payload)
    for key in candidates:
        try:
            return key.cipher.decrypt(raw[:12], raw[12:], field.encode()).decode()
        except InvalidTag:
            continue
    raise InvalidTag()


def blind_index(value, field):
    """Keyed hash (current key) for exact look-up and uniqueness without storing the value."""
    return _blind_index(_keys().current, value, field)


def blind_indexes(value, field):
    """The blind index of `value` under every configured key, current first: what a look-up must
    try while a rotation is under way (rows not yet rebuilt keep the previous key's index)."""
    return [_blind_index(key, value, field) for key in _keys().all]


def _blind_index(key, value, field):
    message = f"{field}:{value}".encode()
    return hmac.new(key.blind_index, message, hashlib.sha256).hexdigest()
