"""The codes of services' taxonomy terms, read from the link tables in one statement.

A page of the API or of the HSDS export lists, for each service, the codes of its channels,
target groups, life situations and so on. Read relation by relation through the ORM that is
nine queries, each compiled anew; here it is one statement, made once per process, with no
model instances.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from services.models import SupportService

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
        field = SupportService._meta.get_field(relation)
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
