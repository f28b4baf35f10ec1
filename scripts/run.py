"""`make run`: the web server (gunicorn) and one task worker (huey) together; Ctrl-C stops both.

In production run them as two services instead (see the README): any number of gunicorn servers,
and one or more `huey_consumer app.core.tasks.huey` workers (with REDIS_URL on several machines).
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main():
    children = [
        subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]),
        subprocess.Popen([str(BIN / "huey_consumer"), "app.core.tasks.huey", "-w", "1", "-q"]),
    ]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # Ctrl-C (also when started in the background)
    try:
        while all(child.poll() is None for child in children):  # either one ending stops both
            try:
                children[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "development")
    sys.exit(main())
