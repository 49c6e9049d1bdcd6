"""Content negotiation of the APIs (``REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"]`` in
settings). A module of its own: DRF imports it while defining its views."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request


class Negotiation(DefaultContentNegotiation):
    """DRF's content negotiation (``DEFAULT_CONTENT_NEGOTIATION_CLASS``), answering at once for
    a client that accepts anything or asks for JSON as such, as most do: DRF would choose the
    same renderer after parsing the header (tests/api/test_negotiation.py), which costs a
    short page a tenth of its time."""

    def select_renderer(
        self, request: Request, renderers: list, format_suffix: str | None = None
    ) -> tuple[object, str]:
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if (
            renderers
            and not format_suffix
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and (accept == "*/*" or accept == renderers[0].media_type == "application/json")
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
