"""'Use my location': the browser's position as the nearest postal area, in one request.

The position comes in a POST body, so that neither Django nor gunicorn's access log (which
writes the request line with its query string) ever records it; it is not stored either.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from services.places import nearest_postal_area


def _coordinate(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


# Exempt from CSRF: it changes nothing and public pages set no cookies; a cross-site page
# could not read the answer (no CORS) and would learn nothing it did not send.
@csrf_exempt
@never_cache
@require_POST
def nearest_place(request: HttpRequest) -> JsonResponse:
    """``lat`` and ``lon`` (WGS84 degrees) → ``{"postal_code", "name", "place"}``, where
    ``place`` is what the search form's place field takes; 400 with ``error`` otherwise."""
    latitude = _coordinate(request.POST.get("lat"), -90, 90)
    longitude = _coordinate(request.POST.get("lon"), -180, 180)
    if latitude is None or longitude is None:
        return JsonResponse(
            {"error": _("Send your position as latitude and longitude in degrees.")}, status=400
        )
    area = nearest_postal_area(latitude=latitude, longitude=longitude)
    if area is None:
        return JsonResponse(
            {
                "error": _(
                    "Your position does not seem to be in Finland. Type your postal code instead."
                )
            },
            status=400,
        )
    return JsonResponse(
        {"postal_code": area.code, "name": area.name, "place": f"{area.code} {area.name}"}
    )
