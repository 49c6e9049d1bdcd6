"""Perheneuvola, a family counselling clinic in Mikkeli, as the staff tests build it: the
editor's document to start from, and the published service with one location that the
history tests change."""

from __future__ import annotations

from accounts.models import User
from services import catalogue
from services.catalogue.documents import empty_document
from services.models import Organisation, SupportService


def perheneuvola_document(*, organisation: Organisation, summary_fi: str) -> dict:
    """The editor's document of Perheneuvola, serving Mikkeli, with nothing else filled in."""
    document = empty_document(
        organisation=organisation.pk,
        name_fi="Perheneuvola",
        summary_fi=summary_fi,
        tier="UNIVERSAL_INDIVIDUAL",
    )
    document["links"]["area_municipalities"] = ["491"]
    return document


def family_counselling(
    *, organisation: Organisation, editor: User, publish: bool = True
) -> SupportService:
    """Perheneuvola at Hallituskatu 3, Mikkeli."""
    document = perheneuvola_document(organisation=organisation, summary_fi="Tukea vanhemmille.")
    document["locations"] = [
        {
            "id": None,
            "fields": {
                "street_address_fi": "Hallituskatu 3",
                "postal_code": "50100",
                "municipality": "491",
                "latitude": 61.6886,
                "longitude": 27.2723,
            },
            "hours": [[0, "08:00", "16:00"]],
            "exceptions": [],
        }
    ]
    service = catalogue.save_document(user=editor, document=document)
    if publish:
        catalogue.publish(user=None, services=[service])
    return SupportService.objects.get(pk=service.pk)
