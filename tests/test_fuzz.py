"""Hostile input in every form and every GET parameter, as every role (tests/fuzz.py finds them).

Short mode (the normal suite, both databases): a fixed sample of a few hundred submissions, every
form getting at least "every field 100 KB" and "every field the <script> marker". Long mode
(`FUZZ=long`, `make fuzz`): every mutation of every field, at least 10,000 submissions. Each run
prints its counts at the end (submissions, by status class, 5xx).
"""
import os
import random
from collections import Counter

import pytest

from app.core.extensions import limiter
from app.models import User
from tests import fuzz
from tests.helpers import (
    BUDI_CARD,
    CIBINONG,
    DEMO_ACCOUNTS,
    DEWI_CARD,
    csrf_token,
    make_booking,
    person,
    poli,
    sign_in,
    today,
)

LONG = os.environ.get("FUZZ") == "long"
ROLES = ["anonim", *sorted(DEMO_ACCOUNTS)]
SHORT_PER_ROLE = 50
LONG_MINIMUM = 10_000
#: POST routes no HTML form reaches, and why they are not fuzzed here
NOT_FORMS = {
    "api.payment_callback": "a signed JSON API, not a form: tests/api sends it malformed bodies",
    **dict.fromkeys(("api.push_payment", "api.push_visit", "api.update_facility", "api.upsert_participant"),
                    "the office API: JSON, not a form; tests/api/test_api_generated.py fuzzes it from its schemas"),
    **dict.fromkeys(("api.sms_delivery_report", "api.sms_inbound"),
                    "signed gateway webhooks, not forms: tests/api and tests/inbox send them bad bodies"),
}
#: POST routes whose form shows only when a record in a certain state exists that neither the demo
#: data nor a plain submission makes (an unmatched payment, a pending change request, a registration
#: draft past its first step, REHAB eligibility, an active auto-debit; a held one-time code, a live or
#: waiting facilitator consent, a kiosk's device cookie, a pending deletion request, a family or caller
#: an officer looked up by POST): not fuzzed yet (issue 16)
NEEDS_RECORDS = {
    "changes.review", "contributions.rehab", "contributions.stop_auto_debit", "officer.payment",
    "registration.check", "registration.done", "registration.facility", "registration.members",
    "registration.review", "registration.members_add", "registration.members_done",
    "registration.members_remove", "accounts.choose_password", "accounts.revoke_consent", "assist.end",
    "assist.enter_code", "kiosk.finish", "kiosk.sign_in", "officer.data_request", "officer.partnership",
    "officer.set_inactive", "cases.phone",
}
COUNTS = Counter()
COVERED = set()


def fresh_client(app, role):
    client = app.test_client()
    if role == "anonim":
        return client
    identifier, password = DEMO_ACCOUNTS[role]
    if sign_in(client, identifier).status_code != 303:  # a fuzzed form changed the password, say
        with app.app_context():
            limiter.reset()
            user = User.for_identifier(identifier)
            user.set_password(password)
            user.failed_logins, user.locked_until = 0, None
            user.save()
        assert sign_in(client, identifier).status_code == 303
    return client


def deeper(app, client, role, forms, params):
    """Forms behind a form: each form is sent once as a person would leave it, and the page it leads
    to (a registration draft, say) is searched for forms too."""
    found = {spec.key: spec for spec in forms}
    for spec in list(forms):
        data = [(f.name, f.value) for f in spec.fields] + [("csrf_token", csrf_token(client, spec.page))]
        response = client.post(spec.action, data=fuzz.as_multidict(data))
        target = fuzz.internal(spec.action, response.headers.get("Location")) if response.status_code in (
            302, 303) else None
        if role != "anonim" and client.get("/beranda").status_code != 200:
            client = fresh_client(app, role)
        elif target and "/masuk" not in target:
            landing = client.get(target)
            if landing.mimetype == "text/html":
                more = {}
                fuzz.forms_on(target, fuzz.BeautifulSoup(landing.get_data(as_text=True), "html.parser"),
                              role, more, params)
                for key, spec_more in more.items():
                    found.setdefault(key, spec_more)
    return client, list(found.values())


def endpoint_of(app, path, method):
    try:
        return app.url_map.bind("localhost").match(path.split("?")[0], method=method)[0]
    except Exception:  # noqa: BLE001 - a 404/405 action: the response check reports it
        return None


def plan_for(forms, params):
    posts = [(spec, label, pairs) for spec in forms for label, pairs in fuzz.mutations(spec)]
    gets = [(None, label, url) for path, values in params.items() for label, url in fuzz.get_mutations(path, values)]
    if LONG:
        return posts + gets
    must = [item for item in posts if item[1] in ("every field long", "every field marker")]
    rest = fuzz.sample([item for item in posts + gets if item not in must], max(SHORT_PER_ROLE - len(must), 10))
    return must + rest


@pytest.fixture
def bookings(app):
    """Queue numbers of today at Puskesmas Cibinong: the participant's cancel form and the staff's
    board actions show only when one exists."""
    with app.app_context():
        umum = poli(app, CIBINONG, "umum")
        make_booking(person(BUDI_CARD), umum, today(), 1)
        make_booking(person(DEWI_CARD), umum, today(), 2)


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_in_every_form_and_parameter(app, role, bookings):
    client = fresh_client(app, role)
    forms, params = fuzz.discover(client, role)
    client, forms = deeper(app, client, role, forms, params)
    assert forms or role == "anonim"
    COVERED.update(endpoint_of(app, spec.action, "POST") for spec in forms)
    plan = plan_for(forms, params)
    if LONG:  # more: several fields hostile at once, until the minimum is reached
        rng, per_role = random.Random(role), LONG_MINIMUM // len(ROLES) + 1
        while forms and len(plan) < per_role:
            spec = rng.choice(forms)
            pairs = [(f.name, rng.choice(fuzz.HOSTILE) if rng.random() < 0.5 else f.value) for f in spec.fields]
            plan.append((spec, "several fields", pairs))
    failures, tokens = [], {}
    for spec, label, payload in plan:
        if spec is None:
            response = client.get(payload, headers={"Accept-Encoding": "gzip"})
            where = payload[:120]
        else:
            if spec.page not in tokens:
                tokens[spec.page] = csrf_token(client, spec.page)
            data = fuzz.as_multidict(payload + [("csrf_token", tokens[spec.page])])
            response = client.post(spec.action, data=data, headers={"Accept-Encoding": "gzip"},
                                   content_type="multipart/form-data" if spec.multipart else None)
            where = f"POST {spec.action} {label}"
        COUNTS["submissions"] += 1
        COUNTS[f"{response.status_code // 100}xx"] += 1
        found = fuzz.problems(response)
        if found:
            failures.append(f"{where}: {', '.join(found)}")
        if role != "anonim" and response.status_code in (302, 303):  # signed out by the form?
            if client.get("/beranda").status_code != 200:
                client, tokens = fresh_client(app, role), {}
    assert failures == [], "\n".join(failures[:40])


def test_every_post_route_with_a_form_was_fuzzed(app):
    if not COUNTS["submissions"]:
        pytest.skip("run with the fuzz tests above")
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    missing = sorted(posts - COVERED - set(NOT_FORMS) - NEEDS_RECORDS)
    assert missing == [], f"POST routes no crawled form reached: {missing}"
    assert not NEEDS_RECORDS & COVERED, "now fuzzed: remove from NEEDS_RECORDS"
