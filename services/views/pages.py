from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from services.models import Organisation, SupportService


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        SupportService.objects.published().select_related("organisation", "tier"), pk=pk
    )
    return render(request, "services/supportservice_detail.html", {"service": service})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    services = organisation.services.published().select_related("tier").order_by("name")
    return render(
        request,
        "services/organisation_detail.html",
        {"organisation": organisation, "services": services},
    )
