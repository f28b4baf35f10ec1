"""Readiness: whether this app server can serve pages now (the database, and Redis when used)."""
import redis
from flask import current_app

from app.core.db import db


def _database():
    db.execute_sql("SELECT 1").fetchone()


def _redis():
    client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def readiness():
    """{check name: True when it answered}: the database always, Redis when REDIS_URL is set."""
    checks = {"database": _database}
    if current_app.config["REDIS_URL"]:
        checks["redis"] = _redis
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = True
        except Exception:  # noqa: BLE001 - any failure means "not ready"; logged, never shown
            current_app.logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = False
    return results
