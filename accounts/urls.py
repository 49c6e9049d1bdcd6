from __future__ import annotations

from django.urls import path, register_converter

from accounts import views


class InvitationTokenConverter:
    """A signed invitation token (``accounts.invitations``): URL-safe base64 parts joined by
    dots. Anything else is no token of ours and never reaches the view."""

    regex = "[A-Za-z0-9_.-]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(InvitationTokenConverter, "invitation_token")

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("profile/", views.profile, name="profile"),
    path("editors/", views.invitations, name="invitations"),
    path(
        "editors/invitations/<id:pk>/resend/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path(
        "editors/invitations/<id:pk>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path(
        "editors/<id:organisation>/remove/<id:user>/",
        views.remove_editor,
        name="remove_editor",
    ),
    path(
        "editors/accept/<invitation_token:token>/",
        views.accept_invitation,
        name="accept_invitation",
    ),
]
