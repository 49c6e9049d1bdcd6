"""Anonymous visitors get no cookies, anywhere they go on the public site."""

from __future__ import annotations

import pytest
from django.test import Client

from services.models import SharedList
from tests.pages.conftest import World, protected_post


def public_paths(world: World, shared: SharedList) -> list[str]:
    service, organisation = world.service.pk, world.organisation.pk
    return [
        "/",
        "/{lang}/",
        "/{lang}/search/",
        "/{lang}/search/?q=parisuhde",
        "/{lang}/search/?q=parisuhde&place=50100&life_situation=SEPARATION&free=1&sort=distance",
        "/{lang}/search/?q=zzzzzz-nothing",
        "/{lang}/search/?page=-1&age=abc&tier=NOPE",
        f"/{{lang}}/services/{service}/",
        f"/{{lang}}/services/{service}/?list={service}",
        f"/{{lang}}/services/{service}/report/",
        f"/{{lang}}/services/{service}/report/thanks/",
        f"/{{lang}}/services/{service}/calendar.ics",
        f"/{{lang}}/providers/{organisation}/",
        "/{lang}/sessions/",
        "/{lang}/sessions/?mode=online&start=2026-01-01&end=bad",
        "/{lang}/sessions/calendar.ics",
        "/{lang}/accessibility/",
        "/{lang}/privacy/",
        "/{lang}/adult-services/",
        "/{lang}/list/",
        f"/{{lang}}/list/?list={service},{world.example.pk}&note=Soita",
        f"/{{lang}}/list/{shared.token}/",
        "/{lang}/list/unknown-token/",
        "/{lang}/no-such-page/",
        f"/{{lang}}/services/{world.draft.pk}/",
    ]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_no_public_page_sets_a_cookie(parent_client: Client, world: World, language: str) -> None:
    shared = SharedList.objects.create(service_ids=[world.service.pk], note="Soita")
    for path in public_paths(world, shared):
        url = path.format(lang=language)
        response = parent_client.get(url)
        assert response.status_code in (200, 301, 302, 404), url
        assert not response.cookies, f"{url} set {list(response.cookies)}"
        assert not response.has_header("Set-Cookie"), url
    assert not parent_client.cookies


def test_sending_the_forms_sets_no_cookie_either(parent_client: Client, world: World) -> None:
    sent = [
        protected_post(
            parent_client, f"/fi/services/{world.service.pk}/report/", {"text": "Väärä numero"}
        ),
        protected_post(parent_client, f"/fi/services/{world.service.pk}/report/", {"text": ""}),
        protected_post(parent_client, "/fi/list/share/", {"list": str(world.service.pk)}),
        protected_post(parent_client, "/fi/list/share/", {"list": "", "note": "x" * 2000}),
    ]
    assert [response.status_code for response in sent] == [302, 400, 302, 400]
    assert not any(response.cookies for response in sent)
    assert not parent_client.cookies
