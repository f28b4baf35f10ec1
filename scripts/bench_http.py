"""Throughput over HTTP, side by side with a bare Flask hello-world served the same way.

For each app directory (by default this repository) the script builds a fresh SQLite database in a
temporary directory (`flask migrate`, `flask import regions`, `flask seed --demo`, as `make run`
does), starts gunicorn with the project's gunicorn.conf.py (2 workers x 2 threads unless
WEB_CONCURRENCY / GUNICORN_THREADS say otherwise) on 127.0.0.1, signs in as the demo participant and
drives each page with the same load (page by page, every app in turn): wrk when the machine has it,
else a small Python load generator (whose own cost caps the figures: compare ratios, not absolute
numbers). scripts/bench_hello.py gets the same gunicorn settings and the same load: each page is
measured in rounds (--rounds), each round the hello-world then the page, and a page's share is taken
against the hello-world of its own round (the workers take keep-alive connections unevenly, and the
machine is shared). Prints the medians of the rounds: req/s, p50 and p99 per page, each page's
req/s as a share of hello's, and the workers' CPU time per request with hello's as a share of it
(on Linux, from /proc: it does not depend on how the workers shared the connections). It prints
figures and never fails on them.

    make bench
    .venv/bin/python scripts/bench_http.py --duration 10
    .venv/bin/python scripts/bench_http.py --app-dir /tmp/before --app-dir .   # before/after, one run
"""
import argparse
import base64
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
#: the demo participant (README): family 1's head, Budi
IDENTIFIER, PASSWORD = "0001000000001", "demo1234"
#: (label, path, signed in)
PAGES = (
    ("home", "/", False),
    ("status", "/kepesertaan", True),
    ("bill", "/iuran", True),
    ("facility search", "/faskes?nama=puskesmas", False),
    ("queue", "/antrean", True),
    ("sign-in page", "/masuk", False),  # a first visit: a new session and its form's token each time
    ("nearest facilities", "/faskes?lat=-6.4702&lon=106.8467", True),  # signed in: never kept
)
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}
#: environment a benchmarked server must not inherit from the caller
DROPPED = ("REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS", "HOST", "PORT", "FLASK_APP")


# --- servers ---------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(extra):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update({"HOST": HOST, "PYTHONDONTWRITEBYTECODE": "1", **extra})
    return env


