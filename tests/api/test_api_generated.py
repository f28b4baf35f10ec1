"""Property-based: schemathesis generates requests from /api/v1/openapi.json and sends them to the
app in-process (WSGI); no answer may be a 5xx, an undocumented status or content type, or a body
that breaks its declared schema. A bounded number of examples per operation, on whichever database
the suite runs. (schemathesis' lazy pytest fixture loader does not run under pytest 9 — it sets a
node attribute pytest removed — so each operation's strategy is driven by hypothesis directly.)"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import schemas
from app.api import service as api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("method,path", [(entry[0].upper(), entry[1]) for entry in schemas.ENDPOINTS])
def test_generated_requests_get_documented_answers(app, method, path, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    with app.app_context():
        # identity: schemathesis' WSGI transport does not undo Flask-Compress (a page of cases is > 256 bytes)
        headers = {"Authorization": f"Bearer {api.derived_token('demo')}", "Accept-Encoding": "identity"}
    seen = set()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.add(response.status_code)

    call()
    assert seen and max(seen) < 500, seen
