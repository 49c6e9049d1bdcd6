"""The staff navigation, on every staff page (``templates/staff/nav.html``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import permissions


def staff(request: HttpRequest) -> dict[str, object]:
    """Worked out only where a staff page shows it: reading the user touches the session,
    and a public page whose session was touched is not kept in the page cache."""

    def nav() -> dict[str, object]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {}
        return {
            "roles": permissions.role_names(user),
            "reviews": permissions.is_administrator(user) or permissions.is_coordinator(user),
            "mapping": permissions.can_view_mapping(user),
            "imports": permissions.may_run_imports(user),
            "invitations": permissions.may_invite_editors(user),
            "admin": permissions.may_use_admin(user),
        }

    return {"staff_nav": SimpleLazyObject(nav)}
