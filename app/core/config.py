"""Configuration, read from the environment once, when the app is created.

APP_ENV chooses the class: `production` (the default: secrets must be given), `development`
(`make run`: missing secrets are generated once under instance/) or `test`.
"""
import base64
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository
INSTANCE = ROOT / "instance"

#: Secrets that production must receive from the environment.
SECRET_NAMES = ("SECRET_KEY", "FIELD_KEY", "PASSWORD_PEPPER")


def _env_int(name, default):
    return int(os.environ.get(name, default))


# --- Payment callbacks (contributions issue) ----------------------------------------------------
#: The documented secret of the "demo" payment channel (README, "Payment callback API"): only
#: DevConfig and TestConfig add it; production never has it (app/contributions.py refuses it there).
DEMO_PAYMENT_CHANNEL = "demo"
DEMO_PAYMENT_SECRET = "jkn-lite-demo-callback-secret"


DEMO_SMS_GATEWAY = "demo"
DEMO_SMS_SECRET = "jkn-lite-demo-sms-secret"


def _payment_channel_secrets(name="PAYMENT_CHANNEL_SECRETS"):
    """PAYMENT_CHANNEL_SECRETS (or SMS_GATEWAY_SECRETS) from the environment: a JSON object
    {"channel": "secret", …}."""
    raw = os.environ.get(name, "").strip()
    try:
        secrets_by_channel = json.loads(raw) if raw else {}
    except ValueError:
        secrets_by_channel = None
    if not isinstance(secrets_by_channel, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in secrets_by_channel.items()):
        raise ValueError(f'{name} must be a JSON object {{"channel": "secret", ...}}')
    return secrets_by_channel
# --- end of payment callbacks --------------------------------------------------------------------


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: base64 of 32 random bytes: encrypts NIKs and keys their blind index.
    FIELD_KEY = os.environ.get("FIELD_KEY")
    #: during a key rotation only: the key being replaced (values not yet re-encrypted still read)
    FIELD_KEY_PREVIOUS = os.environ.get("FIELD_KEY_PREVIOUS") or None
    #: mixed into every password hash; kept outside the database.
    PASSWORD_PEPPER = os.environ.get("PASSWORD_PEPPER")

    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'jkn-lite.db'}")
    REDIS_URL = os.environ.get("REDIS_URL")
    #: number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    SESSION_COOKIE_NAME = "jkn"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(0)
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 15)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)

    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True
    MAX_CONTENT_LENGTH = 3 * 1024 * 1024  # a document photo (2 MB) and the form around it

    VA_ISSUER = os.environ.get("VA_ISSUER", "app.contributions.va:LocalVaIssuer")
    #: payment channel → HMAC secret of its callbacks (JSON in the environment variable of that name)
    PAYMENT_CHANNEL_SECRETS = _payment_channel_secrets()
    #: SMS gateway → HMAC secret of its inbound webhook (JSON, like PAYMENT_CHANNEL_SECRETS)
    SMS_GATEWAY_SECRETS = _payment_channel_secrets("SMS_GATEWAY_SECRETS")
    SMS_RATE_LIMIT = _env_int("SMS_RATE_LIMIT", 10)  # inbound messages per number per hour
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")  # per API client
    API_MAX_BODY_BYTES = 512 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
    UPLOAD_MAX_BYTES = 2 * 1024 * 1024

    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    ACCESS_CODE_RATE_LIMIT = os.environ.get("ACCESS_CODE_RATE_LIMIT", "10 per 10 minutes")
    LOCKOUT_THRESHOLD = _env_int("LOCKOUT_THRESHOLD", 10)
    LOCKOUT_MINUTES = _env_int("LOCKOUT_MINUTES", 15)
    KIOSK_IDLE_SECONDS = _env_int("KIOSK_IDLE_SECONDS", 120)
    KIOSK_SIGN_IN_RATE_LIMIT = os.environ.get("KIOSK_SIGN_IN_RATE_LIMIT", "10 per minute")
    CONSENT_RATE_LIMIT = os.environ.get("CONSENT_RATE_LIMIT", "10 per 10 minutes")

    BABEL_DEFAULT_LOCALE = "id"
    LANGUAGES = ("id", "en")

    #: SMS (app/core/sms.py): "http" (a JSON gateway) or "console" (development: the app log)
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "http" if os.environ.get("SMS_GATEWAY_URL") else "console")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
    #: HMAC secret of the gateway's delivery reports (POST /sms/laporan)
    SMS_WEBHOOK_SECRET = os.environ.get("SMS_WEBHOOK_SECRET", "")

    #: how long a public page is kept for anonymous visitors (app/core/pagecache.py); 0: not at all
    PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 60)
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 256
    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/json", "image/svg+xml"]
    #: no page of those types carries a validator (ETag, Last-Modified): nothing to evaluate, and
    #: Werkzeug's make_conditional on every response cost ~2 % of a page (the Atom feed, which has
    #: them, is not compressed and answers its conditional GETs itself)
    COMPRESS_EVALUATE_CONDITIONAL_REQUEST = False


class DevConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    PAYMENT_CHANNEL_SECRETS = {DEMO_PAYMENT_CHANNEL: DEMO_PAYMENT_SECRET, **Config.PAYMENT_CHANNEL_SECRETS}
    SMS_GATEWAY_SECRETS = {DEMO_SMS_GATEWAY: DEMO_SMS_SECRET, **Config.SMS_GATEWAY_SECRETS}


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    FIELD_KEY = base64.b64encode(b"k" * 32).decode()
    PASSWORD_PEPPER = "test-pepper"
    DATABASE_URL = "sqlite:///:memory:"
    REDIS_URL = None
    SESSION_COOKIE_SECURE = False
    PAYMENT_CHANNEL_SECRETS = {DEMO_PAYMENT_CHANNEL: DEMO_PAYMENT_SECRET}
    SMS_GATEWAY = "console"
    TASKS_ENQUEUE = False  # tests run the jobs themselves (or huey's immediate mode)
    PAGE_CACHE_SECONDS = 0  # every test sees its own changes at once (tests/core/test_pagecache.py: on)
    SMS_WEBHOOK_SECRET = "test-sms-webhook-secret"
    SMS_GATEWAY_SECRETS = {DEMO_SMS_GATEWAY: DEMO_SMS_SECRET}


CONFIGS = {"production": Config, "development": DevConfig, "test": TestConfig}


def config_from_env():
    return CONFIGS.get(os.environ.get("APP_ENV", "production"), Config)


def dev_secrets():
    """Secrets for a development run, generated once under instance/ (never committed)."""
    path = INSTANCE / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PASSWORD_PEPPER": secrets.token_urlsafe(24),
    }
    INSTANCE.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its secrets
        return json.loads(path.read_text())
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    return values
