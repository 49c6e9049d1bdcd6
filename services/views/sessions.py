"""Upcoming group sessions: the list with filters, and iCalendar feeds of it and per service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from services.forms import SessionFilterForm
from services.ical import sessions_calendar
from services.models import (
    GroupSession,
    Language,
    Municipality,
    OpeningHoursException,
    SupportService,
    TargetGroup,
    Tier,
)
from services.models.catalogue import translated_value_q
from services.opening_hours import HELSINKI, closure_during
from services.views.common import example_content, query_without

SESSIONS_PER_PAGE = 20
# A feed is for subscribing, not for downloading the database.
MAX_FEED_EVENTS = 500


def upcoming_sessions(now: dt.datetime) -> QuerySet[GroupSession]:
    """Sessions of published services that have not ended; cancelled ones stay, marked."""
    return (
        GroupSession.objects.filter(
            ends_at__gte=now, service__status=SupportService.Status.PUBLISHED
        )
        .select_related("service__organisation", "location__municipality", "language")
        .order_by("starts_at", "pk")
    )


def filter_sessions(sessions: QuerySet[GroupSession], filters: dict[str, Any]) -> QuerySet:
    if filters.get("municipality"):
        sessions = sessions.filter(location__municipality_id=filters["municipality"])
    if filters.get("tier"):
        sessions = sessions.filter(service__tier_id=filters["tier"])
    if filters.get("target_group"):
        sessions = sessions.filter(
            Exists(
                SupportService.target_groups.through.objects.filter(
                    supportservice=OuterRef("service_id"), targetgroup=filters["target_group"]
                )
            )
        )
    if filters.get("language"):
        service_speaks = Exists(
            SupportService.languages.through.objects.filter(
                supportservice=OuterRef("service_id"), language=filters["language"]
            )
        )
        sessions = sessions.filter(
            Q(language_id=filters["language"]) | Q(language__isnull=True) & service_speaks
        )
    if filters.get("mode") == SessionFilterForm.Mode.ONLINE:
        sessions = sessions.exclude(online_url="")
    elif filters.get("mode") == SessionFilterForm.Mode.IN_PERSON:
        sessions = sessions.filter(Q(location__isnull=False) | translated_value_q("place"))
    if filters.get("start"):
        sessions = sessions.filter(
            ends_at__gte=dt.datetime.combine(filters["start"], dt.time.min, tzinfo=HELSINKI)
        )
    if filters.get("end"):
        day_after = filters["end"] + dt.timedelta(days=1)
        sessions = sessions.filter(
            starts_at__lt=dt.datetime.combine(day_after, dt.time.min, tzinfo=HELSINKI)
        )
    return sessions


def session_filter_form(request: HttpRequest, now: dt.datetime) -> SessionFilterForm:
    municipalities = (
        Municipality.objects.filter(
            locations__sessions__ends_at__gte=now,
            locations__sessions__service__status=SupportService.Status.PUBLISHED,
        )
        .distinct()
        .order_by("name")
    )
    return SessionFilterForm(
        request.GET,
        municipalities=[(m.code, m.name) for m in municipalities],
        tiers=[(t.code, t.name) for t in Tier.objects.all()],
        target_groups=[(g.code, g.name) for g in TargetGroup.objects.all()],
        languages=[(lang.code, lang.name) for lang in Language.objects.all()],
    )


def valid_filters(form: SessionFilterForm) -> dict[str, Any]:
    """The filters that are valid; invalid ones are shown as errors and left out."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def page_of(request: HttpRequest, paginator: Paginator, messages: list[str]) -> Page:
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        messages.append(_("The page number was not valid; showing the first page."))
        number = 1
    if number < 1:
        messages.append(_("The page number was not valid; showing the first page."))
        number = 1
    if number > paginator.num_pages:
        messages.append(_("There are not that many pages; showing the last page."))
        number = paginator.num_pages
    return paginator.page(number)


def session_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = session_filter_form(request, now)
    filters = valid_filters(form)
    messages: list[str] = []
    if form.errors:
        messages.append(_("Some filters were not valid and were not used; see below."))
    paginator = Paginator(filter_sessions(upcoming_sessions(now), filters), SESSIONS_PER_PAGE)
    page = page_of(request, paginator, messages)
    # A session on a day its place is closed is marked, as on the service's page (one query
    # for the closures of the page's places that have not ended).
    prefetch_related_objects(
        [session.location for session in page.object_list if session.location is not None],
        Prefetch(
            "opening_hours_exceptions",
            queryset=OpeningHoursException.objects.filter(end_date__gte=timezone.localdate(now)),
        ),
    )
    sessions = [
        (
            session,
            closure_during(
                session, session.location.opening_hours_exceptions.all() if session.location else ()
            ),
        )
        for session in page.object_list
    ]
    return render(
        request,
        "services/groupsession_list.html",
        {
            "form": form,
            "page": page,
            "sessions": sessions,
            "messages_": messages,
            "page_query": query_without(request.GET),
            "feed_query": query_without(request.GET, "page", "list"),
            "example_content": example_content(s.service for s in page.object_list),
        },
    )


def calendar_response(request: HttpRequest, sessions: QuerySet, *, name: str) -> HttpResponse:
    body = sessions_calendar(
        sessions[:MAX_FEED_EVENTS],
        name=name,
        absolute_url=lambda path: settings.SITE_URL.rstrip("/") + path,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response


def session_calendar(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = session_filter_form(request, now)
    sessions = filter_sessions(upcoming_sessions(now), valid_filters(form))
    return calendar_response(request, sessions, name=_("Group sessions for families"))


def service_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(SupportService.objects.published(), pk=pk)
    sessions = upcoming_sessions(timezone.now()).filter(service=service)
    return calendar_response(request, sessions, name=service.name)
