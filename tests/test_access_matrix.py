"""Who gets what: every URL pattern of the project × every role, with the expected answer.

The table below has an entry for every named URL the resolver knows (a new URL without an entry
fails ``test_every_url_of_the_project_has_an_entry``). Each entry names the objects to try
(services of organisations A and B in every status, import runs, plan actions of counties X and
Y ...) and, per object, the answer for each role:

    anonymous, editor of A, editor of B, coordinator of X, coordinator of Y, administrator

Organisation A works in county X (Etelä-Savo), B in county Y (Pirkanmaa). Requests that change
something are made in a savepoint rolled back afterwards, so each role meets the same world.
The Django admin's own pages are checked by ``tests/accounts/test_admin_access.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from accounts import invitations
from accounts.models import Invitation, User
from mapping.models import Action
from services import catalogue, review
from services.catalogue.documents import service_document
from services.catalogue.history import entries
from services.hsds.documents import service_at_location_id
from services.models import (
    ErrorReport,
    GroupSession,
    ImportRun,
    Location,
    Method,
    Organisation,
    ServiceRevision,
    SharedList,
    SupportService,
)
from services.reminders import confirm_token
from tests.cast import make_user, sign_in
from tests.factories import LocationFactory, MethodFactory, OrganisationFactory
from tests.factories import SupportServiceFactory as ServiceFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "editor_a", "editor_b", "coordinator_x", "coordinator_y", "administrator")
X, Y = "12", "08"  # Etelä-Savo, Pirkanmaa
MIKKELI, TAMPERE = "491", "837"
STATUSES = ("DRAFT", "PENDING_REVIEW", "PUBLISHED", "ARCHIVED")

# Answers, in the order of ROLES.
EVERYONE = (200,) * 6
NOBODY = (404,) * 6
LOGIN = 302  # anonymous visitors are sent to the staff login
STAFF = (LOGIN, 200, 200, 200, 200, 200)
COORDINATORS = (LOGIN, 403, 403, 200, 200, 200)
# A service, run or action of A / county X, and of B / county Y.
OF_A = (LOGIN, 200, 404, 200, 404, 200)
OF_B = (LOGIN, 404, 200, 404, 200, 200)
REVIEW_OF_X = (LOGIN, 403, 403, 200, 404, 200)
REVIEW_OF_Y = (LOGIN, 403, 403, 404, 200, 200)
IMPORT_OF_X = (LOGIN, 403, 403, 200, 404, 200)
PLAN_OF_X = (LOGIN, 403, 403, 200, 403, 200)
API_COORDINATORS = (403, 403, 403, 200, 200, 200)


@dataclass
class World:
    services: dict[tuple[str, str], SupportService]  # (organisation, status) → service
    organisations: dict[str, Organisation]
    method: Method
    locations: dict[tuple[str, str], Location]
    sessions: dict[tuple[str, str], GroupSession]
    revisions: dict[str, ServiceRevision]  # pending request of A's / B's published service
    runs: dict[str, ImportRun]
    actions: dict[str, Action]
    invitations: dict[str, Invitation]
    shared: SharedList
    reports: dict[str, ErrorReport]
    users: dict[str, User]
    versions: dict[str, int]  # an earlier version of A's / B's published service


def _service(organisation: Organisation, status: str, municipality: str, name: str) -> Any:
    service = ServiceFactory(
        organisation=organisation,
        name_fi=name,
        status=status,
        channels=["GROUP"],
        municipalities=[municipality],
    )
    postal = {MIKKELI: "50100", TAMPERE: "33100"}[municipality]
    LocationFactory(service=service, municipality_id=municipality, postal_code=postal)
    return service


@pytest.fixture
def world() -> World:
    organisations = {
        "A": OrganisationFactory(name_fi="Järjestö A"),
        "B": OrganisationFactory(name_fi="Järjestö B"),
    }
    users = {
        "editor_a": make_user("editor_a", organisations=[organisations["A"]]),
        "editor_b": make_user("editor_b", organisations=[organisations["B"]]),
        "coordinator_x": make_user("coordinator_x", counties=[X]),
        "coordinator_y": make_user("coordinator_y", counties=[Y]),
        "administrator": make_user("administrator", superuser=True),
    }
    method = MethodFactory(slug="lapset-puheeksi")
    services = {}
    for key, municipality in (("A", MIKKELI), ("B", TAMPERE)):
        for status in STATUSES:
            name = f"Palvelu {key} {status.lower()}"
            services[key, status] = _service(organisations[key], status, municipality, name)
    sessions = {}
    starts = timezone.now() + dt.timedelta(days=10)
    for key, service in services.items():
        sessions[key] = GroupSession.objects.create(
            service=service,
            title_fi=f"Ryhmä {service.name_fi}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            place="Perhekeskus",
        )
    revisions, versions = {}, {}
    for key in ("A", "B"):
        published = services[key, "PUBLISHED"]
        editor = users[f"editor_{key.lower()}"]
        catalogue.save(user=editor, obj=published)  # a kept version to restore
        versions[key] = entries(published)[0].version_id
        published.refresh_from_db()
        state = review.working_state(published)
        document = service_document(published)
        document["fields"]["name_fi"] = f"Muutettu nimi {key}"
        review.save_service(
            user=editor, service=published, document=document, token=state.token, submit=True
        )
        review.submit(user=editor, service=services[key, "PENDING_REVIEW"])
        revisions[key] = ServiceRevision.objects.get(service=published)
    runs = {
        key: ImportRun.objects.create(
            kind="spreadsheet",
            file_name=f"{key}.csv",
            content=b"Tunniste;Nimi (suomi)\n",
            county_id=county,
            status=ImportRun.Status.DONE,
            dry_run=True,
        )
        for key, county in (("X", X), ("Y", Y))
    }
    actions = {
        key: Action.objects.create(
            municipality_id=municipality,
            tier_id="UNIVERSAL_GROUP",
            target_group_id="PARENTS",
            owner=organisations["A"],
            kind=Action.Kind.NEW,
            description="Ryhmä",
            due_date=dt.date(2027, 6, 30),
        )
        for key, municipality in (("X", MIKKELI), ("Y", TAMPERE))
    }
    invitation_rows = {
        key: invitations.invite_editor(
            email=f"uusi-{key.lower()}@example.org",
            organisation=organisations[key],
            invited_by=users["administrator"],
            language="fi",
        )
        for key in ("A", "B")
    }
    reports = {
        key: ErrorReport.objects.create(
            service=services[key, "PUBLISHED"], text="Puhelinnumero on muuttunut."
        )
        for key in ("A", "B")
    }
    shared = SharedList.objects.create(
        service_ids=[service.pk for service in services.values()], note="Tukea"
    )
    return World(
        services=services,
        organisations=organisations,
        method=method,
        locations={key: service.locations.get() for key, service in services.items()},
        sessions=sessions,
        revisions=revisions,
        runs=runs,
        actions=actions,
        invitations=invitation_rows,
        shared=shared,
        reports=reports,
        users=users,
        versions=versions,
    )


def by_status(url: str, public: bool = False) -> Callable[[World], Iterator[tuple]]:
    """One case per service of A and of B in each status: public pages show published
    services only (to staff too: they use the preview); staff pages go by ownership."""

    def cases(world: World) -> Iterator[tuple]:
        for (key, status), service in world.services.items():
            if public:
                expected = EVERYONE if status == "PUBLISHED" else NOBODY
            else:
                expected = OF_A if key == "A" else OF_B
            yield {"pk": service.pk}, expected, f"{key} {status}"

    return cases


def single(expected: tuple, method: str = "get", **kwargs: Any) -> Callable:
    def cases(world: World) -> Iterator[tuple]:
        yield kwargs, expected, ""

    cases.method = method  # type: ignore[attr-defined]
    return cases


def posted(cases: Callable) -> Callable:
    """A POST: where the GET table says 200, a done action answers with a redirect."""

    def redirected(world: World) -> Iterator[tuple]:
        for kwargs, expected, label in cases(world):
            yield kwargs, tuple(302 if code == 200 else code for code in expected), label

    redirected.method = "post"  # type: ignore[attr-defined]
    return redirected


def per(
    objects: Callable[[World], dict], expectations: dict[str, tuple], field: str = "pk"
) -> Callable:
    def cases(world: World) -> Iterator[tuple]:
        for key, obj in objects(world).items():
            yield {field: getattr(obj, "pk", obj)}, expectations[key], key

    return cases


def api_services(world: World) -> Iterator[tuple]:
    """The API shows unpublished services to those who may edit them, and nobody else."""
    for (key, status), service in world.services.items():
        if status == "PUBLISHED":
            yield {"pk": service.pk}, EVERYONE, f"{key} {status}"
        else:
            owned = (404, 200, 404, 200, 404, 200) if key == "A" else (404, 404, 200, 404, 200, 200)
            yield {"pk": service.pk}, owned, f"{key} {status}"


def api_rows(attribute: str) -> Callable:
    """Locations and sessions follow their service."""

    def cases(world: World) -> Iterator[tuple]:
        for (_kwargs, expected, label), key in zip(
            api_services(world), world.services, strict=True
        ):
            yield {"pk": getattr(world, attribute)[key].pk}, expected, label

    return cases


def hsds_by_status(world: World) -> Iterator[tuple]:
    for (key, status), service in world.services.items():
        yield (
            {"pk": service.uuid},
            EVERYONE if status == "PUBLISHED" else NOBODY,
            f"{key} {status}",
        )


TABLE: dict[str, Callable] = {
    "healthz": single(EVERYONE),
    # The public site.
    "services:home": single(EVERYONE),
    "services:search": single(EVERYONE),
    # "Use my location": anyone, POST only; a POST without a position is refused (400).
    "services:nearest_place": single((400,) * 6, method="post"),
    "services:service_detail": by_status("service_detail", public=True),
    "services:report_error": by_status("report_error", public=True),
    "services:report_error_thanks": by_status("report_error_thanks", public=True),
    "services:service_calendar": by_status("service_calendar", public=True),
    "services:organisation_detail": per(lambda w: w.organisations, {"A": EVERYONE, "B": EVERYONE}),
    "services:session_list": single(EVERYONE),
    "services:session_calendar": single(EVERYONE),
    "services:support_list": single(EVERYONE),
    "services:share_list": single((405,) * 6),
    "services:shared_list": per(lambda w: {"list": w.shared.token}, {"list": EVERYONE}, "token"),
    "services:accessibility": single(EVERYONE),
    "services:privacy": single(EVERYONE),
    "services:adult_services": single(EVERYONE),
    # The staff side: the editor.
    "services:staff_home": single(STAFF),
    "services:staff_service_new": single(STAFF),
    "services:staff_service_edit": by_status("staff_service_edit"),
    "services:staff_service_preview": by_status("staff_service_preview"),
    "services:staff_service_history": by_status("staff_service_history"),
    "services:staff_service_confirm": posted(by_status("staff_service_confirm")),
    "services:staff_service_submit": posted(by_status("staff_service_submit")),
    "services:staff_service_withdraw": posted(by_status("staff_service_withdraw")),
    "services:staff_service_restore": posted(
        lambda w: iter(
            [
                (
                    {"pk": w.services["A", "PUBLISHED"].pk, "version": w.versions["A"]},
                    OF_A,
                    "A",
                ),
                (
                    {"pk": w.services["B", "PUBLISHED"].pk, "version": w.versions["B"]},
                    OF_B,
                    "B",
                ),
            ]
        )
    ),
    # Freshness: the queue, error reports, the reminders' "still accurate" links.
    "services:queue": single(STAFF),
    "services:report_detail": per(lambda w: w.reports, {"A": OF_A, "B": OF_B}),
    "services:staff_confirm_link": per(
        lambda w: {
            "A": confirm_token(user=w.users["editor_a"], service=w.services["A", "PUBLISHED"])
        },
        {"A": (LOGIN, 200, 403, 403, 403, 403)},
        "token",
    ),
    # Review.
    "services:review_list": single(COORDINATORS),
    "services:review_detail": per(lambda w: w.revisions, {"A": REVIEW_OF_X, "B": REVIEW_OF_Y}),
    # Imports.
    "services:import_list": single(COORDINATORS),
    "services:import_detail": per(
        lambda w: w.runs, {"X": IMPORT_OF_X, "Y": (LOGIN, 403, 403, 404, 200, 200)}
    ),
    "services:import_report_csv": per(
        lambda w: w.runs, {"X": IMPORT_OF_X, "Y": (LOGIN, 403, 403, 404, 200, 200)}
    ),
    "services:import_repeat": posted(
        per(
            lambda w: w.runs,
            {"X": (LOGIN, 403, 403, 302, 404, 302), "Y": (LOGIN, 403, 403, 404, 302, 302)},
        )
    ),
    "services:import_template_csv": single(COORDINATORS),
    "services:import_template_xlsx": single(COORDINATORS),
    # Accounts.
    "accounts:login": single((200, 302, 302, 302, 302, 302)),
    "accounts:logout": single((405,) * 6),
    "accounts:two_factor": single((LOGIN, 302, 302, 302, 302, 302)),
    "accounts:two_factor_setup": single((LOGIN, 200, 200, 200, 200, 200)),
    "accounts:recovery_codes": single((LOGIN, 200, 200, 200, 200, 200)),
    "accounts:profile": single(STAFF),
    "accounts:invitations": single(COORDINATORS),
    "accounts:resend_invitation": posted(
        per(
            lambda w: w.invitations,
            {"A": (LOGIN, 403, 403, 302, 404, 302), "B": (LOGIN, 403, 403, 404, 302, 302)},
        )
    ),
    "accounts:cancel_invitation": posted(
        per(
            lambda w: w.invitations,
            {"A": (LOGIN, 403, 403, 302, 404, 302), "B": (LOGIN, 403, 403, 404, 302, 302)},
        )
    ),
    "accounts:remove_editor": posted(
        lambda w: iter(
            [
                (
                    {"organisation": w.organisations["A"].pk, "user": w.users["editor_a"].pk},
                    REVIEW_OF_X,
                    "A",
                )
            ]
        )
    ),
    "accounts:accept_invitation": per(
        lambda w: {"A": invitations.invitation_token(invitation=w.invitations["A"])},
        {"A": (200, 403, 403, 403, 403, 403)},
        "token",
    ),
    # Coverage mapping and the plan.
    "mapping:nation": single(COORDINATORS),
    "mapping:county": single(COORDINATORS, code=X),
    "mapping:county_report": single(COORDINATORS, code=X),
    "mapping:municipality": single(COORDINATORS, code=MIKKELI),
    "mapping:gaps": single(COORDINATORS),
    "mapping:gap_export": single(COORDINATORS, file_format="csv"),
    "mapping:what_if": single(COORDINATORS),
    "mapping:plan": single(COORDINATORS),
    "mapping:plan_print": single(COORDINATORS),
    "mapping:plan_export": single(COORDINATORS, file_format="csv"),
    "mapping:action_add": single(COORDINATORS),
    "mapping:action_edit": per(
        lambda w: w.actions, {"X": PLAN_OF_X, "Y": (LOGIN, 403, 403, 403, 200, 200)}
    ),
    "mapping:action_delete": per(
        lambda w: w.actions, {"X": PLAN_OF_X, "Y": (LOGIN, 403, 403, 403, 200, 200)}
    ),
    # The read API: unpublished services for those who may edit them only.
    "api:api-root": single(EVERYONE),
    "api:service-list": single(EVERYONE),
    "api:service-detail": api_services,
    "api:organisation-list": single(EVERYONE),
    "api:organisation-detail": per(lambda w: w.organisations, {"A": EVERYONE, "B": EVERYONE}),
    "api:location-list": single(EVERYONE),
    "api:location-detail": api_rows("locations"),
    "api:session-list": single(EVERYONE),
    "api:session-detail": api_rows("sessions"),
    "api:method-list": single(EVERYONE),
    "api:method-detail": per(lambda w: {"m": w.method.slug}, {"m": EVERYONE}, "slug"),
    "api:coverage": single(API_COORDINATORS),
    "api:coverage-municipalities": single(
        API_COORDINATORS, query=f"county={X}&tier=SPECIALIST&target_group=PARENTS"
    ),
    "api:coverage-postal-areas": single(
        API_COORDINATORS, query=f"municipality={MIKKELI}&tier=SPECIALIST&target_group=PARENTS"
    ),
    "api:gaps": single(API_COORDINATORS),
    "api-schema": single(EVERYONE),
    "api-docs": single(EVERYONE),
    # Open Referral HSDS: published services only, for everyone.
    "hsds:root": single(EVERYONE),
    "hsds:openapi": single(EVERYONE),
    "hsds:services": single(EVERYONE),
    "hsds:service": hsds_by_status,
    "hsds:organizations": single(EVERYONE),
    "hsds:organization": per(
        lambda w: {k: o.uuid for k, o in w.organisations.items()},
        {"A": EVERYONE, "B": EVERYONE},
    ),
    "hsds:service_at_locations": single(EVERYONE),
    "hsds:service_at_location": lambda w: (
        (
            {"pk": service_at_location_id(str(location.uuid), location.pk)},
            EVERYONE if key[1] == "PUBLISHED" else NOBODY,
            str(key),
        )
        for key, location in w.locations.items()
    ),
    "hsds:taxonomies": single(EVERYONE),
    "hsds:taxonomy": lambda w: iter([({"pk": hsds_first_id("hsds:taxonomies")}, EVERYONE, "")]),
    "hsds:taxonomy_terms": single(EVERYONE),
    "hsds:not_found": single(NOBODY, path="no_such_endpoint"),
    "hsds:taxonomy_term": lambda w: iter(
        [({"pk": hsds_first_id("hsds:taxonomy_terms")}, EVERYONE, "")]
    ),
}
CODES = {
    "tiers": "SPECIALIST",
    "channels": "CHAT",
    "target-groups": "PARENTS",
    "life-situations": "BABY",
    "attributes": "FREE",
    "languages": "fi",
    "service-classes": "P3.1",
    "counties": X,
    "municipalities": MIKKELI,
    "postal-areas": "50100",
}
for _facet, _code in CODES.items():
    TABLE[f"api:{_facet}-list"] = single(EVERYONE)
    TABLE[f"api:{_facet}-detail"] = single(EVERYONE, pk=_code)


def hsds_first_id(name: str) -> str:
    """Taxonomy ids are derived from their codes: read one from the list."""
    return Client().get(reverse(name)).json()["contents"][0]["id"]


def url_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            nested = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_names(pattern.url_patterns, nested)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def project_url_names() -> set[str]:
    """Every named URL but the Django admin's own (``test_admin_access``)."""
    return {
        name for name in url_names(get_resolver().url_patterns) if not name.startswith("admin:")
    }


