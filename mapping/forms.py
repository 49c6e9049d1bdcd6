"""Forms of the coverage dashboard: the selection of figures, what-if and the action plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mapping.gaps import DEFAULT_SORT
from mapping.models import Action
from services import availability
from services.models import Method, Municipality, Organisation, PostalArea
from services.models.geography import FINLAND_LAT, FINLAND_LON

Choices = Sequence[tuple[str, str]]

DEFAULT_TIER = "UNIVERSAL_INDIVIDUAL"
DEFAULT_TARGET_GROUP = "PARENTS"


def by_name(queryset: QuerySet) -> QuerySet:
    """Sort by the name in the active language, falling back as the names themselves do."""
    language = get_language() or "fi"
    columns = [f"name_{language}"] + [f"name_{code}" for code in ("fi", "sv", "en")]
    return queryset.order_by(Lower(Coalesce(*dict.fromkeys(columns))))


def rating_choices() -> list[tuple[str, str]]:
    """The evidence-based lens: all services, or those using a method rated at least N."""
    return [
        ("", _("all services")),
        *(
            (str(value), _("those using a method rated %(rating)s or higher") % {"rating": value})
            for value in Method.Rating.values
        ),
    ]


def clean_rating(value: str) -> int | None:
    return int(value) if value else None


class SelectionForm(forms.Form):
    """Which figures the dashboard shows: one life situation (or all), services with a rated
    evidence-based method (or all), and the tier × target group of the map, the postal areas
    and the trend. Read from GET, never saved."""

    life_situation = forms.ChoiceField(label=_("Life situation"), required=False)
    min_rating = forms.TypedChoiceField(
        label=_("Services counted"),
        required=False,
        coerce=clean_rating,
        empty_value=None,
    )
    tier = forms.ChoiceField(label=_("Tier (map and trend)"), required=False)
    target_group = forms.ChoiceField(label=_("Target group (map and trend)"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        tiers: Choices,
        target_groups: Choices,
        life_situations: Choices,
    ) -> None:
        super().__init__(data)
        self.fields["life_situation"].choices = [("", _("all life situations")), *life_situations]
        self.fields["min_rating"].choices = rating_choices()
        self.fields["tier"].choices = list(tiers)
        self.fields["target_group"].choices = list(target_groups)

    def choices_made(self) -> dict[str, Any]:
        """The valid choices; None for missing or invalid ones."""
        cleaned = self.cleaned_data if self.is_bound else {}
        return {
            "life_situation": cleaned.get("life_situation") or None,
            "min_rating": cleaned.get("min_rating"),
            "tier": cleaned.get("tier") or None,
            "target_group": cleaned.get("target_group") or None,
        }


class GapFilterForm(forms.Form):
    county = forms.ChoiceField(label=_("Wellbeing services county"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("all municipalities"),
    )
    life_situation = forms.ChoiceField(label=_("Life situation"), required=False)
    min_rating = forms.TypedChoiceField(
        label=_("Services counted"),
        required=False,
        coerce=clean_rating,
        empty_value=None,
    )
    threshold = forms.IntegerField(
        label=_("Coverage below (%)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("A gap is a municipality, tier and target group with coverage below this."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("uncovered", _("uncovered children")),
            ("coverage", _("coverage, lowest first")),
            ("searches", _("searches that found nothing local")),
        ],
    )

    def __init__(self, data: Any, *, counties: Choices, life_situations: Choices) -> None:
        super().__init__(data)
        self.fields["county"].choices = [("", _("the whole of Finland")), *counties]
        self.fields["municipality"].queryset = by_name(Municipality.objects.all())
        self.fields["life_situation"].choices = [("", _("all life situations")), *life_situations]
        self.fields["min_rating"].choices = rating_choices()

    def sort_key(self) -> str:
        cleaned = self.cleaned_data if self.is_bound else {}
        return ("sort" not in self.errors and cleaned.get("sort")) or DEFAULT_SORT


class PlanFilterForm(forms.Form):
    county = forms.ChoiceField(label=_("Wellbeing services county"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any status")), *Action.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Type of action"),
        required=False,
        choices=[("", _("any kind")), *Action.Kind.choices],
    )

    def __init__(self, data: Any, *, counties: Choices) -> None:
        super().__init__(data)
        self.fields["county"].choices = [("", _("the whole of Finland")), *counties]


class WhatIfForm(forms.Form):
    """A hypothetical service; nothing here is ever saved."""

    tier = forms.ChoiceField(
        label=_("Tier"), error_messages={"required": _("Choose the tier of the service.")}
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None means all parents (mothers and fathers)."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, widget=forms.CheckboxSelectMultiple
    )
    life_situations = forms.MultipleChoiceField(
        label=_("Life situations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a service that is not limited to some life situations."),
    )
    is_nationwide = forms.BooleanField(label=_("The whole of Finland"), required=False)
    counties = forms.MultipleChoiceField(
        label=_("Wellbeing services counties served"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.CharField(
        label=_("Municipalities served"),
        required=False,
        max_length=3000,
        help_text=_("Names or codes separated by commas, e.g. Mikkeli, Juva, 178."),
    )
    locations = forms.CharField(
        label=_("Locations"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: a postal code (the centre of its area) or latitude and longitude "
            "in degrees, e.g. 61.6886, 27.2723."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Capacity per location"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Optional: families served at a time, for the accessibility measure."),
        error_messages={"min_value": _("Enter a capacity of at least 1, or leave it empty.")},
    )
    county = forms.ChoiceField(label=_("Show the gaps of"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        tiers: Choices,
        target_groups: Choices,
        channels: Choices,
        life_situations: Choices,
        counties: Choices,
        remote_channels: set[str],
    ) -> None:
        super().__init__(data)
        self.remote_channels = remote_channels
        self.fields["tier"].choices = [("", _("choose a tier")), *tiers]
        self.fields["target_groups"].choices = list(target_groups)
        self.fields["channels"].choices = list(channels)
        self.fields["life_situations"].choices = list(life_situations)
        self.fields["counties"].choices = list(counties)
        self.fields["county"].choices = [("", _("the whole of Finland")), *counties]

    def clean_municipalities(self) -> list[str]:
        names = [part.strip() for part in re.split(r"[,;\n]", self.cleaned_data["municipalities"])]
        names = [name for name in names if name]
        if not names:
            return []
        known: dict[str, str] = {}
        for code, *translations in Municipality.objects.values_list(
            "code", "name_fi", "name_sv", "name_en"
        ):
            known[code] = code
            for name in translations:
                if name:
                    known[name.casefold()] = code
        codes, unknown = [], []
        for name in names:
            code = known.get(name.casefold()) or known.get(name.zfill(3) if name.isdigit() else "")
            if code is None:
                unknown.append(name)
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise forms.ValidationError(
                _("Unknown municipality: %(names)s."), params={"names": ", ".join(unknown)}
            )
        return codes

    def clean_locations(self) -> list[tuple[float, float]]:
        lines = [line.strip() for line in self.cleaned_data["locations"].splitlines()]
        lines = [line for line in lines if line]
        postal_codes = [line for line in lines if re.fullmatch(r"\d{5}", line)]
        centres = {
            code: (latitude, longitude)
            for code, latitude, longitude in PostalArea.objects.filter(
                code__in=postal_codes
            ).values_list("code", "latitude", "longitude")
        }
        points: list[tuple[float, float]] = []
        errors: list[forms.ValidationError] = []
        for line in lines:
            if line in centres:
                points.append(centres[line])
                continue
            if re.fullmatch(r"\d{5}", line):
                errors.append(
                    forms.ValidationError(
                        _("Unknown postal code: %(code)s."), params={"code": line}
                    )
                )
                continue
            match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)", line)
            if match is None:
                errors.append(
                    forms.ValidationError(
                        _("“%(line)s” is neither a postal code nor latitude, longitude."),
                        params={"line": line},
                    )
                )
                continue
            latitude, longitude = float(match[1]), float(match[2])
            if not (
                FINLAND_LAT[0] <= latitude <= FINLAND_LAT[1]
                and FINLAND_LON[0] <= longitude <= FINLAND_LON[1]
            ):
                errors.append(
                    forms.ValidationError(
                        _("“%(line)s” is not in Finland (latitude first, in degrees)."),
                        params={"line": line},
                    )
                )
                continue
            points.append((latitude, longitude))
        if errors:
            raise forms.ValidationError(errors)
        return points

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not (
            cleaned.get("is_nationwide")
            or cleaned.get("counties")
            or cleaned.get("municipalities")
            or "municipalities" in self.errors
        ):
            self.add_error(
                None,
                _(
                    "Choose where the service is offered: the whole of Finland, counties or "
                    "municipalities."
                ),
            )
        channels = set(cleaned.get("channels") or ())
        reaches_homes = any(
            availability.reaches_everywhere(code, code in self.remote_channels) for code in channels
        )
        if not reaches_homes and not cleaned.get("locations") and "locations" not in self.errors:
            self.add_error(
                "locations",
                _(
                    "An in-person service reaches families only near its locations: give at "
                    "least one location, or choose a remote channel or home visits."
                ),
            )
        return cleaned


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "municipality",
            "tier",
            "target_group",
            "life_situation",
            "owner",
            "kind",
            "description",
            "due_date",
            "status",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "kind": forms.RadioSelect,
        }

    GAP_FIELDS = ("municipality", "tier", "target_group", "life_situation")

    def gap_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.GAP_FIELDS]

    def detail_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.GAP_FIELDS]

    def __init__(self, *args: Any, counties: frozenset[str] | None = None, **kwargs: Any) -> None:
        """``counties``: the municipalities offered are theirs (None: all)."""
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.all()
        if counties is not None:
            municipalities = municipalities.filter(county__in=sorted(counties))
        self.fields["municipality"].queryset = by_name(municipalities)
        self.fields["owner"].queryset = by_name(Organisation.objects.all())
        self.fields["life_situation"].empty_label = _("all life situations")
        self.fields["kind"].choices = Action.Kind.choices
        self.fields["due_date"].input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
        self.fields["due_date"].help_text = _("For example 2026-06-30.")
        self.fields["due_date"].error_messages["invalid"] = _(
            "Enter a real date, for example 2026-06-30."
        )
