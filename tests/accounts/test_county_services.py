"""A coordinator's services: ``services_in_counties`` (one query over the catalogue) agrees with
``service_counties`` (one service's counties, as the editor and the importer read them)."""

from __future__ import annotations

import pytest

from accounts.permissions import service_counties, services_in_counties
from services.models import Municipality, SupportService
from tests.factories import LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

ETELA_SAVO, PIRKANMAA, HELSINKI = "12", "08", "90"
MIKKELI, TAMPERE, HELSINKI_CITY = "491", "837", "091"


def catalogue() -> dict[str, SupportService]:
    """A service for each way of belonging to a county, and for not belonging to one."""
    services = {
        name: SupportServiceFactory(name_fi=name)
        for name in (
            "county served",
            "municipality served",
            "located only",
            "served in one, located in another",
            "nationwide, located in Mikkeli",
            "Helsinki only",
            "nothing said",
        )
    }
    services["county served"].area_counties.set([ETELA_SAVO])
    services["municipality served"].area_municipalities.set([TAMPERE])
    LocationFactory(service=services["located only"])  # Mikkeli
    services["served in one, located in another"].area_municipalities.set([HELSINKI_CITY])
    LocationFactory(
        service=services["served in one, located in another"],
        municipality=Municipality.objects.get(code=TAMPERE),
    )
    nationwide = services["nationwide, located in Mikkeli"]
    nationwide.is_nationwide = True
    nationwide.save()
    LocationFactory(service=nationwide)
    services["Helsinki only"].area_counties.set([HELSINKI])
    return services


@pytest.mark.parametrize(
    "counties",
    [{ETELA_SAVO}, {PIRKANMAA}, {HELSINKI}, {ETELA_SAVO, PIRKANMAA}, {"01"}],
)
def test_the_services_of_counties_are_those_whose_counties_meet_them(counties: set[str]) -> None:
    services = catalogue()

    found = set(
        services_in_counties(SupportService.objects.all(), counties).values_list("pk", flat=True)
    )

    expected = {service.pk for service in services.values() if service_counties(service) & counties}
    assert found == expected


def test_each_way_of_belonging_counts_and_nationwide_services_belong_to_no_county() -> None:
    catalogue()

    def names(counties: set[str]) -> set[str]:
        found = services_in_counties(SupportService.objects.all(), counties)
        return set(found.values_list("name_fi", flat=True))

    assert names({ETELA_SAVO}) == {"county served", "located only"}
    assert names({PIRKANMAA}) == {"municipality served", "served in one, located in another"}
    assert names({HELSINKI}) == {"served in one, located in another", "Helsinki only"}
