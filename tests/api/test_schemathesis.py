"""schemathesis against our OpenAPI schema: no server errors, responses as documented.

The schema is read from /api/schema/ through the WSGI application (no database is needed to
serve it); each operation of the read API is a test of its own with a bounded number of
generated requests, run against a small catalogue (``world``, built once per operation).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from perhekeskus.wsgi import application
from tests.hsds.world import World

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Random requests within a fixed budget per operation; the coverage phase's exhaustive boundary
# cases would multiply the requests (the bad-parameter tests cover the boundaries by hand).
schema.config.phases.coverage.enabled = False
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go through the WSGI handler, which closes the database connection after each
    one; the test's transaction lives on that connection (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.include(method="GET").parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_read_api_keeps_to_its_schema(
    case: schemathesis.Case, world: World, keep_connection: None
) -> None:
    cache.clear()  # the anonymous rate limit is not what is tested here
    response = case.call()
    case.validate_response(response, checks=CHECKS)
