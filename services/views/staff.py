"""The staff editor: "my services", creating and editing a service, its preview, and the
buttons of a listing (still accurate, send for review, withdraw).

Who may do what is asked of ``accounts.permissions``; every write goes through
``services.review`` (and so through the catalogue's one write path, ``services.catalogue``).
Services outside ``services_editable_by(user)`` are 404; forbidden actions are 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import redirect_next, staff_view
from accounts.permissions import (
    is_administrator,
    is_coordinator,
    may_review_service,
    organisations_for,
    services_editable_by,
)
from services import catalogue, review
from services.catalogue.display import Difference, Labels, describe_differences
from services.catalogue.documents import (
    CONTACT_FIELDS,
    LANGUAGES,
    LOCATION_FIELDS,
    SERVICE_FIELDS,
    SESSION_FIELDS,
    DocumentError,
    empty_document,
)
from services.editor import (
    MAX_NOTE_LENGTH,
    Choices,
    OrganisationForm,
    ServiceEditor,
    ServiceFilterForm,
    load_choices,
    missing_translations,
    submitted_texts,
    untranslated_everywhere,
)
from services.models import (
    ContactPoint,
    GroupSession,
    Language,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    ServiceRevision,
    SupportService,
)
from services.models.catalogue import stale_condition
from services.opening_summary import HoursSummary, summarise_hours
from services.views.common import query_without
from services.views.pages import age_range

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 25
# What the edit form's buttons ask for (``action``); anything else is a plain save.
SAVE, SUBMIT, PUBLISH, PREVIEW = "save", "submit", "publish", "preview"
OPEN_STATUSES = (
    ServiceRevision.Status.DRAFT,
    ServiceRevision.Status.PENDING,
    ServiceRevision.Status.RETURNED,
)


# "My services".


@dataclass(frozen=True)
class ServiceRow:
    service: SupportService
    is_stale: bool
    revision: ServiceRevision | None


def _name_order() -> Lower:
    """A service's name as a reader sees it: the page's language first, then fi → sv → en."""
    language = get_language()
    order = [language] if language in LANGUAGES else []
    order += [code for code in LANGUAGES if code != language]
    return Lower(Coalesce(*(NullIf(f"name_{code}", Value("")) for code in order)))


def _filters(form: ServiceFilterForm) -> dict[str, Any]:
    """The filters that are in order (a wrong one is shown as an error and left out)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


