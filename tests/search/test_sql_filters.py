"""``filter_services`` (SQL, for the REST API) and ``published_ids`` (the index, for the
public API lists) find exactly what the public search finds."""

from __future__ import annotations

import pytest

from services.models import SupportService
from services.search import filter_services, parse_search, published_ids, run_search
from tests.search.test_relevance import CASES

pytestmark = pytest.mark.django_db

REQUESTS = [
    *({"q": case.query} for case in CASES),
    {"tier": ["DIGITAL", "SPECIALIST"]},
    {"channel": ["CHAT", "HOME_VISIT"], "free": "1"},
    {"target_group": "FATHERS"},
    {"target_group": ["COUPLES", "PARENTS"]},
    {"life_situation": "SEPARATION", "place": "00100"},
    {"language": "sv", "no_referral": "1"},
    {"age": "4", "evenings": "1"},
    {"anonymous": "1", "place": "Mikkeli"},
    {"q": "neuvola", "place": "51900", "age": "0"},
    {"q": "isä", "target_group": "FATHERS"},
    {"place": "Vaasa"},
]


@pytest.mark.parametrize("params", REQUESTS, ids=[str(sorted(r.items())) for r in REQUESTS])
def test_the_queryset_filters_agree_with_the_in_memory_search(
    world: dict[str, SupportService], params: dict
) -> None:
    request = parse_search(params)
    in_memory = {hit.service.pk for hit in run_search(request, per_page=1000).hits}
    in_sql = set(
        filter_services(SupportService.objects.published(), request).values_list("pk", flat=True)
    )
    assert in_sql == in_memory
    # The public API lists read the same services from the index (``published_ids``).
    from_index = published_ids(parse_search(params))
    assert set(from_index.tolist()) == in_memory
    assert (from_index[1:] > from_index[:-1]).all()  # ascending, as the lists are ordered
