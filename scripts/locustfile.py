"""The 10th-of-the-month mix for locust (run by scripts/load_test.py; not on its own).

Participants (each simulated user its own account and its own X-Forwarded-For address) read their
status and bill, search facilities, take queue numbers and file cases; others sign in, some with a
wrong password; a payment channel posts signed callbacks, sometimes the same one twice. What the
server accepted is written to LOAD_RECORD (JSON) when the run ends, for the database check.
"""
import itertools
import json
import os
import random
import secrets
import sys
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proof_common import PASSWORD, csrf_token, extra_family, options, resign, signed_callback  # noqa: E402

FAMILIES = int(os.environ["LOAD_FAMILIES"])
#: extra families 0..SIGN_IN_POOL-1 are for the sign-in users; wrong passwords only go to the last ones
SIGN_IN_POOL = 40
WRONG_POOL = 10
accounts = itertools.count(SIGN_IN_POOL)
sent = {"bookings": [], "cases": [], "payments": {}, "payment_statuses": {}, "unanswered": set()}
SEARCHES = ("puskesmas", "cibinong", "klinik", "rsud", "puskesmas cibinong", "apotek", "coblong", "pskms")


def forwarded(user):
    octets = (random.randint(0, 255), random.randint(0, 255), random.randint(1, 254))
    user.client.headers["X-Forwarded-For"] = "10.%d.%d.%d" % octets


def sign_in(client, card, password, name):
    page = client.get("/masuk", name="sign-in form")
    token = csrf_token(page.text)
    with client.post("/masuk", data={"identifier": card, "password": password, "csrf_token": token or ""},
                     allow_redirects=False, name=name, catch_response=True) as response:
        ok = response.status_code in (302, 303) if password == PASSWORD else response.status_code == 200
        if ok:
            response.success()
        else:
            response.failure(f"status {response.status_code}")
        return ok


class Participant(HttpUser):
    weight = 10
    wait_time = between(0.5, 2)

    def on_start(self):
        forwarded(self)
        self.index = next(accounts) % FAMILIES
        self.card = extra_family(self.index)[2]
        self.client.cookies.clear()
        sign_in(self.client, self.card, PASSWORD, "sign-in (session start)")

    @task(6)
    def status(self):
        self.client.get("/kepesertaan", name="status page")

    @task(5)
    def bill(self):
        self.client.get("/iuran", name="bill page")

    @task(4)
    def search(self):
        self.client.get(f"/faskes?nama={random.choice(SEARCHES)}", name="facility search")

    @task(2)
    def book(self):
        page = self.client.get("/antrean", name="queue form")
        polis, days = options(page.text, "poli"), options(page.text, "visit_date")
        members = options(page.text, "member")
        token = csrf_token(page.text)
        if not (polis and days and members and token):
            return
        key = secrets.token_hex(16)
        form = {"csrf_token": token, "request_key": key, "faskes": "", "member": members[0],
                "poli": random.choice(polis), "visit_date": random.choice(days)}
        with self.client.post("/antrean", data=form, allow_redirects=False, name="queue booking",
                              catch_response=True) as response:
            if response.status_code == 303:
                sent["bookings"].append(key)
                response.success()
            elif response.status_code == 200:  # a refusal on the page (full, duplicate): handled
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    @task(1)
    def file_case(self):
        page = self.client.get("/kasus/baru", name="case form")
        token, members = csrf_token(page.text), options(page.text, "member")
        if not (token and members):
            return
        key = secrets.token_hex(16)
        form = {"csrf_token": token, "request_key": key, "kind": random.choice(("pengaduan", "informasi")),
                "category": random.choice(("iuran", "pelayanan_faskes", "kepesertaan")), "member": members[0],
                "facility": "", "amount": "",
                "text": "Uji beban: antrean di loket lama sekali pada tanggal 10."}
        with self.client.post("/kasus/baru", data=form, allow_redirects=False, name="case filing",
                              catch_response=True) as response:
            if response.status_code == 303:
                sent["cases"].append(key)
                response.success()
            else:
                response.failure(f"status {response.status_code}")


class SignIn(HttpUser):
    """Someone signing in at a kiosk or on a phone; one try in five with a wrong password."""
    weight = 2
    wait_time = between(1, 3)

    @task
    def sign_in(self):
        forwarded(self)
        self.client.cookies.clear()
        if random.random() < 0.2:
            card = extra_family(SIGN_IN_POOL - 1 - random.randrange(WRONG_POOL))[2]
            sign_in(self.client, card, "salah-" + secrets.token_hex(3), "sign-in (wrong password)")
        else:
            card = extra_family(random.randrange(SIGN_IN_POOL - WRONG_POOL))[2]
            sign_in(self.client, card, PASSWORD, "sign-in (right password)")


class PaymentChannel(HttpUser):
    """A bank posting signed callbacks; one in ten is a resend of an earlier one (a flaky link)."""
    weight = 2
    wait_time = between(0.2, 1)

    @task
    def callback(self):
        earlier = list(sent["payments"].items())
        if earlier and random.random() < 0.1:
            reference, body = random.choice(earlier)
            headers = resign(body)
        else:
            reference = f"LOAD-{secrets.token_hex(8)}"
            va = extra_family(random.randrange(SIGN_IN_POOL, FAMILIES))[1]
            body, headers = signed_callback(va, random.choice((10_000, 35_000, 42_000)), reference)
        with self.client.post("/api/v1/payments/callback", data=body, headers=headers,
                              name="payment callback", catch_response=True) as response:
            if response.status_code in (200, 202):
                sent["payments"][reference] = body
                sent["payment_statuses"].setdefault(reference, []).append(response.json().get("status"))
                response.success()
            else:  # no 2xx (a timeout at saturation): the server may or may not have stored it
                sent["unanswered"].add(reference)
                response.failure(f"status {response.status_code}")


@events.quitting.add_listener
def record(environment, **_):
    payments = {ref: statuses for ref, statuses in sent["payment_statuses"].items()}
    Path(os.environ["LOAD_RECORD"]).write_text(json.dumps(
        {"bookings": sent["bookings"], "cases": sent["cases"], "payments": payments,
         "unanswered": sorted(sent["unanswered"] - set(payments))}))