def test_every_url_of_the_project_has_an_entry() -> None:
    assert project_url_names() == set(TABLE)


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    signed_in = {role: sign_in(Client(), world.users[role]) for role in ROLES[1:]}
    return {"anonymous": Client(), **signed_in}


def test_every_url_answers_each_role_as_the_table_says(
    world: World, clients: dict[str, Client]
) -> None:
    wrong = []
    for name, cases in sorted(TABLE.items()):
        method = getattr(cases, "method", "get")
        for kwargs, expected, label in cases(world):
            query = kwargs.pop("query", "")
            with translation.override("fi"):
                url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
            for role, want in zip(ROLES, expected, strict=True):
                with transaction.atomic():
                    response = getattr(clients[role], method)(url)
                    transaction.set_rollback(True)
                if response.status_code != want:
                    wrong.append(f"{name} {label} {role}: {response.status_code}, not {want}")
    assert wrong == [], "\n".join(wrong)


PUBLIC_LISTINGS = [
    "/fi/search/?q=palvelu",
    "/fi/sessions/",
    "/fi/sessions/calendar.ics",
    "/api/v1/services/?page_size=200",
    "/api/v1/sessions/?page_size=200",
    "/api/v1/locations/?page_size=200",
    "/api/hsds/services?per_page=200",
    "/api/hsds/service_at_locations?per_page=200",
]