@staff_view()
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    services = services_editable_by(user)
    # Names with the models' language fallback (modeltranslation's values_list), no instances.
    organisations = sorted(
        (
            (str(pk), name)
            for pk, name in Organisation.objects.filter(
                pk__in=services.values("organisation")
            ).values_list("pk", "name")
        ),
        key=lambda option: option[1].lower(),
    )
    form = ServiceFilterForm(request.GET or None, organisations=organisations)
    filters = _filters(form)
    if query := filters.get("q", "").strip():
        services = services.filter(
            Q(name_fi__icontains=query) | Q(name_sv__icontains=query) | Q(name_en__icontains=query)
        )
    if filters.get("status"):
        services = services.filter(status=filters["status"])
    if filters.get("organisation"):
        services = services.filter(organisation_id=int(filters["organisation"]))
    if filters.get("stale"):
        services = services.stale()
    # Stale first (never confirmed, or not within STALE_AFTER_DAYS), then by name.
    services = (
        services.select_related("organisation")
        .annotate(
            is_stale=Case(
                When(stale_condition(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )
        .order_by("-is_stale", _name_order(), "pk")
    )
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    revisions = {
        revision.service_id: revision
        for revision in ServiceRevision.objects.filter(
            service__in=[service.pk for service in shown], status__in=OPEN_STATUSES
        )
    }
    rows = [
        ServiceRow(service=service, is_stale=service.is_stale, revision=revisions.get(service.pk))
        for service in shown
    ]
    return render(
        request,
        "staff/service_list.html",
        {
            "form": form,
            "page": page,
            "page_query": query_without(request.GET),
            "rows": rows,
            "may_add": organisations_for(user).exists(),
        },
    )


# Creating and editing.


def _status_note(action: str, service: SupportService) -> str:
    if action == PUBLISH:
        return _("Saved and published.")
    if action == SUBMIT:
        return _("Saved and sent for review.")
    if service.status == SupportService.Status.PUBLISHED:
        return _(
            "Saved as a change to the published service. The public sees the published "
            "version until the change is sent for review and approved."
        )
    return _("Saved. The service is not public.")


def _editor_context(
    *, editor: ServiceEditor, data: Any = None, document: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What every page with the service form shows beside it."""
    texts = submitted_texts(data) if data is not None else (document or {}).get("fields", {})
    return {
        "editor": editor,
        "missing": missing_translations(texts),
        "nowhere": untranslated_everywhere(texts),
    }


def _action(request: HttpRequest) -> str:
    action = request.POST.get("action", SAVE)
    return action if action in (SUBMIT, PUBLISH, PREVIEW) else SAVE


def _create(
    *, user: User, organisation: Organisation, document: dict[str, Any], action: str, note: str
) -> SupportService:
    """A new draft, sent for review or published at once when asked: all or nothing."""
    with transaction.atomic():
        service = review.create_service(user=user, organisation=organisation, document=document)
        # The catalogue raises the version in the database when its change ends.
        service.refresh_from_db()
        if action == SUBMIT:
            review.submit(user=user, service=service, note=note)
        elif action == PUBLISH:
            state = review.working_state(service)
            review.save_service(
                user=user, service=service, document=state.document, token=state.token, publish=True
            )
    return service


@staff_view()
def service_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisations = {str(organisation.pk): organisation for organisation in organisations_for(user)}
    if not organisations:
        raise PermissionDenied
    options = sorted(
        ((pk, str(organisation)) for pk, organisation in organisations.items()),
        key=lambda option: option[1].lower(),
    )
    choices = load_choices()
    document = empty_document()
    may_publish = is_administrator(user) or is_coordinator(user)
    context = {"may_publish": may_publish, "form_action": reverse("services:staff_service_new")}
    if request.method != "POST":
        editor = ServiceEditor(document=document, choices=choices, now=timezone.now())
        chooser = OrganisationForm(organisations=options)
        return render(
            request,
            "staff/service_new.html",
            {**context, "chooser": chooser, **_editor_context(editor=editor, document=document)},
        )

    sent = request.POST.get("organisation", "")
    if sent and sent not in organisations:
        raise PermissionDenied  # someone else's provider, or no provider at all
    action = _action(request)
    if action == PUBLISH and not may_publish:
        raise PermissionDenied
    chooser = OrganisationForm(request.POST, organisations=options)
    editor = ServiceEditor(request.POST, document=document, choices=choices, now=timezone.now())
    valid = chooser.is_valid()
    valid = editor.is_valid() and valid
    problems: list[str] = []
    status = 400
    if valid and action != PREVIEW:
        try:
            service = _create(
                user=user,
                organisation=organisations[chooser.cleaned_data["organisation"]],
                document=editor.document(),
                action=action,
                note=editor.service.cleaned_data["note"],
            )
        except DocumentError as error:
            problems = list(error.messages)
        except PermissionDenied:
            problems = [
                _(
                    "You may publish only services of your own wellbeing services counties. "
                    "Save the service as a draft or send it for review."
                )
            ]
            status = 403
        else:
            messages.success(request, _status_note(action, service))
            return redirect("services:staff_service_edit", pk=service.pk)
    preview = None
    if valid and action == PREVIEW:
        document = editor.document()
        document["fields"]["organisation"] = int(chooser.cleaned_data["organisation"])
        preview = _preview(service=None, document=document)
        status = 200
    return render(
        request,
        "staff/service_new.html",
        {
            **context,
            "chooser": chooser,
            "problems": problems,
            "preview": preview,
            **_editor_context(editor=editor, data=request.POST),
        },
        status=status,
    )


def _can_submit(service: SupportService, revision: ServiceRevision | None) -> bool:
    """Whether "send for review as it is" has something to send."""
    if revision is not None:
        return revision.status in (ServiceRevision.Status.DRAFT, ServiceRevision.Status.RETURNED)
    return service.status in (SupportService.Status.DRAFT, SupportService.Status.ARCHIVED)


def _editable(request: HttpRequest, pk: int) -> SupportService:
    return get_object_or_404(
        services_editable_by(request.user).select_related("organisation"), pk=pk
    )


def _edit_page(
    request: HttpRequest,
    *,
    service: SupportService,
    state: review.WorkingState,
    editor: ServiceEditor,
    token: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    return render(
        request,
        "staff/service_form.html",
        {
            "service": service,
            "revision": state.revision,
            "can_submit": _can_submit(service, state.revision),
            "token": token,
            "may_publish": may_review_service(request.user, service),
            "form_action": reverse("services:staff_service_edit", args=[service.pk]),
            **_editor_context(editor=editor, data=data, document=state.document),
            **extra,
        },
        status=status,
    )


@staff_view()
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    service = _editable(request, pk)
    state = review.working_state(service)
    choices = load_choices()
    now = timezone.now()
    if request.method != "POST":
        editor = ServiceEditor(document=state.document, choices=choices, now=now)
        return _edit_page(request, service=service, state=state, editor=editor, token=state.token)

    action = _action(request)
    if action == PUBLISH and not may_review_service(user, service):
        raise PermissionDenied
    token = request.POST.get("token", "")[:100]
    # A form from before someone else's save: its rows are matched leniently, and the save
    # below ends in the conflict page (the token no longer matches).
    strict = token == state.token
    editor = ServiceEditor(
        request.POST, document=state.document, choices=choices, now=now, strict=strict
    )
    page = {"service": service, "state": state, "editor": editor, "token": token}
    if not editor.is_valid():
        return _edit_page(request, **page, status=400, changed_meanwhile=not strict)
    document = editor.document()
    if action == PREVIEW:
        preview = _preview(service=service, document=document)
        return _edit_page(request, **page, preview=preview, changed_meanwhile=not strict)
    if (
        strict
        and document == state.document
        and state.revision is None
        and service.status == SupportService.Status.PUBLISHED
    ):
        # Nothing to propose: no empty change for a coordinator to review.
        messages.info(request, _("Nothing was changed: the published version is current."))
        return redirect("services:staff_service_edit", pk=service.pk)
    try:
        service = review.save_service(
            user=user,
            service=service,
            document=document,
            token=token,
            submit=action == SUBMIT,
            publish=action == PUBLISH,
            note=editor.service.cleaned_data["note"],
        )
    except review.EditConflictError as conflict:
        return _conflict_page(
            request,
            service=service,
            current=conflict.document,
            token=conflict.token,
            yours=document,
            choices=choices,
        )
    except DocumentError as error:
        return _edit_page(request, **page, status=400, problems=list(error.messages))
    messages.success(request, _status_note(action, service))
    return redirect("services:staff_service_edit", pk=service.pk)


def _conflict_page(
    request: HttpRequest,
    *,
    service: SupportService,
    current: dict[str, Any],
    token: str,
    yours: dict[str, Any],
    choices: Choices,
) -> HttpResponse:
    """Someone saved after this edit began: both versions, what differs, and the form with
    the person's own version and the new token. Nothing is saved until they save again."""
    editor = ServiceEditor(
        document=yours, base=current, choices=choices, now=timezone.now(), strict=False
    )
    return render(
        request,
        "staff/service_conflict.html",
        {
            "service": service,
            "token": token,
            "differences": describe_differences(current, yours),
            "theirs": _sections(describe_differences(None, current)),
            "yours": _sections(describe_differences(None, yours)),
            "may_publish": may_review_service(request.user, service),
            "form_action": reverse("services:staff_service_edit", args=[service.pk]),
            "edit_url": reverse("services:staff_service_edit", args=[service.pk]),
            **_editor_context(editor=editor, document=yours),
        },
        status=409,
    )


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Difference]


def _sections(differences: list[Difference]) -> list[Section]:
    """A whole version (its differences from nothing) as sections of field and value."""
    sections: list[Section] = []
    for difference in differences:
        if not sections or sections[-1].title != difference.section:
            sections.append(Section(title=difference.section, rows=[]))
        sections[-1].rows.append(difference)
    return sections


# The preview.


def _typed(model: type[models.Model], names: tuple[str, ...], values: dict[str, Any]) -> dict:
    """A document's values as model constructor arguments (``tier`` → ``tier_id``)."""
    typed: dict[str, Any] = {}
    for name in names:
        value = values.get(name)
        field = model._meta.get_field(name)
        if isinstance(value, str) and value:
            if isinstance(field, models.DateTimeField):
                value = parse_datetime(value)
            elif isinstance(field, models.DateField):
                value = parse_date(value)
            elif isinstance(field, models.TimeField):
                value = parse_time(value)
        if value is None and not field.null and not field.is_relation:
            value = ""
        typed[field.attname if field.is_relation else name] = value
    return typed


def _preview(*, service: SupportService | None, document: dict[str, Any]) -> dict[str, Any]:
    """What the public service page would show of ``document``, built from unsaved model
    objects so the public page's own includes (hours, sessions) render them."""
    now = timezone.now()
    labels = Labels([document])
    fields, links = document["fields"], document["links"]
    names = tuple(name for name in SERVICE_FIELDS if name != "organisation")
    shown = SupportService(
        pk=service.pk if service else None, **_typed(SupportService, names, fields)
    )
    organisation = Organisation.objects.filter(pk=fields.get("organisation")).first()
    municipalities = Municipality.objects.in_bulk(
        [item["fields"].get("municipality") for item in document["locations"]]
    )
    languages = Language.objects.in_bulk(
        [item["fields"].get("language") for item in document["sessions"]]
    )

    def hours_of(item: dict[str, Any]) -> HoursSummary:
        hours = [
            OpeningHours(weekday=weekday, opens=parse_time(opens), closes=parse_time(closes))
            for weekday, opens, closes in item.get("hours", [])
        ]
        exceptions = [
            OpeningHoursException(**_typed(OpeningHoursException, tuple(row), row))
            for row in item.get("exceptions", [])
        ]
        return summarise_hours(hours, exceptions, now=now)

    location_fields = tuple(name for name in LOCATION_FIELDS if name != "municipality")
    locations = []
    for item in document["locations"]:
        location = Location(**_typed(Location, location_fields, item["fields"]))
        if municipality := municipalities.get(item["fields"].get("municipality")):
            location.municipality = municipality
        locations.append((location, hours_of(item)))
    contacts = sorted(
        (
            (ContactPoint(**_typed(ContactPoint, CONTACT_FIELDS, item["fields"])), hours_of(item))
            for item in document["contact_points"]
        ),
        key=lambda pair: pair[0].order,
    )
    session_fields = tuple(name for name in SESSION_FIELDS if name not in ("location", "language"))
    sessions = []
    for item in document["sessions"]:
        session = GroupSession(**_typed(GroupSession, session_fields, item["fields"]))
        if session.ends_at is None or session.ends_at < now:
            continue
        position = item["fields"].get("location")
        if isinstance(position, int) and 0 <= position < len(locations):
            session.location = locations[position][0]
        session.language = languages.get(item["fields"].get("language"))
        if service is not None:
            session.service = shown
        sessions.append(session)
    sessions.sort(key=lambda session: session.starts_at)
    methods = list(Method.objects.filter(pk__in=links.get("methods", [])))

    def named(name: str) -> list[str]:
        return [labels.of(name, value) for value in links.get(name, [])]

    return {
        "service": shown,
        "organisation": organisation,
        "tier": labels.of("tier", fields.get("tier")) if fields.get("tier") else "",
        "target_groups": named("target_groups"),
        "life_situations": named("life_situations"),
        "attributes": named("attributes"),
        "languages": named("languages"),
        "channels": named("channels"),
        "counties": named("area_counties"),
        "municipalities": named("area_municipalities"),
        "is_free": "FREE" in links.get("attributes", []),
        "age_range": age_range(shown),
        "locations": locations,
        "contacts": contacts,
        "sessions": sessions,
        "methods": methods,
    }


@staff_view()
@require_GET
def service_preview(request: HttpRequest, pk: int) -> HttpResponse:
    service = _editable(request, pk)
    state = review.working_state(service)
    return render(
        request,
        "staff/service_preview.html",
        {
            "service": service,
            "revision": state.revision,
            "can_submit": _can_submit(service, state.revision),
            "preview": _preview(service=service, document=state.document),
        },
    )


# The buttons of a listing.


@staff_view()
@require_POST
def service_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The "still accurate" button: the only way a listing's confirmation date is set."""
    service = _editable(request, pk)
    catalogue.confirm_accurate(user=request.user, services=[service])
    messages.success(
        request, _("Confirmed that “%(name)s” is still accurate.") % {"name": service.name}
    )
    return redirect_next(request, reverse("services:staff_home"))


@staff_view()
@require_POST
def service_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the draft, or the change waiting to be sent, for review as it is."""
    service = _editable(request, pk)
    edit_url = reverse("services:staff_service_edit", args=[service.pk])
    revision = review.open_revision(service)
    if service.status == SupportService.Status.PENDING_REVIEW or (
        revision is not None and revision.status == ServiceRevision.Status.PENDING
    ):
        messages.info(request, _("The service is already waiting for review."))
        return redirect_next(request, edit_url)
    if service.status == SupportService.Status.PUBLISHED and revision is None:
        messages.info(request, _("There is no change to send: the published version is current."))
        return redirect_next(request, edit_url)
    try:
        review.submit(
            user=request.user, service=service, note=request.POST.get("note", "")[:MAX_NOTE_LENGTH]
        )
    except review.EditConflictError:
        messages.error(request, _("Someone saved the service just now. Check it and try again."))
    except DocumentError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent for review."))
    return redirect_next(request, edit_url)


@staff_view()
@require_POST
def service_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back an open request (or an unsent change): the published version stays."""
    service = _editable(request, pk)
    edit_url = reverse("services:staff_service_edit", args=[service.pk])
    revision = review.open_revision(service)
    if revision is None:
        messages.info(request, _("There is no open request to withdraw."))
        return redirect_next(request, edit_url)
    review.withdraw(user=request.user, revision=revision)
    messages.success(request, _("Withdrawn."))
    return redirect_next(request, edit_url)
