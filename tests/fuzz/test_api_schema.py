"""The JSON API against its own OpenAPI schema: schemathesis generates requests for every operation in
/api/openapi.json and sends them through the WSGI application, anonymously and with a member's Bearer token.

Every answer must be below 500, in time, and match the schema of its status where the schema documents one. Path
parameters are sometimes replaced by the ids of the real library, so that the operations reach past their 404s.
Each request runs in a savepoint that is rolled back, as in test_endpoints.py.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("WENKU_FUZZ_API_EXAMPLES", "30"))  # per operation
REQUEST_SECONDS = float(os.environ.get("WENKU_FUZZ_REQUEST_SECONDS", "10"))
EXPLORE = os.environ.get("WENKU_FUZZ_EXPLORE") == "1"  # new random inputs on each run, to look for more errors
CHECKS = [not_a_server_error, response_schema_conformance]
API_SETTINGS = settings(
    derandomize=not EXPLORE,
    database=None,
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing request is reported as it is
    suppress_health_check=list(HealthCheck),
)


# Loaded when the file is collected (schemathesis' lazy from_fixture does not work with pytest 9): serving the schema
# needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
REAL: dict[str, list[int]] = {}  # path parameter name -> ids of the current test's library


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Each path parameter is the generated value or, as often, an id of the real library."""
    if not isinstance(path_parameters, dict) or not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {name: st.sampled_from([value, *REAL.get(name, [])]) for name, value in path_parameters.items()}
    )


@pytest.fixture(autouse=True)
def _real_ids(library):
    REAL["document_id"] = [d.pk for d in [*library.documents, library.pending]]
    REAL["number"] = [1, 2, library.documents[1].page_count]
    yield
    REAL.clear()


@pytest.fixture(autouse=True)
def _connection_kept():
    """Django closes the database connection when a request ends; inside the test's transaction that would throw
    the test's data away, so (as Django's own test client does) the closing is off while a test sends requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _call_and_check(case, headers: dict, counts) -> None:
    counts["inputs"] += 1
    savepoint = transaction.savepoint()
    started = time.monotonic()
    try:
        response = case.call(headers=headers)
    finally:
        elapsed = time.monotonic() - started
        transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(False)
    if response.status_code >= 500:
        counts["5xx"] += 1
    assert elapsed < REQUEST_SECONDS, f"{case.method} {case.formatted_path} took {elapsed:.1f}s"
    case.validate_response(response, checks=CHECKS, headers=headers)


@schema.parametrize()
@API_SETTINGS
def test_the_api_answers_anonymous_requests_by_its_schema(case, fuzz_tally):
    _call_and_check(case, {}, fuzz_tally("api schema"))


@schema.parametrize()
@API_SETTINGS
def test_the_api_answers_token_requests_by_its_schema(case, library, fuzz_tally):
    _call_and_check(case, {"Authorization": f"Bearer {library.member_token}"}, fuzz_tally("api schema"))
