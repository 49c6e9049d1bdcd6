"""The support list: collected in the URL, printed on one page, or shared as a link and QR code."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from services.form_protection import (
    HONEYPOT_FIELD,
    STARTED_FIELD,
    Verdict,
    bounded_body,
    check_anonymous_post,
)
from services.forms import ShareListForm
from services.models import ContactPoint, SharedList, SupportService
from services.models.support_list import SHARED_LIST_DAYS, share_list
from services.support_list import PARAM, SupportList, parse_support_list
from services.views.common import example_content, refused

SHARES_PER_CLIENT = 20
SHARES_OVERALL = 2000


def listed_services(ids: list[int]) -> list[SupportService]:
    """The published services among ``ids``, in the order of the list."""
    if not ids:
        return []
    services = (
        SupportService.objects.published()
        .filter(pk__in=ids)
        .select_related("organisation", "tier")
        .prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("order", "pk")),
            "locations__municipality",
        )
    )
    by_id = {service.pk: service for service in services}
    listed = [by_id[i] for i in ids if i in by_id]
    for service in listed:
        contacts = list(service.contact_points.all())
        # The website is often also the web contact: say it once on a printed page.
        service.website_is_extra = bool(service.website) and all(
            contact.href != service.website for contact in contacts
        )
    return listed


def _list_context(current: SupportList, services: list[SupportService]) -> dict:
    messages = list(current.messages)
    missing = len(current.ids) - len(services)
    if missing:
        messages.append(
            _("%(count)d service on the list is no longer available and was left out.")
            % {"count": missing}
            if missing == 1
            else _("%(count)d services on the list are no longer available and were left out.")
            % {"count": missing}
        )
    return {
        "services": services,
        "current": SupportList([s.pk for s in services]),
        "messages_": messages,
        "example_content": example_content(services),
        "shared_days": SHARED_LIST_DAYS,
    }


def support_list(request: HttpRequest) -> HttpResponse:
    if HONEYPOT_FIELD in request.GET or STARTED_FIELD in request.GET:
        # The note was saved with the form that can also share: keep the address clean.
        kept = {key: request.GET[key] for key in (PARAM, "note") if request.GET.get(key)}
        return redirect(f"{request.path}?{urlencode(kept, safe=',')}" if kept else request.path)
    current = parse_support_list(request.GET.get(PARAM))
    services = listed_services(current.ids)
    form = ShareListForm(request.GET if "note" in request.GET else None)
    note = form.cleaned_data["note"].strip() if form.is_bound and form.is_valid() else ""
    context = _list_context(current, services)
    context.update({"form": form, "note": note})
    return render(request, "services/supportlist.html", context)


@bounded_body
@csrf_exempt  # no CSRF cookie for anonymous visitors: see services.form_protection
@require_POST
def share(request: HttpRequest) -> HttpResponse:
    verdict = check_anonymous_post(
        request, scope="share-list", per_client=SHARES_PER_CLIENT, overall=SHARES_OVERALL
    )
    if verdict in (Verdict.FOREIGN_ORIGIN, Verdict.RATE_LIMITED):
        return refused(request, verdict)
    if verdict is Verdict.ROBOT:
        return redirect("services:support_list")
    current = parse_support_list(request.POST.get(PARAM))
    services = listed_services(current.ids)
    form = ShareListForm(request.POST)
    valid = form.is_valid()
    if verdict is Verdict.TOO_FAST:
        form.add_error(
            None, _("The form was sent too quickly or is too old. Please send it again.")
        )
        valid = False
    if not services:
        form.add_error(None, _("The list is empty. Add services to it before sharing."))
        valid = False
    if valid:
        shared = share_list(
            service_ids=[s.pk for s in services], note=form.cleaned_data["note"].strip()
        )
        return redirect(shared)
    context = _list_context(current, services)
    context.update({"form": form, "note": ""})
    return render(request, "services/supportlist.html", context, status=400)


def qr_code_svg(url: str) -> SafeString:
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=4, omitsize=True, light="#fff", title=_("QR code of the link")
    )
    # segno escapes the title; the rest is numbers and path data.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def shared_list(request: HttpRequest, token: str) -> HttpResponse:
    shared = SharedList.objects.filter(token=token).first()
    if shared is None or shared.is_expired():
        return render(
            request,
            "services/sharedlist_gone.html",
            {"expired": shared is not None, "days": SHARED_LIST_DAYS},
            status=404 if shared is None else 410,
        )
    ids = [i for i in shared.service_ids if isinstance(i, int)]
    services = listed_services(ids)
    url = request.build_absolute_uri(shared.get_absolute_url())
    context = _list_context(SupportList(ids), services)
    context.update(
        {
            "shared": shared,
            "note": shared.note,
            "share_url": url,
            "qr_code": qr_code_svg(url),
            "edit_url": reverse("services:support_list")
            + "?"
            + urlencode({PARAM: context["current"].param, "note": shared.note}, safe=","),
        }
    )
    return render(request, "services/sharedlist_detail.html", context)