def test_unpublished_services_and_pending_changes_never_reach_the_public(
    world: World, clients: dict[str, Client]
) -> None:
    from services.search_index import rebuild_search_index

    rebuild_search_index()
    hidden = [
        service.name_fi for (_, status), service in world.services.items() if status != "PUBLISHED"
    ]
    pending_names = ["Muutettu nimi A", "Muutettu nimi B"]
    published = [world.services["A", "PUBLISHED"].name_fi, world.services["B", "PUBLISHED"].name_fi]
    pages = [
        *PUBLIC_LISTINGS,
        reverse("services:shared_list", args=[world.shared.token]),
        *(
            reverse("services:organisation_detail", args=[organisation.pk])
            for organisation in world.organisations.values()
        ),
        *(
            reverse("services:service_calendar", args=[service.pk])
            for (_, status), service in world.services.items()
            if status == "PUBLISHED"
        ),
    ]
    anonymous = clients["anonymous"]
    for url in pages:
        text = anonymous.get(url).content.decode()
        for name in [*hidden, *pending_names]:
            assert name not in text, (url, name)
    for url in ("/fi/search/?q=palvelu", "/api/v1/services/?page_size=200"):
        text = anonymous.get(url).content.decode()
        assert all(name in text for name in published), url
    # Staff on the public site see what the public sees; the API shows them their own drafts.
    for role in ROLES[1:]:
        for url in ("/fi/search/?q=palvelu", "/api/hsds/services?per_page=200"):
            text = clients[role].get(url).content.decode()
            for name in [*hidden, *pending_names]:
                assert name not in text, (role, url, name)
        api = clients[role].get("/api/v1/services/?page_size=200").content.decode()
        assert not any(name in api for name in pending_names), role
