"""The staff side of keeping listings fresh: the work queue, error reports, and the signed
"still accurate" links of the reminders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import staff_view
from accounts.permissions import may_edit_service, services_editable_by
from services import catalogue, reports
from services.models import ErrorReport, Municipality, Organisation, SupportService
from services.models.feedback import MAX_NOTE_LENGTH
from services.queue import KINDS, kind_labels, queue_for
from services.reminders import LinkError, read_confirm_token

ITEMS_PER_PAGE = 50
LINK_ERROR_STATUS = {"invalid": 400, "wrong user": 403, "expired": 410}


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    municipality = forms.ChoiceField(label=gettext_lazy("Municipality"), required=False)
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, organisations: list, municipalities: list, **kwargs: object):
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["kind"].choices = [everything, *kind_labels().items()]
        self.fields["municipality"].choices = [everything, *municipalities]
        self.fields["organisation"].choices = [everything, *organisations]


@staff_view()
def queue(request: HttpRequest) -> HttpResponse:
    """What waits for the user: reviews, reports, stale listings, imported drafts, missing
    essentials of the listings of their counties or organisations; oldest first."""
    scope = services_editable_by(request.user)
    organisations = [
        (organisation.pk, str(organisation))
        for organisation in Organisation.objects.filter(pk__in=scope.values("organisation"))
    ]
    municipalities = list(Municipality.objects.order_by("name").values_list("code", "name"))
    form = QueueFilterForm(
        request.GET or None, organisations=organisations, municipalities=municipalities
    )
    chosen = form.cleaned_data if form.is_valid() else {}
    kind = chosen.get("kind") or ""
    # Every kind is read, whichever is shown: the counts at the top are of the whole queue.
    work = queue_for(
        request.user,
        municipality=chosen.get("municipality") or "",
        organisation=chosen.get("organisation"),
    )
    items = [item for item in work.items if item.kind == kind] if kind else work.items
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)

    def of_kind(key: str) -> str:
        """This kind, within the other filters chosen (as the counts are)."""
        chosen = query.copy()
        chosen["kind"] = key
        return f"?{chosen.urlencode()}"

    return render(
        request,
        "staff/queue.html",
        {
            "form": form,
            "page": page,
            "counts": [(of_kind(key), kind_labels()[key], work.counts[key]) for key in KINDS],
            "total": sum(work.counts.values()),
            "escalated": work.escalated,
            "labels": kind_labels(),
            "filter_query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Seen by staff only."),
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Message to the reporter (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Sent to the reporter if they left an e-mail address; the address is then erased."
        ),
    )


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=gettext_lazy("Assigned to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, people: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *people]


@staff_view()
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One error report: take it, assign it, note what was done, resolve or reject it."""
    report = get_object_or_404(
        ErrorReport.objects.select_related("service__organisation", "assignee", "closed_by"),
        pk=pk,
        service__in=services_editable_by(request.user).values("pk"),
    )
    handlers = list(reports.handlers_of(report.service))
    people = [(person.pk, str(person)) for person in handlers]
    note_form = NoteForm(prefix="note")
    close_form = CloseForm(prefix="close")
    assign_form = AssignForm(
        prefix="assign", people=people, initial={"assignee": report.assignee_id}
    )
    action = request.POST.get("action")
    if request.method == "POST":
        try:
            if action == "take":
                reports.take(user=request.user, report=report)
                messages.success(request, _("The report is yours now."))
                return redirect(request.path)
            if action == "assign":
                assign_form = AssignForm(request.POST, prefix="assign", people=people)
                if assign_form.is_valid():
                    chosen = assign_form.cleaned_data["assignee"]
                    person = next((p for p in handlers if p.pk == chosen), None)
                    reports.assign(user=request.user, report=report, assignee=person)
                    messages.success(request, _("The report was assigned."))
                    return redirect(request.path)
            elif action == "note":
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    reports.add_note(
                        user=request.user, report=report, text=note_form.cleaned_data["note"]
                    )
                    messages.success(request, _("The note was added."))
                    return redirect(request.path)
            elif action in ("resolve", "reject"):
                close_form = CloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    status = (
                        ErrorReport.Status.RESOLVED
                        if action == "resolve"
                        else ErrorReport.Status.REJECTED
                    )
                    told = reports.close(
                        user=request.user,
                        report=report,
                        status=status,
                        outcome=close_form.cleaned_data["outcome"],
                    )
                    messages.success(
                        request,
                        _("The report was closed and the reporter told of the outcome.")
                        if told
                        else _("The report was closed."),
                    )
                    return redirect("services:queue")
            else:
                messages.error(request, _("Choose what to do with the report."))
        except reports.ReportClosedError:
            messages.error(request, _("The report was closed already; it cannot be changed."))
            return redirect(request.path)
    return render(
        request,
        "staff/report_detail.html",
        {
            "report": report,
            "notes": report.notes.select_related("author"),
            "note_form": note_form,
            "close_form": close_form,
            "assign_form": assign_form,
            "may_edit": may_edit_service(request.user, report.service),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view()
def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """A reminder's "still accurate" link: for the person it was sent to, signed, expiring.

    Following the link shows the listing with one button; the button confirms. (Opening the
    link alone confirms nothing: e-mail security scanners and previews open links too.)
    """
    try:
        service_id = read_confirm_token(token, user=request.user)
    except LinkError as error:
        return render(
            request,
            "staff/confirm_link_refused.html",
            {"reason": error.reason},
            status=LINK_ERROR_STATUS[error.reason],
        )
    service = SupportService.objects.select_related("organisation").filter(pk=service_id).first()
    if service is None:
        return render(request, "staff/confirm_link_refused.html", {"reason": "gone"}, status=410)
    if not may_edit_service(request.user, service):
        raise PermissionDenied
    if request.method == "POST":
        catalogue.confirm_accurate(user=request.user, services=[service])
        messages.success(
            request,
            _("Thank you: %(name)s is confirmed as still accurate.") % {"name": service.name},
        )
        return redirect("services:staff_home")
    return render(request, "staff/confirm_link.html", {"service": service})
