"""Relevance: queries in Finnish, Swedish and English against a small realistic catalogue.

Each case names the services that must be found, the one that must rank first (if any) and
those that must not be found. Inflected forms, parts of compound words and consonant gradation
must match; drafts and archived services never.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.models import SupportService
from services.search import parse_search, run_search

pytestmark = pytest.mark.django_db

NEVER = frozenset({"luonnos", "arkistoitu"})


@dataclass(frozen=True)
class Case:
    query: str
    found: frozenset[str] = frozenset()
    first: str | None = None
    not_found: frozenset[str] = frozenset()


def case(query: str, found: str = "", first: str | None = None, not_found: str = "") -> Case:
    return Case(query, frozenset(found.split()), first, frozenset(not_found.split()))


CASES = [
    # Finnish: inflection, compound words, consonant gradation, no diacritics.
    case("neuvolat", "aitiysneuvola lastenneuvola perheneuvola", not_found="eropalvelut"),
    case("neuvolassa", "aitiysneuvola lastenneuvola lapset_puheeksi"),
    case("äitiysneuvola", "aitiysneuvola", first="aitiysneuvola", not_found="lastenneuvola"),
    case("aitiysneuvola", "aitiysneuvola", first="aitiysneuvola"),
    case("lastenneuvolaan", "lastenneuvola", first="lastenneuvola", not_found="aitiysneuvola"),
    case("eroon", "eropalvelut eroperheet_verkossa", not_found="parisuhdeneuvonta"),
    case("erot", "eropalvelut eroperheet_verkossa"),
    case("parisuhteen", "parisuhdeneuvonta", first="parisuhdeneuvonta", not_found="eropalvelut"),
    case("parisuhdeneuvontaa", "parisuhdeneuvonta", first="parisuhdeneuvonta"),
    case("vanhempainpuhelimeen", "vanhempainpuhelin", first="vanhempainpuhelin"),
    case("isä", "isaryhma", first="isaryhma", not_found="perheneuvola lastenneuvola"),
    case("vauvan", "vauvaperhetyo perhevalmennus lastenneuvola", first="vauvaperhetyo"),
    case("väkivallasta", "nettiturvakoti", first="nettiturvakoti", not_found="perhekahvila"),
    case("perhekahvilaan", "perhekahvila", first="perhekahvila"),
    case("velkaneuvontaan", "velkaneuvonta", first="velkaneuvonta"),
    case("päihteet", "paihdeperhetyo", first="paihdeperhetyo"),
    case("suru", "surevat", first="surevat"),
    case("sateenkaariperheille", "sateenkaari", first="sateenkaari"),
    case("lastenvalvojalle", "lastenvalvoja", first="lastenvalvoja"),
    case("elatus", "lastenvalvoja"),
    case("kotikäynti", "vauvaperhetyo perhetyo_helsinki"),
    case("uupumus", "uupumus_chat vauvaperhetyo"),
    case("synnytys", "perhevalmennus aitiysneuvola"),
    case("savonlinnassa", "perheneuvola perhekahvila", not_found="aitiysneuvola"),
    # Services matching every word first; the national separation chat matches the word that
    # says what is needed (not the place) and still helps a family in Mikkeli (issue 11).
    case("eroon mikkeli", "eropalvelut eroperheet_verkossa", first="eropalvelut"),
    case("chat väkivalta", "nettiturvakoti", first="nettiturvakoti", not_found="uupumus_chat"),
    case("perhevalmennus", "perhevalmennus", first="perhevalmennus"),
    # As parents write (issue 11): a word matching nothing, everyday words, compounds in the
    # query, base forms, misspellings.
    case("väkivalta kotona", "nettiturvakoti", first="nettiturvakoti", not_found="perhekahvila"),
    case("avioero", "eropalvelut eroperheet_verkossa lastenvalvoja", not_found="perhekahvila"),
    case("parisuhdeongelmat", "parisuhdeneuvonta", first="parisuhdeneuvonta"),
    case("isille", "isaryhma", first="isaryhma", not_found="perheneuvola"),
    case("neuvla", "aitiysneuvola lastenneuvola perheneuvola", not_found="eropalvelut"),
    case("rahahuolet", "velkaneuvonta", first="velkaneuvonta"),
    case("juominen", "paihdeperhetyo", first="paihdeperhetyo"),
    # Swedish.
    case("mödrarådgivning", "aitiysneuvola", first="aitiysneuvola"),
    case("barnrådgivningen", "lastenneuvola", first="lastenneuvola", not_found="aitiysneuvola"),
    case("familjerådgivning", "familjeradgivning", first="familjeradgivning"),
    case("skilsmässa", "eropalvelut eroperheet_verkossa lastenvalvoja", not_found="perhekahvila"),
    case("parrådgivning", "parisuhdeneuvonta", first="parisuhdeneuvonta"),
    case("föräldratelefonen", "vanhempainpuhelin", first="vanhempainpuhelin"),
    case("pappagrupp", "isaryhma", first="isaryhma"),
    case("våld i nära relationer", "nettiturvakoti", first="nettiturvakoti", not_found="isaryhma"),
    case("familjecafé", "perhekahvila", first="perhekahvila"),
    case("skuldrådgivning", "velkaneuvonta", first="velkaneuvonta"),
    case("regnbågsfamiljer", "sateenkaari", first="sateenkaari"),
    case("sörjande föräldrar", "surevat", first="surevat"),
    case("hembesök", "vauvaperhetyo perhetyo_helsinki"),
    case("skilsmässan", "eropalvelut eroperheet_verkossa lastenvalvoja"),
    # English.
    case("maternity clinic", "aitiysneuvola", first="aitiysneuvola"),
    case("child health clinic", "lastenneuvola", first="lastenneuvola"),
    case("couples counselling", "parisuhdeneuvonta", first="parisuhdeneuvonta"),
    case("separation", "eropalvelut eroperheet_verkossa lastenvalvoja"),
    case("parents helpline", "vanhempainpuhelin", first="vanhempainpuhelin"),
    case("fathers", "isaryhma", first="isaryhma"),
    case("violence", "nettiturvakoti", first="nettiturvakoti"),
    case("debt", "velkaneuvonta", first="velkaneuvonta"),
    case("rainbow families", "sateenkaari", first="sateenkaari"),
    case("bereaved parents", "surevat", first="surevat"),
    case("exhausted", "uupumus_chat", first="uupumus_chat"),
    case("home help", "perhetyo_helsinki", first="perhetyo_helsinki"),
    case("arabic", "kotoutuvat", first="kotoutuvat"),
    case("antenatal classes", "perhevalmennus", first="perhevalmennus"),
    case("divorce", "eropalvelut eroperheet_verkossa lastenvalvoja", not_found="perhekahvila"),
    case("abuse", "nettiturvakoti paihdeperhetyo"),  # violence, or substance abuse
    # Drafts and archived services are never found, even by their own names.
    case("perheneuvola juva", not_found="luonnos"),
    case("eroryhmä", not_found="arkistoitu"),
]


def test_the_set_has_at_least_forty_queries_in_three_languages() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("expected", CASES, ids=[c.query for c in CASES])
def test_the_query_finds_what_a_parent_would_expect(
    world: dict[str, SupportService], expected: Case
) -> None:
    keys = {service.pk: key for key, service in world.items()}
    results = run_search(parse_search({"q": expected.query}), per_page=100)
    found = [keys[hit.service.pk] for hit in results.hits]
    assert len(found) == results.total
    assert expected.found <= set(found), found
    assert not (expected.not_found | NEVER) & set(found), found
    if expected.first:
        assert found[0] == expected.first, found


def test_names_weigh_more_than_summaries_and_summaries_more_than_descriptions(
    world: dict[str, SupportService],
) -> None:
    from services.models import Organisation
    from services.search_index import rebuild_search_index

    organisation = Organisation.objects.create(name_fi="Kokeilu ry", kind=Organisation.Kind.NGO)
    for name, summary, description in [
        ("Vauvaperheiden tuki", "", "Kenguruhoidon ohjausta keskosille."),
        ("Keskosperheet", "Kenguruhoitoa ja vertaistukea.", ""),
        ("Kenguruhoitoryhmä", "", ""),
    ]:
        SupportService.objects.create(
            organisation=organisation,
            tier_id="UNIVERSAL_GROUP",
            status=SupportService.Status.PUBLISHED,
            name_fi=name,
            summary_fi=summary,
            description_fi=description,
        )
    rebuild_search_index()
    hits = run_search(parse_search({"q": "kenguruhoito"})).hits
    assert [hit.service.name_fi for hit in hits] == [
        "Kenguruhoitoryhmä",
        "Keskosperheet",
        "Vauvaperheiden tuki",
    ]
