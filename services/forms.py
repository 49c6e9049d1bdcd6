"""Forms of the public site. Every field tolerates anything a browser or a robot can send."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from services.form_protection import HONEYPOT_FIELD, STARTED_FIELD, started_token
from services.models.feedback import MAX_REPLY_TO_LENGTH, MAX_REPORT_LENGTH
from services.support_list import MAX_NOTE_LENGTH

# Further than this the sessions list has nothing to show; it also bounds date arithmetic.
MAX_DATE_RANGE_DAYS = 2 * 366


class ProtectedForm(forms.Form):
    """A form anonymous visitors send: honeypot and time stamp (see services.form_protection)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"), required=False, max_length=200
        )
        self.fields[STARTED_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, max_length=200
        )
        # A fresh time stamp whenever the form is shown again.
        self.initial[STARTED_FIELD] = started_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data[STARTED_FIELD] = self.initial[STARTED_FIELD]

    def visible_fields_without_honeypot(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]


class ErrorReportForm(ProtectedForm):
    text = forms.CharField(
        label=_("What is wrong or missing?"),
        help_text=_(
            "For example a changed phone number, opening hours or address. "
            "Please do not write about your own or anyone else's health or family situation."
        ),
        max_length=MAX_REPORT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Tell us what is wrong in the listing.")},
    )
    reply_to = forms.EmailField(
        label=_("Your e-mail address, if you want to hear the outcome (optional)"),
        help_text=_(
            "Used only to tell you what was done about your report, and erased when the report "
            "is closed."
        ),
        required=False,
        max_length=MAX_REPLY_TO_LENGTH,
        error_messages={"invalid": _("Check the e-mail address, or leave it empty.")},
    )

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()


class SupportListNoteForm(forms.Form):
    """The note on a support list; it travels in the URL until the list is shared."""

    note = forms.CharField(
        label=_("Note for the family (optional)"),
        help_text=_(
            "For example why these services and what to do next. Do not write names, "
            "personal identity codes or health details: the note is printed and may be shared "
            "as a link."
        ),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ShareListForm(ProtectedForm, SupportListNoteForm):
    pass


class SessionFilterForm(forms.Form):
    """Filters of the upcoming group sessions; choices are filled in by the view."""

    class Mode:
        ONLINE = "online"
        IN_PERSON = "in_person"

    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    tier = forms.ChoiceField(label=_("Kind of service"), required=False)
    target_group = forms.ChoiceField(label=_("For whom"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    mode = forms.ChoiceField(
        label=_("Online or in person"),
        required=False,
        choices=[
            ("", _("Both")),
            (Mode.ONLINE, _("Online")),
            (Mode.IN_PERSON, _("In person")),
        ],
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: object,
        municipalities: list[tuple[str, str]],
        tiers: list[tuple[str, str]],
        target_groups: list[tuple[str, str]],
        languages: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        everywhere = [("", _("All"))]
        self.fields["municipality"].choices = everywhere + municipalities
        self.fields["tier"].choices = everywhere + tiers
        self.fields["target_group"].choices = everywhere + target_groups
        self.fields["language"].choices = everywhere + languages

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
            cleaned.pop("end", None)
        for name in ("start", "end"):
            value: dt.date | None = cleaned.get(name)
            if value and abs((value - dt.date.today()).days) > MAX_DATE_RANGE_DAYS:
                self.add_error(name, _("Choose a date within two years from today."))
                cleaned.pop(name, None)
        return cleaned
