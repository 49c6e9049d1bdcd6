"""The staff editor's forms: a service document (``services.catalogue.documents``) as form
fields, and the submitted fields back as a document.

The edit page is one HTML form made of

- ``ServiceForm``: the service's own fields (fi/sv/en texts side by side) and its links;
- a formset of ``LocationForm`` and one of ``ContactForm``: each row with a weekly hours grid
  (seven weekdays × two or more intervals) and a formset of date exceptions;
- a formset of ``SessionForm`` holding the *upcoming* group sessions: past sessions stay in
  the document exactly as they are.

``ServiceEditor`` ties them together. It is built from the document the form shows and the
*base*, the service's working state now (``services.review.working_state``). Rows are matched
by the ids the base holds: an id the base does not hold is refused (``strict``), so a forged id
can never reach another service's row. After a conflict (the base changed since the form was
shown, ``strict=False``) such a row is taken as a new one, for the person to see in the
conflict page before saving anything.

Everything here tolerates whatever a browser or a robot sends: bad input is a field error,
never an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet, formset_factory
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.catalogue.documents import LANGUAGES, SERVICE_TEXTS
from services.models import (
    Attribute,
    Channel,
    ContactPoint,
    GroupSession,
    Language,
    LifeSituation,
    Location,
    Method,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    ServiceClass,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.models.catalogue import MAX_CHILD_AGE, MIDNIGHT, MIN_CHILD_AGE
from services.models.geography import FINLAND_LAT, FINLAND_LON
from services.validators import validate_postal_code

LANGUAGE_LABELS = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}
# Long texts have no limit in the database; this one keeps junk out.
MAX_TEXT_LENGTH = 10_000
MAX_NOTE_LENGTH = 2_000
# Rows one save may hold: more than any real service, few enough to render and check.
MAX_LOCATIONS = 50
MAX_CONTACTS = 30
MAX_SESSIONS = 300
MAX_EXCEPTIONS = 60
# Opening intervals per weekday in the hours grid: two, more when the stored hours have more.
MIN_INTERVALS = 2
MAX_INTERVALS = 4
# Dates the editor accepts: far enough for any real plan, near enough for date arithmetic.
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_POSITIVE_INT = 2_147_483_647
MAX_SMALL_INT = 32_767


# Choices, read once per request.


Options = list[tuple[str, str]]
GroupedOptions = list[tuple[str, Options]]


@dataclass(frozen=True)
class Choices:
    """Every list a service form chooses from, labelled in the active language."""

    tiers: Options
    channels: Options
    target_groups: Options
    life_situations: Options
    attributes: Options
    languages: Options
    methods: Options
    service_classes: GroupedOptions
    counties: Options
    municipalities: GroupedOptions


def _labelled(model: type[models.Model], *extra: str) -> list[tuple[str, str, Any]]:
    """(pk, name in the active language with the fi → sv → en fallback, *extra) of every
    row, from plain values: a model instance per municipality would cost more than the rest
    of the page."""
    language = translation.get_language() or "fi"
    order = [language, *(code for code in ("fi", "sv", "en") if code != language)]
    columns = [f"name_{code}" for code in order]
    rows = model.objects.order_by(*model._meta.ordering or ["pk"]).values_list(
        "pk", *columns, *extra
    )
    found = []
    for pk, *values in rows:
        names, rest = values[: len(columns)], values[len(columns) :]
        found.append((str(pk), next((name for name in names if name), str(pk)), *rest))
    return found


def _options(model: type[models.Model]) -> Options:
    return [(pk, name) for pk, name in _labelled(model)]


def load_choices() -> Choices:
    """The reference data and methods, one query per kind."""
    counties = [(pk, name) for pk, name in _labelled(WellbeingServicesCounty)]
    county_names = dict(counties)
    by_county: dict[str, Options] = {}
    for code, name, county in _labelled(Municipality, "county_id"):
        by_county.setdefault(county, []).append((code, name))
    municipalities = sorted(
        (
            (county_names.get(code, code), sorted(items, key=lambda item: item[1]))
            for code, items in by_county.items()
        ),
        key=lambda group: group[0],
    )
    classes = _labelled(ServiceClass, "parent_id")
    children: dict[str, Options] = {}
    for code, name, parent in classes:
        if parent is not None:
            children.setdefault(parent, []).append((code, f"{code} {name}"))
    service_classes = [
        (f"{code} {name}", [(code, f"{code} {name}"), *children.get(code, [])])
        for code, name, parent in classes
        if parent is None
    ]
    return Choices(
        tiers=_options(Tier),
        channels=_options(Channel),
        target_groups=_options(TargetGroup),
        life_situations=_options(LifeSituation),
        attributes=_options(Attribute),
        languages=_options(Language),
        methods=_options(Method),
        service_classes=service_classes,
        counties=sorted(counties, key=lambda item: item[1]),
        municipalities=municipalities,
    )


# Fields.


def _model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def _text_field(model: type[models.Model], name: str, language: str) -> forms.CharField:
    """One language of a translated text, as long as the database column allows."""
    field = _model_field(model, f"{name}_{language}")
    attrs = {"lang": language}
    if isinstance(field, models.TextField):
        widget: forms.Widget = forms.Textarea(attrs={**attrs, "rows": 4})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=LANGUAGE_LABELS[language],
        required=False,
        max_length=field.max_length or MAX_TEXT_LENGTH,
        widget=widget,
    )


def _checkbox_field(
    label: str, options: Options | GroupedOptions, help_text: str = ""
) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=options,
        widget=forms.CheckboxSelectMultiple,
    )


class DirectSelect(forms.Select):
    """A select of hundreds or thousands of options, in groups or not (municipalities by
    county, providers), written out directly: Django's per-option templates would take most of
    the page's time (a location's municipality; the provider filter of staff who see every
    provider, 0.5 s for 4,000)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        chosen = "" if value is None else str(value)

        def option(key: Any, label: Any) -> str:
            selected = " selected" if str(key) == chosen else ""
            return f'<option value="{escape(key)}"{selected}>{escape(label)}</option>'

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(*each) for each in label)
                parts.append(f'<optgroup label="{escape(key)}">{inner}</optgroup>')
            else:
                parts.append(option(key, label))
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(parts))
        )


