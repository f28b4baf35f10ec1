"""The office-system API (SPEC §2.6): thin adapters from HTTP to app/api/service.py.

Every operation is declared once in app/api/schemas.ENDPOINTS (scope, body and answers); the
`operation` decorator authenticates the bearer token, checks the scope, rate-limits per client,
bounds and validates the body with the pydantic model, replays Idempotency-Keys and answers
problems as RFC 9457 problem+json. No session and no CSRF token: the token is the credential.
"""
import json

from flask import Response, current_app, request, stream_with_context
from peewee import DatabaseError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.api import bp, schemas
from app.api import service as api
from app.api.problems import ApiProblem, problem_response
from app.core.audit import audit
from app.core.auth import public
from app.core.extensions import limiter
from app.core.rendering import render

#: the OpenAPI operation of each view, by function name → its ENDPOINTS entry
OPERATIONS = {entry[2]: entry for entry in schemas.ENDPOINTS}
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 429: "rate_limited"}


def read_body(limit):
    """The raw body, at most `limit` bytes, or None when it is larger (chunked bodies too)."""
    if (request.content_length or 0) > limit:
        return None
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = request.stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except RequestEntityTooLarge:
        return None
    return None if size > limit else b"".join(chunks)


def http_problem(error: HTTPException):
    return problem_response(HTTP_CODES.get(error.code, "invalid_body" if error.code == 422 else "bad_query")
                            if error.code != 500 else "internal_error")


def _json(body, status):
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _body(model):
    raw = read_body(current_app.config["API_MAX_BODY_BYTES"])
    if raw is None:
        raise ApiProblem("body_too_large")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiProblem("invalid_json") from None
    try:
        return raw, model.model_validate(data).model_dump()
    except ValidationError as invalid:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                  for e in invalid.errors(include_url=False, include_input=False)[:20]]
        raise ApiProblem("invalid_body", errors[0]["field"] if errors else "", errors) from None


def _call(operation_id, work):
    """Authenticate, run `work(client)` → Response; every call leaves one audit entry."""
    _, path, _, scope, model, _, _, _ = OPERATIONS[operation_id]
    client = None
    try:
        client = api.authenticate(request.headers.get("Authorization"), scope)
        return work(client)
    except ApiProblem as problem:
        audit(None, "api_call_refused", f"api-client:{client.id if client else '-'}",
              operation=operation_id, problem=problem.code)
        return problem_response(problem.code, problem.detail, problem.errors)
    except DatabaseError:
        current_app.logger.exception("API call not applied")
        return problem_response("unavailable")


def _write(operation_id, action):
    model = OPERATIONS[operation_id][4]

    def work(client):
        raw, data = _body(model)
        fingerprint = api.fingerprint(request.method, request.path, raw)
        status, body = api.idempotent(client, request.headers.get("Idempotency-Key"), fingerprint,
                                      lambda: action(client, data))
        return _json(body, status)

    return _call(operation_id, work)


def _limit():
    return current_app.config["API_RATE_LIMIT"]


def _client_key():
    return api.rate_key(request.headers.get("Authorization"))


per_client = limiter.limit(_limit, key_func=_client_key)


@bp.post("/participants")
@public
@per_client
def upsert_participant():
    """Upsert a participant and their family by NIK (scope participants:write; the token is checked inside)."""
    return _write("upsertParticipant", api.upsert_participant)


@bp.post("/payments")
@public
@per_client
def push_payment():
    """Push a paid contribution (scope payments:write)."""
    return _write("pushPayment", api.push_payment)


@bp.post("/facilities")
@public
@per_client
def update_facility():
    """A facility's phone and bed counts (scope facilities:write)."""
    return _write("updateFacility", api.update_facility)


@bp.post("/visits")
@public
@per_client
def push_visit():
    """Push a visit, checked like the staff's visit form (scope visits:write)."""
    return _write("pushVisit", api.push_visit)


@bp.get("/cases")
@public
@per_client
def list_cases():
    """Cases without their content, by cursor (scope cases:read)."""
    args = request.args
    return _call("listCases", lambda client: _json(api.case_page(
        client, args.get("cursor"), args.get("updated_since"), api.parse_limit(args.get("limit"))), 200))


@bp.get("/export/cases")
@public
@per_client
def export_cases():
    """Every case (without its content) as CSV, streamed (scope cases:read)."""
    return _call("exportCases", lambda client: _csv_response(
        api.export_cases(client, request.args.get("updated_since")), "kasus.csv"))


@bp.get("/changes")
@public
@per_client
def list_changes():
    """Data-change requests by cursor (scope changes:read)."""
    args = request.args
    return _call("listChanges", lambda client: _json(api.change_page(
        client, args.get("cursor"), args.get("updated_since"), api.parse_limit(args.get("limit"))), 200))


@bp.get("/export/changes")
@public
@per_client
def export_changes():
    """Every data-change request as CSV, streamed (scope changes:read)."""
    return _call("exportChanges", lambda client: _csv_response(
        api.export_changes(client, request.args.get("updated_since")), "perubahan-data.csv"))


def _csv_response(rows, filename):
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document, generated from the same models that validate the requests."""
    return _json(schemas.openapi(request.host_url), 200)


@bp.get("/referensi")
@public
def reference():
    """The API reference as plain HTML (no script), built from the same document."""
    return render("api/reference.html", doc=schemas.openapi(request.host_url))