class Server:
    """A gunicorn master we started (and stop, by its own pid)."""

    def __init__(self, args, cwd, env, ready_path):
        self.port = free_port()
        # the server's log (one JSON line per request) goes to a file: a pipe nobody reads fills up
        # after a few hundred requests and then every worker blocks on its next log line
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(Path(cwd) / "gunicorn.conf.py"), *args], cwd=cwd,
            env={**env, "PORT": str(self.port)}, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gunicorn exited: {self.log.read().decode()[-2000:]}")
            try:
                if request(self.port, "GET", ready_path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def request(port, method, path, headers=None, body=None):
    """(status, headers as a list of pairs, body bytes) of one request, redirects not followed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_of(headers, jar):
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port):
    """The Cookie header of a fresh signed-in session of the demo participant."""
    status, headers, body = request(port, "GET", "/masuk")
    jar = cookies_of(headers, {})
    tag = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', body)
    token = tag and re.search(rb'value="([^"]+)"', tag.group(0))
    if status != 200 or token is None:
        raise RuntimeError(f"GET /masuk: {status}, no CSRF token")
    form = urlencode({"identifier": IDENTIFIER, "password": PASSWORD, "csrf_token": token.group(1).decode()})
    status, headers, _ = request(port, "POST", "/masuk", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    if status not in (302, 303):
        raise RuntimeError(f"POST /masuk: {status} (sign-in failed)")
    return cookie_header(cookies_of(headers, jar))


# --- load ------------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def drive_wrk(url, headers, duration, connections, threads):
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    rate = re.search(r"Requests/sec:\s*([\d.]+)", out)
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    count = re.search(r"(\d+) requests in", out)
    if not (rate and p50 and p99 and count):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    note = f"{errors.group(1)} non-2xx" if errors else ""
    return float(rate.group(1)), wrk_ms(p50.group(1)), wrk_ms(p99.group(1)), note, int(count.group(1))


def drive_python(port, path, headers, duration, connections):
    """Keep-alive connections in threads, each sending requests back to back until the deadline."""
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        mine, bad = [], 0
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    note = f"{failures[0]} failed" if failures[0] else ""
    return len(latencies) / elapsed, pick(0.50), pick(0.99), note, len(latencies)


def workers_cpu(master_pid):
    """CPU seconds used so far by the worker processes of a gunicorn master (Linux /proc), or None."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the name: state, ppid, …
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            total, found = total + int(fields[11]) + int(fields[12]), True  # utime, stime
    return total / os.sysconf("SC_CLK_TCK") if found else None


def drive(server, path, headers, args):
    """(req/s, p50, p99, note, the workers' CPU ms per request or None) of the timed run. The CPU
    time does not depend on how the workers happened to share the connections, as req/s does."""
    if args.warm_up:
        run_load(server.port, path, headers, args, args.warm_up)
    before = workers_cpu(server.process.pid)
    rate, p50, p99, note, count = run_load(server.port, path, headers, args, args.duration)
    after = workers_cpu(server.process.pid)
    cpu = (after - before) * 1000 / count if before is not None and count else None
    return rate, p50, p99, note, cpu


def run_load(port, path, headers, args, duration):
    if args.loader == "wrk":
        return drive_wrk(f"http://{HOST}:{port}{path}", headers, duration, args.connections, args.threads)
    return drive_python(port, path, headers, duration, args.connections)


# --- the runs --------------------------------------------------------------------------------------

def start_hello():
    return Server(["--pythonpath", str(ROOT / "scripts"), "bench_hello:app"], ROOT, server_env({}), "/")


def prepare_database(app_dir, env):
    for command in (["migrate"], ["import", "regions", "--if-empty"], ["seed", "--demo", "--if-empty"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=app_dir, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start_app(app_dir, directory):
    """gunicorn serving the app in `app_dir` on a fresh database under `directory`."""
    env = server_env({
        "APP_ENV": "development", "FLASK_APP": "wsgi:app",
        "DATABASE_URL": f"sqlite:///{directory}/bench.db", "UPLOAD_DIR": f"{directory}/uploads",
        "SECRET_KEY": secrets.token_urlsafe(32), "PASSWORD_PEPPER": secrets.token_urlsafe(24),
        "FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    })
    prepare_database(app_dir, env)
    return Server(["wsgi:app"], app_dir, env, "/healthz")


def bench_page(server, hello, path, signed_in, args):
    """(path, req/s, p50, p99, share of hello's req/s, note): the medians of `args.rounds` rounds,
    each the hello-world then this page. Rounds, because the gunicorn workers take the keep-alive
    connections unevenly (all eight on one worker halves the rate) and a neighbour may be busy: a
    share is taken against the hello-world of its own round."""
    headers = dict(BROWSER)
    if signed_in:  # a fresh session per page: the idle-timeout clock never re-signs it
        headers["Cookie"] = sign_in(server.port)
    status = request(server.port, "GET", path, headers=headers)[0]
    rounds, hellos, notes = [], [], []
    for _ in range(args.rounds):
        hello_rate, *_, hello_cpu = drive(hello, "/", BROWSER, args)
        hellos.append((hello_rate, hello_cpu or float("nan")))
        rate, p50, p99, note, cpu = drive(server, path, headers, args)
        cpu_share = hello_cpu / cpu if hello_cpu and cpu else float("nan")
        rounds.append((rate, p50, p99, rate / hello_rate, cpu or float("nan"), cpu_share))
        notes.append(note)
    if status != 200:
        notes.append(f"status {status}")
    rate, p50, p99, share, cpu, cpu_share = (statistics.median(column) for column in zip(*rounds))
    return path, rate, p50, p99, share, cpu, cpu_share, "; ".join(n for n in notes if n), hellos


def bench_apps(app_dirs, args):
    """((req/s, CPU ms a request) of every hello-world round, [(name, {label: (path, req/s, p50, p99,
    share, CPU ms a request, CPU share, note)})]): every app is served at once (an idle server costs
    nothing) and the pages are taken in turn, each page on every app before the next page, so that a
    busy moment of the machine hits the apps alike."""
    names = [d.name for d in app_dirs] if len(app_dirs) > 1 else ["jkn-lite"]
    results, hellos = {name: {} for name in names}, []
    with tempfile.TemporaryDirectory(prefix="jkn-bench-") as directory:
        servers, hello = [], start_hello()
        try:
            for index, app_dir in enumerate(app_dirs):
                Path(directory, str(index)).mkdir()
                servers.append(start_app(app_dir, Path(directory, str(index))))
            for label, path, signed_in in PAGES:
                for name, server in zip(names, servers):
                    *row, rates = bench_page(server, hello, path, signed_in, args)
                    results[name][label] = tuple(row)
                    hellos.extend(rates)
        finally:
            for server in (hello, *servers):
                server.stop()
    return hellos, list(results.items())


def print_table(hellos, runs, args):
    """`hellos`: (req/s, CPU ms a request) of every round of the hello-world."""
    names = [name for name, _ in runs]
    rates, cpus = zip(*hellos)
    width = max([len("hello"), *(len(n) for n in names)])
    print(f"\n{'app':<{width}}  {'page':<16} {'path':<24} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'vs hello':>8} {'CPU ms':>7} {'vs hello':>8}")
    print(f"{'hello':<{width}}  {'hello-world':<16} {'/':<24} {statistics.median(rates):>8,.0f} "
          f"{'':>7} {'':>7} {'':>8} {statistics.median(cpus):>7.2f} {'':>8} (median of {len(hellos)} rounds: "
          f"{min(rates):,.0f}–{max(rates):,.0f} req/s)")
    for name, results in runs:
        for label, (path, rate, p50, p99, share, cpu, cpu_share, note) in results.items():
            print(f"{name:<{width}}  {label:<16} {path:<24} {rate:>8,.0f} {p50:>7.2f} {p99:>7.2f} "
                  f"{share:>8.1%} {cpu:>7.2f} {cpu_share:>8.1%} {note}".rstrip())
    loader = (f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s" if args.loader == "wrk" else
              f"Python load generator, {args.connections} connections, {args.duration} s"
              + ("" if shutil.which("wrk") else " (wrk not found)"))
    print(f"\nload: {loader} after a {args.warm_up} s warm-up, {args.rounds} rounds per page, each the "
          f"hello-world then the page; medians of the rounds; 'vs hello' = the page's req/s as a share of "
          f"the hello-world's in the same round; 'CPU ms' = the workers' CPU time per request (Linux), "
          f"and the hello-world's as a share of it (steadier than req/s when the workers share the "
          f"connections unevenly); 2 workers x 2 threads unless WEB_CONCURRENCY / "
          f"GUNICORN_THREADS are set; load average {os.getloadavg()[0]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page, each hello then the page (default 3)")
    parser.add_argument("--warm-up", type=int, default=1, help="seconds of load before each page (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--app-dir", action="append", type=Path,
                        help="a checkout of JKN Lite to benchmark (repeatable; default: this repository)")
    parser.add_argument("--python-loader", action="store_true",
                        help="use the Python load generator even with wrk")
    args = parser.parse_args()
    args.duration = min(max(args.duration, 1), 60)
    args.warm_up = min(max(args.warm_up, 0), 10)
    args.rounds = min(max(args.rounds, 1), 20)
    args.loader = "wrk" if shutil.which("wrk") and not args.python_loader else "python"
    app_dirs = [d.resolve() for d in (args.app_dir or [ROOT])]
    print(f"JKN Lite over HTTP, load by {args.loader}; apps: {', '.join(map(str, app_dirs))}", flush=True)
    try:
        hellos, runs = bench_apps(app_dirs, args)
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:  # it prints; it never fails
        print(f"benchmark stopped: {error}")
        return
    print_table(hellos, runs, args)


if __name__ == "__main__":
    main()
