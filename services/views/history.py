"""A service's history: every kept version, what changed in it, and restoring an earlier one.

Versions are kept by django-reversion (``services.catalogue.history``). A restore puts the old
version into the editor as a change of its own (``services.review.restore``), reviewed like
any other: nothing public changes until a coordinator approves it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_view
from accounts.permissions import services_editable_by
from services import review
from services.catalogue import history
from services.catalogue.display import Labels, describe_differences
from services.catalogue.documents import DocumentError
from services.models import SupportService

# Versions per page: each one is compared with the one before it.
VERSIONS_PER_PAGE = 10


def _editable_service(request: HttpRequest, pk: int) -> SupportService:
    services = services_editable_by(request.user).select_related("organisation")
    return get_object_or_404(services, pk=pk)


def _status_label(state: dict) -> str:
    status = state.get("status")
    return str(SupportService.Status(status).label) if status in SupportService.Status else ""


@staff_view()
def service_history(request: HttpRequest, pk: int) -> HttpResponse:
    service = _editable_service(request, pk)
    entries = history.entries(service)
    page = Paginator(entries, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    first = (page.number - 1) * VERSIONS_PER_PAGE
    shown = entries[first : first + VERSIONS_PER_PAGE + 1]  # and the one before the last
    labels = Labels(entry.document for entry in shown)
    versions = []
    for position, entry in enumerate(page.object_list, start=first):
        older = entries[position + 1] if position + 1 < len(entries) else None
        status = _status_label(entry.state)
        older_status = _status_label(older.state) if older is not None else ""
        versions.append(
            {
                "entry": entry,
                "what": _("created")
                if older is None and entry.comment == history.EDITED
                else history.describe(entry.comment),
                "status": status,
                "status_changed": older is not None and status != older_status,
                "older_status": older_status,
                "created": older is None,
                "differences": describe_differences(
                    older.document if older is not None else None, entry.document, labels
                ),
                "current": position == 0,
                "diff_id": f"diff-{entry.version_id}",
            }
        )
    return render(
        request,
        "staff/history.html",
        {"service": service, "page": page, "versions": versions},
    )


@staff_view()
@require_POST
def restore_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    service = _editable_service(request, pk)
    entry = history.entry(service, version)
    if entry is None:  # a version of another service, or none at all
        raise Http404
    when = formats.date_format(timezone.localtime(entry.when), "SHORT_DATETIME_FORMAT")
    try:
        review.restore(user=request.user, service=service, version_id=version)
    except LookupError:
        raise Http404 from None
    except review.EditConflictError:
        messages.error(
            request,
            _("Someone saved the service while you were restoring it. Look at the history again."),
        )
        return redirect("services:staff_service_history", service.pk)
    except DocumentError as error:
        messages.error(
            request,
            _("The version saved on %(when)s cannot be restored as it is: %(errors)s")
            % {"when": when, "errors": " ".join(error.messages)},
        )
        return redirect("services:staff_service_history", service.pk)
    messages.success(
        request,
        _("The version saved on %(when)s is now in the editor: check it and send it for review.")
        % {"when": when},
    )
    return redirect("services:staff_service_edit", service.pk)
