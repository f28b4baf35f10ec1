"""Two checkouts of JKN Lite side by side in the same minutes: in-process time of the participant pages.

On a shared machine whose speed changes from minute to minute, a benchmark run after another compares
the minutes as much as the code. This script runs one process per checkout (each on its own fresh
SQLite demo database, PYTHONHASHSEED fixed), and the two take turns, block by block: each block times a
bare Flask hello-world and then every page through the test client (CPU time of the thread, median of
the block). It prints, per page, the median over the blocks of page ÷ hello for each checkout and
their ratio (B ÷ A: below 1, B is cheaper). Run it with the same checkout twice to see the noise
(on the session machine of 2026-12-02: 0.90–1.14). It prints figures and never fails on them.

    .venv/bin/python scripts/bench_compare.py /path/to/before .
    .venv/bin/python scripts/bench_compare.py /path/to/before . 12      # blocks (default 8)
"""
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

#: (label, path, signed in as the demo participant)
PAGES = (
    ("status", "/kepesertaan", True), ("bill", "/iuran", True), ("queue", "/antrean", True),
    ("dashboard", "/beranda", True), ("own card", "/kepesertaan/kartu", True), ("inbox", "/pesan", True),
    ("history", "/riwayat", True), ("access trail", "/akun/riwayat-akses", True),
    ("copy of my data", "/akun/data-saya/cetak", True),
    ("case form", "/kasus/baru", True), ("visit feedback", "/kasus/umpan-balik/3", True),
    ("case", "/kasus/13", True), ("change of FKTP", "/perubahan-data/faskes", True),
    ("older payments", "/iuran/riwayat?sebelum=48", True),
    ("queue, other facility", "/antrean?faskes=DEMO-PKM-3603", True),
    ("nearest facilities", "/faskes?jenis=puskesmas&mitra=1&provinsi=11&lat=-6.4702&lon=106.8467", True),
    ("nearest, no filter", "/faskes?lat=-6.4702&lon=106.8467", True),  # bench_http's
    ("home", "/", False), ("tariff", "/tarif-iuran", False), ("sign-in page", "/masuk", False),
)
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}
PER_BLOCK = 40


def median_cpu(client, path, count):
    samples = []
    for _ in range(count):
        start = time.thread_time()
        client.get(path, headers=BROWSER)
        samples.append(time.thread_time() - start)
    return statistics.median(samples)


def worker(app_dir, my_turn, next_turn, blocks, results, tag):
    """One checkout: its app, then `blocks` turns of (hello, page) for every page."""
    sys.path.insert(0, str(Path(app_dir).resolve()))
    os.chdir(app_dir)
    from flask import Flask

    from tests.conftest import build_app
    from tests.helpers import signed_in_client

    hello = Flask("hello")
    hello.get("/")(lambda: "Hello, World!")
    hello_client = hello.test_client()
    app = build_app(f"sqlite:///{tempfile.mkdtemp(prefix='jkn-compare-')}/bench.db")
    clients = {True: signed_in_client(app, "peserta"), False: app.test_client()}
    for _label, path, signed_in in PAGES:  # warm: templates compiled, caches filled
        median_cpu(clients[signed_in], path, 20)
    ratios = {label: [] for label, *_ in PAGES}
    for _ in range(blocks):
        my_turn.wait()
        my_turn.clear()
        for label, path, signed_in in PAGES:
            yardstick = median_cpu(hello_client, "/", PER_BLOCK)
            ratios[label].append(median_cpu(clients[signed_in], path, PER_BLOCK) / yardstick)
        next_turn.set()
    results.put((tag, {label: statistics.median(values) for label, values in ratios.items()}))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    first, second = sys.argv[1], sys.argv[2]
    blocks = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    multiprocessing.set_start_method("spawn")
    os.environ["PYTHONHASHSEED"] = "0"  # the same dict and set layouts in both processes
    turn_a, turn_b, results = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    processes = [multiprocessing.Process(target=worker, args=(first, turn_a, turn_b, blocks, results, "A")),
                 multiprocessing.Process(target=worker, args=(second, turn_b, turn_a, blocks, results, "B"))]
    for process in processes:
        process.start()
    turn_a.set()
    found = dict(results.get() for _ in processes)
    for process in processes:
        process.join()
    width = max(len(label) for label, *_ in PAGES)
    print(f"\nA = {first}, B = {second}: page CPU time as a multiple of a bare hello-world, medians of "
          f"{blocks} alternating blocks\n{'page':<{width}} {'A':>7} {'B':>7} {'B ÷ A':>7}")
    for label, *_ in PAGES:
        a, b = found["A"][label], found["B"][label]
        print(f"{label:<{width}} {a:6.1f}× {b:6.1f}× {b / a:7.2f}")


if __name__ == "__main__":
    main()
