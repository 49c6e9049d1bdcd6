from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from services.models import LifeSituation, SupportService


def home(request: HttpRequest) -> HttpResponse:
    national = (
        SupportService.objects.published()
        .filter(is_nationwide=True)
        .select_related("organisation", "tier")
        .order_by("name")
    )
    return render(
        request,
        "services/home.html",
        {
            "life_situations": LifeSituation.objects.all(),
            "national_services": national,
        },
    )
