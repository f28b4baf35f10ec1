"""Graceful shutdown, for real: gunicorn (with the repo's gunicorn.conf.py) on 127.0.0.1 receives a
slow request, its master gets SIGTERM mid-request, and the response still arrives whole."""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOW_APP = """
import os, time
from app import create_app
from app.core.config import TestConfig

inner = create_app(type("Served", (TestConfig,), {"DATABASE_URL": os.environ["SERVED_DATABASE_URL"]}))

def app(environ, start_response):
    if environ["PATH_INFO"] == "/uji-lambat":  # a slow request: 2 s of work, then the readiness check
        time.sleep(2)
        environ["PATH_INFO"] = "/readyz"
    return inner(environ, start_response)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode()


@pytest.fixture
def gunicorn(app, tmp_path):
    (tmp_path / "slow_wsgi.py").write_text(textwrap.dedent(SLOW_APP))
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "GUNICORN_THREADS": "2", "SERVED_DATABASE_URL": app.config["DATABASE_URL"],
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                               "slow_wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            get(f"{base}/healthz", timeout=1)
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
    yield server, base
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)


@pytest.mark.committed
def test_sigterm_finishes_the_request_in_flight(gunicorn):
    server, base = gunicorn
    result = {}
    client = threading.Thread(target=lambda: result.update(answer=get(f"{base}/uji-lambat")))
    started = time.monotonic()
    client.start()
    time.sleep(0.7)  # the request is inside the worker now
    server.send_signal(signal.SIGTERM)
    client.join(timeout=20)
    assert result.get("answer") == (200, "database ok")
    assert time.monotonic() - started >= 2
    assert server.wait(timeout=20) == 0  # the master stopped cleanly once the worker was done
    with pytest.raises(OSError):
        get(f"{base}/healthz", timeout=2)