def _url_field(model: type[models.Model], name: str) -> forms.URLField:
    field = _model_field(model, name)
    return forms.URLField(
        label=field.verbose_name,
        required=False,
        max_length=field.max_length,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )


def _in_years(value: dt.date | dt.datetime | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between %(first)d and %(last)d."),
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[_in_years],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        validators=[_in_years],
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )


def _count_field(label: str, help_text: str = "") -> forms.Field:
    return forms.IntegerField(
        label=label, help_text=help_text, required=False, min_value=0, max_value=MAX_POSITIVE_INT
    )


def _empty(model: type[models.Model], name: str, before: Any = None) -> Any:
    """An empty value as the document keeps it: an empty string when it was one, else NULL
    where the column allows it (so a save that changes nothing writes nothing)."""
    if before == "" or not _model_field(model, name).null:
        return ""
    return None


def _text_value(model: type[models.Model], name: str, value: Any, before: Any = None) -> Any:
    return value if value not in (None, "") else _empty(model, name, before)


def _model_errors(form: forms.Form, obj: models.Model, fields: dict[str, str]) -> bool:
    """Run ``obj.clean()`` (the model's own rules, written once) and put its errors on the
    form's fields (``fields`` maps the model's field names to the form's). True: no errors."""
    try:
        obj.clean()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return False
        for name, errors in error.error_dict.items():
            target = fields.get(name)
            for message in errors:
                form.add_error(target if target in form.fields else None, message)
        return False
    return True


class EditorForm(forms.Form):
    """Server-side validation only: a required field of an unused extra row must not stop the
    browser from sending the form."""

    use_required_attribute = False
    # The model whose translated texts the form edits (labels and help come from it).
    model_for_texts: type[models.Model] = SupportService

    def translated(self, *names: str) -> list[TextGroup]:
        """Each named text as a group of its fi/sv/en fields (for the side-by-side layout)."""
        groups = []
        for name in names:
            keys = [f"{name}_{language}" for language in LANGUAGES]
            fields = [self[key] for key in keys if key in self.fields]
            if fields:
                model_field = _model_field(self.model_for_texts, name)
                groups.append(
                    TextGroup(
                        name=name,
                        label=str(model_field.verbose_name),
                        help_text=str(model_field.help_text or ""),
                        fields=fields,
                    )
                )
        return groups


@dataclass(frozen=True)
class TextGroup:
    """One translated text: its label and the fields of its languages."""

    name: str
    label: str
    help_text: str
    fields: list[BoundField]

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field in self.fields)


# The service's own fields.


NATIONWIDE = "nationwide"
REGIONAL = "regional"


