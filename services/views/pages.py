"""Service and provider pages, error reports, and the site's own content pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from services import reports
from services.codes import named_terms
from services.form_protection import Verdict, bounded_body, check_anonymous_post
from services.forms import ErrorReportForm
from services.models import (
    ContactPoint,
    GroupSession,
    LifeSituation,
    Location,
    Organisation,
    SupportService,
)
from services.opening_hours import closure_during
from services.opening_summary import summarise_hours
from services.templatetags.text_language import active_language
from services.views.common import example_content, refused

# How many upcoming sessions a service page lists; the rest are in the sessions list.
SERVICE_PAGE_SESSIONS = 10
# Error reports: per visitor (hashed address) per day, and per listing per day.
REPORTS_PER_CLIENT = 10
REPORTS_PER_LISTING = 30
# The accessibility statement: when it was prepared and last reviewed (306/2019 §9).
ACCESSIBILITY_STATEMENT_PREPARED = dt.date(2026, 11, 28)
ACCESSIBILITY_STATEMENT_REVIEWED = dt.date(2026, 11, 28)
# Life situations the page for adult services links to, in this order.
ADULT_SERVICES_SITUATIONS = [
    "SUBSTANCE",
    "MENTAL_HEALTH",
    "VIOLENCE",
    "FINANCES",
    "SEPARATION",
    "ILLNESS_DISABILITY",
    "BEREAVEMENT",
    "MIGRATION",
]


def age_range(service: SupportService) -> str:
    low, high = service.min_age, service.max_age
    if low is not None and high is not None:
        if low == high:
            return _("children aged %(age)d") % {"age": low}
        return _("children aged %(low)d–%(high)d") % {"low": low, "high": high}
    if low is not None:
        return _("children aged %(age)d and older") % {"age": low}
    if high is not None:
        return _("children up to the age of %(age)d") % {"age": high}
    return ""


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    hours = ("opening_hours", "opening_hours_exceptions")
    service = get_object_or_404(
        SupportService.objects.published()
        .select_related("organisation", "tier")
        .prefetch_related(
            "methods",
            Prefetch(
                "locations",
                queryset=Location.objects.select_related("municipality").prefetch_related(*hours),
            ),
            Prefetch("contact_points", queryset=ContactPoint.objects.prefetch_related(*hours)),
            Prefetch(
                "sessions",
                queryset=GroupSession.objects.filter(ends_at__gte=now)
                .select_related("location__municipality", "language")
                .order_by("starts_at")[:SERVICE_PAGE_SESSIONS],
                to_attr="upcoming_sessions",
            ),
        ),
        pk=pk,
    )
    # Its terms' names in one statement compiled once (seven prefetches compiled each time).
    terms = named_terms(service.pk, active_language())
    locations = [
        (
            location,
            summarise_hours(
                location.opening_hours.all(), location.opening_hours_exceptions.all(), now=now
            ),
        )
        for location in service.locations.all()
    ]
    # a session meets at one of the service's own locations, their exceptions prefetched
    closures = {location.pk: location.opening_hours_exceptions.all() for location, _ in locations}
    contacts = [
        (
            contact,
            summarise_hours(
                contact.opening_hours.all(), contact.opening_hours_exceptions.all(), now=now
            ),
        )
        for contact in service.contact_points.all()
    ]
    return render(
        request,
        "services/supportservice_detail.html",
        {
            "service": service,
            "example_content": service.is_example,
            "terms": terms,
            "is_free": any(attribute.code == "FREE" for attribute in terms["attributes"]),
            "age_range": age_range(service),
            "locations": locations,
            "contacts": contacts,
            "website_is_extra": bool(service.website)
            and all(contact.href != service.website for contact, _hours in contacts),
            "sessions": [
                (session, closure_during(session, closures.get(session.location_id, ())))
                for session in service.upcoming_sessions
            ],
            "now": now,
            "checked_long_ago": (service.verified_at or service.created_at)
            < now - dt.timedelta(days=settings.CHECKED_LONG_AGO_DAYS),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    services = list(
        organisation.services.published()
        .select_related("tier", "organisation")
        .prefetch_related("channels", "locations__municipality")
        .order_by("name")
    )
    return render(
        request,
        "services/organisation_detail.html",
        {
            "organisation": organisation,
            "services": services,
            "example_content": "some" if organisation.is_example else example_content(services),
        },
    )


@bounded_body
@csrf_exempt  # no CSRF cookie for anonymous visitors: see services.form_protection
@require_http_methods(["GET", "POST"])
def report_error(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        SupportService.objects.published().select_related("organisation"), pk=pk
    )
    form = ErrorReportForm()
    too_fast = False
    if request.method == "POST":
        verdict = check_anonymous_post(
            request,
            scope=f"error-report:{service.pk}",
            per_client=REPORTS_PER_CLIENT,
            overall=REPORTS_PER_LISTING,
        )
        if verdict is Verdict.ROBOT:
            return redirect("services:report_error_thanks", pk=service.pk)
        if verdict in (Verdict.FOREIGN_ORIGIN, Verdict.RATE_LIMITED):
            return refused(request, verdict)
        form = ErrorReportForm(request.POST)
        too_fast = verdict is Verdict.TOO_FAST
        if form.is_valid() and not too_fast:
            reports.receive(
                service=service,
                text=form.cleaned_data["text"],
                reply_to=form.cleaned_data["reply_to"],
                language=get_language() or settings.LANGUAGE_CODE,
            )
            return redirect("services:report_error_thanks", pk=service.pk)
    return render(
        request,
        "services/errorreport_form.html",
        {
            "service": service,
            "form": form,
            "too_fast": too_fast,
            "example_content": service.is_example,
        },
        status=400 if request.method == "POST" else 200,
    )


def report_error_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(SupportService.objects.published(), pk=pk)
    return render(request, "services/errorreport_thanks.html", {"service": service})


def content_template(name: str) -> str:
    """The page's text in the active language (long prose reads better written per language)."""
    language = get_language() or settings.LANGUAGE_CODE
    if language not in ("fi", "sv", "en"):
        language = "fi"
    return f"services/content/{name}_{language}.html"


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "services/accessibility_statement.html",
        {
            "content_template": content_template("accessibility"),
            "feedback_email": settings.FEEDBACK_EMAIL,
            "operator": settings.SITE_OPERATOR,
            "prepared": ACCESSIBILITY_STATEMENT_PREPARED,
            "reviewed": ACCESSIBILITY_STATEMENT_REVIEWED,
        },
    )


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "services/privacy_notice.html",
        {
            "content_template": content_template("privacy"),
            "feedback_email": settings.FEEDBACK_EMAIL,
            "operator": settings.SITE_OPERATOR,
        },
    )


def adult_services(request: HttpRequest) -> HttpResponse:
    situations = {
        s.code: s for s in LifeSituation.objects.filter(code__in=ADULT_SERVICES_SITUATIONS)
    }
    lp_services = list(
        SupportService.objects.published()
        .filter(methods__slug=settings.LAPSET_PUHEEKSI_METHOD)
        .select_related("organisation", "tier")
        .prefetch_related("locations__municipality")
        .distinct()
        .order_by("name")
    )
    for service in lp_services:
        service.municipalities = sorted(
            {location.municipality.name for location in service.locations.all()}
        )
    return render(
        request,
        "services/adult_services.html",
        {
            "intro_template": content_template("adult_services_intro"),
            "lp_template": content_template("lapset_puheeksi"),
            "situations": [situations[c] for c in ADULT_SERVICES_SITUATIONS if c in situations],
            "lp_services": lp_services,
            "example_content": example_content(lp_services),
        },
    )
