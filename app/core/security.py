"""Secrets at rest: password hashes (argon2id + pepper), NIK encryption and its blind index.

Keys come from the app config (FIELD_KEY, PASSWORD_PEPPER); sub-keys are derived with HKDF so one
field key never serves two purposes.
"""
import base64
import hashlib
import hmac
import os

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: OWASP's argon2id floor: 19 MiB, 2 passes.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
_CIPHER_VERSION = "v1"


class Keys:
    def __init__(self, field_key, pepper):
        raw = base64.b64decode(field_key)
        if len(raw) != 32:
            raise ValueError("FIELD_KEY must be base64 of 32 bytes")
        self.encryption = _derive(raw, b"jkn-lite field encryption")
        self.blind_index = _derive(raw, b"jkn-lite blind index")
        self.pepper = pepper.encode()
        self.dummy_hash = None  # made on first use: verified against when no account matches


def _derive(key, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def init_app(app):
    app.extensions["jkn_keys"] = Keys(app.config["FIELD_KEY"], app.config["PASSWORD_PEPPER"])


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
    """AES-256-GCM with the field name bound in, so a ciphertext cannot be moved to another field."""
    nonce = os.urandom(12)
    sealed = AESGCM(_keys().encryption).encrypt(nonce, value.encode(), field.encode())
    return f"{_CIPHER_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token, field):
    version, _, payload = token.partition(":")
    if version != _CIPHER_VERSION:
        raise ValueError(f"unknown cipher version {version!r}")
    raw = base64.b64decode(payload)
    return AESGCM(_keys().encryption).decrypt(raw[:12], raw[12:], field.encode()).decode()


def blind_index(value, field):
    """Keyed hash for exact look-up and uniqueness without storing the value."""
    message = f"{field}:{value}".encode()
    return hmac.new(_keys().blind_index, message, hashlib.sha256).hexdigest()
