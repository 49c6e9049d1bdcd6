"""What a user may do: the one place every app asks.

Roles (``accounts.models``): provider editors keep their organisations' services; coordinators
review, publish, import and plan for their wellbeing services counties; administrators do
everything everywhere. A nationwide service belongs to no county: administrators review it.

Answers are computed from two small sets per user (their organisations and counties), read
once per request and kept on the user object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User

if TYPE_CHECKING:
    from mapping.models import Action
    from services.models import ImportRun, Organisation, SupportService

AnyUser = User | AnonymousUser


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_administrator(user: AnyUser) -> bool:
    return _active(user) and bool(user.is_superuser)


def _roles(user: User) -> tuple[frozenset[str], frozenset[int]]:
    """The user's counties and organisations, in one query, kept on the user object."""
    if not hasattr(user, "_roles"):
        rows = User.objects.filter(pk=user.pk).values_list("counties", "organisations")
        user._roles = (
            frozenset(county for county, _ in rows if county is not None),
            frozenset(organisation for _, organisation in rows if organisation is not None),
        )
    return user._roles


def coordinated_counties(user: AnyUser) -> frozenset[str]:
    """Codes of the wellbeing services counties the user coordinates."""
    return _roles(user)[0] if _active(user) else frozenset()


def edited_organisations(user: AnyUser) -> frozenset[int]:
    """Ids of the organisations whose editor the user is."""
    return _roles(user)[1] if _active(user) else frozenset()


def is_coordinator(user: AnyUser) -> bool:
    return bool(coordinated_counties(user))


def is_editor(user: AnyUser) -> bool:
    return bool(edited_organisations(user))


def is_staff_member(user: AnyUser) -> bool:
    """Any role: may use the staff pages at all."""
    return is_administrator(user) or is_coordinator(user) or is_editor(user)


def requires_two_factor(user: AnyUser) -> bool:
    """Coordinators and administrators log in with a second factor (TOTP)."""
    return is_administrator(user) or is_coordinator(user)


def signed_in_fully(user: AnyUser) -> bool:
    """Logged in, and with the second factor when the role needs one (django-otp's
    ``OTPMiddleware`` gives the user ``is_verified``)."""
    if not _active(user):
        return False
    return not requires_two_factor(user) or bool(getattr(user, "is_verified", lambda: False)())


def role_names(user: AnyUser) -> list[str]:
    from django.utils.translation import gettext as _

    names = []
    if is_administrator(user):
        names.append(_("administrator"))
    if is_coordinator(user):
        names.append(_("coordinator"))
    if is_editor(user):
        names.append(_("editor"))
    return names


# The catalogue.


def services_in_counties(queryset: QuerySet, counties: frozenset[str] | set[str]) -> QuerySet:
    """Services of these counties: not nationwide, and served or located in one of them."""
    return queryset.filter(in_counties(counties))


def in_counties(counties: frozenset[str] | set[str]) -> Q:
    """``services_in_counties``' condition on a service, to combine with others."""
    from services.models import Location, SupportService

    codes = sorted(counties)
    # Three sets of ids, each read once (not a correlated EXISTS per service, which the
    # databases run for every row of the catalogue: 50 ms a pass on 20,000 services with
    # SQLite, up to a second with PostgreSQL).
    served_counties = SupportService.area_counties.through.objects.filter(
        wellbeingservicescounty__in=codes
    ).values("supportservice")
    served_municipalities = SupportService.area_municipalities.through.objects.filter(
        municipality__county__in=codes
    ).values("supportservice")
    located = Location.objects.filter(municipality__county__in=codes).values("service")
    return Q(is_nationwide=False) & (
        Q(pk__in=served_counties) | Q(pk__in=served_municipalities) | Q(pk__in=located)
    )


def service_counties(service: SupportService) -> frozenset[str]:
    """The counties a service belongs to, as ``services_in_counties`` reads it (none for a
    nationwide service)."""
    from services.models import Location, Municipality, SupportService

    if service.pk is None or service.is_nationwide:
        return frozenset()
    counties = set(
        SupportService.area_counties.through.objects.filter(supportservice=service.pk).values_list(
            "wellbeingservicescounty_id", flat=True
        )
    )
    municipalities = SupportService.area_municipalities.through.objects.filter(
        supportservice=service.pk
    ).values("municipality_id")
    located = Location.objects.filter(service=service.pk).values("municipality_id")
    counties |= set(
        Municipality.objects.filter(Q(pk__in=municipalities) | Q(pk__in=located)).values_list(
            "county_id", flat=True
        )
    )
    return frozenset(counties)


