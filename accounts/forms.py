"""Forms of staff login and accounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User
from services.models import Organisation


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}
        ),
    )


class InvitationForm(forms.Form):
    """Invite an editor. ``organisations`` are those the coordinator may invite to
    (``permissions.organisations_for``)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=settings.LANGUAGES,
        help_text=_("The invitation and the pages it leads to are in this language."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, organisation = data.get("email"), data.get("organisation")
        if email and organisation:
            if organisation.editors.filter(email__iexact=email).exists():
                self.add_error(
                    "email", _("Someone with this e-mail address already edits this organisation.")
                )
            elif (
                Invitation.objects.open()
                .filter(email__iexact=email, organisation=organisation)
                .exists()
            ):
                self.add_error(
                    "email",
                    _(
                        "An invitation to this address for this organisation is already open. "
                        "You can send it again from the list below."
                    ),
                )
        return data

    def has_forged_organisation(self) -> bool:
        """An organisation id the form never offered: a forged request, not a typing error."""
        return self.has_error("organisation", code="invalid_choice")


def _password_help() -> str:
    """The validators' rules as one paragraph: the help text is rendered inside a ``<p>`` that
    the field's ``aria-describedby`` names, where Django's ``<ul>`` would not fit."""
    return " ".join(password_validation.password_validators_help_texts())


class NewEditorForm(UserCreationForm):
    """The invited editor chooses a user name and a password (Django's password validators,
    which also compare it with the e-mail address given in ``instance``)."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        # The page explains the invitation first; focus stays at its start.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password1"].help_text = _password_help()


class StaffPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = _password_help()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "language", "weekly_digest")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Invitations and review messages go to this address.
        self.fields["email"].required = True
        if not self.instance.counties.exists():
            del self.fields["weekly_digest"]  # for coordinators only
