"""'My services': the editor's own services, stale ones first, filters, review state, the
"still accurate" button, and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from services import review
from services.models import Organisation, ServiceRevision, SupportService
from tests.cast import make_user, sign_in
from tests.factories import OrganisationFactory, SupportServiceFactory


@pytest.fixture
def ours(db: None) -> Organisation:
    return OrganisationFactory(name_fi="Meidän yhdistys")


@pytest.fixture
def editor(ours: Organisation) -> User:
    return make_user("editor", organisations=[ours])


@pytest.fixture
def client(editor: User) -> Client:
    return sign_in(Client(), editor)


def confirmed(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def names_on(page: str, *names: str) -> list[str]:
    """The given names in the order the page shows them."""
    return sorted((name for name in names if name in page), key=page.index)


def test_an_editor_sees_only_their_organisations_services_stale_ones_first(
    client: Client, ours: Organisation
) -> None:
    fresh = SupportServiceFactory(organisation=ours, name_fi="Aamuryhmä", verified_at=confirmed(5))
    old = SupportServiceFactory(
        organisation=ours,
        name_fi="Vertaistuki",
        verified_at=confirmed(settings.STALE_AFTER_DAYS + 1),
    )
    never = SupportServiceFactory(organisation=ours, name_fi="Perhekahvila")
    SupportServiceFactory(name_fi="Toisen palvelu")

    page = client.get(reverse("services:staff_home")).content.decode()

    assert names_on(page, fresh.name_fi, old.name_fi, never.name_fi, "Toisen palvelu") == [
        "Perhekahvila",
        "Vertaistuki",
        "Aamuryhmä",
    ]
    assert "needs confirming" in page
    assert "3 services" in page


def test_the_list_filters_by_status_provider_name_and_staleness(db: None) -> None:
    first, second = OrganisationFactory(name_fi="Aalto ry"), OrganisationFactory(name_fi="Beta ry")
    client = sign_in(Client(), make_user("editor", organisations=[first, second]))
    SupportServiceFactory(organisation=first, name_fi="Isäryhmä", status="DRAFT")
    SupportServiceFactory(organisation=first, name_fi="Äitiryhmä", verified_at=confirmed(1))
    SupportServiceFactory(organisation=second, name_fi="Isien chat")
    url = reverse("services:staff_home")

    def shown(**query: str) -> list[str]:
        page = client.get(url, query).content.decode()
        return names_on(page, "Isäryhmä", "Äitiryhmä", "Isien chat")

    assert shown(status="DRAFT") == ["Isäryhmä"]
    assert shown(organisation=str(second.pk)) == ["Isien chat"]
    assert sorted(shown(q="isä")) == ["Isäryhmä"]
    assert sorted(shown(q="ISI")) == ["Isien chat"]
    assert "Äitiryhmä" not in shown(stale="on")
    assert client.get(url, {"organisation": "999999"}).status_code == 200  # not theirs: no filter


def test_the_provider_filter_names_each_provider_in_the_pages_language_and_keeps_the_choice(
    db: None,
) -> None:
    swedish = OrganisationFactory(name_fi="Kirkon perheneuvonta", name_sv="Kyrkans familjeråd")
    finnish_only = OrganisationFactory(name_fi="Aalto & <Beta> ry", name_sv="", name_en="")
    client = sign_in(Client(), make_user("editor", organisations=[swedish, finnish_only]))
    SupportServiceFactory(organisation=swedish)
    SupportServiceFactory(organisation=finnish_only)

    with translation.override("sv"):
        url = reverse("services:staff_home")
    page = client.get(url, {"organisation": str(finnish_only.pk)}).content.decode()

    select = page[page.index('<select name="organisation"') :]
    select = select[: select.index("</select>")]
    assert names_on(select, "Aalto &amp; &lt;Beta&gt; ry", "Kyrkans familjeråd") == [
        "Aalto &amp; &lt;Beta&gt; ry",  # Finnish, as the models fall back; in name order
        "Kyrkans familjeråd",
    ]
    assert f'<option value="{finnish_only.pk}" selected>' in select
    assert f'<option value="{swedish.pk}">' in select


def test_the_review_state_and_a_returned_requests_reason_are_shown(
    client: Client, editor: User, ours: Organisation
) -> None:
    service = SupportServiceFactory(
        organisation=ours, name_fi="Isäryhmä", status="DRAFT", municipalities=["491"]
    )
    review.submit(user=editor, service=service)
    revision = ServiceRevision.objects.get(service=service)
    review.return_to_editor(
        user=make_user("coordinator", counties=["12"]), revision=revision, reason="Lisää hinta."
    )

    page = client.get(reverse("services:staff_home")).content.decode()

    assert "Returned to the editor" in page
    assert "Lisää hinta." in page


def test_still_accurate_confirms_the_listing_and_returns_to_the_list(
    client: Client, editor: User, ours: Organisation
) -> None:
    service = SupportServiceFactory(organisation=ours, name_fi="Isäryhmä")
    version = SupportService.objects.get(pk=service.pk).version
    url = reverse("services:staff_home") + "?status=PUBLISHED"

    response = client.post(
        reverse("services:staff_service_confirm", args=[service.pk]), {"next": url}
    )

    assert response.status_code == 302
    assert response["Location"] == url
    service.refresh_from_db()
    assert service.verified_by == editor
    assert timezone.now() - service.verified_at < dt.timedelta(minutes=1)
    assert service.version == version  # a confirmation is no edit: open forms stay valid
    assert "still accurate" in client.get(url).content.decode()


def test_still_accurate_is_a_post_only_button(client: Client, ours: Organisation) -> None:
    service = SupportServiceFactory(organisation=ours)

    response = client.get(reverse("services:staff_service_confirm", args=[service.pk]))

    assert response.status_code == 405
    service.refresh_from_db()
    assert service.verified_at is None


def test_the_list_takes_the_same_number_of_queries_for_many_services(
    client: Client, editor: User, ours: Organisation, django_assert_max_num_queries: object
) -> None:
    def add(count: int) -> None:
        for number in range(count):
            service = SupportServiceFactory(
                organisation=ours,
                name_fi=f"Palvelu {number}",
                status="DRAFT",
                municipalities=["491"],
            )
            review.submit(user=editor, service=service)

    add(2)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("services:staff_home"))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("services:staff_home")).content.decode()
    assert "32 services" in page
    assert "Page 1 of 2" in page


def test_a_user_who_may_add_services_gets_the_link(client: Client) -> None:
    page = client.get(reverse("services:staff_home")).content.decode()

    assert reverse("services:staff_service_new") in page


def test_pages_keep_the_filters(client: Client, ours: Organisation) -> None:
    for number in range(30):
        SupportServiceFactory(organisation=ours, name_fi=f"Ryhmä {number}", status="DRAFT")

    page = client.get(reverse("services:staff_home"), {"status": "DRAFT"}).content.decode()

    assert "?status=DRAFT&amp;page=2" in page
