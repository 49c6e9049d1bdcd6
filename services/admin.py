"""Django admin for the catalogue: translations side by side, inline service points."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from services import catalogue
from services.catalogue.history import ADMIN, DELETED
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


class CatalogueAdminMixin:
    """Admin edits of catalogue rows go through the catalogue's write path.

    A save of the change form (the row, its many-to-many fields and its inlines) is one
    change; deletions and the list's actions are changes of their own. Search and coverage
    hear of each, and each is kept in the history with the administrator's name.
    """

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with catalogue.change(user=request.user, comment=ADMIN):
            return super().changeform_view(request, *args, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool
    ) -> None:
        catalogue.save(user=request.user, obj=obj, comment=ADMIN)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        with catalogue.change(user=request.user, comment=ADMIN) as work:
            work.save_m2m(form)
            for formset in formsets:
                work.save_formset(formset)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        catalogue.delete(user=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with catalogue.change(user=request.user, comment=DELETED) as work:
            for obj in queryset:
                work.delete(obj)


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
class OrganisationAdmin(CatalogueAdminMixin, TranslationAdmin):
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
class SupportServiceAdmin(CatalogueAdminMixin, TranslationAdmin):
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

    @admin.display(description=_("area served"))
    def area(self, service: SupportService) -> str:
        return str(_("whole of Finland")) if service.is_nationwide else str(_("regional"))

    @admin.display(description=_("example"), boolean=True)
    def is_example_content(self, service: SupportService) -> bool:
        return service.is_example

    @admin.action(description=_("Confirm the selected listings are still accurate"))
    def confirm_accurate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = catalogue.confirm_accurate(user=request.user, services=queryset)
        self.message_user(
            request,
            ngettext("%(count)d listing confirmed.", "%(count)d listings confirmed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected services"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = catalogue.publish(user=request.user, services=queryset)
        self.message_user(
            request,
            ngettext("%(count)d service published.", "%(count)d services published.", count)
            % {"count": count},
        )

    @admin.action(description=_("Archive the selected services"))
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = catalogue.archive(user=request.user, services=queryset)
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
class LocationAdmin(CatalogueAdminMixin, TranslationAdmin):
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


@admin.register(ContactPoint)
class ContactPointAdmin(CatalogueAdminMixin, TranslationAdmin):
    list_display = ["__str__", "service", "kind"]
    list_filter = ["kind"]
    list_select_related = ["service"]
    search_fields = ["value", "label_fi", "service__name_fi"]
    autocomplete_fields = ["service"]
    inlines = [OpeningHoursInline, OpeningHoursExceptionInline]
    fields = ["service", "kind", "value", ("label",), ("charge",), "order"]


@admin.register(GroupSession)
class GroupSessionAdmin(CatalogueAdminMixin, TranslationAdmin):
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
class MethodAdmin(CatalogueAdminMixin, TranslationAdmin):
    list_display = ["name", "rating", "rated_on"]
    list_filter = ["rating"]
    search_fields = ["name_fi", "name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_fi"]}
    fields = [("name",), "slug", ("description",), "rating", "rated_on", "source_url"]


# What visitors send: error reports for the coordinators, shared support lists.


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Reports are handled on the staff side (the queue and the report page); here they are
    only looked up."""

    list_display = ["created_at", "service", "short_text", "status", "assignee"]
    list_filter = ["status", "created_at", "service__tier", "service__organisation__kind"]
    list_select_related = ["service", "assignee"]
    search_fields = ["text", "service__name_fi", "service__name_sv", "service__name_en"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "service",
        "text",
        "reply_to",
        "language",
        "created_at",
        "status",
        "assignee",
        "closed_by",
        "closed_at",
        "outcome",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("what is wrong"))
    def short_text(self, report: ErrorReport) -> str:
        return report.text if len(report.text) <= 80 else f"{report.text[:79]}…"


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
