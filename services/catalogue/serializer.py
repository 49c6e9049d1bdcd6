"""The serialization format of a service's history (``SERIALIZATION_MODULES["catalogue"]``).

django-reversion stores one ``Version`` per service change in this format: Django's own
``fields`` (so reversion's ``field_dict`` works), the service document with its locations,
hours, contact points and sessions (``services.catalogue.documents``), and the service's
status and confirmation date, which the document leaves to the review workflow.

Documents come from ``history.prepared_documents`` when ``history.record`` has read many
services at once (an import), else from the database, one service at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import models

from services.catalogue.documents import SERVICE_LINKS, service_document


class Serializer:
    """``serializers.serialize("catalogue", [service])``."""

    def serialize(self, queryset: Iterable[models.Model], **options: Any) -> None:
        from services.catalogue.history import prepared_documents

        prepared = prepared_documents()
        self.items = []
        for obj in queryset:
            document = prepared.get(obj.pk) if prepared is not None else None
            if document is None:
                document = service_document(obj)
            state = {"status": obj.status, "verified_at": obj.verified_at}
            fields = {**document["fields"], **document["links"], **state}
            for name in SERVICE_LINKS:
                fields[name] = list(fields[name])
            self.items.append(
                {
                    "model": obj._meta.label_lower,
                    "pk": obj.pk,
                    "fields": fields,
                    "document": document,
                    "state": state,
                }
            )

    def getvalue(self) -> str:
        return json.dumps(self.items, cls=DjangoJSONEncoder, ensure_ascii=False)


def Deserializer(stream_or_string: str | bytes, **options: Any) -> Iterator[Any]:  # noqa: N802
    """Django's objects from the ``fields`` part (what reversion's ``field_dict`` reads)."""
    data = json.loads(stream_or_string)
    objects = [
        {"model": item["model"], "pk": item["pk"], "fields": item["fields"]} for item in data
    ]
    yield from PythonDeserializer(objects, **options)


def payload(serialized_data: str) -> dict[str, Any]:
    """The document and state of a stored version."""
    return json.loads(serialized_data)[0]
