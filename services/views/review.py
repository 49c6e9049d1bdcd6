"""Coordinators' review: requests waiting, the difference, approve or return with a reason.

The workflow itself is ``services.review``; these views show a request and pass the
reviewer's decision on. A request of a service outside the reviewer's counties is not found.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import staff_view
from accounts.models import User
from accounts.permissions import is_administrator, is_coordinator, services_reviewable_by
from services import review
from services.catalogue import history
from services.catalogue.display import Difference, describe_differences
from services.catalogue.documents import service_document
from services.models import ServiceRevision, SupportService

Kind = ServiceRevision.Kind


def _reviewer(user: User) -> bool:
    return is_administrator(user) or is_coordinator(user)


class KindFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of request"),
        required=False,
        choices=[("", gettext_lazy("all")), *Kind.choices],
    )


class ApproveForm(forms.Form):
    # The service's version the reviewer saw: a confirmation covers what was shown, not a
    # change someone made after the page was loaded.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    over_newer = forms.BooleanField(
        label=gettext_lazy(
            "I have seen the changes made after the editor started, and approving this "
            "change may undo them."
        ),
        required=False,
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"),
        help_text=gettext_lazy("The editor sees this and gets it by e-mail."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Say why the request is returned.")},
    )


@staff_view(_reviewer)
def review_list(request: HttpRequest) -> HttpResponse:
    requests = review.pending_for(request.user)
    kind_filter = KindFilter(request.GET or None)
    if kind_filter.is_valid() and kind_filter.cleaned_data["kind"]:
        requests = requests.filter(kind=kind_filter.cleaned_data["kind"])
    rows = [
        {"revision": revision, "outdated": _is_outdated(revision, revision.service)}
        for revision in requests
    ]
    return render(request, "staff/review_list.html", {"rows": rows, "kind_filter": kind_filter})


def _requests_of(user: User) -> QuerySet:
    """Every request (in any state) of the services the user reviews."""
    return ServiceRevision.objects.select_related(
        "service__organisation", "author", "reviewed_by"
    ).filter(service__in=services_reviewable_by(user).values("pk"))


def _is_outdated(revision: ServiceRevision, service: SupportService) -> bool:
    """A change started from an older version than the one published now."""
    return revision.kind == Kind.CHANGE and service.version != revision.base_version


def _started_from(revision: ServiceRevision) -> dict[str, Any] | None:
    """The published service as the editor saw it when they began the change: the newest
    kept version from before the request was made (None when history does not reach back)."""
    for entry in history.entries(revision.service):
        if entry.when <= revision.created_at:
            return entry.document
    return None


@staff_view(_reviewer)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(_requests_of(request.user), pk=pk)
    approve_form = ApproveForm(initial={"seen_version": revision.service.version})
    return_form = ReturnForm()
    status = 200
    if request.method == "POST":
        if revision.status != ServiceRevision.Status.PENDING:
            return _already_handled(request, revision)
        if request.POST.get("action") == "return":
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                return _return(request, revision, return_form.cleaned_data["reason"])
            status = 400
        else:
            approve_form = ApproveForm(request.POST)
            if approve_form.is_valid():
                response = _approve(request, revision, approve_form)
                if response is not None:
                    return response
                # The service changed: show the page again (now with the changes made
                # since) and ask for the confirmation.
                revision.service.refresh_from_db()
                approve_form = ApproveForm({"seen_version": revision.service.version})
                approve_form.is_valid()
                approve_form.add_error(
                    "over_newer",
                    _(
                        "The service has changed after the editor started. Look at the "
                        "changes shown above and confirm that this change may replace them."
                    ),
                )
                status = 409
            else:
                status = 400
    return render(
        request,
        "staff/review_detail.html",
        {
            **_comparison(revision),
            "revision": revision,
            "service": revision.service,
            "approve_form": approve_form,
            "return_form": return_form,
        },
        status=status,
    )


def _comparison(revision: ServiceRevision) -> dict[str, Any]:
    """What the page compares: the proposal against the published service, and the changes
    made after the editor started."""
    service = revision.service
    if revision.status != ServiceRevision.Status.PENDING:
        return {"pending": False}
    changes_since: list[Difference] = []
    start_found = False
    if revision.kind == Kind.CHANGE:
        published = service_document(service)
        differences = describe_differences(published, revision.document)
        outdated = _is_outdated(revision, service)
        if outdated:
            started_from = _started_from(revision)
            start_found = started_from is not None
            if start_found:
                changes_since = describe_differences(started_from, published)
    else:
        differences = describe_differences(None, service_document(service))
        outdated = False
    return {
        "pending": True,
        "differences": differences,
        "outdated": outdated,
        "start_found": start_found,
        "changes_since": changes_since,
    }


def _approve(
    request: HttpRequest, revision: ServiceRevision, form: ApproveForm
) -> HttpResponse | None:
    """Approve; None when the service changed after the editor started and the reviewer has
    not confirmed (for the version now published) that the change may replace it."""
    service = revision.service
    over_newer = (
        form.cleaned_data["over_newer"] and form.cleaned_data["seen_version"] == service.version
    )
    try:
        review.approve(user=request.user, revision=revision, over_newer=over_newer)
    except review.EditConflictError:
        revision.refresh_from_db()
        if revision.status != ServiceRevision.Status.PENDING:
            return _already_handled(request, revision)
        return None
    if revision.kind == Kind.CHANGE:
        text = _("The change to “%(service)s” is approved and now public.")
    else:
        text = _("“%(service)s” is approved and now public.")
    messages.success(request, text % {"service": service.name})
    return redirect("services:review_list")


def _return(request: HttpRequest, revision: ServiceRevision, reason: str) -> HttpResponse:
    try:
        review.return_to_editor(user=request.user, revision=revision, reason=reason)
    except review.EditConflictError:
        revision.refresh_from_db()
        return _already_handled(request, revision)
    messages.success(
        request,
        _("“%(service)s” was returned to the editor with your reason.")
        % {"service": revision.service.name},
    )
    return redirect("services:review_list")


def _already_handled(request: HttpRequest, revision: ServiceRevision) -> HttpResponse:
    """Someone else handled the request meanwhile: say so, and show how it stands."""
    text = _("This request is no longer waiting for review: it is %(status)s.") % {
        "status": revision.get_status_display()
    }
    if revision.reviewed_by is not None and revision.reviewed_at is not None:
        text += " " + _("Handled by %(user)s on %(when)s.") % {
            "user": revision.reviewed_by,
            "when": formats.date_format(
                timezone.localtime(revision.reviewed_at), "SHORT_DATETIME_FORMAT"
            ),
        }
    messages.warning(request, text)
    return redirect("services:review_detail", revision.pk)