class ServiceForm(EditorForm):
    """The fields and links of ``SupportService`` (its texts in three languages)."""

    tier = forms.ChoiceField(
        label=_model_field(SupportService, "tier").verbose_name,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the tier.")},
    )
    min_age = forms.IntegerField(
        label=_model_field(SupportService, "min_age").verbose_name,
        help_text=_("In years, 0–17."),
        required=False,
        min_value=MIN_CHILD_AGE,
        max_value=MAX_CHILD_AGE,
    )
    max_age = forms.IntegerField(
        label=_model_field(SupportService, "max_age").verbose_name,
        help_text=_("In years, 0–17."),
        required=False,
        min_value=MIN_CHILD_AGE,
        max_value=MAX_CHILD_AGE,
    )
    prenatal = forms.BooleanField(
        label=_("For expecting families (pregnancy and birth)"), required=False
    )
    area = forms.ChoiceField(
        label=_("Area served"),
        choices=[
            (NATIONWIDE, _("The whole of Finland")),
            (REGIONAL, _("The wellbeing services counties and municipalities chosen below")),
        ],
        widget=forms.RadioSelect,
        initial=REGIONAL,
        error_messages={"required": _("Choose the area served.")},
    )
    note = forms.CharField(
        label=_("Note to the reviewer (optional)"),
        help_text=_("Sent with the request when you send the service for review."),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SERVICE_TEXTS:
            for language in LANGUAGES:
                self.fields[f"{name}_{language}"] = _text_field(SupportService, name, language)
        self.fields["website"] = _url_field(SupportService, "website")
        self.fields["tier"].choices = choices.tiers
        labels = {
            name: _model_field(SupportService, name).verbose_name
            for name in (
                "channels",
                "target_groups",
                "life_situations",
                "attributes",
                "languages",
                "methods",
                "service_classes",
                "area_counties",
                "area_municipalities",
            )
        }
        self.fields["channels"] = _checkbox_field(labels["channels"], choices.channels)
        self.fields["target_groups"] = _checkbox_field(
            labels["target_groups"], choices.target_groups, _("None chosen means all parents.")
        )
        self.fields["life_situations"] = _checkbox_field(
            labels["life_situations"], choices.life_situations
        )
        self.fields["attributes"] = _checkbox_field(labels["attributes"], choices.attributes)
        self.fields["languages"] = _checkbox_field(labels["languages"], choices.languages)
        self.fields["methods"] = _checkbox_field(labels["methods"], choices.methods)
        self.fields["service_classes"] = _checkbox_field(
            labels["service_classes"], choices.service_classes
        )
        self.fields["area_counties"] = _checkbox_field(labels["area_counties"], choices.counties)
        self.fields["area_municipalities"] = _checkbox_field(
            labels["area_municipalities"], choices.municipalities
        )
        self.grouped_choices = {
            "service_classes": choices.service_classes,
            "area_municipalities": choices.municipalities,
        }

    def text_groups(self) -> list[TextGroup]:
        return self.translated(*SERVICE_TEXTS)

    @cached_property
    def checkboxes(self) -> dict[str, list[Checkbox]]:
        """The options of each list of checkboxes, ready for the page (by field name)."""
        return {
            name: self._boxes(name, field.choices)
            for name, field in self.fields.items()
            if isinstance(field, forms.MultipleChoiceField) and name not in self.grouped_choices
        }

    def service_class_groups(self) -> list[CheckboxGroup]:
        return self._checkbox_groups("service_classes")

    def municipality_groups(self) -> list[CheckboxGroup]:
        return self._checkbox_groups("area_municipalities")

    def _boxes(self, name: str, options: Options, start: int = 0) -> list[Checkbox]:
        field = self[name]
        chosen = {str(value) for value in field.value() or []}
        return [
            Checkbox(
                value=str(value),
                label=str(label),
                id=f"{field.auto_id}_{start + number}",
                checked=str(value) in chosen,
            )
            for number, (value, label) in enumerate(options)
        ]

    def _checkbox_groups(self, name: str) -> list[CheckboxGroup]:
        """A long list in groups (municipalities by county, service classes by main class);
        the page opens the groups where something is chosen."""
        groups, start = [], 0
        for label, options in self.grouped_choices[name]:
            boxes = self._boxes(name, options, start)
            start += len(options)
            groups.append(
                CheckboxGroup(
                    label=label, checkboxes=boxes, chosen=sum(box.checked for box in boxes)
                )
            )
        return groups

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(f"name_{language}") for language in LANGUAGES):
            self.add_error("name_fi", _("Enter the name in at least one language."))
        _model_errors(
            self,
            SupportService(min_age=data.get("min_age"), max_age=data.get("max_age")),
            {"min_age": "min_age", "max_age": "max_age"},
        )
        return data

    def document_part(self, before: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The document's ``fields`` (without the organisation) and ``links``."""
        data = self.cleaned_data
        fields: dict[str, Any] = {}
        for name in SERVICE_TEXTS:
            for language in LANGUAGES:
                key = f"{name}_{language}"
                fields[key] = _text_value(SupportService, key, data[key], before.get(key))
        fields["website"] = _text_value(
            SupportService, "website", data["website"], before.get("website")
        )
        fields["tier"] = data["tier"]
        fields["min_age"] = data["min_age"]
        fields["max_age"] = data["max_age"]
        fields["prenatal"] = data["prenatal"]
        fields["is_nationwide"] = data["area"] == NATIONWIDE
        links = {
            name: sorted(data[name], key=str)
            for name in (
                "channels",
                "target_groups",
                "life_situations",
                "attributes",
                "languages",
                "area_counties",
                "area_municipalities",
                "service_classes",
            )
        }
        links["methods"] = sorted(int(value) for value in data["methods"])
        return fields, links


@dataclass(frozen=True)
class Checkbox:
    """One option of a long list of checkboxes. (Rendered by the page's own loop: Django's
    widget templates would take most of the page's time for ~600 options.)"""

    value: str
    label: str
    id: str
    checked: bool


@dataclass(frozen=True)
class CheckboxGroup:
    label: str
    checkboxes: list[Checkbox]
    chosen: int


def service_initial(document: dict[str, Any]) -> dict[str, Any]:
    fields, links = document["fields"], document["links"]
    initial = {
        f"{name}_{language}": fields.get(f"{name}_{language}") or ""
        for name in SERVICE_TEXTS
        for language in LANGUAGES
    }
    initial |= {
        "website": fields.get("website") or "",
        "tier": fields.get("tier") or "",
        "min_age": fields.get("min_age"),
        "max_age": fields.get("max_age"),
        "prenatal": bool(fields.get("prenatal")),
        "area": NATIONWIDE if fields.get("is_nationwide") else REGIONAL,
    }
    initial |= {name: [str(value) for value in values] for name, values in links.items()}
    return initial


# Rows: locations, contact points, sessions.


class RowForm(EditorForm):
    """A row of a service (a location, a contact point, a session), matched to the base
    document by its id."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=10**12)

    def __init__(
        self,
        *args: Any,
        known_ids: frozenset[int] = frozenset(),
        strict: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known_ids = known_ids
        self.strict = strict

    def clean_id(self) -> int | None:
        value = self.cleaned_data.get("id")
        if value is not None and value not in self.known_ids:
            if self.strict:
                raise ValidationError(
                    _("This row is not one of this service's own. Open the service again.")
                )
            return None  # deleted meanwhile: the conflict page shows it as a new row
        return value


class Rows(BaseFormSet):
    """Rows of a formset, in order; a row may be marked for deletion."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)
        form.is_extra = i >= self.initial_form_count()
        return form

    def kept(self) -> list[tuple[int, forms.Form]]:
        """(index, form) of the rows the save keeps: not deleted, not an unused extra row."""
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def deleted_indexes(self) -> set[int]:
        return {
            index
            for index, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None) and self._should_delete_form(form)
        }


