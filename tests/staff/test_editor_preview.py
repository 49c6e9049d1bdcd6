"""The preview: the public page as it would look, marked as not public, never public itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from services import catalogue
from services.catalogue.documents import empty_document
from services.models import Organisation, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory
from tests.html_forms import form_data


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Perheliitto")


@pytest.fixture
def client(organisation: Organisation) -> Client:
    return sign_in(Client(), make_user("editor", organisations=[organisation]))


@pytest.fixture
def draft(organisation: Organisation) -> SupportService:
    starts = timezone.now() + dt.timedelta(days=7)
    document = empty_document(
        organisation=organisation.pk,
        name_fi="Perheneuvola",
        name_sv="Familjerådgivning",
        summary_fi="Tukea perheille.",
        tier="UNIVERSAL_INDIVIDUAL",
        min_age=0,
        max_age=6,
    )
    document["links"] |= {"area_municipalities": ["491"], "attributes": ["FREE"]}
    document["locations"] = [
        {
            "fields": {
                "street_address_fi": "Hallituskatu 3",
                "postal_code": "50100",
                "municipality": "491",
                "step_free": True,
            },
            "hours": [[0, "08:00", "16:00"]],
        }
    ]
    document["contact_points"] = [{"fields": {"kind": "PHONE", "value": "015 123 456"}}]
    document["sessions"] = [
        {
            "fields": {
                "title_fi": "Vauvaryhmä",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
                "location": 0,
            }
        }
    ]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


def test_the_preview_shows_the_draft_as_the_public_page_would(
    client: Client, draft: SupportService
) -> None:
    response = client.get(reverse("services:staff_service_preview", args=[draft.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview – not public yet" in page
    for text in (
        "Perheneuvola",
        "Tukea perheille.",
        "Perheliitto",
        "Call 015 123 456",
        "Hallituskatu 3, 50100 Mikkeli",
        "Vauvaryhmä",
        "Free of charge.",
        "children aged 0–6",
    ):
        assert text in page, text


def test_the_preview_is_in_the_readers_language_with_fallback(
    client: Client, draft: SupportService
) -> None:
    page = client.get(
        reverse("services:staff_service_preview", args=[draft.pk]).replace("/en/", "/sv/", 1)
    ).content.decode()

    assert "Familjerådgivning" in page
    assert "Tukea perheille." in page  # no Swedish summary: the Finnish one


def test_the_public_never_sees_a_draft_or_its_preview(draft: SupportService) -> None:
    anonymous = Client()

    assert anonymous.get(reverse("services:service_detail", args=[draft.pk])).status_code == 404
    preview = anonymous.get(reverse("services:staff_service_preview", args=[draft.pk]))
    assert preview.status_code == 302
    assert preview["Location"].startswith(reverse("accounts:login"))


def test_the_preview_button_shows_unsaved_changes_and_saves_nothing(
    client: Client, draft: SupportService
) -> None:
    url = reverse("services:staff_service_edit", args=[draft.pk])
    data = form_data(client.get(url).content.decode(), "service-form")

    response = client.post(url, data | {"name_fi": ["Uusi nimi"], "action": ["preview"]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview – not public yet" in page
    assert page.index("Uusi nimi") < page.index('id="service-form"')
    assert form_data(page, "service-form")["name_fi"] == ["Uusi nimi"]  # the form keeps it
    draft.refresh_from_db()
    assert draft.name_fi == "Perheneuvola"


def test_a_new_service_can_be_previewed_before_it_is_saved(
    client: Client, organisation: Organisation
) -> None:
    url = reverse("services:staff_service_new")
    data = form_data(client.get(url).content.decode(), "service-form") | {
        "name_fi": ["Vauvakahvila"],
        "tier": ["UNIVERSAL_GROUP"],
        "action": ["preview"],
    }

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview – not public yet" in page
    assert "Vauvakahvila" in page and "Perheliitto" in page
    assert not SupportService.objects.filter(name_fi="Vauvakahvila").exists()
