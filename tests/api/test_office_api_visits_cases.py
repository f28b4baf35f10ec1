"""The office API's visits:write and cases:read: a pushed visit is checked by the health service's
check_visit (the staff form's rules), saved encrypted, idempotent, and leaves no health data in the
audit or the logs; cases come by signed cursor and as streamed CSV without their text, photos or
names. Tokens are sent as an office system would."""
import csv
import io
import json
import logging
import uuid
from datetime import timedelta

import pytest

from app.api import schemas
from app.api import service as api
from app.core import clock
from app.models import AuditLog, Case, CaseEvent, IdempotentWrite, Participant, Visit
from tests.helpers import BUDI_CARD, CIBINONG

PROBLEM = "application/problem+json"


def client_token(app, *scopes):
    with app.app_context():
        return api.create_client(None, f"kantor-{uuid.uuid4().hex[:8]}", list(scopes))[1]


@pytest.fixture
def visits_token(app):
    return client_token(app, "visits:write")


@pytest.fixture
def cases_token(app):
    return client_token(app, "cases:read")


def auth(token, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def a_visit(**fields):
    today = clock.today()
    data = {"card_number": BUDI_CARD, "facility_code": CIBINONG, "service_type": "RJTP",
            "visit_date": (today - timedelta(days=1)).isoformat(), "diagnoses": ["E11.9", "i10"],
            "procedures": "Cek gula darah", "control_date": (today + timedelta(days=30)).isoformat(),
            "medicines": [{"name": "Metformin 500 mg", "dose": "2 x 1 tablet", "quantity": 60, "days": 30}]}
    data.update(fields)
    return data


def visit_count(app):
    with app.app_context():
        return Visit.select().count()


def assert_problem(response, status, type_end):
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["type"].endswith(type_end) and body["detail"]
    return body


# --- scopes ---------------------------------------------------------------------------------------

def test_each_new_operation_needs_its_own_scope(app, client, visits_token, cases_token):
    before = visit_count(app)
    changes_only = client_token(app, "changes:read")
    for token in (changes_only, cases_token):
        assert_problem(client.post("/api/v1/visits", json=a_visit(), headers=auth(token)), 403, "wrong-scope")
    for token in (changes_only, visits_token):
        assert_problem(client.get("/api/v1/cases", headers=auth(token)), 403, "wrong-scope")
        assert_problem(client.get("/api/v1/export/cases", headers=auth(token)), 403, "wrong-scope")
    assert_problem(client.get("/api/v1/cases"), 401, "missing-token")
    assert visit_count(app) == before  # nothing written by any refused call


# --- visits:write ---------------------------------------------------------------------------------

def test_a_pushed_visit_is_saved_encrypted_like_the_staff_form_saves_it(app, client, visits_token, caplog):
    before = visit_count(app)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/visits", json=a_visit(), headers=auth(visits_token))
    assert response.status_code == 200, response.data
    body = response.json
    assert body["card_number"] == BUDI_CARD and body["facility_code"] == CIBINONG
    with app.app_context():
        assert Visit.select().count() == before + 1
        visit = Visit.get_by_id(body["visit_id"])
        assert visit.participant.card_number == BUDI_CARD and visit.facility.code == CIBINONG
        assert visit.created_by is None and visit.service_type == "RJTP"
        assert [code for code, _name in visit.data["diagnoses"]] == ["E11.9", "I10"]  # normalized, named
        assert "diabetes" in visit.data["diagnoses"][0][1].lower()
        assert visit.data["medicines"] == [{"name": "Metformin 500 mg", "dose": "2 x 1 tablet", "quantity": 60,
                                            "days": 30}]
        assert "E11.9" not in visit.data_encrypted and "Metformin" not in visit.data_encrypted
        entry = AuditLog.select().where(AuditLog.action == "api_visit_recorded").order_by(AuditLog.id.desc()).get()
        assert entry.subject == f"visit:{visit.id}"
        assert entry.on_behalf_of_id == visit.participant_id
        stored = json.dumps(entry.__data__, default=str)
    for secret in ("E11.9", "I10", "Metformin", "gula", "iabetes"):
        assert secret not in stored and secret not in caplog.text


def test_the_same_key_replays_the_visit_another_body_is_refused(app, client, visits_token):
    before = visit_count(app)
    first = client.post("/api/v1/visits", json=a_visit(), headers=auth(visits_token, "kunjungan-1"))
    again = client.post("/api/v1/visits", json=a_visit(), headers=auth(visits_token, "kunjungan-1"))
    assert first.status_code == again.status_code == 200
    assert again.json == first.json
    assert visit_count(app) == before + 1
    other = client.post("/api/v1/visits", json=a_visit(procedures="Lain"), headers=auth(visits_token, "kunjungan-1"))
    assert_problem(other, 409, "idempotency-conflict")
    assert visit_count(app) == before + 1


@pytest.mark.parametrize(("fields", "status", "type_end", "field", "code"), [
    ({"card_number": "9999999999999"}, 404, "not-found", None, None),
    ({"facility_code": "TIDAK-ADA"}, 404, "not-found", None, None),
    ({"diagnoses": ["E11.99"]}, 422, "refused", "diagnoses.0", "icd10_unknown"),
    ({"diagnoses": ["I10", "U99.9"]}, 422, "refused", "diagnoses.1", "icd10_unknown"),
    ({"diagnoses": ["E11"]}, 422, "refused", "diagnoses.0", "icd10_not_specific"),
    ({"diagnoses": ["diabetes"]}, 422, "refused", "diagnoses.0", "icd10_format"),
    ({"service_type": "RITL", "admitted_on": "DAY-3", "discharged_on": "DAY-5", "visit_date": "DAY-4",
      "control_date": None}, 422, "refused", "discharged_on", "discharge_before_admission"),
    ({"visit_date": "DAY+1", "control_date": "DAY+30"}, 422, "refused", "visit_date", "visit_future"),
    ({"visit_date": "1950-01-01", "control_date": None}, 422, "refused", "visit_date", "visit_before_birth"),
    ({"admitted_on": "DAY-2"}, 422, "refused", "admitted_on", "admission_not_inpatient"),
    ({"control_date": "DAY-1"}, 422, "refused", "control_date", "control_not_after_visit"),
    ({"medicines": [{"name": "Amlodipin", "dose": "1 x 1", "quantity": 0, "days": 30}]}, 422, "refused",
     "medicines.0.quantity", "quantity_range"),
    ({"service_type": "XXXX"}, 422, "invalid-body", "service_type", None),
    ({"diagnoses": []}, 422, "invalid-body", "diagnoses", None),
    ({"visit_date": "25-11-2026"}, 422, "invalid-body", "visit_date", None),
    ({"medicines": [{"name": "A", "dose": "1", "quantity": "60", "days": 30}]}, 422, "invalid-body",
     "medicines.0.quantity", None),
    ({"extra": "x"}, 422, "invalid-body", "extra", None),
])
def test_bad_visits_are_refused_with_the_field_and_nothing_is_saved(app, client, visits_token, fields, status,
                                                                    type_end, field, code):
    today = clock.today()
    for name, value in fields.items():
        if isinstance(value, str) and value.startswith("DAY"):
            fields[name] = (today + timedelta(days=int(value[3:]))).isoformat()
    before = visit_count(app)
    with app.app_context():
        writes = IdempotentWrite.select().count()
    body = assert_problem(client.post("/api/v1/visits", json=a_visit(**fields),
                                      headers=auth(visits_token, uuid.uuid4().hex)), status, type_end)
    if field:
        assert field in [e["field"] for e in body["errors"]], body
    if code:
        assert {"field": field, "message": code} in body["errors"]
    assert visit_count(app) == before
    with app.app_context():
        assert IdempotentWrite.select().count() == writes  # a refused write keeps no key


def test_the_staff_form_and_the_api_share_one_check():
    from app.health import forms, service

    limit = schemas.VisitIn.model_fields["procedures"].metadata[0].max_length
    assert forms.PROCEDURES_MAX == service.PROCEDURES_MAX == limit
    assert set(service.VISIT_PROBLEM_FIELDS) == set(forms.VISIT_ERRORS)


# --- cases:read -----------------------------------------------------------------------------------

def test_cases_come_page_by_page_without_their_content(app, client, cases_token):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/cases", query_string=query, headers=auth(cases_token))
        assert response.status_code == 200, response.data
        body = response.json
        seen.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    with app.app_context():
        cases = list(Case.select().order_by(Case.id))
        texts = [c.text for c in cases]
        assert all(texts)
        cards = {c.id: Participant.get_by_id(c.participant_id).card_number for c in cases}
        names = {Participant.get_by_id(c.participant_id).name for c in cases}
    assert [item["id"] for item in seen] == [c.id for c in cases] and pages == -(-len(cases) // 4)
    raw = json.dumps(seen)
    assert not any(text in raw for text in texts) and not any(name in raw for name in names)
    assert all(set(item) == set(schemas.CaseItem.model_fields) for item in seen)
    assert all(item["card_number"] == cards[item["id"]] for item in seen)
    by_id = {item["id"]: item for item in seen}
    assert any(item["first_response_breached"] for item in seen)  # the demo case past its deadline
    for case in cases:
        item = by_id[case.id]
        assert item["kind"] == case.kind and item["state"] == case.state and item["channel"] == case.channel
        assert item["paused"] == (case.paused_since is not None)
        if case.closed_at is not None:
            assert item["resolution_breached"] == (case.closed_at > case.resolution_due)


def test_updated_since_returns_cases_opened_or_moved_since(app, client, cases_token):
    with app.app_context():
        case = Case.select().where(Case.is_open == True).order_by(Case.opened_at).first()  # noqa: E712
        now = clock.now()
        CaseEvent.create(case=case, at=now, action="catatan")
        opened_since = {c.id for c in Case.select().where(Case.opened_at >= now)}
    text = (now - timedelta(seconds=1)).isoformat() + "+00:00"  # stored times are naive UTC
    response = client.get("/api/v1/cases", query_string={"updated_since": text}, headers=auth(cases_token))
    assert response.status_code == 200, response.data
    ids = {item["id"] for item in response.json["items"]}
    assert ids == {case.id} | opened_since
    item = next(i for i in response.json["items"] if i["id"] == case.id)
    assert item["updated_at"] > item["created_at"]
    later = client.get("/api/v1/cases", query_string={"updated_since": "2999-01-01T00:00:00+07:00"},
                       headers=auth(cases_token))
    assert later.json == {"items": [], "next_cursor": None}


def test_tampered_cursors_and_bad_queries_on_cases_are_400(app, client, cases_token):
    first = client.get("/api/v1/cases?limit=1", headers=auth(cases_token)).json
    assert first["next_cursor"]
    assert_problem(client.get(f"/api/v1/cases?cursor={first['next_cursor']}x", headers=auth(cases_token)),
                   400, "bad-cursor")
    other = client_token(app, "cases:read")
    assert_problem(client.get(f"/api/v1/cases?cursor={first['next_cursor']}", headers=auth(other)), 400, "bad-cursor")
    assert_problem(client.get("/api/v1/cases?limit=0", headers=auth(cases_token)), 400, "bad-query")
    assert_problem(client.get("/api/v1/cases?updated_since=kemarin", headers=auth(cases_token)), 400, "bad-query")


def test_the_case_export_streams_every_case_as_csv_without_content(app, client, cases_token):
    response = client.get("/api/v1/export/cases", headers=auth(cases_token))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed or response.direct_passthrough is not None
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    with app.app_context():
        cases = list(Case.select().order_by(Case.id))
        texts = [c.text for c in cases]
        assert AuditLog.select().where(AuditLog.action == "api_cases_exported").count() >= 1
    assert [int(r["id"]) for r in rows] == [c.id for c in cases]
    assert list(rows[0]) == list(schemas.CaseItem.model_fields)
    assert all(texts) and not any(t in text for t in texts)