class RowFormSet(Rows):
    """Rows with ids: a row appears once (two rows with one id are refused)."""

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            row_id = form.cleaned_data.get("id")
            if row_id is None:
                continue
            if row_id in seen:
                if form.strict:
                    form.add_error(None, _("This row appears twice in the form."))
                else:
                    form.cleaned_data["id"] = None
            seen.add(row_id)


class ExceptionForm(EditorForm):
    """Different hours, or closed, on given dates."""

    start_date = _date_field(_("First day"))
    end_date = _date_field(_("Last day"))
    opens = _time_field(_("Opens"))
    closes = _time_field(_("Closes"))

    model_for_texts = OpeningHoursException

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].help_text = _("Empty: the first day only.")
        self.fields["opens"].help_text = _("Leave the times empty when closed.")
        for language in LANGUAGES:
            self.fields[f"note_{language}"] = _text_field(OpeningHoursException, "note", language)

    def text_groups(self) -> list[TextGroup]:
        return self.translated("note")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if "start_date" in data and start is None:
            self.add_error("start_date", _("Enter the first day."))
        if start and "end_date" in data and end is None:
            data["end_date"] = end = start
        if start and end and "opens" in data and "closes" in data:
            _model_errors(
                self,
                OpeningHoursException(
                    start_date=start, end_date=end, opens=data["opens"], closes=data["closes"]
                ),
                {"end_date": "end_date", "closes": "closes", "opens": "opens"},
            )
        return data

    def document_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        item = {
            "start_date": data["start_date"].isoformat(),
            "end_date": data["end_date"].isoformat(),
            "opens": _time_json(data["opens"]),
            "closes": _time_json(data["closes"]),
        }
        for language in LANGUAGES:
            name = f"note_{language}"
            item[name] = _text_value(OpeningHoursException, name, data[name])
        return item


ExceptionForms = formset_factory(
    ExceptionForm,
    formset=Rows,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_EXCEPTIONS,
    absolute_max=MAX_EXCEPTIONS,
    validate_max=True,
)


