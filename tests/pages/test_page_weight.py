"""Public pages load fast on a phone: under 100 KB of HTML, CSS and JavaScript, all our own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from services.models import SharedList
from tests.pages.conftest import World

LIMIT_BYTES = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
FOREIGN = re.compile(r'<(?:link|script|img|iframe|source)[^>]+(?:src|href)="(?:https?:)?//')


def page_weight(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert not FOREIGN.search(html), f"{url} loads something from another site"
    total = len(response.content)
    for asset in set(ASSET.findall(html)):
        path = finders.find(asset.removeprefix("/static/"))
        assert path, asset
        total += Path(path).stat().st_size
    return total


@pytest.mark.parametrize("language", ["fi", "en"])
def test_public_pages_weigh_under_100_kb(
    parent_client: Client, world: World, language: str
) -> None:
    shared = SharedList.objects.create(service_ids=[world.service.pk, world.example.pk])
    urls = [
        f"/{language}/",
        f"/{language}/search/?q=perhe",
        f"/{language}/services/{world.service.pk}/",
        f"/{language}/providers/{world.organisation.pk}/",
        f"/{language}/sessions/",
        f"/{language}/list/?list={world.service.pk},{world.example.pk}",
        f"/{language}/list/{shared.token}/",
        f"/{language}/accessibility/",
        f"/{language}/privacy/",
        f"/{language}/adult-services/",
        f"/{language}/services/{world.service.pk}/report/",
    ]
    weights = {url: page_weight(parent_client, url) for url in urls}
    assert {url: w for url, w in weights.items() if w >= LIMIT_BYTES} == {}
