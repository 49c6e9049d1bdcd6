"""A process whose index fell behind by a few changed services updates it for those services
only, and ends up with the same index as reading everything again."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from django.utils import translation

from services import catalogue
from services.cards import card_markup
from services.models import Location, Organisation, SupportService
from services.search import SearchRequest, parse_search, run_search
from services.search_index import (
    FIELDS,
    KEPT,
    Snapshot,
    current_snapshot,
    load_snapshot,
    patch_snapshot,
    rebuild_search_index,
)
from services.search_query import speller
from tests.factories import LocationFactory, SupportServiceFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    {"q": "isäryhmä"},
    {"q": "perheneuvola", "place": "Mikkeli"},
    {"q": "familjerådgivning"},
    {"target_group": "FATHERS"},
    {"channel": "CHAT", "place": "Vaasa"},
    {"q": "kerho", "sort": "distance", "place": "50100"},
    {"place": "Savonlinna"},
]


def facts(snapshot: Snapshot) -> dict[str, object]:
    """What an index says about each service, independent of row order and term numbering."""
    ids = snapshot.ids.tolist()
    result: dict[str, object] = {"ids": ids}
    for name in (
        "tier",
        "min_age",
        "max_age",
        "nationwide",
        "remote",
        "everywhere",
    ):
        result[name] = getattr(snapshot, name).tolist()
    for facet, matrix in snapshot.facets.items():
        result[f"facet {facet}"] = matrix.tolist()
    for language in snapshot.name_rank:
        result[f"rank {language}"] = snapshot.name_rank[language].tolist()
        result[f"words {language}"] = snapshot.name_words[language].tolist()
    result["counties"] = {
        (ids[row], code)
        for column, code in enumerate(snapshot.county_codes)
        for row in np.flatnonzero(snapshot.counties[:, column])
    }
    result["municipalities"] = {
        code: {ids[row] for row in rows} for code, rows in snapshot.municipality_rows.items()
    }
    result["locations"] = sorted(
        zip(
            (ids[row] for row in snapshot.location_rows),
            np.round(snapshot.location_lat, 9).tolist(),
            np.round(snapshot.location_lon, 9).tolist(),
            strict=True,
        )
    )
    for name in FIELDS:
        postings = snapshot.postings[name]
        result[f"terms {name}"] = {
            (term, ids[row])
            for term_id, term in enumerate(snapshot.terms.vocabulary)
            for row in postings.rows[postings.starts[term_id] : postings.starts[term_id + 1]]
        }
    return result


def found(snapshot: Snapshot, params: dict) -> list[int]:
    request: SearchRequest = parse_search(params, snapshot=snapshot)
    return [hit.service.pk for hit in run_search(request, per_page=50).hits]


def change_everything_a_listing_can(world: dict, capture: Callable) -> set[int]:
    """Renames, links, publishing, archiving, moving a location, a new service."""
    with capture(execute=True), translation.override("fi"):
        with catalogue.change(user=None) as work:
            renamed = world["isaryhma"]
            renamed.name_fi = "Iskän kerho, Mikkeli"
            work.save(renamed)
            work.set_links(renamed, "target_groups", ["FATHERS", "SEPARATING"])
            work.set_links(renamed, "area_counties", ["17"])
            location = Location.objects.filter(service=world["perheneuvola"]).first()
            location.latitude, location.longitude = 61.87, 28.88
            work.save(location)
            archived = world["nettiturvakoti"]
            archived.status = SupportService.Status.ARCHIVED
            work.save(archived)
            new = SupportServiceFactory.build(
                organisation=renamed.organisation,
                name_fi="Uusi vauvakerho",
                tier_id="UNIVERSAL_GROUP",
            )
            work.save(new)
            work.set_links(new, "channels", ["GROUP", "CHAT"])
            work.set_links(new, "area_municipalities", ["178"])
            work.save(LocationFactory.build(service=new))
    return {renamed.pk, world["perheneuvola"].pk, archived.pk, new.pk}


def test_an_updated_index_equals_the_index_read_afresh(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    before = load_snapshot("before", 1)
    changed = change_everything_a_listing_can(world, django_capture_on_commit_callbacks)

    patched = patch_snapshot(before, changed, "after", 2)
    afresh = load_snapshot("after", 2)

    assert facts(patched) == facts(afresh)
    for params in QUERIES:
        assert found(patched, params) == found(afresh, params), params
    assert found(patched, {"q": "vauvakerho"}) != []
    # The archived service is gone (its words may still find others, by their parts).
    assert world["nettiturvakoti"].pk not in found(patched, {"q": "nettiturvakoti"})


def test_after_a_change_each_process_updates_its_index_instead_of_reading_it_all(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    rebuild_search_index()
    full = current_snapshot()
    assert full.patches == 0
    change_everything_a_listing_can(world, django_capture_on_commit_callbacks)

    updated = current_snapshot()

    assert updated.patches == 1
    assert facts(updated) == facts(load_snapshot(updated.version, updated.sequence))
    rebuild_search_index()
    assert current_snapshot().patches == 0  # a rebuild is read afresh


def test_the_spelling_corrector_is_brought_up_to_date_not_made_again(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    before = load_snapshot("before", 1)
    speller(before)
    changed = change_everything_a_listing_can(world, django_capture_on_commit_callbacks)
    patched = patch_snapshot(before, changed, "after", 2)
    twice = patch_snapshot(patched, changed, "again", 3)  # nobody misspelt in between

    updated = speller(twice)
    afresh = speller(load_snapshot("again", 3))

    assert updated is not speller(before)
    assert updated.counts == afresh.counts
    assert set(updated.shown) == set(afresh.shown)
    assert updated.correct("vauvakerh") == "vauvakerho"  # the new service's word
    assert updated.correct("nettiturvakot") is None  # the archived service's name is gone
    assert speller(before).correct("nettiturvakot") == "nettiturvakoti"


def shown_cards(snapshot: Snapshot) -> list[tuple[int, str, str]]:
    """Each card the queries show, as its markup (the card, its button), in Finnish."""
    shown = []
    with translation.override("fi"):
        for params in [*QUERIES, {}]:
            request: SearchRequest = parse_search(params, snapshot=snapshot)
            for hit in run_search(request, per_page=50).hits:
                markup = card_markup(hit)
                shown.append((hit.service.pk, markup.card, markup.add))
    return shown


def test_cards_kept_over_a_change_show_what_cards_read_afresh_show(
    world: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    rebuild_search_index()
    before = current_snapshot()
    shown_cards(before)
    kept_before = dict(before.fragments[(KEPT, "cards", "fi")])
    changed = change_everything_a_listing_can(world, django_capture_on_commit_callbacks)
    provider = Organisation.objects.get(pk=world["perheneuvola"].organisation_id)
    with django_capture_on_commit_callbacks(execute=True), catalogue.change(user=None) as work:
        provider.name_fi = "Perheneuvonnan uusi nimi"
        work.save(provider)
    changed |= set(provider.services.values_list("pk", flat=True))

    patched = current_snapshot()

    assert patched.patches == 1
    cards = shown_cards(patched)
    assert cards == shown_cards(load_snapshot(patched.version, patched.sequence))
    assert any("Perheneuvonnan uusi nimi" in card[1] for card in cards)
    kept = patched.fragments[(KEPT, "cards", "fi")]
    untouched = set(kept_before) - changed
    assert untouched
    assert all(kept[pk] is kept_before[pk] for pk in untouched if pk in kept)
    assert not any(kept.get(pk) is kept_before[pk] for pk in changed & set(kept_before))
