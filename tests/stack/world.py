"""The stack test's world, made in the stack's own database after ``./dev serve migrate``:
``python -m tests.stack.world`` with the stack's environment prints it as JSON.

A published phone service of Mikkeli for parents (the real write path), the coverage computed
once, and a coordinator of Etelä-Savo with a password and a confirmed authenticator (TOTP)
whose key the test uses to compute the codes, as the app on a phone would.
"""

from __future__ import annotations

import json
import os
import secrets

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from mapping import coverage  # noqa: E402
from services import catalogue  # noqa: E402
from services.catalogue.documents import empty_document  # noqa: E402
from services.models import Municipality, Organisation, Source  # noqa: E402

ETELA_SAVO = "12"
MIKKELI = "491"
PASSWORD = "stack-test-password-1"


def make_world() -> dict[str, object]:
    organisation = Organisation.objects.create(
        name_fi="Savon perhepalvelut ry", kind=Organisation.Kind.NGO, source=Source.MANUAL
    )
    document = empty_document(
        organisation=organisation.pk,
        name_fi="Vanhemmuuden puhelin",
        summary_fi="Keskusteluapua vanhemmille puhelimessa.",
        tier="UNIVERSAL_INDIVIDUAL",
    )
    document["links"] |= {
        "channels": ["PHONE"],
        "target_groups": ["PARENTS"],
        "area_municipalities": [MIKKELI],
    }
    service = catalogue.save_document(user=None, document=document)
    catalogue.publish(user=None, services=[service])
    coverage.recompute()

    coordinator = User(username="koordinaattori", email="koordinaattori@example.org", language="fi")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    coordinator.counties.set([ETELA_SAVO])
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=coordinator, name="puhelin", key=key, confirmed=True)
    others = (
        Municipality.objects.filter(county_id=ETELA_SAVO)
        .exclude(code=MIKKELI)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return {
        "service": service.pk,
        "username": coordinator.username,
        "password": PASSWORD,
        "totp_key": key,
        "municipalities": list(others),
    }


if __name__ == "__main__":
    print(json.dumps(make_world()))
