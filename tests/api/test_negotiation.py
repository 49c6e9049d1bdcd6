"""The API's content negotiation chooses what DRF's own would, whatever the client accepts."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request

from services.negotiation import Negotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/xml",
    "",
]
RENDERERS = [
    [JSONRenderer()],
    [JSONRenderer(), BrowsableAPIRenderer()],
    [TemplateHTMLRenderer(), JSONRenderer()],
]


def choice(negotiation: object, accept: str | None, renderers: list, query: str = "") -> object:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get(f"/api/v1/services/{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except (NotAcceptable, Http404) as refusal:
        return type(refusal)
    return type(renderer), media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("renderers", RENDERERS, ids=["json", "json+browsable", "html+json"])
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
def test_the_api_chooses_the_renderer_drf_would(
    accept: str | None, renderers: list, query: str
) -> None:
    assert choice(Negotiation(), accept, renderers, query) == choice(
        DefaultContentNegotiation(), accept, renderers, query
    )
