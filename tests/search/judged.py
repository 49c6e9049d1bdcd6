# ruff: noqa: E501 - one judged query reads best on one line
"""The judged query set: what parents type, and which services of the example catalogue answer it.

Each query has graded relevant services, by their external ID in
``services/data/example_catalogue/`` (``Source.EXAMPLE``):

- **3**: exactly what was asked (the service named, or the support the words describe);
- **2**: clearly helps with it;
- **1**: related (a general service that lists the situation among many).

Many grades come from the catalogue's own classification (``situation``, ``group``): a service
listing the life situation among at most three gets 2, among more gets 1; the judge then raises
the services that are the answer to 3. A query with a place judges as a family there would: a
service near by (or remote) is worth more than the same kind of service 80 km away.

``evaluate`` computes the figures ``./dev bench relevance`` prints and
``tests/search/test_relevance_floor.py`` pins: the zero-result rate, hit@5 and MRR (a grade of 2
or more counts as relevant) and nDCG@10 (gains 2^grade − 1).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "services" / "data" / "example_catalogue"
Grades = dict[str, int]


@functools.cache
def _services() -> dict[str, dict]:
    """Published example services by external ID, as the YAML files list them."""
    found = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")).get("services", []):
            if record["status"] == "PUBLISHED":
                found[record["id"]] = record
    return found


def _merge(*parts: Grades) -> Grades:
    merged: Grades = {}
    for part in parts:
        for key, grade in part.items():
            merged[key] = max(merged.get(key, 0), grade)
    return merged


def ids(text: str, grade: int) -> Grades:
    """Services named in ``text`` (space-separated external IDs), all at ``grade``."""
    unknown = [key for key in text.split() if key not in _services()]
    if unknown:
        raise ValueError(f"not published example services: {unknown}")
    return {key: grade for key in text.split()}


def situation(code: str) -> Grades:
    """Services classified under a life situation: 2 when it is one of their few (≤ 3), else 1."""
    return {
        key: 2 if len(record.get("life_situations", [])) <= 3 else 1
        for key, record in _services().items()
        if code in record.get("life_situations", [])
    }


def group(code: str) -> Grades:
    """Services listing a target group: 2 when it is one of their few (≤ 2), else 1."""
    return {
        key: 2 if len(record.get("target_groups", [])) <= 2 else 1
        for key, record in _services().items()
        if code in record.get("target_groups", [])
    }


def prefixed(prefix: str, grade: int) -> Grades:
    """Every published service whose external ID starts with ``prefix``."""
    return {key: grade for key in _services() if key.startswith(prefix)}


@dataclass(frozen=True)
class Judged:
    query: str
    language: str
    grades: Grades
    place: str = ""
    kind: str = (
        ""  # what the query tests: word, inflected, compound, phrase, misspelt, everyday, place
    )

    def __post_init__(self) -> None:
        if not any(grade >= 2 for grade in self.grades.values()):
            raise ValueError(f"{self.query!r}: no service is graded relevant (2 or 3)")


def fi(query: str, *grades: Grades, place: str = "", kind: str = "") -> Judged:
    return Judged(query, "fi", _merge(*grades), place, kind)


def sv(query: str, *grades: Grades, place: str = "", kind: str = "") -> Judged:
    return Judged(query, "sv", _merge(*grades), place, kind)


def en(query: str, *grades: Grades, place: str = "", kind: str = "") -> Judged:
    return Judged(query, "en", _merge(*grades), place, kind)


# Groups of services the judgements name often.
NEUVOLAT_FULL = "es-aitiysneuvola-mikkeli es-lastenneuvola-mikkeli es-neuvola-savonlinna es-neuvola-pieksamaki es-neuvola-juva es-neuvola-kangasniemi es-neuvola-mantyharju"
NEUVOLAT_SMALL = (
    "es-neuvola-hirvensalmi es-neuvola-rantasalmi es-neuvola-sulkava es-neuvola-puumala"
)
COMBINED_NEUVOLAT = "es-neuvola-savonlinna es-neuvola-pieksamaki es-neuvola-juva es-neuvola-kangasniemi es-neuvola-mantyharju"
PERHEKAHVILAT = "mll-mikkeli-perhekahvila mll-savonlinna-perhekahvila mll-pieksamaki-perhekahvila mll-juva-perhekahvila mll-kangasniemi-perhekahvila mll-mantyharju-perhekahvila"
PERHEKERHOT = "par-mikkeli-perhekerho par-savonlinna-perhekerho par-pieksamaki-perhekerho par-juva-perhekerho par-kangasniemi-perhekerho par-mantyharju-perhekerho par-hirvensalmi-perhekerho par-rantasalmi-perhekerho"
VALMENNUS = "es-perhevalmennus-mikkeli es-perhevalmennus-savonlinna es-perhevalmennus-pieksamaki es-perhevalmennus-verkossa"
ERO_CORE = "es-eron-ensiapupiste-mikkeli es-eron-ensiapupiste-savonlinna national-etkl-apua-eroon national-yvpl-eroinfo national-yvpl-hyva-ero par-mikkeli-eroryhma"
ERO_MORE = "es-lapset-pois-eroriidoista es-perheasioiden-sovittelu es-lastenvalvoja"
VIOLENCE_CORE = (
    "national-etkl-nettiturvakoti national-nollalinja es-turvakoti es-vakivaltatyon-avopalvelu"
)
COUPLES_CORE = "national-vaestoliitto-parisuhdekeskus national-kirkon-perheneuvonta par-mikkeli-perheneuvonta par-savonlinna-perheneuvonta"
PERHENEUVOLAT = "es-perheneuvola-mikkeli es-perheneuvola-savonlinna"
MLL_REMOTE = "national-mll-vanhempainpuhelin national-mll-vanhempainchat national-mll-nettikirje"
FATHERS = "es-isien-ilta par-mikkeli-isa-lapsi national-isille-info"
MIGRATION_CORE = "es-kotoutuvat-perheet mll-mikkeli-kansainvalinen-perhekahvila national-vaestoliitto-monikulttuurinen"


def neuvolat(grade: int = 3) -> Grades:
    return _merge(ids(NEUVOLAT_FULL, grade), ids(NEUVOLAT_SMALL, grade))


FINNISH = [
    # Words that name a kind of service, and their inflected forms.
    fi(
        "neuvola",
        neuvolat(),
        ids(PERHENEUVOLAT, 1),
        ids("es-isien-ilta es-lapset-puheeksi-perhekeskus", 1),
        kind="word",
    ),
    fi("neuvolat", neuvolat(), ids(PERHENEUVOLAT, 1), ids("es-isien-ilta", 1), kind="inflected"),
    fi("neuvolaan", neuvolat(), ids(PERHENEUVOLAT, 1), kind="inflected"),
    fi("neuvolasta", neuvolat(), ids(PERHENEUVOLAT, 1), kind="inflected"),
    fi(
        "äitiysneuvola",
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        ids(NEUVOLAT_SMALL, 2),
        kind="compound",
    ),
    fi(
        "äitiysneuvolaan",
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        ids(NEUVOLAT_SMALL, 2),
        kind="inflected",
    ),
    fi(
        "lastenneuvola",
        ids("es-lastenneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        ids(NEUVOLAT_SMALL, 2),
        kind="compound",
    ),
    fi(
        "lastenneuvolassa",
        ids("es-lastenneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        ids(NEUVOLAT_SMALL, 2),
        kind="inflected",
    ),
    fi(
        "perheneuvola",
        ids(PERHENEUVOLAT, 3),
        ids(
            "national-kirkon-perheneuvonta par-mikkeli-perheneuvonta par-savonlinna-perheneuvonta es-perheneuvo",
            1,
        ),
        kind="compound",
    ),
    fi(
        "perheneuvolaan",
        ids(PERHENEUVOLAT, 3),
        ids("national-kirkon-perheneuvonta par-mikkeli-perheneuvonta", 1),
        kind="inflected",
    ),
    fi(
        "perheneuvonta",
        ids(
            "national-kirkon-perheneuvonta par-mikkeli-perheneuvonta par-savonlinna-perheneuvonta",
            3,
        ),
        ids(PERHENEUVOLAT, 2),
        ids("es-perheneuvo", 2),
        kind="compound",
    ),
    fi(
        "perhekahvila",
        ids(PERHEKAHVILAT, 3),
        ids("mll-mikkeli-kansainvalinen-perhekahvila", 3),
        ids("es-kohtaamispaikka-pieksamaki", 2),
        ids(PERHEKERHOT, 1),
        kind="word",
    ),
    fi(
        "perhekahviloita",
        ids(PERHEKAHVILAT, 3),
        ids("mll-mikkeli-kansainvalinen-perhekahvila", 3),
        ids("es-kohtaamispaikka-pieksamaki", 2),
        kind="inflected",
    ),
    fi(
        "perhekerhoon",
        ids(PERHEKERHOT, 3),
        ids(PERHEKAHVILAT, 1),
        ids("par-mikkeli-isa-lapsi", 1),
        kind="inflected",
    ),
    fi("kerho", ids(PERHEKERHOT, 3), ids("par-mikkeli-isa-lapsi", 3), kind="word"),
    fi("perhevalmennus", ids(VALMENNUS, 3), kind="word"),
    fi("perhevalmennukseen", ids(VALMENNUS, 3), kind="inflected"),
    fi("synnytysvalmennus", ids(VALMENNUS, 3), ids("es-aitiysneuvola-mikkeli", 1), kind="compound"),
    fi("lastenvalvoja", ids("es-lastenvalvoja", 3), ids("national-yvpl-eroinfo", 1), kind="word"),
    fi(
        "lastenvalvojalle",
        ids("es-lastenvalvoja", 3),
        ids("national-yvpl-eroinfo", 1),
        kind="inflected",
    ),
    fi(
        "turvakoti",
        ids("es-turvakoti", 3),
        ids("national-etkl-nettiturvakoti", 3),
        ids("national-nollalinja es-vakivaltatyon-avopalvelu", 1),
        kind="word",
    ),
    fi(
        "turvakotiin",
        ids("es-turvakoti", 3),
        ids("national-etkl-nettiturvakoti", 2),
        ids("national-nollalinja", 1),
        kind="inflected",
    ),
    fi(
        "kotipalvelu",
        ids("es-kotipalvelu", 3),
        ids("mll-mikkeli-lastenhoitoapu", 2),
        kind="compound",
    ),
    fi(
        "perhetyö",
        ids("es-ehkaiseva-perhetyo es-tehostettu-perhetyo", 3),
        ids("es-kotipalvelu", 1),
        kind="compound",
    ),
    fi("perhetyöntekijä", ids("es-ehkaiseva-perhetyo es-tehostettu-perhetyo", 3), kind="compound"),
    fi(
        "eroryhmä",
        ids("par-mikkeli-eroryhma", 3),
        ids("es-lapset-pois-eroriidoista", 2),
        kind="compound",
    ),
    fi("uusperheryhmään", ids("par-mikkeli-uusperheryhma", 3), kind="inflected"),
    fi("imetys", ids("es-imetystukiryhma", 3), kind="word"),
    fi("imetystukea", ids("es-imetystukiryhma", 3), kind="compound"),
    fi("sovittelu", ids("es-perheasioiden-sovittelu", 3), kind="word"),
    fi(
        "vertaisryhmä",
        ids(
            "par-mikkeli-eroryhma par-mikkeli-lapsettomuus par-mikkeli-surevat-vanhemmat es-erityislapsiperheet national-yvpl-leija",
            3,
        ),
        ids("es-imetystukiryhma national-sateenkaariperheet", 2),
        kind="compound",
    ),
    fi(
        "vertaistuki",
        ids(
            "par-mikkeli-eroryhma par-mikkeli-lapsettomuus par-mikkeli-surevat-vanhemmat es-erityislapsiperheet national-yvpl-leija national-sateenkaariperheet es-imetystukiryhma",
            2,
        ),
        kind="compound",
    ),
    fi(
        "sosiaalityöntekijä",
        ids("es-lapsiperheiden-sosiaalityo", 3),
        ids(PERHENEUVOLAT, 1),
        kind="compound",
    ),
    fi(
        "lastenhoitoapu",
        ids("mll-mikkeli-lastenhoitoapu", 3),
        ids("es-kotipalvelu", 2),
        kind="compound",
    ),
    fi("perhekummi", ids("mll-mikkeli-perhekummit", 3), kind="compound"),
    fi(
        "vanhempainpuhelimeen",
        ids("national-mll-vanhempainpuhelin", 3),
        ids("national-mll-nettikirje national-mll-vanhempainchat", 1),
        kind="inflected",
    ),
    fi("nollalinjalle", ids("national-nollalinja", 3), kind="inflected"),
    fi(
        "kohtaamispaikka",
        ids("es-kohtaamispaikka-pieksamaki", 3),
        ids(PERHEKAHVILAT, 2),
        kind="compound",
    ),
    # Everyday words for a life situation.
    fi("ero", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="word"),
    fi("eroon", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="inflected"),
    fi("avioero", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    fi("avioeroon", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    fi("erota", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    fi("eroaminen", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    fi("erotilanne", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="compound"),
    fi("eron jälkeen", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="phrase"),
    fi(
        "huoltajuus",
        ids("es-lastenvalvoja national-yvpl-eroinfo", 3),
        ids("es-perheasioiden-sovittelu", 2),
        kind="everyday",
    ),
    fi("elatusmaksu", ids("es-lastenvalvoja national-yvpl-eroinfo", 3), kind="compound"),
    fi(
        "tapaamisoikeus",
        ids("es-lastenvalvoja national-yvpl-eroinfo", 3),
        ids("es-perheasioiden-sovittelu", 2),
        kind="compound",
    ),
    fi(
        "riita lasten asioista",
        ids("es-perheasioiden-sovittelu es-lapset-pois-eroriidoista", 3),
        ids("es-lastenvalvoja", 2),
        kind="phrase",
    ),
    fi("väkivalta", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="word"),
    fi("väkivalta kotona", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="phrase"),
    fi("lähisuhdeväkivalta", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="compound"),
    fi("mies lyö", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="everyday"),
    fi("pahoinpitely", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="everyday"),
    fi("väkivallan uhka", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="phrase"),
    fi(
        "masennus",
        situation("MENTAL_HEALTH"),
        ids("es-lapset-puheeksi-mielenterveys es-kotipalvelu", 2),
        kind="everyday",
    ),
    fi(
        "uupumus",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 3),
        kind="everyday",
    ),
    fi(
        "olen aivan uupunut",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 3),
        kind="everyday",
    ),
    fi(
        "jaksaminen",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 2),
        kind="everyday",
    ),
    fi(
        "väsynyt äiti",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 3),
        kind="everyday",
    ),
    fi(
        "mielenterveys",
        situation("MENTAL_HEALTH"),
        ids("es-lapset-puheeksi-mielenterveys", 3),
        kind="compound",
    ),
    fi(
        "alkoholi",
        situation("SUBSTANCE"),
        ids("es-lapset-puheeksi-mielenterveys", 3),
        kind="everyday",
    ),
    fi(
        "juominen",
        situation("SUBSTANCE"),
        ids("es-lapset-puheeksi-mielenterveys", 3),
        kind="everyday",
    ),
    fi(
        "päihteet",
        situation("SUBSTANCE"),
        ids("es-lapset-puheeksi-mielenterveys es-tehostettu-perhetyo", 3),
        kind="word",
    ),
    fi("raha", situation("FINANCES"), ids("es-lapsiperheiden-sosiaalityo", 3), kind="everyday"),
    fi("velka", situation("FINANCES"), ids("es-lapsiperheiden-sosiaalityo", 3), kind="everyday"),
    fi(
        "rahahuolet",
        situation("FINANCES"),
        ids("es-lapsiperheiden-sosiaalityo", 3),
        kind="compound",
    ),
    fi("lapsettomuus", ids("par-mikkeli-lapsettomuus", 3), situation("INFERTILITY"), kind="word"),
    fi(
        "emme saa lasta",
        ids("par-mikkeli-lapsettomuus", 3),
        situation("INFERTILITY"),
        kind="everyday",
    ),
    fi("suru", ids("par-mikkeli-surevat-vanhemmat", 3), situation("BEREAVEMENT"), kind="word"),
    fi(
        "lapsi kuoli",
        ids("par-mikkeli-surevat-vanhemmat", 3),
        situation("BEREAVEMENT"),
        kind="everyday",
    ),
    fi(
        "raskaus",
        situation("PREGNANCY"),
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 2),
        ids(VALMENNUS, 2),
        kind="word",
    ),
    fi(
        "olen raskaana",
        situation("PREGNANCY"),
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 2),
        ids(VALMENNUS, 2),
        kind="everyday",
    ),
    fi(
        "odotan vauvaa",
        situation("PREGNANCY"),
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(VALMENNUS, 3),
        ids(COMBINED_NEUVOLAT, 2),
        kind="everyday",
    ),
    fi("vauva", situation("BABY"), ids("mll-mikkeli-vahvuutta-vanhemmuuteen", 3), kind="word"),
    fi(
        "vauvaperhe",
        situation("BABY"),
        ids("mll-mikkeli-vahvuutta-vanhemmuuteen", 3),
        kind="compound",
    ),
    fi(
        "uhmaikä",
        situation("CHILD_BEHAVIOUR"),
        ids("es-ihmeelliset-vuodet es-voimaperheet", 3),
        kind="everyday",
    ),
    fi(
        "lapsen käytös",
        situation("CHILD_BEHAVIOUR"),
        ids("es-ihmeelliset-vuodet es-voimaperheet", 3),
        ids(PERHENEUVOLAT, 3),
        kind="phrase",
    ),
    fi(
        "levoton lapsi",
        situation("CHILD_BEHAVIOUR"),
        ids("es-ihmeelliset-vuodet es-voimaperheet", 3),
        ids(PERHENEUVOLAT, 2),
        kind="everyday",
    ),
    fi(
        "kiukuttelu",
        situation("CHILD_BEHAVIOUR"),
        ids("es-ihmeelliset-vuodet es-voimaperheet", 3),
        kind="everyday",
    ),
    fi("murrosikä", situation("ADOLESCENCE"), ids(PERHENEUVOLAT, 3), kind="compound"),
    fi(
        "teini",
        situation("ADOLESCENCE"),
        ids(PERHENEUVOLAT, 3),
        ids("national-isille-info", 1),
        kind="everyday",
    ),
    fi(
        "huoli lapsen kehityksestä",
        situation("CHILD_DEVELOPMENT"),
        ids(PERHENEUVOLAT, 3),
        ids("es-lastenneuvola-mikkeli es-erityislapsiperheet", 3),
        kind="phrase",
    ),
    fi("parisuhde", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="compound"),
    fi(
        "parisuhdeongelmat", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="compound"
    ),
    fi(
        "riitelemme paljon", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="everyday"
    ),
    fi("pariterapia", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="everyday"),
    fi(
        "uusperhe",
        ids("par-mikkeli-uusperheryhma", 3),
        situation("STEPFAMILY"),
        group("STEPFAMILY"),
        kind="word",
    ),
    fi("muutto suomeen", ids(MIGRATION_CORE, 3), situation("MIGRATION"), kind="phrase"),
    fi(
        "maahanmuuttaja",
        ids(MIGRATION_CORE, 3),
        situation("MIGRATION"),
        group("IMMIGRANT"),
        kind="everyday",
    ),
    fi("sateenkaariperhe", ids("national-sateenkaariperheet", 3), kind="compound"),
    fi("isille", ids(FATHERS, 3), group("FATHERS"), kind="inflected"),
    fi("isä", ids(FATHERS, 3), group("FATHERS"), kind="word"),
    fi("yksinhuoltaja", ids("national-yvpl-leija", 3), group("ONE_PARENT"), kind="everyday"),
    fi(
        "kaksoset",
        group("MULTIPLES"),
        ids(
            "es-ehkaiseva-perhetyo es-kotipalvelu mll-mikkeli-perhekummit mll-mikkeli-lastenhoitoapu",
            2,
        ),
        kind="everyday",
    ),
    fi(
        "isovanhemmat",
        group("GRANDPARENTS"),
        ids("national-mll-vanhempainpuhelin", 2),
        kind="compound",
    ),
    fi(
        "vammainen lapsi",
        ids("es-erityislapsiperheet", 3),
        situation("ILLNESS_DISABILITY"),
        kind="phrase",
    ),
    fi(
        "pitkäaikaissairas lapsi",
        ids("es-erityislapsiperheet", 3),
        situation("ILLNESS_DISABILITY"),
        kind="phrase",
    ),
    fi("sijaisperhe", ids("es-lapsiperheiden-sosiaalityo", 2), kind="compound"),
    # Several words, as people write them.
    fi("apua eroon", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="phrase"),
    fi(
        "tukea vanhemmuuteen",
        ids(
            "es-ehkaiseva-perhetyo mll-mikkeli-vahvuutta-vanhemmuuteen es-icdp-savonlinna es-perheneuvo",
            2,
        ),
        ids(MLL_REMOTE, 2),
        kind="phrase",
    ),
    fi(
        "keskusteluapua parisuhteeseen",
        ids(COUPLES_CORE, 3),
        situation("COUPLE_DIFFICULTIES"),
        kind="phrase",
    ),
    fi(
        "chat vanhemmille",
        ids("national-mll-vanhempainchat", 3),
        ids(
            "national-etkl-apua-eroon national-etkl-nettiturvakoti national-yvpl-eroinfo national-nollalinja",
            1,
        ),
        kind="phrase",
    ),
    fi(
        "puhelin vanhemmille",
        ids("national-mll-vanhempainpuhelin", 3),
        ids("es-perheneuvo", 2),
        kind="phrase",
    ),
    fi(
        "ilmainen neuvonta",
        ids("es-perheneuvo national-kirkon-perheneuvonta par-mikkeli-perheneuvonta", 2),
        ids("national-mll-vanhempainpuhelin", 2),
        kind="phrase",
    ),
    fi("isä ja lapsi kerho", ids("par-mikkeli-isa-lapsi", 3), ids(PERHEKERHOT, 1), kind="phrase"),
    fi(
        "kotikäynti vauvaperheeseen",
        ids("es-ehkaiseva-perhetyo mll-mikkeli-perhekummit es-kotipalvelu", 3),
        ids(NEUVOLAT_FULL, 1),
        kind="phrase",
    ),
    fi(
        "lapset puheeksi",
        ids("es-lapset-puheeksi-mielenterveys es-lapset-puheeksi-perhekeskus", 3),
        kind="phrase",
    ),
    fi("ihmeelliset vuodet", ids("es-ihmeelliset-vuodet", 3), kind="phrase"),
    # Misspelt.
    fi("neuvla", neuvolat(), kind="misspelt"),
    fi("nevola", neuvolat(), kind="misspelt"),
    fi(
        "perhekahvla",
        ids(PERHEKAHVILAT, 3),
        ids("mll-mikkeli-kansainvalinen-perhekahvila", 3),
        kind="misspelt",
    ),
    fi("avoero", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="misspelt"),
    fi("vakivalta", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="misspelt"),
    fi("lastenvalvja", ids("es-lastenvalvoja", 3), kind="misspelt"),
    fi("parisuhdongelmat", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="misspelt"),
    fi(
        "masenus",
        situation("MENTAL_HEALTH"),
        ids("es-lapset-puheeksi-mielenterveys es-kotipalvelu", 2),
        kind="misspelt",
    ),
    fi("perhevalmenus", ids(VALMENNUS, 3), kind="misspelt"),
    # With a place: what is near the family first.
    fi(
        "ero",
        ids(
            "es-eron-ensiapupiste-mikkeli par-mikkeli-eroryhma national-etkl-apua-eroon national-yvpl-eroinfo national-yvpl-hyva-ero",
            3,
        ),
        ids("es-eron-ensiapupiste-savonlinna", 1),
        ids(ERO_MORE, 2),
        place="50100",
        kind="place",
    ),
    fi(
        "neuvola",
        ids("es-aitiysneuvola-mikkeli es-lastenneuvola-mikkeli", 3),
        ids("es-isien-ilta es-lapset-puheeksi-perhekeskus", 1),
        ids("es-perheneuvola-mikkeli", 1),
        place="50100",
        kind="place",
    ),
    fi(
        "perhekahvila",
        ids("mll-mikkeli-perhekahvila mll-mikkeli-kansainvalinen-perhekahvila", 3),
        ids("par-mikkeli-perhekerho", 1),
        place="Mikkeli",
        kind="place",
    ),
    fi(
        "perhekerho",
        ids("par-savonlinna-perhekerho", 3),
        ids("mll-savonlinna-perhekahvila", 1),
        place="Savonlinna",
        kind="place",
    ),
    fi(
        "väkivalta",
        ids(
            "es-turvakoti es-vakivaltatyon-avopalvelu national-nollalinja national-etkl-nettiturvakoti",
            3,
        ),
        situation("VIOLENCE"),
        place="57100",
        kind="place",
    ),
]

SWEDISH = [
    sv(
        "rådgivning",
        neuvolat(2),
        ids(PERHENEUVOLAT, 2),
        ids(
            "national-kirkon-perheneuvonta par-mikkeli-perheneuvonta par-savonlinna-perheneuvonta",
            2,
        ),
        kind="word",
    ),
    sv(
        "mödrarådgivning",
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        kind="compound",
    ),
    sv(
        "barnrådgivningen",
        ids("es-lastenneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        kind="inflected",
    ),
    sv(
        "familjerådgivning",
        ids(PERHENEUVOLAT, 3),
        ids(
            "national-kirkon-perheneuvonta par-mikkeli-perheneuvonta par-savonlinna-perheneuvonta",
            3,
        ),
        kind="compound",
    ),
    sv("skilsmässa", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="word"),
    sv(
        "skilsmässan", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="inflected"
    ),
    sv("skiljas", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    sv("våld", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="word"),
    sv("våld i hemmet", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="phrase"),
    sv(
        "familjecafé",
        ids(PERHEKAHVILAT, 3),
        ids("mll-mikkeli-kansainvalinen-perhekahvila", 3),
        kind="compound",
    ),
    sv("familjeklubb", ids(PERHEKERHOT, 3), kind="compound"),
    sv("föräldratelefonen", ids("national-mll-vanhempainpuhelin", 3), kind="compound"),
    sv("pappor", ids(FATHERS, 3), group("FATHERS"), kind="word"),
    sv("parförhållande", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="compound"),
    sv("parterapi", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="compound"),
    sv(
        "depression",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 2),
        kind="everyday",
    ),
    sv(
        "utmattad",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 3),
        kind="everyday",
    ),
    sv(
        "alkohol",
        situation("SUBSTANCE"),
        ids("es-lapset-puheeksi-mielenterveys", 3),
        kind="everyday",
    ),
    sv("skulder", situation("FINANCES"), ids("es-lapsiperheiden-sosiaalityo", 3), kind="everyday"),
    sv(
        "gravid",
        situation("PREGNANCY"),
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(VALMENNUS, 2),
        ids(COMBINED_NEUVOLAT, 2),
        kind="everyday",
    ),
    sv("familjeförberedelse", ids(VALMENNUS, 3), kind="compound"),
    sv("amning", ids("es-imetystukiryhma", 3), kind="word"),
    sv("sorg", ids("par-mikkeli-surevat-vanhemmat", 3), situation("BEREAVEMENT"), kind="word"),
    sv("barnlöshet", ids("par-mikkeli-lapsettomuus", 3), situation("INFERTILITY"), kind="compound"),
    sv("regnbågsfamiljer", ids("national-sateenkaariperheet", 3), kind="compound"),
    sv(
        "ombildad familj",
        ids("par-mikkeli-uusperheryhma", 3),
        situation("STEPFAMILY"),
        kind="phrase",
    ),
]

ENGLISH = [
    en("divorce", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="everyday"),
    en("separation", ids(ERO_CORE, 3), ids(ERO_MORE, 2), situation("SEPARATION"), kind="word"),
    en(
        "getting divorced",
        ids(ERO_CORE, 3),
        ids(ERO_MORE, 2),
        situation("SEPARATION"),
        kind="everyday",
    ),
    en(
        "custody",
        ids("es-lastenvalvoja national-yvpl-eroinfo", 3),
        ids("es-perheasioiden-sovittelu", 2),
        kind="everyday",
    ),
    en("domestic violence", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="phrase"),
    en("abuse", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="everyday"),
    en("my partner hits me", ids(VIOLENCE_CORE, 3), situation("VIOLENCE"), kind="everyday"),
    en(
        "depression",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 2),
        kind="everyday",
    ),
    en(
        "exhausted parent",
        situation("MENTAL_HEALTH"),
        ids("es-kotipalvelu mll-mikkeli-lastenhoitoapu", 3),
        kind="everyday",
    ),
    en(
        "drinking",
        situation("SUBSTANCE"),
        ids("es-lapset-puheeksi-mielenterveys", 3),
        kind="everyday",
    ),
    en("debt", situation("FINANCES"), ids("es-lapsiperheiden-sosiaalityo", 3), kind="everyday"),
    en(
        "money problems",
        situation("FINANCES"),
        ids("es-lapsiperheiden-sosiaalityo", 3),
        kind="everyday",
    ),
    en(
        "pregnant",
        situation("PREGNANCY"),
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(VALMENNUS, 2),
        ids(COMBINED_NEUVOLAT, 2),
        kind="everyday",
    ),
    en(
        "maternity clinic",
        ids("es-aitiysneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        kind="phrase",
    ),
    en(
        "child health clinic",
        ids("es-lastenneuvola-mikkeli", 3),
        ids(COMBINED_NEUVOLAT, 3),
        ids(NEUVOLAT_SMALL, 2),
        kind="phrase",
    ),
    en("antenatal classes", ids(VALMENNUS, 3), kind="phrase"),
    en("breastfeeding", ids("es-imetystukiryhma", 3), kind="compound"),
    en(
        "family cafe",
        ids(PERHEKAHVILAT, 3),
        ids("mll-mikkeli-kansainvalinen-perhekahvila", 3),
        kind="phrase",
    ),
    en("fathers", ids(FATHERS, 3), group("FATHERS"), kind="word"),
    en(
        "couples counselling", ids(COUPLES_CORE, 3), situation("COUPLE_DIFFICULTIES"), kind="phrase"
    ),
    en(
        "relationship problems",
        ids(COUPLES_CORE, 3),
        situation("COUPLE_DIFFICULTIES"),
        kind="phrase",
    ),
    en("single parent", ids("national-yvpl-leija", 3), group("ONE_PARENT"), kind="phrase"),
    en(
        "tantrums",
        situation("CHILD_BEHAVIOUR"),
        ids("es-ihmeelliset-vuodet es-voimaperheet", 3),
        kind="everyday",
    ),
    en("moved to finland", ids(MIGRATION_CORE, 3), situation("MIGRATION"), kind="phrase"),
    en("grief", ids("par-mikkeli-surevat-vanhemmat", 3), situation("BEREAVEMENT"), kind="everyday"),
]

JUDGED = [*FINNISH, *SWEDISH, *ENGLISH]


# The figures.


@dataclass
class Figures:
    queries: int = 0
    zero_results: int = 0
    zero_with_relevant: list[str] = field(default_factory=list)
    hit_at_5: float = 0.0
    mrr: float = 0.0
    ndcg_at_10: float = 0.0
    worst: list[tuple[float, str]] = field(default_factory=list)

    @property
    def zero_result_rate(self) -> float:
        return self.zero_results / self.queries if self.queries else 0.0

    def lines(self) -> list[str]:
        return [
            f"queries              {self.queries}",
            f"zero-result rate     {self.zero_result_rate:6.3f}  ({self.zero_results} queries)",
            f"hit@5                {self.hit_at_5:6.3f}",
            f"MRR                  {self.mrr:6.3f}",
            f"nDCG@10              {self.ndcg_at_10:6.3f}",
        ]


def dcg(gains: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(gains))


def ndcg_at(ranked: list[str], grades: Grades, k: int = 10) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg(grades.get(key, 0) for key in ranked[:k]) / ideal if ideal else 0.0


def evaluate(search: Callable[[Judged], list[str]], judged: Iterable[Judged] = JUDGED) -> Figures:
    """``search`` returns a query's results in order, as external IDs."""
    figures = Figures()
    hits = reciprocal = ndcg = 0.0
    for item in judged:
        ranked = search(item)
        figures.queries += 1
        if not ranked:
            figures.zero_results += 1
            figures.zero_with_relevant.append(f"{item.language}: {item.query}")
        relevant = [position for position, key in enumerate(ranked) if item.grades.get(key, 0) >= 2]
        hits += bool(relevant and relevant[0] < 5)
        reciprocal += 1 / (relevant[0] + 1) if relevant else 0.0
        score = ndcg_at(ranked, item.grades)
        ndcg += score
        place = f" @ {item.place}" if item.place else ""
        figures.worst.append((score, f"{item.language}: {item.query}{place}"))
    count = figures.queries or 1
    figures.hit_at_5, figures.mrr, figures.ndcg_at_10 = (
        hits / count,
        reciprocal / count,
        ndcg / count,
    )
    figures.worst.sort()
    return figures