def services_editable_by(user: AnyUser) -> QuerySet:
    """Every service the user may see and change on the staff side."""
    from services.models import SupportService

    services = SupportService.objects.all()
    if is_administrator(user):
        return services
    organisations = edited_organisations(user)
    counties = coordinated_counties(user)
    if not organisations and not counties:
        return services.none()
    condition = Q(organisation__in=sorted(organisations))
    if counties:
        condition |= in_counties(counties)
    return services.filter(condition)


def services_reviewable_by(user: AnyUser) -> QuerySet:
    """Services whose publication and changes the user approves."""
    from services.models import SupportService

    services = SupportService.objects.all()
    if is_administrator(user):
        return services
    counties = coordinated_counties(user)
    if not counties:
        return services.none()
    return services_in_counties(services, counties)


def may_edit_service(user: AnyUser, service: SupportService) -> bool:
    if is_administrator(user):
        return True
    if service.organisation_id in edited_organisations(user):
        return True
    return may_review_service(user, service)


def may_review_service(user: AnyUser, service: SupportService) -> bool:
    """Approve, return or publish directly."""
    if is_administrator(user):
        return True
    counties = coordinated_counties(user)
    return bool(counties and counties & service_counties(service))


def organisations_for(user: AnyUser) -> QuerySet:
    """Organisations the user may add services to and invite editors for.

    Coordinators: those with a service in their counties, and those with no services yet (a
    provider new to the catalogue).
    """
    from services.models import Organisation

    organisations = Organisation.objects.all()
    if is_administrator(user):
        return organisations
    condition = Q(pk__in=sorted(edited_organisations(user)))
    counties = coordinated_counties(user)
    if counties:
        from services.models import SupportService

        in_counties = services_in_counties(SupportService.objects.all(), counties)
        condition |= Q(pk__in=in_counties.values("organisation"))
        condition |= ~Exists(SupportService.objects.filter(organisation=OuterRef("pk")))
    return organisations.filter(condition)


def may_add_service_for(user: AnyUser, organisation: Organisation) -> bool:
    return organisations_for(user).filter(pk=organisation.pk).exists()


def may_invite_editors(user: AnyUser, organisation: Organisation | None = None) -> bool:
    if not (is_administrator(user) or is_coordinator(user)):
        return False
    return organisation is None or may_add_service_for(user, organisation)


# Coverage mapping and the action plan.


def can_view_mapping(user: AnyUser) -> bool:
    """The coverage dashboard, gaps and what-if: coordinators (of any county) and
    administrators. Coverage of other counties is for comparison; the plan is per county."""
    return is_administrator(user) or is_coordinator(user)


def plan_counties(user: AnyUser) -> frozenset[str] | None:
    """Counties whose action plan the user may change; None: all of them."""
    if is_administrator(user):
        return None
    return coordinated_counties(user)


def can_edit_plan(user: AnyUser, county: str | None = None) -> bool:
    """Add actions to the plan (of ``county``, when given)."""
    counties = plan_counties(user)
    if counties is None:
        return True
    return bool(counties) if county is None else county in counties


def may_change_action(user: AnyUser, action: Action) -> bool:
    return can_edit_plan(user, action.municipality.county_id)


# Imports.


def may_run_imports(user: AnyUser) -> bool:
    return is_administrator(user) or is_coordinator(user)


def import_counties(user: AnyUser) -> frozenset[str] | None:
    """Counties the user may import services for; None: anywhere (nationwide included)."""
    if is_administrator(user):
        return None
    return coordinated_counties(user)


def imports_visible_to(user: AnyUser, queryset: QuerySet) -> QuerySet:
    if is_administrator(user):
        return queryset
    return queryset.filter(county__in=sorted(coordinated_counties(user)))


def may_see_import(user: AnyUser, run: ImportRun) -> bool:
    if is_administrator(user):
        return True
    return run.county_id is not None and run.county_id in coordinated_counties(user)


# The Django admin.


def may_use_admin(user: AnyUser) -> bool:
    return is_administrator(user)
