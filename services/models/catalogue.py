"""The catalogue: providers, their support services, service points, contacts and sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.geography import (
    FINLAND_LAT,
    FINLAND_LON,
    Municipality,
    WellbeingServicesCounty,
    in_finland_q,
)
from services.models.taxonomy import (
    Attribute,
    Channel,
    Language,
    LifeSituation,
    ServiceClass,
    TargetGroup,
    Tier,
)
from services.validators import validate_business_id, validate_phone_number, validate_postal_code

MIN_CHILD_AGE = 0
MAX_CHILD_AGE = 17
MIDNIGHT = dt.time(0, 0)


class Source(models.TextChoices):
    """Where a record came from; external ids are unique within one source."""

    MANUAL = "MANUAL", _("entered by hand")
    PTV = "PTV", _("Suomi.fi Service Catalogue (PTV)")
    HSDS = "HSDS", _("Open Referral HSDS")
    SPREADSHEET = "SPREADSHEET", _("spreadsheet import")
    EXAMPLE = "EXAMPLE", _("example catalogue")
    GENERATED = "GENERATED", _("generated test data")


EXAMPLE_SOURCES = (Source.EXAMPLE, Source.GENERATED)


def translated_value_q(field: str) -> Q:
    """At least one of the fi/sv/en translations of ``field`` is filled in."""
    q = Q()
    for language in ("fi", "sv", "en"):
        name = f"{field}_{language}"
        q |= Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})
    return q


def external_id_constraint(model_name: str, *extra_fields: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[*extra_fields, "source", "external_id"],
        condition=~Q(external_id=""),
        name=f"{model_name}_external_id_unique_per_source",
        violation_error_message=_("Another record from this source already has this external ID."),
    )


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Organisation(Timestamped):
    """A provider: a municipal unit or wellbeing services county, an NGO, a parish, ..."""

    class Kind(models.TextChoices):
        PUBLIC = "PUBLIC", _("public sector")
        NGO = "NGO", _("non-governmental organisation")
        PARISH = "PARISH", _("parish")
        OTHER = "OTHER", _("other (company, foundation)")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    business_id = models.CharField(
        _("business ID (Y-tunnus)"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
    )
    website = models.URLField(_("website"), blank=True, max_length=500)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone_number]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=translated_value_q("name"),
                name="organisation_has_a_name",
                violation_error_message=_("Enter the name in at least one language."),
            ),
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~Q(business_id=""),
                name="organisation_business_id_unique",
                violation_error_message=_("Another organisation already has this business ID."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="organisation_not_its_own_parent",
                violation_error_message=_("An organisation cannot be its own parent organisation."),
            ),
            external_id_constraint("organisation"),
        ]

    def __str__(self) -> str:
        return self.name or ""

    def get_absolute_url(self) -> str:
        return reverse("services:organisation_detail", args=[self.pk])

    @property
    def is_example(self) -> bool:
        return self.source in EXAMPLE_SOURCES


class Method(Timestamped):
    """An evidence-based method rated in Itla's method bank (Kasvun tuki)."""

    class Rating(models.IntegerChoices):
        DESCRIBED = 1, _("1 – described and theoretically grounded")
        SOME_RESEARCH = 2, _("2 – some research")
        SOME_EFFECTIVENESS = 3, _("3 – some effectiveness research")
        GOOD = 4, _("4 – good evidence")
        STRONG = 5, _("5 – strong evidence")

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        choices=Rating.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty when the method has not been rated: never guess."),
    )
    rated_on = models.DateField(_("date of rating"), null=True, blank=True)
    source_url = models.URLField(_("source of rating"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("evidence-based method")
        verbose_name_plural = _("evidence-based methods")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=translated_value_q("name"),
                name="method_has_a_name",
                violation_error_message=_("Enter the name in at least one language."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="method_rating_between_1_and_5",
                violation_error_message=_("A rating is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(rated_on__isnull=True) | Q(rating__isnull=False),
                name="method_rating_date_needs_a_rating",
                violation_error_message=_("A date of rating needs a rating."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.slug


def stale_condition(now: dt.datetime | None = None) -> Q:
    """A service nobody has confirmed as accurate within ``STALE_AFTER_DAYS`` (for filters and
    for ``When``)."""
    limit = (now or timezone.now()) - dt.timedelta(days=settings.STALE_AFTER_DAYS)
    return Q(verified_at__isnull=True) | Q(verified_at__lt=limit)


class SupportServiceQuerySet(models.QuerySet):
    def published(self) -> SupportServiceQuerySet:
        return self.filter(status=SupportService.Status.PUBLISHED)

    def serving(self, municipality: Municipality) -> SupportServiceQuerySet:
        """Services whose area served includes ``municipality`` (nationwide ones included)."""
        through_counties = SupportService.area_counties.through.objects.filter(
            supportservice=OuterRef("pk"), wellbeingservicescounty=municipality.county_id
        )
        through_municipalities = SupportService.area_municipalities.through.objects.filter(
            supportservice=OuterRef("pk"), municipality=municipality.pk
        )
        return self.filter(
            Q(is_nationwide=True) | Exists(through_counties) | Exists(through_municipalities)
        )

    def remote(self) -> SupportServiceQuerySet:
        """Services with at least one remote channel."""
        return self.filter(
            Exists(
                SupportService.channels.through.objects.filter(
                    supportservice=OuterRef("pk"), channel__is_remote=True
                )
            )
        )

    def stale(self, now: dt.datetime | None = None) -> SupportServiceQuerySet:
        """Listings nobody has confirmed as accurate within ``STALE_AFTER_DAYS``."""
        return self.filter(stale_condition(now))


class SupportService(Timestamped):
    """A support service for parenthood or couple relationships."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("draft")
        PENDING_REVIEW = "PENDING_REVIEW", _("pending review")
        PUBLISHED = "PUBLISHED", _("published")
        ARCHIVED = "ARCHIVED", _("archived")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=150, blank=True, help_text=_("At most 150 characters.")
    )
    description = models.TextField(_("description"), blank=True)
    how_to_get = models.TextField(_("how to get it"), blank=True)
    eligibility = models.TextField(_("who can get it"), blank=True)
    cost_description = models.CharField(
        _("cost"),
        max_length=300,
        blank=True,
        help_text=_("Fees in words. Mark free services with the attribute “free”."),
    )
    website = models.URLField(_("website"), blank=True, max_length=500)

    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT)
    channels = models.ManyToManyField(Channel, verbose_name=_("channels"), blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup,
        verbose_name=_("target groups"),
        blank=True,
        help_text=_("None means all parents."),
    )
    life_situations = models.ManyToManyField(
        LifeSituation, verbose_name=_("life situations"), blank=True
    )
    attributes = models.ManyToManyField(
        Attribute, verbose_name=_("low-threshold attributes"), blank=True
    )
    languages = models.ManyToManyField(Language, verbose_name=_("languages of service"), blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("youngest child's age"), null=True, blank=True, help_text=_("In years, 0–17.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest child's age"), null=True, blank=True, help_text=_("In years, 0–17.")
    )
    prenatal = models.BooleanField(
        _("for expecting families"), default=False, help_text=_("Pregnancy and birth.")
    )

    is_nationwide = models.BooleanField(_("whole of Finland"), default=False)
    area_counties = models.ManyToManyField(
        WellbeingServicesCounty,
        verbose_name=_("wellbeing services counties served"),
        blank=True,
    )
    area_municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities served"), blank=True
    )

    methods = models.ManyToManyField(
        Method, verbose_name=_("evidence-based methods"), blank=True, related_name="services"
    )
    service_classes = models.ManyToManyField(
        ServiceClass, verbose_name=_("Suomi.fi service classes"), blank=True
    )

    # Index: the public site and the coverage engine read published services only.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    verified_at = models.DateTimeField(
        _("last confirmed accurate"),
        null=True,
        blank=True,
        help_text=_("Set only when a person confirms that the listing is still accurate."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    # Raised by every change of the service or its rows (services.catalogue): an editor's save
    # names the version it started from, and a different one means someone saved meanwhile.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SupportServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("support service")
        verbose_name_plural = _("support services")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=translated_value_q("name"),
                name="service_has_a_name",
                violation_error_message=_("Enter the name in at least one language."),
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="service_min_age_not_above_max_age",
                violation_error_message=_(
                    "The oldest child's age cannot be below the youngest child's."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(min_age__isnull=True) | Q(min_age__lte=MAX_CHILD_AGE))
                & (Q(max_age__isnull=True) | Q(max_age__lte=MAX_CHILD_AGE)),
                name="service_ages_are_child_ages",
                violation_error_message=_("Children's ages run from 0 to 17 years."),
            ),
            external_id_constraint("service"),
        ]

    def __str__(self) -> str:
        return self.name or ""

    def get_absolute_url(self) -> str:
        return reverse("services:service_detail", args=[self.pk])

    @property
    def is_example(self) -> bool:
        return self.source in EXAMPLE_SOURCES

    def clean(self) -> None:
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The oldest child's age cannot be below the youngest child's.")
        for field in ("min_age", "max_age"):
            value = getattr(self, field)
            if value is not None and value > MAX_CHILD_AGE:
                errors[field] = _("Children's ages run from 0 to 17 years.")
        if errors:
            raise ValidationError(errors)


class Location(Timestamped):
    """A service point where the service is given in person."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(
        _("postal code"), max_length=5, validators=[validate_postal_code]
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Families the service point can serve in a week (appointments or group places). "
            "Used by the accessibility measure of the coverage mapping; empty if not known."
        ),
    )
    step_free = models.BooleanField(_("step-free access"), null=True, blank=True)
    stroller_access = models.BooleanField(_("room for prams"), null=True, blank=True)
    hearing_loop = models.BooleanField(_("hearing loop"), null=True, blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["service", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_point_complete",
                violation_error_message=_("Enter both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=in_finland_q(),
                name="location_point_in_finland",
                violation_error_message=_("The point is not in Finland (WGS84 degrees expected)."),
            ),
            external_id_constraint("location", "service"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.street_address}, {self.postal_code}"

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Enter both latitude and longitude, or neither.")
        for field, (low, high) in (("latitude", FINLAND_LAT), ("longitude", FINLAND_LON)):
            value = getattr(self, field)
            if value is not None and not low <= value <= high:
                errors[field] = _("The point is not in Finland (WGS84 degrees expected).")
        if errors:
            raise ValidationError(errors)


class ContactPoint(models.Model):
    """A way to reach a service: phone line, chat, video, web form or e-mail."""

    class Kind(models.TextChoices):
        PHONE = "PHONE", _("phone")
        CHAT = "CHAT", _("chat")
        VIDEO = "VIDEO", _("video")
        WEB = "WEB", _("web page or form")
        EMAIL = "EMAIL", _("e-mail")

    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="contact_points",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(
        _("number or address"), max_length=500, help_text=_("Phone number, web address or e-mail.")
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    charge = models.CharField(
        _("call charge"), max_length=200, blank=True, help_text=_("For example: free of charge.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["service", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(value=""),
                name="contact_point_has_a_value",
                violation_error_message=_("Enter a phone number, web address or e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        try:
            if self.kind == self.Kind.PHONE:
                validate_phone_number(self.value)
            elif self.kind == self.Kind.EMAIL:
                EmailValidator()(self.value)
            else:
                URLValidator(schemes=["https", "http"])(self.value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error

    @property
    def href(self) -> str:
        """A one-tap link: ``tel:`` for phones, ``mailto:`` for e-mail, the URL otherwise."""
        if self.kind == self.Kind.PHONE:
            digits = "".join(c for c in self.value if c.isdigit() or c == "+")
            return f"tel:{digits}"
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{self.value}"
        return self.value


def one_owner_q() -> Q:
    return Q(location__isnull=False, contact_point__isnull=True) | Q(
        location__isnull=True, contact_point__isnull=False
    )


def closes_after_opens_q() -> Q:
    """Closing time after opening time; 00:00 as closing time means midnight."""
    return Q(closes__gt=models.F("opens")) | Q(closes=MIDNIGHT)


class OpeningHours(models.Model):
    """A weekly opening interval of a location or a contact point (a phone line, a chat)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=one_owner_q(),
                name="opening_hours_one_owner",
                violation_error_message=_(
                    "Opening hours belong to exactly one location or contact point."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="opening_hours_weekday_valid",
                violation_error_message=_("Choose a weekday."),
            ),
            models.CheckConstraint(
                condition=closes_after_opens_q(),
                name="opening_hours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None:
            if not (self.closes > self.opens or self.closes == MIDNIGHT):
                raise ValidationError({"closes": _("Closing time must be after opening time.")})


class OpeningHoursException(models.Model):
    """Different hours, or closed, on given dates (holidays, summer closing)."""

    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours_exceptions",
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours_exceptions",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    opens = models.TimeField(_("opens"), null=True, blank=True, help_text=_("Empty: closed."))
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening hours exception")
        verbose_name_plural = _("opening hours exceptions")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=one_owner_q(),
                name="opening_hours_exception_one_owner",
                violation_error_message=_(
                    "Opening hours belong to exactly one location or contact point."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="opening_hours_exception_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | (Q(opens__isnull=False, closes__isnull=False) & closes_after_opens_q()),
                name="opening_hours_exception_closed_or_hours",
                violation_error_message=_(
                    "Enter opening and closing time (closing after opening), or neither (closed)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"

    @property
    def is_closed(self) -> bool:
        return self.opens is None

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if (self.opens is None) != (self.closes is None):
            errors["closes"] = _("Enter both opening and closing time, or neither (closed).")
        elif self.opens is not None and not (self.closes > self.opens or self.closes == MIDNIGHT):
            errors["closes"] = _("Closing time must be after opening time.")
        if errors:
            raise ValidationError(errors)


class GroupSessionQuerySet(models.QuerySet):
    def upcoming(self, now: dt.datetime | None = None) -> GroupSessionQuerySet:
        return self.filter(ends_at__gte=now or timezone.now(), is_cancelled=False)


class GroupSession(Timestamped):
    """A dated group meeting, course or online lecture of a service."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        SupportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the service's name.")
    )
    description = models.TextField(_("description"), blank=True)
    # Index: the upcoming sessions list and its iCalendar feed order by start time.
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    place = models.CharField(
        _("other place"), max_length=200, blank=True, help_text=_("If not one of the locations.")
    )
    online_url = models.URLField(_("online link"), blank=True, max_length=500)
    language = models.ForeignKey(
        Language, verbose_name=_("language"), null=True, blank=True, on_delete=models.PROTECT
    )
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    registration_url = models.URLField(_("registration link"), blank=True, max_length=500)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="group_session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def display_title(self) -> str:
        return self.title or (self.service.name if self.service_id else "")

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session must end after it starts.")
        if self.location_id and self.service_id and self.location.service_id != self.service_id:
            errors["location"] = _("Choose one of this service's own locations.")
        if not (self.location_id or self.place or self.online_url):
            errors["place"] = _("Enter a location, another place or an online link.")
        if errors:
            raise ValidationError(errors)
