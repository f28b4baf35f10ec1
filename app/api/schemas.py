"""Every request and response body of the office API, declared once (pydantic v2): the views
validate with these models, and openapi() builds /api/v1/openapi.json from their JSON schemas and
from ENDPOINTS, so the document cannot drift from what the code accepts."""
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.health.service import PROCEDURES_MAX
from app.rules.health import SERVICE_TYPES
from app.rules.queue import BED_CLASSES, MAX_BEDS

MAX_DIAGNOSES, MAX_MEDICINES = 5, 10

Digits16 = Annotated[str, Field(pattern=r"^[0-9]{16}$", examples=["3201010101800001"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        """No NUL and no lone surrogate in any text: neither can be stored (PostgreSQL refuses both)."""
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("text contains a NUL character")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text is not valid Unicode") from None
        return value


class ParticipantIn(Strict):
    """A participant and the family (KK) they belong to: created, updated or left unchanged by NIK."""

    kk_number: Digits16
    nik: Digits16
    card_number: Annotated[str, Field(pattern=r"^([0-9]{13})?$")] = ""
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
    sex: Literal["L", "P"]
    birth_date: date
    relationship: Literal["kepala", "suami", "istri", "anak", "lainnya"]
    segment: Literal["PBI", "PPU", "PBPU", "BP"]
    care_class: Literal[1, 2, 3] | None = None
    district_code: Annotated[str, Field(pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$", examples=["32.01.01"])]
    address: Annotated[str, Field(min_length=1, max_length=300, pattern=r"\S")]
    phone: Annotated[str, Field(pattern=r"^(\+?[0-9]{6,15})?$")] = ""
    fktp_code: Annotated[str, Field(max_length=20)] = ""
    employer: Annotated[str, Field(max_length=150)] = ""


class ParticipantOut(BaseModel):
    outcome: Literal["created", "updated", "unchanged"]
    card_number: str
    warnings: list[str] = []


class PaymentIn(Strict):
    """A contribution paid into a family VA, applied on the same ledger path as the channels' callbacks."""

    va_number: Digits16
    amount: Annotated[int, Field(ge=1, le=1_000_000_000, strict=True)]
    reference: Annotated[str, Field(pattern=r"^[!-~]([ -~]{0,62}[!-~])?$")]
    paid_at: Annotated[str, Field(max_length=40, examples=["2026-11-25T10:15:00+07:00"],
                                  description="ISO 8601 with a UTC offset")]


class PaymentOut(BaseModel):
    status: Literal["applied", "duplicate", "unmatched"]
    payment_id: int


class BedCount(Strict):
    bed_class: Literal[BED_CLASSES]  # type: ignore[valid-type]
    available: Annotated[int, Field(ge=0, le=MAX_BEDS, strict=True)]
    total: Annotated[int, Field(ge=0, le=MAX_BEDS, strict=True)]


class FacilityIn(Strict):
    """Facility data pushed by the office: its phone number and its bed counts per class."""

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,20}$", examples=["DEMO-RS-3201"])]
    phone: Annotated[str, Field(pattern=r"^(\+?[0-9 ()-]{6,30})?$")] | None = None
    beds: Annotated[list[BedCount], Field(max_length=len(BED_CLASSES))] = []


class FacilityOut(BaseModel):
    outcome: Literal["updated", "unchanged"]
    code: str


class MedicineIn(Strict):
    name: Annotated[str, Field(max_length=200, examples=["Metformin 500 mg"])]
    dose: Annotated[str, Field(max_length=200, examples=["2 x 1 tablet"])]
    quantity: Annotated[int, Field(strict=True, examples=[60])]
    days: Annotated[int, Field(strict=True, examples=[30])]


class VisitIn(Strict):
    """A visit given at a facility, checked by the same rules as the staff's visit form
    (app/health/service.check_visit): ICD-10 codes that exist and are specific, dates not in the
    future, an admission and discharge only for RITL (inpatient) and in order, a control date after."""

    card_number: Annotated[str, Field(pattern=r"^[0-9]{13}$", examples=["0001000000001"])]
    facility_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,20}$", examples=["DEMO-PKM-3201"])]
    service_type: Literal[SERVICE_TYPES]  # type: ignore[valid-type]
    visit_date: date
    admitted_on: date | None = None
    discharged_on: date | None = None
    control_date: date | None = None
    diagnoses: Annotated[list[Annotated[str, Field(max_length=10, examples=["E11.9"])]],
                         Field(min_length=1, max_length=MAX_DIAGNOSES, description="ICD-10, the main one first")]
    procedures: Annotated[str, Field(max_length=PROCEDURES_MAX)] = ""
    medicines: Annotated[list[MedicineIn], Field(max_length=MAX_MEDICINES)] = []


class VisitOut(BaseModel):
    visit_id: int
    card_number: str
    facility_code: str


class CaseItem(BaseModel):
    """A case without its content: no text, photos or names (only the participant's card number)."""

    id: int
    kind: str
    category: str
    state: str
    channel: str
    card_number: str
    facility_code: str | None
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None
    resolution_due: datetime
    closed_at: datetime | None
    paused: bool
    first_response_breached: bool
    resolution_breached: bool


class CasePage(BaseModel):
    items: list[CaseItem]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null at the end")


class ChangeItem(BaseModel):
    id: int
    kind: str
    status: str
    card_number: str
    created_at: datetime
    decided_at: datetime | None


class ChangePage(BaseModel):
    items: list[ChangeItem]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null at the end")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict] = []


#: (method, path, operation id, scope, request model, {status: response model}, summary, query params)
WRITE = {"400": Problem, "409": Problem, "413": Problem, "422": Problem}
AUTH = {"401": Problem, "403": Problem, "429": Problem, "503": Problem}
ENDPOINTS = (
    ("post", "/api/v1/participants", "upsertParticipant", "participants:write", ParticipantIn,
     {"200": ParticipantOut, **WRITE, **AUTH}, "Upsert a participant and their family by NIK", ()),
    ("post", "/api/v1/payments", "pushPayment", "payments:write", PaymentIn,
     {"200": PaymentOut, "202": PaymentOut, **WRITE, **AUTH}, "Push a paid contribution", ()),
    ("post", "/api/v1/facilities", "updateFacility", "facilities:write", FacilityIn,
     {"200": FacilityOut, "404": Problem, **WRITE, **AUTH}, "Update a facility's phone and bed counts", ()),
    ("post", "/api/v1/visits", "pushVisit", "visits:write", VisitIn,
     {"200": VisitOut, "404": Problem, **WRITE, **AUTH}, "Push a visit (checked like the staff's visit form)", ()),
    ("get", "/api/v1/cases", "listCases", "cases:read", None,
     {"200": CasePage, "400": Problem, **AUTH}, "Cases without their content, oldest first, by cursor",
     ("updated_since", "cursor", "limit")),
    ("get", "/api/v1/export/cases", "exportCases", "cases:read", None,
     {"200": "text/csv", "400": Problem, **AUTH}, "Every case (without its content) as CSV, streamed",
     ("updated_since",)),
    ("get", "/api/v1/changes", "listChanges", "changes:read", None,
     {"200": ChangePage, "400": Problem, **AUTH}, "Data-change requests, oldest first, by cursor",
     ("updated_since", "cursor", "limit")),
    ("get", "/api/v1/export/changes", "exportChanges", "changes:read", None,
     {"200": "text/csv", "400": Problem, **AUTH}, "Every data-change request as CSV, streamed",
     ("updated_since",)),
)
QUERY = {
    "updated_since": {"type": "string", "format": "date-time",
                      "description": "only what was created or decided at or after this moment (ISO 8601)"},
    "cursor": {"type": "string", "description": "next_cursor of the previous page"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
}


def _ref(model):
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def openapi(server="/"):
    """The OpenAPI 3.1 document of ENDPOINTS, schemas taken from the pydantic models."""
    schemas, paths = {}, {}

    def register(model):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            schemas[name] = sub
        schemas[model.__name__] = schema
        return _ref(model)

    for method, path, operation_id, scope, body, responses, summary, params in ENDPOINTS:
        operation = {"operationId": operation_id, "summary": summary, "security": [{"token": [scope]}],
                     "description": f"Scope: `{scope}`.", "responses": {}}
        if body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": register(body)}}}
            operation["parameters"] = [{"name": "Idempotency-Key", "in": "header", "required": False,
                                        "schema": {"type": "string", "minLength": 1, "maxLength": 100,
                                                   "pattern": "^[!-~]+$"}}]
        if params:
            operation["parameters"] = [{"name": n, "in": "query", "required": False, "schema": QUERY[n]}
                                       for n in params]
        for status, model in responses.items():
            if model == "text/csv":
                content = {"text/csv": {"schema": {"type": "string"}}}
            else:
                media = "application/problem+json" if model is Problem else "application/json"
                content = {media: {"schema": register(model)}}
            operation["responses"][status] = {"description": HTTP_TITLES.get(int(status), "OK"),
                                              "content": content}
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "JKN Lite office API", "version": "1.0.0",
                 "description": "For BPJS office systems. Bearer tokens per client, one scope per operation; "
                                "writes accept an Idempotency-Key; errors are RFC 9457 problem+json."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "a client token from an admin"}}},
    }


HTTP_TITLES = {200: "OK", 202: "Accepted, unmatched", 400: "Bad request", 401: "Unauthorized",
               403: "Forbidden", 404: "Not found", 409: "Conflict", 413: "Content too large",
               422: "Unprocessable content", 429: "Too many requests", 503: "Busy, retry later"}
