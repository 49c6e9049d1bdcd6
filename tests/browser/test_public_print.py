"""The support list prints on one A4 page: the services with their contacts and the note."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from services.models import ContactPoint
from tests.factories import ContactPointFactory, LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_list_of_ten_services_prints_on_one_a4_page(page: Page, public_world: Any) -> None:
    services = [public_world.service, public_world.example]
    for n in range(8):
        service = SupportServiceFactory(
            name_fi=f"Perhepalvelu numero {n} pitkällä nimellä",
            summary_fi="Keskusteluapua ja vertaistukea vanhemmille arjen haasteisiin.",
            website=f"https://example.org/palvelu-{n}",
        )
        ContactPointFactory(service=service, kind=ContactPoint.Kind.PHONE, value="015 123 456")
        LocationFactory(service=service)
        services.append(service)
    ids = ",".join(str(s.pk) for s in services)
    page.goto(f"/fi/list/?list={ids}&note=Soita+maanantaina+ja+kysy+ryhmistä.")
    page.emulate_media(media="print")
    assert not page.locator("form").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".printable-list > li").count() == 10
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    text = page.locator("main").inner_text()
    assert "Soita maanantaina ja kysy ryhmistä." in text
    assert "015 123 456" in text
