"""Django admin for the catalogue: translations side by side, inline service points."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from services.changes import catalogue_changed
from services.models import (
    EXAMPLE_SOURCES,
    Attribute,
    Boundary,
    Channel,
    ContactPoint,
    ErrorReport,
    GroupSession,
    ImportRun,
    Language,
    LifeSituation,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    PostalArea,
    ServiceClass,
    SharedList,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)

CHECKBOXES = {"widget": forms.CheckboxSelectMultiple}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from the shipped files (``load_reference_data``), not by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ExampleFilter(admin.SimpleListFilter):
    title = _("example content")
    parameter_name = "example"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("example content only")), ("no", _("real content only"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(source__in=EXAMPLE_SOURCES)
        if self.value() == "no":
            return queryset.exclude(source__in=EXAMPLE_SOURCES)
        return queryset


# Taxonomies and geography: read-only lists to look things up.


@admin.register(Tier, Channel, TargetGroup, LifeSituation, Attribute, Language)
class TermAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(ServiceClass)
class ServiceClassAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en", "parent"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(WellbeingServicesCounty)
class WellbeingServicesCountyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fi", "name_sv", "is_wellbeing_services_county", "municipalities"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(municipality_count=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipalities(self, county: WellbeingServicesCounty) -> int:
        return county.municipality_count


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name_fi",
        "name_sv",
        "county",
        "is_bilingual",
        "population",
        "children_share",
    ]
    list_filter = ["county", "is_bilingual"]
    list_select_related = ["county"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(PostalArea)
class PostalAreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fi", "name_sv", "municipality", "population", "children_estimate"]
    list_filter = ["municipality__county"]
    list_select_related = ["municipality"]
    search_fields = ["code", "name_fi", "name_sv", "municipality__name_fi"]


@admin.register(Boundary)
class BoundaryAdmin(ReadOnlyAdmin):
    list_display = ["kind", "code"]
    list_filter = ["kind"]
    exclude = ["geometry"]


# The catalogue.


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "business_id", "service_count", "source"]
    list_filter = ["kind", ExampleFilter, "source"]
    search_fields = ["name_fi", "name_sv", "name_en", "business_id", "external_id"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": [("name",), ("description",), "kind", "parent"]}),
        (_("Contact"), {"fields": ["business_id", "website", "email", "phone"]}),
        (_("Source"), {"fields": ["source", "external_id"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description=_("services"), ordering="service_count")
    def service_count(self, organisation: Organisation) -> int:
        return organisation.service_count


class LocationInline(TranslationStackedInline):
    model = Location
    extra = 0
    autocomplete_fields = ["municipality"]
    show_change_link = True
    fields = [
        ("name",),
        ("street_address",),
        ("postal_code", "municipality"),
        ("latitude", "longitude"),
        ("capacity",),
        ("step_free", "stroller_access", "hearing_loop"),
        ("accessibility_notes",),
    ]


class ContactPointInline(TranslationTabularInline):
    model = ContactPoint
    extra = 0
    show_change_link = True
    fields = ["kind", "value", "label", "charge", "order"]


class GroupSessionInline(TranslationTabularInline):
    model = GroupSession
    extra = 0
    show_change_link = True
    fields = ["title", "starts_at", "ends_at", "location", "online_url", "seats", "is_cancelled"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).upcoming()


@admin.register(SupportService)
class SupportServiceAdmin(TranslationAdmin):
    list_display = [
        "name",
        "organisation",
        "tier",
        "status",
        "area",
        "verified_at",
        "is_example_content",
    ]
    list_filter = [
        "status",
        "tier",
        ExampleFilter,
        "is_nationwide",
        "area_counties",
        "channels",
        "target_groups",
        "life_situations",
        "source",
    ]
    list_select_related = ["organisation", "tier"]
    search_fields = [
        "name_fi",
        "name_sv",
        "name_en",
        "summary_fi",
        "summary_sv",
        "summary_en",
        "organisation__name_fi",
        "organisation__name_sv",
        "external_id",
    ]
    autocomplete_fields = ["organisation", "area_municipalities", "service_classes", "methods"]
    readonly_fields = ["verified_at", "verified_by", "created_at", "updated_at"]
    inlines = [LocationInline, ContactPointInline, GroupSessionInline]
    actions = ["confirm_accurate", "publish", "archive"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["organisation", ("name",), ("summary",), ("description",), "status"]}),
        (
            _("For whom"),
            {
                "fields": [
                    "target_groups",
                    "life_situations",
                    ("min_age", "max_age", "prenatal"),
                    ("eligibility",),
                ]
            },
        ),
        (
            _("How"),
            {
                "fields": [
                    "tier",
                    "channels",
                    "languages",
                    "attributes",
                    ("how_to_get",),
                    ("cost_description",),
                    "website",
                    "methods",
                    "service_classes",
                ]
            },
        ),
        (_("Area served"), {"fields": ["is_nationwide", "area_counties", "area_municipalities"]}),
        (
            _("Freshness and source"),
            {
                "fields": [
                    "verified_at",
                    "verified_by",
                    "created_at",
                    "updated_at",
                    "source",
                    "external_id",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.Field:
        if db_field.name in (
            "channels",
            "target_groups",
            "life_situations",
            "attributes",
            "area_counties",
            "languages",
        ):
            kwargs.update(CHECKBOXES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        catalogue_changed(service_ids=[form.instance.pk])

    def delete_model(self, request: HttpRequest, obj: SupportService) -> None:
        service_id = obj.pk
        super().delete_model(request, obj)
        catalogue_changed(service_ids=[service_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        service_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        catalogue_changed(service_ids=service_ids)

    @admin.display(description=_("area served"))
    def area(self, service: SupportService) -> str:
        return str(_("whole of Finland")) if service.is_nationwide else str(_("regional"))

    @admin.display(description=_("example"), boolean=True)
    def is_example_content(self, service: SupportService) -> bool:
        return service.is_example

    @admin.action(description=_("Confirm the selected listings are still accurate"))
    def confirm_accurate(self, request: HttpRequest, queryset: QuerySet) -> None:
        now = timezone.now()
        for service in queryset:
            service.confirm_accurate(user=request.user, when=now)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d listing confirmed.", "%(count)d listings confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected services"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=SupportService.Status.PUBLISHED, updated_at=timezone.now())
        catalogue_changed(service_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d service published.", "%(count)d services published.", count)
            % {"count": count},
        )

    @admin.action(description=_("Archive the selected services"))
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=SupportService.Status.ARCHIVED, updated_at=timezone.now())
        catalogue_changed(service_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d service archived.", "%(count)d services archived.", count)
            % {"count": count},
        )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens", "closes"]


class OpeningHoursExceptionInline(TranslationTabularInline):
    model = OpeningHoursException
    extra = 0
    fields = ["start_date", "end_date", "opens", "closes", "note"]


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    list_display = ["__str__", "service", "municipality", "postal_code"]
    list_filter = ["municipality__county"]
    list_select_related = ["service", "municipality"]
    search_fields = [
        "name_fi",
        "name_sv",
        "street_address_fi",
        "postal_code",
        "service__name_fi",
        "municipality__name_fi",
    ]
    autocomplete_fields = ["service", "municipality"]
    inlines = [OpeningHoursInline, OpeningHoursExceptionInline]
    fields = [
        "service",
        ("name",),
        ("street_address",),
        ("postal_code", "municipality"),
        ("latitude", "longitude"),
        ("capacity",),
        ("step_free", "stroller_access", "hearing_loop"),
        ("accessibility_notes",),
        "source",
        "external_id",
    ]

    def save_model(
        self, request: HttpRequest, obj: Location, form: forms.ModelForm, change: bool
    ) -> None:
        moved_from = Location.objects.filter(pk=obj.pk).values_list("service_id", flat=True)
        service_ids = [obj.service_id, *moved_from]
        super().save_model(request, obj, form, change)
        catalogue_changed(service_ids=service_ids)

    def delete_model(self, request: HttpRequest, obj: Location) -> None:
        super().delete_model(request, obj)
        catalogue_changed(service_ids=[obj.service_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        service_ids = list(queryset.values_list("service_id", flat=True))
        super().delete_queryset(request, queryset)
        catalogue_changed(service_ids=service_ids)


@admin.register(ContactPoint)
class ContactPointAdmin(TranslationAdmin):
    list_display = ["__str__", "service", "kind"]
    list_filter = ["kind"]
    list_select_related = ["service"]
    search_fields = ["value", "label_fi", "service__name_fi"]
    autocomplete_fields = ["service"]
    inlines = [OpeningHoursInline, OpeningHoursExceptionInline]
    fields = ["service", "kind", "value", ("label",), ("charge",), "order"]


@admin.register(GroupSession)
class GroupSessionAdmin(TranslationAdmin):
    list_display = ["__str__", "service", "starts_at", "ends_at", "is_cancelled"]
    list_filter = ["is_cancelled", "language"]
    list_select_related = ["service"]
    search_fields = ["title_fi", "title_sv", "service__name_fi", "service__name_sv"]
    autocomplete_fields = ["service", "location"]
    date_hierarchy = "starts_at"
    fields = [
        "service",
        ("title",),
        ("description",),
        ("starts_at", "ends_at"),
        "location",
        ("place",),
        "online_url",
        "language",
        "seats",
        "registration_url",
        "is_cancelled",
    ]


@admin.register(Method)
class MethodAdmin(TranslationAdmin):
    list_display = ["name", "rating", "rated_on"]
    list_filter = ["rating"]
    search_fields = ["name_fi", "name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_fi"]}
    fields = [("name",), "slug", ("description",), "rating", "rated_on", "source_url"]


# What visitors send: error reports for the coordinators, shared support lists.


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "service", "short_text", "status", "handled_by"]
    list_filter = ["status", "created_at", "service__tier", "service__organisation__kind"]
    list_select_related = ["service", "handled_by"]
    search_fields = ["text", "service__name_fi", "service__name_sv", "service__name_en"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "service",
        "text",
        "reply_to",
        "created_at",
        "status",
        "handled_by",
        "handled_at",
    ]
    actions = ["mark_handled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("what is wrong"))
    def short_text(self, report: ErrorReport) -> str:
        return report.text if len(report.text) <= 80 else f"{report.text[:79]}…"

    @admin.action(description=_("Mark as handled (erases the reply address)"))
    def mark_handled(self, request: HttpRequest, queryset: QuerySet) -> None:
        reports = list(queryset.filter(status=ErrorReport.Status.NEW))
        now = timezone.now()
        for report in reports:
            report.mark_handled(by=request.user, when=now)
        self.message_user(
            request,
            ngettext(
                "%(count)d report marked as handled.",
                "%(count)d reports marked as handled.",
                len(reports),
            )
            % {"count": len(reports)},
            messages.SUCCESS,
        )


@admin.register(SharedList)
class SharedListAdmin(admin.ModelAdmin):
    """Read-only; an administrator may delete a list, e.g. one whose note holds personal data."""

    list_display = ["created_at", "expires_at", "service_count"]
    readonly_fields = ["token", "service_ids", "note", "created_at", "expires_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("services"))
    def service_count(self, shared: SharedList) -> int:
        return len(shared.service_ids)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Kept imports; they are started and read on the staff import page."""

    list_display = [
        "file_name",
        "kind",
        "status",
        "dry_run",
        "created_at",
        "started_by",
        "services_created",
        "services_updated",
        "rejected",
    ]
    list_filter = ["kind", "status", "dry_run"]
    search_fields = ["file_name"]
    exclude = ["content", "report"]
    list_select_related = ["started_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("content", "report")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        link = format_html(
            '<a href="{}">{}</a>', reverse("services:import_list"), _("Import a file")
        )
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": link})
