"""A service the history tests change: a family counselling clinic with one location."""

from __future__ import annotations

from accounts.models import User
from services import catalogue
from services.catalogue.documents import empty_document
from services.models import Organisation, SupportService


def family_counselling(
    *, organisation: Organisation, editor: User, publish: bool = True
) -> SupportService:
    """Perheneuvola at Hallituskatu 3, Mikkeli."""
    document = empty_document(
        organisation=organisation.pk,
        name_fi="Perheneuvola",
        summary_fi="Tukea vanhemmille.",
        tier="UNIVERSAL_INDIVIDUAL",
    )
    document["links"]["area_municipalities"] = ["491"]
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
