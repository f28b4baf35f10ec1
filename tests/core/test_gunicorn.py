"""A long search reaching a real gunicorn (started here on 127.0.0.1 with the project's
gunicorn.conf.py) gets the app's Indonesian page, never gunicorn's bare English 414."""
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from app.core.config import ROOT


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(app, tmp_path):
    port = free_port()
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="1",
               APP_ENV="production", DATABASE_URL=app.config["DATABASE_URL"],
               SECRET_KEY=app.config["SECRET_KEY"], FIELD_KEY=app.config["FIELD_KEY"],
               PASSWORD_PEPPER=app.config["PASSWORD_PEPPER"], UPLOAD_DIR=str(tmp_path))
    env.pop("REDIS_URL", None)
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn_bin), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


def get(port, target):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", target)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, BeautifulSoup(body, "html.parser")


def test_long_searches_get_the_apps_indonesian_pages_from_a_real_gunicorn(gunicorn):
    # 2,000 letters: the search page itself explains (the form keeps only what can be corrected)
    status, html = get(gunicorn, "/faskes?nama=" + "a" * 2000)
    assert status == 200 and html.html["lang"] == "id"
    assert "Nama faskes terlalu panjang: paling banyak 100 huruf." in html.get_text()
    # 2,000 non-ASCII letters are 12,000 bytes once encoded (over gunicorn's default 4,094): the
    # app's own 414 page, in Indonesian, with a way back
    for target in ("/faskes?nama=" + quote("é" * 2000), "/faskes?nama=" + "b" * 9000):
        status, html = get(gunicorn, target)
        assert status == 414, target[:40]
        assert html.html["lang"] == "id" and html.h1.get_text(strip=True) == "Alamat terlalu panjang"
        assert html.find("a", href="/") is not None and "Request-URI" not in html.get_text()
