"""The codes of services' taxonomy terms, read from the link tables in one statement.

A page of the API or of the HSDS export lists, for each service, the codes of its channels,
target groups, life situations and so on. Read relation by relation through the ORM that is
nine queries, each compiled anew; here it is one statement, made once per process, with no
model instances. A service's public page names its terms the same way (``named_terms``).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import ManyToManyField
from django.utils import translation
from modeltranslation.manager import rewrite_order_lookup_key

from services.models import SupportService
from services.templatetags.text_language import fallback_language

# A service's relations to the taxonomies (terms with a code and an order).
TERM_RELATIONS = (
    "channels",
    "target_groups",
    "life_situations",
    "attributes",
    "languages",
    "service_classes",
)
# The relations read, in this order.
CODE_RELATIONS = (*TERM_RELATIONS, "methods", "area_counties", "area_municipalities")


def service_codes(ids: list[int], *, in_link_order: bool = False) -> list[dict[str, list[str]]]:
    """The codes of the terms of each of the services ``ids``: relation → codes (relations
    without any left out). Each list is in the terms' own order (taxonomies by their
    ``order``, then code; methods by slug; areas by code), or with ``in_link_order`` in the
    order the links were made."""
    if not ids:
        return []
    codes: dict[int, dict[str, list[str]]] = {pk: {} for pk in ids}
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(codes_sql(in_link_order).format(ids=placeholders), ids * len(CODE_RELATIONS))
        for number, service_id, code, _position in cursor.fetchall():
            codes[service_id].setdefault(CODE_RELATIONS[number], []).append(code)
    return [codes[pk] for pk in ids]


@cache
def codes_sql(in_link_order: bool) -> str:
    """``service_codes``' statement, ``{ids}`` for the placeholders of the ids: one SELECT
    per relation of (its number, service, code, position), all in one, ordered by relation
    and position, then code."""
    quote = connection.ops.quote_name
    selects = []
    for number, relation in enumerate(CODE_RELATIONS):
        field = _link_field(relation)
        link = field.remote_field.through._meta
        service, term = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
        target = field.related_model._meta
        join, code, position = "", f"link.{term}", "0"
        ordered = any(each.name == "order" for each in target.fields)
        if relation == "methods" or (ordered and not in_link_order):
            join = (
                f" JOIN {quote(target.db_table)} term"
                f" ON term.{quote(target.pk.column)} = link.{term}"
            )
        if relation == "methods":
            code = f"term.{quote('slug')}"
        if in_link_order:
            position = f"link.{quote(link.pk.column)}"
        elif ordered:
            position = f"term.{quote('order')}"
        selects.append(
            f"SELECT {number} AS relation, link.{service} AS service, {code} AS code, "
            f"{position} AS position FROM {quote(link.db_table)} link{join} "
            f"WHERE link.{service} IN ({{ids}})"
        )
    return " UNION ALL ".join(selects) + " ORDER BY relation, position, code"


# The relations a service's public page names, in this order (methods, with their ratings,
# are read as models).
NAMED_RELATIONS = (
    "target_groups",
    "life_situations",
    "attributes",
    "languages",
    "channels",
    "area_counties",
    "area_municipalities",
)


class NamedTerm(NamedTuple):
    code: str
    name: str


def named_terms(pk: int, language: str) -> dict[str, list[NamedTerm]]:
    """The terms of each of ``NAMED_RELATIONS`` of the service ``pk`` (every relation, empty
    when it has none), named in ``language`` or, as modeltranslation falls back, in the first
    of the fallback languages with a name; each list in the order of
    ``service.<relation>.all()`` on a page in ``language``."""
    terms: dict[str, list[NamedTerm]] = {relation: [] for relation in NAMED_RELATIONS}
    with connection.cursor() as cursor:
        cursor.execute(named_terms_sql(language), [pk] * len(NAMED_RELATIONS))
        for number, code, *names, _position, _then_by in cursor.fetchall():
            by_language = dict(zip(settings.MODELTRANSLATION_LANGUAGES, names, strict=True))
            shown = fallback_language(by_language.get, language)
            name = by_language[shown] if shown else ""
            terms[NAMED_RELATIONS[number]].append(NamedTerm(code, name))
    return terms


@cache
def named_terms_sql(language: str) -> str:
    """``named_terms``' statement for a page in ``language``: per relation, (its number, the
    term's code, its name in each of ``MODELTRANSLATION_LANGUAGES``), ordered by relation and
    then as the term model's ``Meta.ordering`` orders it in that language (modeltranslation
    orders by a translated field's column in the page's language; one or two fields)."""
    quote = connection.ops.quote_name
    selects = []
    for number, relation in enumerate(NAMED_RELATIONS):
        field = _link_field(relation)
        link = field.remote_field.through._meta
        target = field.related_model._meta
        with translation.override(language):
            keys = [rewrite_order_lookup_key(field.related_model, key) for key in target.ordering]
        ordering = [f"term.{quote(target.get_field(key).column)}" for key in keys]
        position, then_by = ("0", *ordering) if len(ordering) == 1 else ordering
        names = ", ".join(
            f"term.{quote(target.get_field(f'name_{each}').column)}"
            for each in settings.MODELTRANSLATION_LANGUAGES
        )
        selects.append(
            f"SELECT {number} AS relation, term.{quote(target.pk.column)} AS code, {names}, "
            f"{position} AS position, {then_by} AS then_by "
            f"FROM {quote(link.db_table)} link JOIN {quote(target.db_table)} term "
            f"ON term.{quote(target.pk.column)} = link.{quote(field.m2m_reverse_name())} "
            f"WHERE link.{quote(field.m2m_column_name())} = %s"
        )
    return " UNION ALL ".join(selects) + " ORDER BY relation, position, then_by"


def _link_field(relation: str) -> ManyToManyField:
    field = SupportService._meta.get_field(relation)
    assert isinstance(field, ManyToManyField), relation
    return field
