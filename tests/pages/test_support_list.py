from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from services.models import SharedList
from services.models.support_list import delete_expired_lists
from services.support_list import MAX_SERVICES, parse_support_list
from services.tasks import delete_expired_lists_task
from tests.pages.conftest import World, protected_post


def test_the_list_parameter_keeps_valid_ids_in_order_without_duplicates() -> None:
    parsed = parse_support_list("5,3,5,,12")
    assert parsed.ids == [5, 3, 12]
    assert parsed.messages == []
    assert parsed.query == "?list=5,3,12"


@pytest.mark.parametrize(
    "raw", ["1,abc,2", "1,-2,2", "1,0,2", "1,\x00,2", "1,2,９", "1,99999999999999999999,2"]
)
def test_bad_entries_are_dropped_with_a_message(raw: str) -> None:
    parsed = parse_support_list(raw)
    assert parsed.ids == [1, 2]
    assert parsed.messages


def test_a_list_holds_a_limited_number_of_services() -> None:
    parsed = parse_support_list(",".join(str(n) for n in range(1, 100)))
    assert len(parsed.ids) == MAX_SERVICES
    assert parsed.messages


def test_the_list_page_shows_the_services_with_their_contacts(
    parent_client: Client, world: World
) -> None:
    response = parent_client.get(f"/en/list/?list={world.service.pk},{world.example.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Couple counselling in Mikkeli" in html
    assert "Example clinic" in html
    assert 'href="tel:0151234567"' in html
    assert "Hallituskatu 3, 50100 Mikkeli" in html
    assert "Listings marked “Example”" in html
    assert "Do not write names, personal identity codes or health details" in html


def test_unpublished_and_unknown_services_are_left_out_with_a_message(
    parent_client: Client, world: World
) -> None:
    html = parent_client.get(
        f"/en/list/?list={world.draft.pk},{world.service.pk},987654,x"
    ).content.decode()
    assert "Couple counselling in Mikkeli" in html
    assert "Luonnospalvelu" not in html
    assert "2 services on the list are no longer available" in html
    assert "were not valid and were left out" in html


def test_the_note_is_shown_for_printing(parent_client: Client, world: World) -> None:
    html = parent_client.get(
        f"/en/list/?list={world.service.pk}&note=Call+on+Monday"
    ).content.decode()
    assert '<div class="note">' in html
    assert "Call on Monday" in html


@pytest.mark.parametrize(
    ("note", "message"),
    [("x" * 1001, "at most 1000 characters"), ("a\x00b", "Null characters are not allowed.")],
)
def test_a_huge_or_binary_note_gets_a_clear_message(
    parent_client: Client, world: World, note: str, message: str
) -> None:
    response = parent_client.get("/en/list/", {"list": str(world.service.pk), "note": note})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<div class="note">' not in html


def test_an_empty_list_says_so(parent_client: Client, world: World) -> None:
    assert "The list is empty." in parent_client.get("/en/list/").content.decode()


def test_sharing_stores_only_the_ids_and_the_note(parent_client: Client, world: World) -> None:
    response = protected_post(
        parent_client,
        "/en/list/share/",
        {"list": f"{world.service.pk},{world.draft.pk},{world.example.pk}", "note": "Ring soon"},
    )
    shared = SharedList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/list/{shared.token}/"
    assert shared.service_ids == [world.service.pk, world.example.pk]
    assert shared.note == "Ring soon"
    assert len(shared.token) >= 22
    assert dt.timedelta(days=89) < shared.expires_at - timezone.now() <= dt.timedelta(days=90)
    assert not response.cookies


def test_the_shared_list_shows_the_link_and_a_qr_code(parent_client: Client, world: World) -> None:
    shared = SharedList.objects.create(service_ids=[world.service.pk], note="Ring soon")
    response = parent_client.get(f"/sv/list/{shared.token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"http://testserver/sv/list/{shared.token}/" in html
    assert '<svg role="img" viewBox=' in html
    assert "Ring soon" in html
    assert "Parrelationsrådgivning i S:t Michel" in html
    assert not response.cookies


def test_an_expired_list_is_gone_and_an_unknown_one_not_found(
    parent_client: Client, world: World
) -> None:
    expired = SharedList.objects.create(
        service_ids=[world.service.pk], expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = parent_client.get(f"/en/list/{expired.token}/")
    assert response.status_code == 410
    assert "The shared list has expired" in response.content.decode()
    response = parent_client.get("/en/list/abcdefghijklmnopqrstuv/")
    assert response.status_code == 404
    assert "Shared list not found" in response.content.decode()
    assert parent_client.get("/en/list/%00%3Cscript%3E/").status_code == 404


def test_expired_lists_are_deleted_by_the_periodic_task(world: World) -> None:
    now = timezone.now()
    SharedList.objects.create(service_ids=[1], expires_at=now - dt.timedelta(days=1))
    keep = SharedList.objects.create(service_ids=[2])
    assert delete_expired_lists(now=now) == 1
    assert list(SharedList.objects.all()) == [keep]
    SharedList.objects.create(service_ids=[3], expires_at=now - dt.timedelta(days=1))
    assert delete_expired_lists_task.delay().get() == 1


def test_an_empty_list_cannot_be_shared(parent_client: Client, world: World) -> None:
    response = protected_post(parent_client, "/en/list/share/", {"list": "", "note": "x"})
    assert response.status_code == 400
    assert "The list is empty." in response.content.decode()
    assert not SharedList.objects.exists()


def test_a_huge_note_is_not_shared(parent_client: Client, world: World) -> None:
    response = protected_post(
        parent_client, "/en/list/share/", {"list": str(world.service.pk), "note": "x" * 5000}
    )
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert not SharedList.objects.exists()


def test_sharing_is_protected_like_the_error_report(parent_client: Client, world: World) -> None:
    data = {"list": str(world.service.pk), "note": ""}

    def share(**kwargs: object) -> HttpResponse:
        extra = kwargs.pop("data", {})
        return protected_post(parent_client, "/en/list/share/", {**data, **extra}, **kwargs)

    assert share(origin="https://evil.example").status_code == 403
    assert share(data={"website": "spam"}).status_code == 302
    assert share(seconds_ago=0).status_code == 400
    assert not SharedList.objects.exists()
    assert parent_client.get("/en/list/share/").status_code == 405


def test_links_on_the_site_carry_the_list(parent_client: Client, world: World) -> None:
    html = parent_client.get(f"/en/providers/{world.organisation.pk}/?list=42").content.decode()
    assert f'href="/en/services/{world.service.pk}/?list=42"' in html
    assert 'href="/en/list/?list=42"' in html
    assert 'href="/en/sessions/?list=42"' in html
    assert 'href="/sv/providers/' in html and "?list=42" in html


def test_saving_the_note_leaves_a_clean_address(parent_client: Client, world: World) -> None:
    response = parent_client.get(
        "/en/list/",
        {"list": f"{world.service.pk},3", "note": "Call", "website": "", "started": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/list/?list={world.service.pk},3&note=Call"


def test_list_pages_make_a_constant_number_of_queries(
    parent_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    shared = SharedList.objects.create(service_ids=[world.service.pk, world.example.pk])
    with django_assert_max_num_queries(4):
        parent_client.get(f"/en/list/?list={world.service.pk},{world.example.pk}")
    with django_assert_max_num_queries(5):
        parent_client.get(f"/en/list/{shared.token}/")
