from __future__ import annotations

import pytest
from django.test import Client, override_settings

from services.models import ErrorReport, SupportService
from services.views.pages import REPORTS_PER_CLIENT
from tests.pages.conftest import World, protected_post


def report_url(service: SupportService) -> str:
    return f"/en/services/{service.pk}/report/"


def test_a_parent_reports_an_error_without_giving_anything_personal(
    parent_client: Client, world: World
) -> None:
    response = protected_post(
        parent_client, report_url(world.service), {"text": "The phone number has changed."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/services/{world.service.pk}/report/thanks/"
    report = ErrorReport.objects.get()
    assert report.service == world.service
    assert report.text == "The phone number has changed."
    assert report.reply_to == ""
    assert report.status == ErrorReport.Status.NEW
    assert "Thank you for your report" in parent_client.get(response["Location"]).content.decode()


def test_a_reply_address_is_kept_when_given(parent_client: Client, world: World) -> None:
    protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Opening hours are wrong.", "reply_to": " parent@example.org "},
    )
    assert ErrorReport.objects.get().reply_to == "parent@example.org"


def test_the_form_marks_the_reply_address_optional_and_sets_no_cookie(
    parent_client: Client, world: World
) -> None:
    response = parent_client.get(report_url(world.service))
    html = response.content.decode()
    assert "if you want to hear the outcome (optional)" in html
    assert "erased when the report is closed" in html
    assert 'name="website"' in html  # the honeypot, hidden by the stylesheet
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_an_empty_report_gets_a_clear_message(parent_client: Client, world: World) -> None:
    response = protected_post(parent_client, report_url(world.service), {"text": "  "})
    assert response.status_code == 400
    assert "Tell us what is wrong in the listing." in response.content.decode()
    assert not ErrorReport.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 2001, "Ensure this value has at most 2000 characters"),
        ("wrong\x00number", "Null characters are not allowed."),
    ],
)
def test_a_huge_or_binary_report_gets_a_clear_message(
    parent_client: Client, world: World, text: str, message: str
) -> None:
    response = protected_post(parent_client, report_url(world.service), {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_a_post_from_another_site_is_refused(parent_client: Client, world: World) -> None:
    response = protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Spam"},
        origin="https://evil.example",
    )
    assert response.status_code == 403
    assert "must be sent from a page of this site" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_a_post_without_origin_or_referer_is_refused(parent_client: Client, world: World) -> None:
    response = parent_client.post(report_url(world.service), {"text": "Spam"})
    assert response.status_code == 403


def test_a_referer_from_this_site_is_enough_without_origin(
    parent_client: Client, world: World
) -> None:
    response = protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Address is wrong."},
        origin=None,
        HTTP_REFERER=f"http://testserver{report_url(world.service)}",
    )
    assert response.status_code == 302
    assert ErrorReport.objects.count() == 1


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(
    parent_client: Client, world: World
) -> None:
    response = protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Buy cheap pills", "website": "https://spam.example"},
    )
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


def test_a_form_sent_instantly_is_shown_again_with_the_text_kept(
    parent_client: Client, world: World
) -> None:
    response = protected_post(
        parent_client, report_url(world.service), {"text": "Wrong address."}, seconds_ago=0
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "sent too quickly" in html
    assert "Wrong address." in html
    assert not ErrorReport.objects.exists()


@override_settings(FORM_MIN_SECONDS=0)
def test_a_forged_time_stamp_is_not_accepted(parent_client: Client, world: World) -> None:
    response = parent_client.post(
        report_url(world.service),
        {"text": "Wrong address.", "started": "1700000000"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 400
    assert not ErrorReport.objects.exists()


def test_one_visitor_is_limited_per_day(parent_client: Client, world: World) -> None:
    for n in range(REPORTS_PER_CLIENT):
        response = protected_post(parent_client, report_url(world.service), {"text": f"Error {n}"})
        assert response.status_code == 302
    response = protected_post(parent_client, report_url(world.service), {"text": "One more"})
    assert response.status_code == 429
    assert "Too many messages" in response.content.decode()
    assert ErrorReport.objects.count() == REPORTS_PER_CLIENT
    other_visitor = protected_post(
        Client(REMOTE_ADDR="192.0.2.77"), report_url(world.service), {"text": "Another visitor"}
    )
    assert other_visitor.status_code == 302


def test_an_unpublished_listing_cannot_be_reported(parent_client: Client, world: World) -> None:
    response = protected_post(parent_client, report_url(world.draft), {"text": "Hello"})
    assert response.status_code == 404


def test_a_report_waits_in_the_queue_and_administrators_can_look_it_up_in_the_admin(
    parent_client: Client, world: World, staff_client: Client
) -> None:
    protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Phone number changed.", "reply_to": "parent@example.org"},
    )
    report = ErrorReport.objects.get()
    assert report.language == "en"
    queue = staff_client.get("/en/staff/queue/?kind=report").content.decode()
    assert f"/en/staff/reports/{report.pk}/" in queue
    listing = staff_client.get("/admin/services/errorreport/?status__exact=NEW")
    assert "Phone number changed." in listing.content.decode()


def test_a_reply_address_that_is_no_e_mail_address_is_refused(
    parent_client: Client, world: World
) -> None:
    response = protected_post(
        parent_client,
        report_url(world.service),
        {"text": "Opening hours are wrong.", "reply_to": "040 123 4567"},
    )
    assert response.status_code == 400
    assert "Check the e-mail address, or leave it empty." in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_behind_a_proxy_visitors_are_told_apart_by_their_forwarded_address(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    for n in range(REPORTS_PER_CLIENT):
        assert (
            protected_post(first, report_url(world.service), {"text": f"E{n}"}).status_code == 302
        )
    assert protected_post(first, report_url(world.service), {"text": "More"}).status_code == 429
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.11")
    assert protected_post(second, report_url(world.service), {"text": "Other"}).status_code == 302
