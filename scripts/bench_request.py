"""Where a signed-in page's server time goes: the fixed cost of a request, layer by layer.

In one process, on a fresh SQLite database with the demo data (as `make bench`), the script times
routes of growing weight through the Flask test client, interleaved with a bare Flask hello-world
(the yardstick: this machine's speed changes from minute to minute):

- the app answering "ok" to an anonymous visitor (every hook of every request: the log line, the
  headers, the connection, CSRF, the limiter);
- the same for the signed-in demo participant (the session cookie, the account);
- an empty page on the base template, anonymous and signed in (header, menu, footer);
- the status and bill pages themselves.

Then, for the signed-in "ok" and the status page, the time of each before/after/teardown hook and of
the session's opening and saving. CPU time of the thread (time.thread_time), p50 of the rounds. It
prints figures and never fails on them.

    .venv/bin/python scripts/bench_request.py
    .venv/bin/python scripts/bench_request.py --rounds 5
"""
import argparse
import collections
import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, render_template  # noqa: E402
from flask_login import login_required  # noqa: E402

from app.core.rendering import translated_environment  # noqa: E402

try:
    from tests.conftest import build_app
    from tests.helpers import signed_in_client
except ImportError as error:  # the demo accounts' sign-in comes from the test tools
    sys.exit(f"{error}: install the test tools first (make setup-dev)")

BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}


def build():
    """(hello client, [(label, client, path)]) with the bench routes added to a demo app."""
    hello = Flask("hello")
    hello.get("/")(lambda: "Hello, World!")
    app = build_app(f"sqlite:///{tempfile.mkdtemp(prefix='jkn-bench-')}/bench.db")
    app.get("/_ok", endpoint="bench_ok")(lambda: "ok")
    app.get("/_ok/masuk", endpoint="bench_ok_signed")(login_required(lambda: "ok"))
    app.get("/_kosong", endpoint="bench_empty")(lambda: render_template(empty_page(translated_environment())))
    app.get("/_kosong/masuk", endpoint="bench_empty_signed")(
        login_required(lambda: render_template(empty_page(translated_environment()))))
    time_hooks(app)
    anonymous, participant = app.test_client(), signed_in_client(app, "peserta")
    return hello.test_client(), [
        ("app: 'ok', anonymous", anonymous, "/_ok"),
        ("app: 'ok', signed in", participant, "/_ok/masuk"),
        ("empty page, anonymous", anonymous, "/_kosong"),
        ("empty page, signed in", participant, "/_kosong/masuk"),
        ("status page", participant, "/kepesertaan"),
        ("bill page", participant, "/iuran"),
    ]


@functools.cache
def empty_page(environment):
    """A page of nothing on the base template, compiled once in each language's environment (as
    the views' pages are: app.core.rendering)."""
    return environment.from_string('{% extends "base.html" %}{% block title %}–{% endblock %}')


#: seconds spent in each hook since the last clear()
SPENT = collections.Counter()


def _timed(label, function):
    def timed(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.thread_time() - start
    return timed


def _name(function):
    function = getattr(function, "func", function)  # a functools.partial (Flask-Limiter's)
    return f"{function.__module__}.{function.__qualname__.replace('.<locals>', '')}"


def time_hooks(app):
    for kind, table in (("before", app.before_request_funcs), ("after", app.after_request_funcs),
                        ("teardown", app.teardown_request_funcs)):
        for key, functions in table.items():
            table[key] = [_timed(f"{kind} {_name(f)}", f) for f in functions]
    sessions = app.session_interface
    sessions.open_session = _timed("session: open (verify the cookie)", sessions.open_session)
    sessions.save_session = _timed("session: save", sessions.save_session)


def cpu_times(client, path, count):
    samples = []
    for _ in range(count):
        start = time.thread_time()
        response = client.get(path, headers=BROWSER)
        samples.append(time.thread_time() - start)
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: {response.status_code}")
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each the hello-world then every route")
    parser.add_argument("--requests", type=int, default=200, help="requests per route and round")
    args = parser.parse_args()
    hello, routes = build()
    for _label, client, path in routes:
        cpu_times(client, path, 20)  # warm: templates compiled, caches filled
    times, hellos = {label: [] for label, *_ in routes}, []
    for _ in range(args.rounds):
        for label, client, path in routes:
            hellos += cpu_times(hello, "/", args.requests)
            times[label] += cpu_times(client, path, args.requests)
    yardstick = statistics.median(hellos) * 1e6
    print(f"\nCPU time per request, p50 of {args.rounds} rounds × {args.requests}, in process (µs, and as a "
          f"multiple of the bare hello-world)\n{'bare Flask hello-world':<28} {yardstick:7.0f}    1.0×")
    for label, samples in times.items():
        median = statistics.median(samples) * 1e6
        print(f"{label:<28} {median:7.0f} {median / yardstick:5.1f}×")
    for label, client, path in (routes[1], routes[4]):
        SPENT.clear()
        cpu_times(client, path, args.requests)
        print(f"\nhooks of '{label}', µs a request (the rest: Werkzeug, Flask, the view and the template):")
        for hook, seconds in SPENT.most_common():
            if seconds / args.requests * 1e6 >= 2:
                print(f"  {seconds / args.requests * 1e6:6.0f}  {hook}")


if __name__ == "__main__":
    main()
