"""The editor in Finnish, Swedish and English, and the note of texts missing in a language."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

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
def service(organisation: Organisation) -> SupportService:
    document = empty_document(
        organisation=organisation.pk,
        name_fi="Perheneuvola",
        name_en="Family counselling",
        summary_fi="Tukea perheille.",
        summary_en="Support for families.",
        description_fi="Keskustelua.",
        tier="UNIVERSAL_INDIVIDUAL",
    )
    document["links"]["area_municipalities"] = ["491"]
    service = catalogue.save_document(user=None, document=document)
    return SupportService.objects.get(pk=service.pk)


def edit_url(service: SupportService) -> str:
    return reverse("services:staff_service_edit", args=[service.pk])


def test_the_page_says_which_texts_are_missing_in_which_language(
    client: Client, service: SupportService
) -> None:
    page = client.get(edit_url(service)).content.decode()

    assert "Swedish: name, summary, description missing" in page
    assert "English: description missing" in page
    assert "Finnish:" not in page.split('id="missing-texts"')[1].split("</div>")[0]
    assert "Not given in any language: how to get it, who can get it, cost" in page


def test_the_missing_texts_note_follows_what_was_sent_when_the_form_has_errors(
    client: Client, service: SupportService
) -> None:
    data = form_data(client.get(edit_url(service)).content.decode(), "service-form")
    data |= {"name_sv": ["Familjerådgivning"], "summary_sv": ["x" * 151]}

    page = client.post(edit_url(service), data).content.decode()

    assert "Swedish: description missing" in page


def test_the_text_fields_say_their_language(client: Client, service: SupportService) -> None:
    page = client.get(edit_url(service)).content.decode()

    for language in ("fi", "sv", "en"):
        tag = re.search(rf'<input[^>]*name="name_{language}"[^>]*>', page).group(0)
        assert f'lang="{language}"' in tag


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_editor_pages_render_in_every_language(
    client: Client, service: SupportService, language: str
) -> None:
    with translation.override(language):
        pages = [
            reverse("services:staff_home"),
            reverse("services:staff_service_new"),
            edit_url(service),
            reverse("services:staff_service_preview", args=[service.pk]),
        ]
    for url in pages:
        assert url.startswith(f"/{language}/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode()
