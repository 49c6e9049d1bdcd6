"""Staff pages for imports: upload a file, follow the import, read its report, get the template.

Imports run as background tasks (in a thread of the web process when no worker is configured,
never in the request; ``services.importers.runs``); the page of a running import reloads
itself every few seconds, without JavaScript.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import staff_view
from accounts.models import User
from accounts.permissions import import_counties, imports_visible_to, may_run_imports
from services.importers.runs import import_progress, repeat_import_run, start_import_run
from services.importers.spreadsheet import template_csv, template_xlsx
from services.models import ImportRun, WellbeingServicesCounty
from services.spreadsheets import csv_row

# How many rejections and warnings the page shows; the CSV report has them all.
NOTES_SHOWN = 500
EXTENSIONS = {
    ImportRun.Kind.PTV: {".json"},
    ImportRun.Kind.HSDS: {".json", ".ndjson", ".jsonl", ".zip"},
    ImportRun.Kind.SPREADSHEET: {".csv", ".txt", ".tsv", ".xlsx"},
}
COUNT_LABELS = {
    "services": gettext_lazy("Services"),
    "organisations": gettext_lazy("Organisations"),
    "locations": gettext_lazy("Locations"),
    "contact points": gettext_lazy("Contact points"),
    "group sessions": gettext_lazy("Group sessions"),
    "methods": gettext_lazy("Evidence-based methods"),
}


# Imports are coordinators' (for their counties) and administrators' (anywhere).
staff_only = staff_view(may_run_imports)


def visible_run(request: HttpRequest, pk: int, queryset: Any = None) -> ImportRun:
    """An import run of the user's counties; others are not found."""
    runs = queryset if queryset is not None else ImportRun.objects.all()
    return get_object_or_404(imports_visible_to(request.user, runs), pk=pk)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of file"),
        choices=ImportRun.Kind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "PTV: JSON. HSDS: JSON, or a data package as a zip file. Spreadsheet: CSV or XLSX "
            "made from the template."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check the file and show what would change, write nothing"),
        required=False,
        initial=True,
    )
    strict = forms.BooleanField(
        label=gettext_lazy("Import nothing if any record is rejected"),
        required=False,
    )
    county = forms.ChoiceField(
        label=gettext_lazy("Wellbeing services county"),
        help_text=gettext_lazy(
            "Only services offered in this county are imported; the others are reported as "
            "rejected."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = import_counties(user)
        choices = WellbeingServicesCounty.objects.order_by("name")
        if counties is not None:
            choices = choices.filter(code__in=sorted(counties))
        options = [(c.code, str(c)) for c in choices]
        if counties is None:
            everywhere = ("", gettext_lazy("All of Finland (nationwide services included)"))
            options.insert(0, everywhere)
            self.fields["county"].required = False
        self.fields["county"].choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        kind = data.get("kind")
        if upload is None or kind is None:
            return data
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            self.add_error(
                "file",
                _(
                    "The file is %(size)s; the largest file accepted here is %(limit)s (the "
                    "limit on upload size). Split it into smaller files and import them one "
                    "after another."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES),
                },
            )
        elif upload.size == 0:
            self.add_error("file", _("The file is empty."))
        elif Path(upload.name).suffix.lower() not in EXTENSIONS[kind]:
            self.add_error(
                "file",
                _("A file of this kind ends in %(extensions)s.")
                % {"extensions": ", ".join(sorted(EXTENSIONS[kind]))},
            )
        return data


@staff_only
def import_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        county = request.POST.get("county") or None
        allowed = import_counties(request.user)
        if allowed is not None and county not in allowed:
            raise PermissionDenied  # a forged county
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = start_import_run(
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=b"".join(upload.chunks()),
            dry_run=form.cleaned_data["dry_run"],
            strict=form.cleaned_data["strict"],
            language=translation.get_language(),
            user=request.user,
            county=form.cleaned_data["county"] or None,
        )
        return redirect(run)
    runs = imports_visible_to(
        request.user, ImportRun.objects.select_related("started_by").defer("content", "report")
    )
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "services/imports/importrun_list.html",
        {
            "form": form,
            "page": page,
            "max_upload": settings.IMPORT_MAX_UPLOAD_BYTES,
            "max_records": settings.IMPORT_MAX_RECORDS,
            "retention_days": settings.IMPORT_FILE_RETENTION_DAYS,
        },
        status=400 if form.errors else 200,
    )


@staff_only
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = visible_run(request, pk, ImportRun.objects.select_related("started_by").defer("content"))
    report = run.report_data()
    counts = [
        {"label": COUNT_LABELS.get(what, what), **numbers}
        for what, numbers in report.counts.items()
        if any(numbers.values()) or what == "services"
    ]
    can_repeat = (
        run.is_finished
        and run.dry_run
        and not report.failed
        and ImportRun.objects.filter(pk=run.pk).exclude(content=b"").exists()
    )
    return render(
        request,
        "services/imports/importrun_detail.html",
        {
            "run": run,
            "report": report,
            "counts": counts,
            "progress": None if run.is_finished else import_progress(run),
            "rejected": report.rejected[:NOTES_SHOWN],
            "warnings": report.warnings[:NOTES_SHOWN],
            "notes_shown": NOTES_SHOWN,
            "can_repeat": can_repeat,
        },
    )


@staff_only
@require_POST
def import_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the file of a dry run for real."""
    run = visible_run(request, pk)
    if not run.content or not run.is_finished:
        raise PermissionDenied
    return redirect(repeat_import_run(run=run, dry_run=False, user=request.user))


@staff_only
def import_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every rejection and warning of an import, for a spreadsheet program."""
    run = visible_run(request, pk, ImportRun.objects.defer("content"))
    report = run.report_data()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Kind"), _("Where"), _("Message")])
    for kind, notes in ((_("rejected"), report.rejected), (_("warning"), report.warnings)):
        for note in notes:
            # The messages quote the file's rows: nothing in them may run as a formula.
            writer.writerow(csv_row([kind, note.where, note.message]))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response


@staff_only
def import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The spreadsheet template, with headers in the page's language."""
    language = translation.get_language()
    name = _("services-import-template")
    if file_format == "csv":
        response = HttpResponse(template_csv(language), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(
            template_xlsx(language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
