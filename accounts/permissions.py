"""What a user may do: the one place apps ask, so that roles can replace these rules later."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def can_view_mapping(user: User | AnonymousUser) -> bool:
    """The coverage dashboard, gap list, what-if and action plan: staff for now."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_edit_plan(user: User | AnonymousUser) -> bool:
    """Add, change and remove actions of the plan that closes the gaps: staff for now."""
    return can_view_mapping(user)
