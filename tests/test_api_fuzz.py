"""The whole API document fuzzed by schemathesis, a bounded number of examples per
operation: no request may give a server error or an answer the document does not
describe (status, content type, body)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coordinator.extensions import db
from tests.api_client import token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 15  # per operation: CI time stays bounded


def _seeded(make):
    partnership = make.partnership(slug="river")
    coordinator = make.member(partnership, role="coordinator", tags=("gis",))
    make.task(coordinator, title="Map the dikes", tags=["gis"])
    return token_for(make, coordinator, scopes=(
        "read", "write", "coordinator:read", "coordinator:write"))


def test_no_request_breaks_the_api_or_its_document(app, make):
    """Each operation in turn, through schemathesis as a library (its pytest plugin and
    this pytest do not get on), so one failing operation does not hide the others."""
    headers = {"Authorization": f"Bearer {_seeded(make)}"}
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, operations = {}, 0
    for found in schema.get_all_operations():
        operation = found.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                db.session.rollback()

        try:
            fuzz()
        except Exception as failure:  # noqa: BLE001  (collected, reported together below)
            failures[operation.label] = str(failure)[:2000]
    assert operations >= 17
    assert not failures, "\n\n".join(f"{label}: {why}" for label, why in failures.items())
