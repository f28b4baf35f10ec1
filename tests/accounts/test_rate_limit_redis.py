"""With REDIS_URL the sign-in limit holds across worker processes (two real processes, real Redis)."""
import subprocess
import sys
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"
WORKER = """
import sys
from app import create_app
from app.core.config import TestConfig

database_url, redis_url, attempts, ip, prefix = sys.argv[1:3] + [int(sys.argv[3])] + sys.argv[4:6]
config = type("Worker", (TestConfig,), {"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                                        "WTF_CSRF_ENABLED": False, "RATELIMIT_KEY_PREFIX": prefix,
                                        "LOGIN_RATE_LIMIT": "20 per hour"})
client = create_app(config).test_client()
print(" ".join(str(client.post("/masuk", environ_base={"REMOTE_ADDR": ip},
                               data={"identifier": "tidakada", "password": "salah-salah"}).status_code)
               for _ in range(attempts)))
"""


def worker(database_url, attempts, ip, prefix):
    result = subprocess.run([sys.executable, "-c", WORKER, database_url, REDIS_URL, str(attempts), ip, prefix],
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.split()


@pytest.mark.committed
def test_failures_counted_in_one_worker_limit_the_other(database_url):
    redis = pytest.importorskip("redis")
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    ip = f"10.{uuid.uuid4().int % 250}.0.1"
    prefix = f"test-{uuid.uuid4().hex}"  # this run's own keys: another run on the same Redis never meets them
    try:  # an hour's window, so a slow machine cannot let the first minute run out between the workers
        assert worker(database_url, 20, ip, prefix) == ["200"] * 20
        assert worker(database_url, 1, ip, prefix) == ["429"]
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