def _time_json(value: dt.time | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def _minutes(value: dt.time, *, closing: bool = False) -> int:
    """Minutes since midnight; 00:00 as a closing time is the end of the day."""
    if closing and value == MIDNIGHT:
        return 24 * 60
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class HoursRow:
    """One weekday of the hours grid: its label and its time inputs, interval by interval."""

    weekday: int
    label: str
    intervals: list[tuple[BoundField, BoundField]]


class HoursForm(RowForm):
    """A row with weekly opening hours (a grid of time inputs) and date exceptions."""

    intervals = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=MIN_INTERVALS, max_value=MAX_INTERVALS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interval_count = self._interval_count()
        for weekday, day in OpeningHours.Weekday.choices:
            for number in range(self.interval_count):
                again = number > 0
                self.fields[f"hours_{weekday}_{number}_opens"] = _time_field(
                    (_("%(day)s, opens again") if again else _("%(day)s, opens")) % {"day": day}
                )
                self.fields[f"hours_{weekday}_{number}_closes"] = _time_field(
                    (_("%(day)s, closes again") if again else _("%(day)s, closes")) % {"day": day}
                )
        self.initial.setdefault("intervals", self.interval_count)
        self.exceptions = ExceptionForms(
            self.data if self.is_bound else None,
            prefix=self.add_prefix("exceptions"),
            initial=self.initial.get("exceptions", []),
        )

    def _interval_count(self) -> int:
        """As many interval columns as the stored hours need (the form says how many it had)."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("intervals"), "")
            count = int(raw) if str(raw).isdigit() and len(str(raw)) < 3 else MIN_INTERVALS
        else:
            count = self.initial.get("intervals") or MIN_INTERVALS
        return max(MIN_INTERVALS, min(MAX_INTERVALS, count))

    def hours_rows(self) -> list[HoursRow]:
        return [
            HoursRow(
                weekday=weekday,
                label=str(day),
                intervals=[
                    (
                        self[f"hours_{weekday}_{number}_opens"],
                        self[f"hours_{weekday}_{number}_closes"],
                    )
                    for number in range(self.interval_count)
                ],
            )
            for weekday, day in OpeningHours.Weekday.choices
        ]

    def interval_numbers(self) -> range:
        return range(1, self.interval_count + 1)

    def has_changed(self) -> bool:
        return super().has_changed() or self.exceptions.has_changed()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.cleaned_hours = self._clean_hours(data)
        if not self.exceptions.is_valid():
            self.add_error(None, _("Check the exceptions to the opening hours."))
        return data

    def _clean_hours(self, data: dict[str, Any]) -> list[list[Any]]:
        hours: list[list[Any]] = []
        for weekday, _day in OpeningHours.Weekday.choices:
            day: list[tuple[int, dt.time, dt.time]] = []
            for number in range(self.interval_count):
                opens_name = f"hours_{weekday}_{number}_opens"
                closes_name = f"hours_{weekday}_{number}_closes"
                if opens_name not in data or closes_name not in data:
                    continue  # a time that did not parse has its own error
                opens, closes = data[opens_name], data[closes_name]
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    empty = opens_name if opens is None else closes_name
                    self.add_error(empty, _("Enter both the opening and the closing time."))
                    continue
                if _model_errors(
                    self,
                    OpeningHours(weekday=weekday, opens=opens, closes=closes),
                    {"closes": closes_name, "opens": opens_name},
                ):
                    day.append((number, opens, closes))
            day.sort(key=lambda interval: _minutes(interval[1]))
            for (_n, _o, earlier_closes), (number, opens, _c) in zip(day, day[1:], strict=False):
                if _minutes(opens) < _minutes(earlier_closes, closing=True):
                    self.add_error(
                        f"hours_{weekday}_{number}_opens",
                        _("The opening times of one day overlap."),
                    )
            hours += [[weekday, _time_json(opens), _time_json(closes)] for _n, opens, closes in day]
        return hours

    def hours_part(self) -> dict[str, Any]:
        exceptions = [form.document_item() for _index, form in self.exceptions.kept()]
        exceptions.sort(key=lambda item: (item["start_date"], item["end_date"]))
        return {"hours": sorted(self.cleaned_hours), "exceptions": exceptions}


def hours_initial(item: dict[str, Any]) -> dict[str, Any]:
    """The grid's fields from a row's ``hours`` and ``exceptions``."""
    by_day: dict[int, list[tuple[str, str]]] = {}
    for weekday, opens, closes in sorted(item.get("hours", []), key=lambda row: (row[0], row[1])):
        by_day.setdefault(weekday, []).append((opens, closes))
    most = max([MIN_INTERVALS, *map(len, by_day.values())])
    initial: dict[str, Any] = {"intervals": min(most, MAX_INTERVALS)}
    for weekday, intervals in by_day.items():
        for number, (opens, closes) in enumerate(intervals[:MAX_INTERVALS]):
            initial[f"hours_{weekday}_{number}_opens"] = parse_time(opens)
            initial[f"hours_{weekday}_{number}_closes"] = parse_time(closes)
    initial["exceptions"] = [
        {
            "start_date": parse_date(row["start_date"]) if row.get("start_date") else None,
            "end_date": parse_date(row["end_date"]) if row.get("end_date") else None,
            "opens": parse_time(row["opens"]) if row.get("opens") else None,
            "closes": parse_time(row["closes"]) if row.get("closes") else None,
        }
        | {f"note_{language}": row.get(f"note_{language}") or "" for language in LANGUAGES}
        for row in item.get("exceptions", [])
    ]
    return initial


class LocationForm(HoursForm):
    """A service point: address, accessibility, hours."""

    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=5,
        validators=[validate_postal_code],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False, widget=DirectSelect)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=FINLAND_LAT[0],
        max_value=FINLAND_LAT[1],
        help_text=_("Optional. WGS84 degrees, for example 61.6886."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=FINLAND_LON[0],
        max_value=FINLAND_LON[1],
        help_text=_("Optional. WGS84 degrees, for example 27.2723."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    capacity = _count_field(
        _("Capacity"),
        _(
            "Families the location can serve in a week (appointments or group places). "
            "Leave empty if not known."
        ),
    )
    step_free = forms.NullBooleanField(label=_("Step-free access"), required=False)
    stroller_access = forms.NullBooleanField(label=_("Room for prams"), required=False)
    hearing_loop = forms.NullBooleanField(label=_("Hearing loop"), required=False)

    model_for_texts = Location

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for language in LANGUAGES:
            self.fields[f"name_{language}"] = _text_field(Location, "name", language)
        for language in ("fi", "sv"):
            self.fields[f"street_address_{language}"] = _text_field(
                Location, "street_address", language
            )
        for language in LANGUAGES:
            self.fields[f"accessibility_notes_{language}"] = _text_field(
                Location, "accessibility_notes", language
            )
        self.fields["municipality"].choices = [("", "—"), *choices.municipalities]

    def text_groups(self) -> list[TextGroup]:
        return self.translated("name", "street_address")

    def notes_groups(self) -> list[TextGroup]:
        return self.translated("accessibility_notes")

    def title(self) -> str:
        value = self.initial.get("name_fi") or self.initial.get("street_address_fi") or ""
        return value or self.initial.get("street_address_sv") or ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("street_address_fi") or data.get("street_address_sv")):
            self.add_error("street_address_fi", _("Enter the street address."))
        if "postal_code" in data and not data["postal_code"]:
            self.add_error("postal_code", _("Enter the postal code."))
        if "municipality" in data and not data["municipality"]:
            self.add_error("municipality", _("Choose the municipality."))
        if "latitude" in data and "longitude" in data:
            _model_errors(
                self,
                Location(latitude=data["latitude"], longitude=data["longitude"]),
                {"longitude": "longitude", "latitude": "latitude"},
            )
        return data

    def document_item(self, before: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        fields = dict(before.get("fields", {}))
        for name in ("name", "street_address", "accessibility_notes"):
            for language in LANGUAGES:
                key = f"{name}_{language}"
                if key in data:
                    fields[key] = _text_value(Location, key, data[key], fields.get(key))
        for name in (
            "postal_code",
            "municipality",
            "latitude",
            "longitude",
            "capacity",
            "step_free",
            "stroller_access",
            "hearing_loop",
        ):
            fields[name] = data[name]
        return {"id": data["id"], "fields": fields, **self.hours_part()}


def location_initial(item: dict[str, Any]) -> dict[str, Any]:
    fields = item["fields"]
    initial = {name: ("" if value is None else value) for name, value in fields.items()}
    for name in (
        "latitude",
        "longitude",
        "capacity",
        "step_free",
        "stroller_access",
        "hearing_loop",
    ):
        initial[name] = fields.get(name)
    return {**initial, "id": item.get("id"), **hours_initial(item)}


class ContactForm(HoursForm):
    """A phone line, chat, video, web page or e-mail address."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *ContactPoint.Kind.choices]
    )
    value = forms.CharField(
        label=_("Number or address"),
        help_text=_("Phone number, web address or e-mail."),
        required=False,
        max_length=_model_field(ContactPoint, "value").max_length,
    )
    order = forms.IntegerField(
        label=_("Order"),
        help_text=_("Smaller numbers are listed first."),
        required=False,
        min_value=0,
        max_value=MAX_SMALL_INT,
    )

    model_for_texts = ContactPoint

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("label", "charge"):
            for language in LANGUAGES:
                self.fields[f"{name}_{language}"] = _text_field(ContactPoint, name, language)

    def text_groups(self) -> list[TextGroup]:
        return self.translated("label", "charge")

    def title(self) -> str:
        return str(self.initial.get("value") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "kind" in data and not data["kind"]:
            self.add_error("kind", _("Choose the kind of contact."))
        if "value" in data and not data["value"]:
            self.add_error("value", _("Enter a phone number, web address or e-mail address."))
        if data.get("kind") and data.get("value"):
            _model_errors(
                self, ContactPoint(kind=data["kind"], value=data["value"]), {"value": "value"}
            )
        return data

    def document_item(self, before: dict[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        fields = dict(before.get("fields", {}))
        for name in ("label", "charge"):
            for language in LANGUAGES:
                key = f"{name}_{language}"
                fields[key] = _text_value(ContactPoint, key, data[key], fields.get(key))
        fields["kind"] = data["kind"]
        fields["value"] = data["value"]
        fields["order"] = data["order"] if data["order"] is not None else 0
        return {"id": data["id"], "fields": fields, **self.hours_part()}


def contact_initial(item: dict[str, Any]) -> dict[str, Any]:
    fields = item["fields"]
    initial = {name: ("" if value is None else value) for name, value in fields.items()}
    return {**initial, "id": item.get("id"), **hours_initial(item)}


class SessionForm(RowForm):
    """An upcoming group session."""

    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    location = forms.ChoiceField(
        label=pgettext_lazy("part of a service", "Location"),
        required=False,
        help_text=_("One of the locations above (saved ones), or give another place below."),
    )
    online_url = _url_field(GroupSession, "online_url")
    language = forms.ChoiceField(label=_("Language"), required=False)
    seats = _count_field(_("Seats"))
    registration_url = _url_field(GroupSession, "registration_url")
    is_cancelled = forms.BooleanField(label=_("Cancelled"), required=False)

    model_for_texts = GroupSession

    def __init__(
        self, *args: Any, choices: Choices, locations: Options = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "place"):
            for language in LANGUAGES:
                self.fields[f"{name}_{language}"] = _text_field(GroupSession, name, language)
        self.fields["location"].choices = [("", "—"), *locations]
        self.fields["language"].choices = [("", "—"), *choices.languages]

    def text_groups(self) -> list[TextGroup]:
        return self.translated("title", "description")

    def place_groups(self) -> list[TextGroup]:
        return self.translated("place")

    def title(self) -> str:
        return str(self.initial.get("title_fi") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "starts_at" in data and data["starts_at"] is None:
            self.add_error("starts_at", _("Enter the start time."))
        if "ends_at" in data and data["ends_at"] is None:
            self.add_error("ends_at", _("Enter the end time."))
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session must end after it starts."))
        places = [data.get(f"place_{language}") for language in LANGUAGES]
        if "location" in data and "online_url" in data:
            if not (data["location"] or any(places) or data["online_url"]):
                self.add_error("place_fi", _("Enter a location, another place or an online link."))
        return data

    def document_item(self, before: dict[str, Any], location: int | None) -> dict[str, Any]:
        data = self.cleaned_data
        fields = dict(before.get("fields", {}))
        for name in ("title", "description", "place"):
            for language in LANGUAGES:
                key = f"{name}_{language}"
                fields[key] = _text_value(GroupSession, key, data[key], fields.get(key))
        for name in ("online_url", "registration_url"):
            fields[name] = _text_value(GroupSession, name, data[name], fields.get(name))
        fields["starts_at"] = data["starts_at"].astimezone(dt.UTC).isoformat()
        fields["ends_at"] = data["ends_at"].astimezone(dt.UTC).isoformat()
        fields["location"] = location
        fields["language"] = data["language"] or None
        fields["seats"] = data["seats"]
        fields["is_cancelled"] = data["is_cancelled"]
        return {"id": data["id"], "fields": fields}


def session_initial(item: dict[str, Any]) -> dict[str, Any]:
    fields = item["fields"]
    initial = {name: ("" if value is None else value) for name, value in fields.items()}
    for name in ("starts_at", "ends_at"):
        initial[name] = parse_datetime(fields[name]) if fields.get(name) else None
    initial["location"] = "" if fields.get("location") is None else str(fields["location"])
    initial["language"] = fields.get("language") or ""
    initial["seats"] = fields.get("seats")
    initial["is_cancelled"] = bool(fields.get("is_cancelled"))
    return {**initial, "id": item.get("id")}


def _row_formset(form: type[forms.Form], maximum: int) -> type[RowFormSet]:
    return formset_factory(
        form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
        max_num=maximum,
        absolute_max=maximum,
        validate_max=True,
    )


LocationForms = _row_formset(LocationForm, MAX_LOCATIONS)
ContactForms = _row_formset(ContactForm, MAX_CONTACTS)
SessionForms = _row_formset(SessionForm, MAX_SESSIONS)


# The whole editor.


def is_past(session: dict[str, Any], now: dt.datetime) -> bool:
    ends = parse_datetime(session["fields"].get("ends_at") or "")
    return ends is not None and ends < now


def _ids(items: Sequence[dict[str, Any]]) -> frozenset[int]:
    return frozenset(item["id"] for item in items if item.get("id"))


class ServiceEditor:
    """The service form and its row formsets, as one.

    ``document``: what the form shows (the working state; after a conflict, the person's own
    version). ``base``: the working state now, which rows must belong to and which keeps the
    past sessions. ``strict``: refuse ids the base does not hold (False after a conflict).
    """

    def __init__(
        self,
        data: Any = None,
        *,
        document: dict[str, Any],
        base: dict[str, Any] | None = None,
        choices: Choices,
        now: dt.datetime,
        strict: bool = True,
    ) -> None:
        self.base = base if base is not None else document
        self.now = now
        self.strict = strict
        self.service = ServiceForm(data, initial=service_initial(document), choices=choices)
        row_kwargs = {"strict": strict}
        self.locations = LocationForms(
            data,
            prefix="locations",
            initial=[location_initial(item) for item in document["locations"]],
            form_kwargs={
                **row_kwargs,
                "choices": choices,
                "known_ids": _ids(self.base["locations"]),
            },
        )
        upcoming = [item for item in document["sessions"] if not is_past(item, now)]
        self.sessions = SessionForms(
            data,
            prefix="sessions",
            initial=[session_initial(item) for item in upcoming],
            form_kwargs={
                **row_kwargs,
                "choices": choices,
                "known_ids": _ids(self.base["sessions"]),
                "locations": self._location_options(document, data),
            },
        )
        self.contacts = ContactForms(
            data,
            prefix="contacts",
            initial=[contact_initial(item) for item in document["contact_points"]],
            form_kwargs={**row_kwargs, "known_ids": _ids(self.base["contact_points"])},
        )

    def _location_options(self, document: dict[str, Any], data: Any) -> Options:
        """A session's location is a location row of the same form, by its position.

        Shown: the document's locations. Sent: the location rows the browser sent, which are
        the ones the person saw, whatever happened to the service meanwhile."""
        if data is None:
            return [
                (str(position), _location_title(item["fields"]) or str(position + 1))
                for position, item in enumerate(document["locations"])
            ]
        options = []
        forms_sent = self.locations.forms
        for position in range(min(self.locations.initial_form_count(), len(forms_sent))):
            form = forms_sent[position]
            title = (
                form.data.get(form.add_prefix("name_fi"))
                or form.data.get(form.add_prefix("street_address_fi"))
                or form.data.get(form.add_prefix("street_address_sv"))
                or str(position + 1)
            )
            options.append((str(position), str(title)[:200]))
        return options

    @property
    def formsets(self) -> list[RowFormSet]:
        return [self.locations, self.contacts, self.sessions]

    def is_valid(self) -> bool:
        valid = self.service.is_valid()
        for formset in self.formsets:
            valid = formset.is_valid() and valid
        if not valid:
            return False
        # Sessions may name a location of this form, but not one this save removes.
        removed = self.locations.deleted_indexes()
        for _index, form in self.sessions.kept():
            position = form.cleaned_data.get("location")
            if position and int(position) in removed:
                form.add_error(
                    "location",
                    _("This location is removed in this save: choose another place."),
                )
                valid = False
        return valid

    def error_count(self) -> int:
        """Fields and rows with errors, for the summary at the top of the page."""
        count = len(self.service.errors)
        for formset in self.formsets:
            count += len(formset.non_form_errors())
            for form in formset.forms:
                count += len(form.errors)
                if isinstance(form, HoursForm):
                    count += sum(len(inner.errors) for inner in form.exceptions.forms)
                    count += len(form.exceptions.non_form_errors())
        return count

    def _before(self, key: str, form: RowForm, index: int) -> dict[str, Any]:
        """The base row a form row edits: by id, or (an unsaved row of a change waiting for
        review) by position, when the form was made from this base."""
        items = self.base[key]
        row_id = form.cleaned_data.get("id")
        if row_id:
            return next((item for item in items if item.get("id") == row_id), {})
        if self.strict and index < len(items) and not items[index].get("id") and not form.is_extra:
            return items[index]
        return {}

    def document(self) -> dict[str, Any]:
        """The edited document (call after ``is_valid()``)."""
        fields, links = self.service.document_part(self.base["fields"])
        document = {
            "format": self.base.get("format", 1),
            "fields": {**self.base["fields"], **fields},
            "links": {**self.base["links"], **links},
            "locations": [],
            "contact_points": [],
            "sessions": [],
        }
        new_position: dict[int, int] = {}
        for index, form in self.locations.kept():
            new_position[index] = len(document["locations"])
            document["locations"].append(form.document_item(self._before("locations", form, index)))
        for index, form in self.contacts.kept():
            document["contact_points"].append(
                form.document_item(self._before("contact_points", form, index))
            )
        posted: set[int] = set()
        for index, form in self.sessions.kept():
            position = form.cleaned_data["location"]
            location = new_position.get(int(position)) if position else None
            document["sessions"].append(
                form.document_item(self._before("sessions", form, index), location)
            )
        for form in self.sessions.forms:
            row_id = getattr(form, "cleaned_data", {}).get("id")
            if row_id:
                posted.add(row_id)
        document["sessions"] += self._past_sessions(document, posted, new_position)
        document["sessions"].sort(
            key=lambda item: (item["fields"]["starts_at"] or "", item.get("id") or 0)
        )
        return document

    def _past_sessions(
        self, document: dict[str, Any], posted: set[int], new_position: dict[int, int]
    ) -> list[dict[str, Any]]:
        """The base's past sessions, untouched but for their location's new position."""
        kept_ids = {
            item["id"]: position
            for position, item in enumerate(document["locations"])
            if item.get("id")
        }
        new_rows = {
            (item["fields"]["starts_at"], item["fields"]["ends_at"])
            for item in document["sessions"]
            if not item.get("id")
        }
        sessions = []
        for item in self.base["sessions"]:
            if not is_past(item, self.now) or (item.get("id") and item["id"] in posted):
                continue
            fields = dict(item["fields"])
            if not item.get("id") and (fields["starts_at"], fields["ends_at"]) in new_rows:
                continue  # it ended while the form was open, and came back in the form
            position = fields.get("location")
            if isinstance(position, int) and 0 <= position < len(self.base["locations"]):
                old = self.base["locations"][position]
                if old.get("id"):
                    fields["location"] = kept_ids.get(old["id"])
                else:
                    fields["location"] = new_position.get(position) if self.strict else None
                if fields["location"] is None:
                    _remember_place(fields, old["fields"])
            else:
                fields["location"] = None
            sessions.append({**item, "fields": fields})
        return sessions


def _location_title(fields: dict[str, Any]) -> str:
    return (
        fields.get("name_fi")
        or fields.get("street_address_fi")
        or fields.get("street_address_sv")
        or ""
    )


def _remember_place(fields: dict[str, Any], location: dict[str, Any]) -> None:
    """A past session whose location is removed keeps where it was, in words."""
    if any(fields.get(f"place_{language}") for language in LANGUAGES) or fields.get("online_url"):
        return
    address = location.get("street_address_fi") or location.get("street_address_sv") or ""
    place = ", ".join(part for part in (address, location.get("postal_code") or "") if part)
    fields["place_fi"] = place[: _model_field(GroupSession, "place_fi").max_length] or "—"


# Notes for the page.


@dataclass(frozen=True)
class MissingTexts:
    language: str
    fields: list[str]


def missing_translations(fields: dict[str, Any]) -> list[MissingTexts]:
    """Texts given in some language but not in this one, language by language."""
    missing = []
    for language in LANGUAGES:
        names = [
            str(_model_field(SupportService, name).verbose_name)
            for name in SERVICE_TEXTS
            if not (fields.get(f"{name}_{language}") or "").strip()
            and any((fields.get(f"{name}_{other}") or "").strip() for other in LANGUAGES)
        ]
        if names:
            missing.append(MissingTexts(language=str(LANGUAGE_LABELS[language]), fields=names))
    return missing


def untranslated_everywhere(fields: dict[str, Any]) -> list[str]:
    """Texts given in no language at all."""
    return [
        str(_model_field(SupportService, name).verbose_name)
        for name in SERVICE_TEXTS
        if not any((fields.get(f"{name}_{language}") or "").strip() for language in LANGUAGES)
    ]


def submitted_texts(data: Any) -> dict[str, str]:
    """The service texts as the browser sent them (for the note on a page with errors)."""
    return {
        f"{name}_{language}": str(data.get(f"{name}_{language}", ""))
        for name in SERVICE_TEXTS
        for language in LANGUAGES
    }


# Small forms of the list page and the new-service page.


class ServiceFilterForm(forms.Form):
    use_required_attribute = False

    q = forms.CharField(label=_("Name contains"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *SupportService.Status.choices],
    )
    organisation = forms.ChoiceField(label=_("Provider"), required=False, widget=DirectSelect)
    stale = forms.BooleanField(label=_("Only listings that need confirming"), required=False)

    def __init__(self, *args: Any, organisations: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All")), *organisations]


class OrganisationForm(forms.Form):
    """Whose service a new one is: one of the user's organisations."""

    use_required_attribute = False

    organisation = forms.ChoiceField(
        label=_("Provider"), error_messages={"required": _("Choose the provider.")}
    )

    def __init__(self, *args: Any, organisations: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.choices = organisations if len(organisations) == 1 else [("", "—"), *organisations]
        if len(organisations) == 1:
            self.initial.setdefault("organisation", organisations[0][0])
