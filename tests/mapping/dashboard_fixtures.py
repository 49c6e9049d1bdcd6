"""A small world for the dashboard tests: two services in Etelä-Savo, computed by the engine.

Import the fixtures into a test module with ``from tests.mapping.dashboard_fixtures import *``.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from mapping import coverage
from services.models import Organisation, Tier
from tests.cast import make_user
from tests.factories import LocationFactory, OrganisationFactory, SupportServiceFactory

ETELA_SAVO = "12"
MIKKELI = "491"
SAVONLINNA = "740"

__all__ = [
    "ETELA_SAVO",
    "MIKKELI",
    "SAVONLINNA",
    "non_staff_client",
    "organisation",
    "small_world",
    "staff_user",
]


def user_without_password(username: str, *, is_staff: bool) -> User:
    """Tests log in with ``force_login``; hashing a password would cost a second each."""
    user = User(username=username, email=f"{username}@example.org", is_staff=is_staff)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def staff_user(db: None) -> User:
    """The coordinator of Etelä-Savo."""
    return make_user("coordinator", counties=[ETELA_SAVO])


@pytest.fixture
def small_world(db: None) -> dict[str, object]:
    """A phone line for parents in Etelä-Savo (universal, individual) and an in-person
    specialist service in Mikkeli; coverage recomputed."""
    phone = SupportServiceFactory(
        name_fi="Vanhemmuuden tukipuhelin",
        channels=["PHONE"],
        target_groups=["PARENTS"],
    )
    phone.area_counties.set([ETELA_SAVO])
    specialist = SupportServiceFactory(
        name_fi="Perheneuvola",
        tier=Tier.objects.get(code="SPECIALIST"),
        channels=["IN_PERSON"],
        target_groups=["PARENTS"],
        municipalities=[MIKKELI],
    )
    LocationFactory(service=specialist)
    coverage.recompute()
    return {"phone": phone, "specialist": specialist}


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Etelä-Savon hyvinvointialue", kind="PUBLIC")


@pytest.fixture
def non_staff_client(db: None, client: object) -> object:
    client.force_login(user_without_password("editor", is_staff=False))
    return client
