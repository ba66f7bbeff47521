"""Property-based fuzzing of the JSON API from its OpenAPI schema: never a server error.

A bounded number of generated requests per endpoint, so it runs in seconds.
(Schemathesis's pytest plug-in does not run under pytest 9 yet: the operations
are walked here and each one's Hypothesis strategy is run directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from mixtape.library import Mixtape
from mixtape.web.app import create_app
from tests.factories.web import prepared

EXAMPLES = 15


@pytest.fixture(scope="module")
def fuzzed_app(mx: Mixtape) -> FastAPI:
    # Its own app (same facade): a fit a strange request starts does not slow other tests.
    return prepared(create_app(mx, warm=None))


def test_the_api_never_answers_with_a_server_error(fuzzed_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    paths = {op.path for op in operations}
    assert {"/api/recommend", "/api/path", "/api/tracks/{ref}", "/api/search"} <= paths

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def never_a_server_error(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.text[:300])

        never_a_server_error()
