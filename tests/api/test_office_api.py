"""The office API under /api/v1: tokens and scopes, problem+json in two languages, idempotent writes,
the participant upsert by NIK, payments on the callback's ledger path, facility beds, the change
requests by signed cursor and as streamed CSV, the OpenAPI document and its HTML reference, the
admin's client page and the demo token command. Tokens are sent as an office system would."""
import csv
import io
import json
import random
import uuid
from datetime import date, timedelta

import pytest

from app.api import schemas
from app.api import service as api
from app.core import clock
from app.core.db import db
from app.models import (
    SCOPES,
    Allocation,
    ApiClient,
    AuditLog,
    BedAvailability,
    ChangeRequest,
    Facility,
    Family,
    IdempotentWrite,
    Participant,
    Payment,
    User,
)
from tests.helpers import (
    BUDI_CARD,
    FAMILY_1_VA,
    RSUD,
    csrf_post,
    page,
    person,
    run_together,
    signed_in_client,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def token(app):
    with app.app_context():
        return api.create_client(None, f"kantor-{uuid.uuid4().hex[:8]}", list(SCOPES))[1]


@pytest.fixture
def demo_token(app):
    with app.app_context():
        return api.derived_token("demo")


def auth(token, key=None, **headers):
    headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    return headers


def new_participant(**fields):
    data = {"kk_number": "3201019999000001", "nik": "3201011708850099", "name": "Joko Susilo", "sex": "L",
            "birth_date": "1985-08-17", "relationship": "kepala", "segment": "PBPU", "care_class": 3,
            "district_code": "32.01.01", "address": "Kp. Baru RT 01/RW 01", "phone": "081299990001",
            "fktp_code": "DEMO-PKM-3201"}
    data.update(fields)
    return data


def assert_problem(response, status, type_end):
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["type"].endswith(type_end) and body["title"] and body["detail"]
    return body


# --- tokens and scopes ----------------------------------------------------------------------------

def test_missing_malformed_unknown_revoked_and_unscoped_tokens_are_refused(app, client, token):
    body = json.dumps(new_participant())
    assert_problem(client.post("/api/v1/participants", data=body), 401, "missing-token")
    assert_problem(client.post("/api/v1/participants", data=body, headers={"Authorization": "Basic eA=="}),
                   401, "missing-token")
    assert_problem(client.post("/api/v1/participants", data=body, headers=auth("jkn_short")), 401, "bad-token")
    assert_problem(client.post("/api/v1/participants", data=body, headers=auth("jkn_" + "A" * 43)), 401,
                   "bad-token")
    with app.app_context():
        reader, reader_token = api.create_client(None, "hanya-baca", ["changes:read"])
    assert_problem(client.post("/api/v1/participants", data=body, headers=auth(reader_token)), 403,
                   "wrong-scope")
    assert client.get("/api/v1/changes", headers=auth(reader_token)).status_code == 200
    with app.app_context():
        assert api.revoke_client(None, reader.id) and not api.revoke_client(None, reader.id)
    assert_problem(client.get("/api/v1/changes", headers=auth(reader_token)), 401, "revoked-token")
    with app.app_context():
        assert Participant.by_nik("3201011708850099") is None
        refused = AuditLog.select().where(AuditLog.action == "api_call_refused").count()
    assert refused >= 6  # every call leaves an entry, refused ones too


def test_problems_speak_indonesian_by_default_and_english_when_asked(client, token):
    indonesian = client.get("/api/v1/changes?cursor=rusak", headers=auth(token)).json
    english = client.get("/api/v1/changes?cursor=rusak", headers=auth(token, **{"Accept-Language": "en"})).json
    assert indonesian["title"] == "Cursor tidak sah atau sudah diubah"
    assert english["title"] == "The cursor is invalid or was tampered with"
    assert indonesian["type"] == english["type"] and indonesian["status"] == english["status"] == 400


def test_the_rate_limit_counts_per_client(app, client, token, demo_token):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/changes", headers=auth(token)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert_problem(client.get("/api/v1/changes", headers=auth(token)), 429, "rate-limited")
        assert client.get("/api/v1/changes", headers=auth(demo_token)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"


# --- participants -------------------------------------------------------------------------------------

def test_a_participant_is_created_then_unchanged_then_updated_by_nik(app, client, token):
    first = client.post("/api/v1/participants", json=new_participant(), headers=auth(token))
    assert first.status_code == 200 and first.json["outcome"] == "created"
    again = client.post("/api/v1/participants", json=new_participant(), headers=auth(token))
    assert again.json == {**first.json, "outcome": "unchanged"}
    moved = client.post("/api/v1/participants", json=new_participant(phone="081299990002"), headers=auth(token))
    assert moved.json["outcome"] == "updated"
    with app.app_context():
        joko = Participant.by_nik("3201011708850099")
        assert joko.card_number == first.json["card_number"] and joko.phone == "081299990002"
        assert Family.get(Family.kk_number == "3201019999000001").va_number  # a PBPU family gets its VA
        assert AuditLog.select().where(AuditLog.action == "api_participant_upserted",
                                       AuditLog.on_behalf_of == joko).count() == 3


@pytest.mark.parametrize(("fields", "status", "type_end"), [
    ({"nik": "0001011708850099"}, 422, "refused"),  # province 00 does not exist
    ({"nik": "3201013208850099"}, 422, "refused"),  # born on the 32nd
    ({"nik": "32010117088500"}, 422, "invalid-body"),
    ({"nik": 3201011708850099}, 422, "invalid-body"),
    ({"district_code": "99.99.99"}, 422, "refused"),
    ({"fktp_code": "DEMO-RS-3201"}, 422, "refused"),  # a hospital is no FKTP
    ({"sex": "X"}, 422, "invalid-body"),
    ({"birth_date": "17-08-1985"}, 422, "invalid-body"),
    ({"unknown": 1}, 422, "invalid-body"),
])
def test_bad_participants_are_refused_and_nothing_is_saved(app, client, token, fields, status, type_end):
    body = assert_problem(client.post("/api/v1/participants", json=new_participant(**fields), headers=auth(token)),
                          status, type_end)
    assert "3201011708850099" not in json.dumps(body)
    with app.app_context():
        assert Family.get_or_none(Family.kk_number == "3201019999000001") is None


def test_a_nik_of_another_family_is_refused(app, client, token):
    with app.app_context():
        budi_nik = person(BUDI_CARD).nik
    body = assert_problem(client.post("/api/v1/participants", json=new_participant(nik=budi_nik),
                                      headers=auth(token)), 422, "refused")
    assert "KK lain" in body["detail"]


def test_bodies_that_are_too_large_or_not_json_are_refused(client, token):
    assert_problem(client.post("/api/v1/participants", data=b"{" + b" " * (1024 * 1024) + b"}",
                               headers=auth(token)), 413, "body-too-large")
    assert_problem(client.post("/api/v1/participants", data=b"{nope", headers=auth(token)), 400, "invalid-json")
    assert_problem(client.post("/api/v1/participants", data=b"[" * 5000, headers=auth(token)), 400, "invalid-json")


# --- idempotency ----------------------------------------------------------------------------------

def test_the_same_key_and_body_answer_the_first_result_another_body_is_refused(app, client, token):
    first = client.post("/api/v1/participants", json=new_participant(), headers=auth(token, "batch-1/row-1"))
    replay = client.post("/api/v1/participants", json=new_participant(), headers=auth(token, "batch-1/row-1"))
    assert first.json["outcome"] == replay.json["outcome"] == "created" and first.json == replay.json
    other = client.post("/api/v1/participants", json=new_participant(name="Joko Lain"),
                        headers=auth(token, "batch-1/row-1"))
    assert_problem(other, 409, "idempotency-conflict")
    assert_problem(client.post("/api/v1/participants", json=new_participant(), headers=auth(token, "kunci ä")),
                   400, "bad-idempotency-key")
    with app.app_context():
        assert Participant.by_nik("3201011708850099").name == "Joko Susilo"
        assert IdempotentWrite.select().count() == 1


def test_a_refused_write_keeps_no_key(app, client, token):
    bad = new_participant(nik="0001011708850099")
    assert client.post("/api/v1/participants", json=bad, headers=auth(token, "k-2")).status_code == 422
    good = client.post("/api/v1/participants", json=new_participant(), headers=auth(token, "k-2"))
    assert good.status_code == 200 and good.json["outcome"] == "created"


# --- payments and facilities --------------------------------------------------------------------------

def test_a_pushed_payment_takes_the_callback_ledger_path_once(app, client, token):
    body = {"va_number": FAMILY_1_VA, "amount": 105_000, "reference": "KANTOR-0001",
            "paid_at": clock.now().replace(microsecond=0).isoformat() + "+00:00"}
    first = client.post("/api/v1/payments", json=body, headers=auth(token, "pay-1"))
    assert first.status_code == 200 and first.json["status"] == "applied"
    again = client.post("/api/v1/payments", json=body, headers=auth(token))  # no key: the ledger refuses twice
    assert again.json == {"status": "duplicate", "payment_id": first.json["payment_id"]}
    with app.app_context():
        payment = Payment.get_by_id(first.json["payment_id"])
        assert payment.channel.startswith("api-") and payment.family.va_number == FAMILY_1_VA
        assert sum(a.amount for a in Allocation.select().where(Allocation.payment == payment)) == 105_000
    unknown = client.post("/api/v1/payments", json={**body, "va_number": "1" * 16, "reference": "K-2"},
                          headers=auth(token))
    assert unknown.status_code == 202 and unknown.json["status"] == "unmatched"
    assert_problem(client.post("/api/v1/payments", json={**body, "paid_at": "2026-11-25T10:15:00"},
                               headers=auth(token)), 422, "refused")
    assert_problem(client.post("/api/v1/payments", json={**body, "amount": "105000"}, headers=auth(token)),
                   422, "invalid-body")


def test_facility_beds_and_phone_are_updated_through_the_staff_service(app, client, token):
    body = {"code": RSUD, "phone": "021-555-0199",
            "beds": [{"bed_class": "kelas_3", "available": 4, "total": 20}]}
    response = client.post("/api/v1/facilities", json=body, headers=auth(token))
    assert response.json == {"outcome": "updated", "code": RSUD}
    with app.app_context():
        rsud = Facility.get(Facility.code == RSUD)
        beds = BedAvailability.get(BedAvailability.facility == rsud, BedAvailability.bed_class == "kelas_3")
        assert (rsud.phone, beds.available, beds.total) == ("021-555-0199", 4, 20)
    assert client.post("/api/v1/facilities", json={"code": RSUD}, headers=auth(token)).json["outcome"] == "unchanged"
    assert_problem(client.post("/api/v1/facilities", json={**body, "code": "TIDAK-ADA"}, headers=auth(token)),
                   404, "not-found")
    too_many = {**body, "beds": [{"bed_class": "icu", "available": 5, "total": 2}]}
    assert_problem(client.post("/api/v1/facilities", json=too_many, headers=auth(token)), 422, "refused")


# --- change requests: cursor pages and the CSV export ------------------------------------------------

@pytest.fixture
def requests_made(app):
    with app.app_context():
        budi = person(BUDI_CARD)
        user = User.get(User.participant == budi)
        old = clock.now() - timedelta(days=30)
        made = [ChangeRequest.create(participant=budi, requested_by=user, kind="name", created_at=old)]
        made += [ChangeRequest.create(participant=budi, requested_by=user, kind="birth_date") for _ in range(4)]
        return [r.id for r in made]


def test_change_requests_come_page_by_page_with_a_signed_cursor(app, client, token, requests_made):
    seen, url = [], "/api/v1/changes?limit=2"
    while url:
        body = client.get(url, headers=auth(token)).json
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url = body["next_cursor"] and f"/api/v1/changes?limit=2&cursor={body['next_cursor']}"
    assert seen == sorted(seen) and set(requests_made) <= set(seen)
    assert {item["card_number"] for item in client.get("/api/v1/changes", headers=auth(token)).json["items"]} \
        == {BUDI_CARD}
    since = (clock.now() - timedelta(days=1)).isoformat()
    recent = client.get(f"/api/v1/changes?updated_since={since}", headers=auth(token)).json["items"]
    assert requests_made[0] not in [i["id"] for i in recent] and set(requests_made[1:]) <= {i["id"] for i in recent}


def test_tampered_and_foreign_cursors_and_bad_queries_are_400(app, client, token, demo_token, requests_made):
    cursor = client.get("/api/v1/changes?limit=1", headers=auth(token)).json["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert_problem(client.get(f"/api/v1/changes?cursor={tampered}", headers=auth(token)), 400, "bad-cursor")
    assert_problem(client.get(f"/api/v1/changes?cursor={cursor}", headers=auth(demo_token)), 400, "bad-cursor")
    for query in ("limit=0", "limit=201", "limit=abc", "updated_since=kemarin", "updated_since=" + "9" * 50):
        assert_problem(client.get(f"/api/v1/changes?{query}", headers=auth(token)), 400, "bad-query")


def test_the_export_streams_every_change_request_as_csv(app, client, token, requests_made):
    response = client.get("/api/v1/export/changes", headers=auth(token))
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    with app.app_context():
        assert len(rows) == ChangeRequest.select().count()
    assert set(requests_made) <= {int(r["id"]) for r in rows}
    assert all(set(r) == {"id", "kind", "status", "card_number", "created_at", "decided_at"} for r in rows)


# --- the document, the reference, the admin page, the demo token -------------------------------------

def test_the_openapi_document_describes_exactly_the_routes_that_exist(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    existing = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods
                if rule.endpoint.startswith("api.") and method in ("GET", "POST")}
    webhooks = {("POST", "/api/v1/payments/callback"), ("POST", "/api/v1/sms/masuk"),
                ("POST", "/api/v1/sms/delivery-report")}  # signed by channels and gateways (README), not tokens
    assert documented == existing - webhooks - {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/referensi")}
    assert doc["components"]["schemas"]["ParticipantIn"] == {
        **schemas.ParticipantIn.model_json_schema(ref_template="#/components/schemas/{model}")}
    scopes = {op["security"][0]["token"][0] for ops in doc["paths"].values() for op in ops.values()}
    assert scopes == set(SCOPES)


def test_the_reference_page_lists_every_operation_without_script(client):
    soup = page(client.get("/api/v1/referensi"))
    assert all("htmx" in s.get("src", "") for s in soup.select("script"))  # only the site's enhancement
    assert [h.get("id") for h in soup.select("h2[id]")] == [entry[2] for entry in schemas.ENDPOINTS]
    assert soup.select_one("#schema-ParticipantIn") and "participants:write" in soup.get_text()


def test_an_admin_makes_a_client_sees_its_token_once_and_revokes_it(app, client):
    admin = signed_in_client(app, "admin")
    listing = page(admin.get("/admin/klien-api"))
    assert "demo" in listing.get_text()
    shown = page(csrf_post(admin, "/admin/klien-api", {"name": "SIKDA Bogor", "scopes": ["changes:read"]}))
    token = shown.select_one("p.big code").get_text()
    assert token.startswith("jkn_")
    assert client.get("/api/v1/changes", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/payments", json={}, headers=auth(token)).status_code == 403
    listing = page(admin.get("/admin/klien-api"))
    assert token not in str(listing) and token[:8] in listing.get_text()
    again = page(csrf_post(admin, "/admin/klien-api", {"name": "SIKDA Bogor", "scopes": ["changes:read"]}))
    assert "sudah dipakai" in again.get_text()
    nothing = page(csrf_post(admin, "/admin/klien-api", {"name": "Tanpa izin"}))
    assert "Pilih paling sedikit satu izin." in nothing.get_text()
    with app.app_context():
        sikda = ApiClient.get(ApiClient.name == "SIKDA Bogor")
        assert sikda.token_hash != token and len(sikda.token_hash) == 64
    csrf_post(admin, f"/admin/klien-api/{sikda.id}/cabut", {}, form_page="/admin/klien-api")
    assert_problem(client.get("/api/v1/changes", headers=auth(token)), 401, "revoked-token")
    assert csrf_post(admin, f"/admin/klien-api/{sikda.id}/cabut", {}, form_page="/admin/klien-api").status_code == 404


def test_the_demo_token_command_prints_a_working_token(runner, client):
    token = runner.invoke(args=["api-token", "demo"]).output.strip()
    assert client.get("/api/v1/changes", headers=auth(token)).status_code == 200
    assert runner.invoke(args=["api-token", "tidak-ada"]).exit_code != 0


def test_every_write_operation_is_declared_with_its_model():
    bodies = {entry[2]: entry[4] for entry in schemas.ENDPOINTS}
    assert bodies == {"upsertParticipant": schemas.ParticipantIn, "pushPayment": schemas.PaymentIn,
                      "updateFacility": schemas.FacilityIn, "listChanges": None, "exportChanges": None,
                      "pushVisit": schemas.VisitIn, "listCases": None, "exportCases": None}
    assert date(1985, 8, 17)  # the demo NIK above encodes this birth date


# --- concurrency (threads, committed, on SQLite and on PostgreSQL) ------------------------------

@pytest.mark.committed
def test_one_family_sent_by_several_callers_at_once_is_stored_once(app, demo_token):
    rng = random.Random()
    kk = f"3201017{rng.randrange(10**9):09d}"
    born = date(1970, 1, 1) + timedelta(days=rng.randrange(10_000))
    head = new_participant(kk_number=kk, nik=f"320101{born:%d%m%y}{rng.randrange(5000, 9999):04d}",
                           birth_date=born.isoformat())
    child = {**head, "nik": head["nik"][:12] + f"{int(head['nik'][12:]) + 1:04d}", "relationship": "anak",
             "name": "Anak Susilo"}
    key = f"race-{uuid.uuid4().hex}"
    calls = [(head, None), (head, None), (child, key), (child, key)]
    clients = [app.test_client() for _ in calls]
    responses = run_together([
        lambda c=c, body=body, k=k: c.post("/api/v1/participants", json=body, headers=auth(demo_token, k))
        for c, (body, k) in zip(clients, calls)])
    assert [r.status_code for r in responses] == [200] * 4
    assert sorted(r.json["outcome"] for r in responses[:2]) == ["created", "unchanged"]
    assert responses[2].json == responses[3].json and responses[2].json["outcome"] == "created"
    with app.app_context(), db.connection_context():
        family = Family.get(Family.kk_number == kk)
        assert sorted(p.relationship for p in family.members) == ["anak", "kepala"]
        assert IdempotentWrite.select().where(IdempotentWrite.key == key).count() == 1


@pytest.mark.parametrize("text", ["Joko\x00Susilo", "Joko \udb94"])
def test_text_that_cannot_be_stored_is_422_not_500(app, client, token, text):
    """Found by the generated test on PostgreSQL: a NUL or a lone surrogate in any text field."""
    raw = json.dumps(new_participant(name=text)).encode()
    assert_problem(client.post("/api/v1/participants", data=raw, headers=auth(token)), 422, "invalid-body")
    assert_problem(client.post("/api/v1/facilities", data=json.dumps({"code": "A\x00"}).encode(),
                               headers=auth(token)), 422, "invalid-body")
