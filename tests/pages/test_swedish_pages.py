"""Swedish pages show no Finnish text for services offered nationwide or bilingually.

The example catalogue is loaded once; every published service it offers nationwide or in a
bilingual municipality is opened in Swedish, with its provider's page. Text shown in a fallback
language carries its ``lang`` attribute, so an element marked ``lang="fi"`` is Finnish text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.test import Client

from services.example_catalogue import load_example_catalogue
from services.models import Municipality, SupportService

TODAY = dt.date(2031, 3, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The example catalogue, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_example_catalogue(today=TODAY)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def offered_in_swedish_areas() -> list[SupportService]:
    bilingual = Municipality.objects.filter(is_bilingual=True)
    return list(
        SupportService.objects.published()
        .filter(
            Q(is_nationwide=True)
            | Exists(
                SupportService.area_municipalities.through.objects.filter(
                    supportservice=OuterRef("pk"), municipality__in=bilingual
                )
            )
            | Exists(
                SupportService.area_counties.through.objects.filter(
                    supportservice=OuterRef("pk"),
                    wellbeingservicescounty__in=bilingual.values("county_id"),
                )
            )
        )
        .select_related("organisation")
        .order_by("external_id")
    )


def finnish_on(html: str) -> list[str]:
    """The start of each text marked Finnish, but not the language switcher's "Suomeksi"."""
    return [
        re.sub(r"<[^>]+>", "", text).strip()[:60]
        for attributes, text in re.findall(r'<[a-z0-9]+([^>]* lang="fi"[^>]*)>(.*?)</', html)
        if "hreflang" not in attributes
    ]


def test_swedish_pages_of_nationwide_and_bilingual_services_show_no_finnish(
    catalogue: None, parent_client: Client
) -> None:
    services = offered_in_swedish_areas()
    assert len(services) > 10  # the national services of the example catalogue
    finnish = {}
    for service in services:
        for path in (f"/sv/services/{service.pk}/", f"/sv/providers/{service.organisation_id}/"):
            response = parent_client.get(path)
            assert response.status_code == 200, path
            if found := finnish_on(response.content.decode()):
                finnish[f"{service.external_id} {path}"] = found
    assert finnish == {}


def test_a_finnish_text_on_a_swedish_page_is_found(catalogue: None, parent_client: Client) -> None:
    service = offered_in_swedish_areas()[0]
    service.summary_sv = ""
    service.save()
    html = parent_client.get(f"/sv/services/{service.pk}/").content.decode()
    assert finnish_on(html) == [service.summary_fi[:60]]
