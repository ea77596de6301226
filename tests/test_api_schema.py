"""schemathesis against the API's own OpenAPI document, in-process (WSGI), as the secretariat and as a viewer.

Checks: no 5xx, status codes, content types and bodies as the document says. Kept small (a few
examples per operation) so that it runs in well under a minute on the CI machine.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.api.tokens import api_token_create
from tests.factories import answer_all, make_assessment
from tests.secretariat_data import approved, government, iso3

pytestmark = pytest.mark.django_db

EXAMPLES: dict[str, int] = {}

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Loaded at collection: generating the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """Requests go straight to the WSGI handler, which closes the database connection after each one; Django's
    test client stops that, so do the same here (else PostgreSQL loses the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world, settings, keep_connection):
    """Data behind every endpoint: a draft, a submitted and five approved assessments (a comparison to show)."""
    settings.HLD_API_RATE = "100000/hour"
    answer_all(world.assessment, score=2)
    make_assessment(government=world.other_government, framework=world.framework, status="submitted")
    codes = list(world.framework.criteria.values_list("code", flat=True))
    for n in range(5):
        approved(government(f"Approved {n}", iso3(300 + n), "asia"), world.framework, dict.fromkeys(codes, n % 5),
                 cycle="2024")
    return {
        "secretariat": api_token_create(user=world.secretariat, name="s", days=30)[1],
        "viewer": api_token_create(user=world.viewer, name="v", days=30)[1],
    }


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_as_its_openapi_document_says(case, tokens):
    EXAMPLES[case.operation.label] = EXAMPLES.get(case.operation.label, 0) + 1
    for who in ("secretariat", "viewer"):
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance])


@pytest.fixture(scope="module", autouse=True)
def report_examples():
    """Print how many examples each operation ran (see them with -s or -rP)."""
    yield
    total = sum(EXAMPLES.values())
    print(f"\nschemathesis: {len(EXAMPLES)} operations, {total} examples (x3 requests each)")
    for label, n in sorted(EXAMPLES.items()):
        print(f"  {label}: {n}")
