"""NUL and other control characters in paths and parameters never reach the database (which
PostgreSQL would refuse with a server error): they are a 400 or a 404, or cleaned out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.hsds.world import World

URLS = {
    "/api/v1/tiers/%00/": 404,
    "/api/v1/municipalities/a%00b/": 404,
    "/api/v1/methods/a%00/": 404,
    "/api/v1/services/?q=a%00": 400,
    "/api/v1/services/?place=%00": 400,
    "/api/v1/organisations/?q=%00": 400,
    "/api/v1/organisations/?business_id=%00": 400,
    "/api/v1/locations/?municipality=%00": 400,
    "/api/v1/sessions/?language=%00": 400,
    "/api/v1/services/?method=%00": 400,
    "/api/hsds/services?search=%00": 200,
    "/api/hsds/services?postcode=5010%00": 400,
    "/api/hsds/organizations?search=a%00": 200,
    "/api/hsds/taxonomy_terms?search=%00%1f": 200,
}


@pytest.mark.parametrize("url, status", URLS.items())
def test_control_characters_get_a_clear_answer(
    client: Client, world: World, url: str, status: int
) -> None:
    assert client.get(url).status_code == status
