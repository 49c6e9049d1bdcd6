"""What the public sees of freshness: when a listing was last checked, a gentle notice when
that was long ago, and the promise that a reporter's address is erased."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import formats, timezone, translation

from services.forms import ErrorReportForm
from services.models import Organisation, SupportService
from tests.freshness.conftest import complete_listing

NOTICE = "This information was checked a long time ago, and some details may have changed."


@pytest.fixture
def listing(mikkeli_org: Organisation) -> SupportService:
    return complete_listing(mikkeli_org, "Parisuhdeneuvonta")


def checked(service: SupportService, *, days: float, confirmed: bool = True) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    if confirmed:
        SupportService.objects.filter(pk=service.pk).update(
            created_at=when - dt.timedelta(days=100), verified_at=when
        )
    else:
        SupportService.objects.filter(pk=service.pk).update(created_at=when, verified_at=None)


def about_this_listing(client: Client, service: SupportService, language: str = "en") -> str:
    page = client.get(f"/{language}/services/{service.pk}/").content.decode()
    return page.split("<h2>", page.count("<h2>"))[-1]  # the last section: "About this listing"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_page_says_when_the_information_was_checked(
    listing: SupportService, parent_client: Client, language: str
) -> None:
    checked(listing, days=40)
    when = SupportService.objects.get(pk=listing.pk).verified_at

    section = about_this_listing(parent_client, listing, language)

    with translation.override(language):
        date = formats.date_format(timezone.localtime(when), "SHORT_DATE_FORMAT")
        expected = translation.gettext("Information checked on %(date)s.") % {"date": date}
    assert expected in section
    assert NOTICE not in section


def test_the_page_says_in_english_on_which_day(
    listing: SupportService, parent_client: Client
) -> None:
    SupportService.objects.filter(pk=listing.pk).update(
        verified_at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    )

    assert "Information checked on 03/02/2026." in about_this_listing(parent_client, listing)


def test_past_eighteen_months_a_notice_says_details_may_have_changed_with_the_report_link(
    listing: SupportService, parent_client: Client
) -> None:
    checked(listing, days=settings.CHECKED_LONG_AGO_DAYS + 1)

    section = about_this_listing(parent_client, listing)

    assert NOTICE in section
    after_notice = section.split(NOTICE, 1)[1]
    assert f'<a href="/en/services/{listing.pk}/report/">Report an error in this listing</a>' in (
        after_notice
    )


def test_just_before_eighteen_months_there_is_no_notice(
    listing: SupportService, parent_client: Client
) -> None:
    checked(listing, days=settings.CHECKED_LONG_AGO_DAYS - 1)

    assert NOTICE not in about_this_listing(parent_client, listing)


def test_a_listing_never_checked_counts_from_its_creation(
    listing: SupportService, parent_client: Client
) -> None:
    checked(listing, days=30, confirmed=False)
    section = about_this_listing(parent_client, listing)
    assert "The provider has not yet checked this information." in section
    assert NOTICE not in section

    checked(listing, days=settings.CHECKED_LONG_AGO_DAYS + 1, confirmed=False)

    assert NOTICE in about_this_listing(parent_client, listing)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_report_form_says_the_address_is_erased_when_the_report_is_closed(
    listing: SupportService, parent_client: Client, language: str
) -> None:
    page = parent_client.get(f"/{language}/services/{listing.pk}/report/").content.decode()

    with translation.override(language):
        help_text = str(ErrorReportForm.base_fields["reply_to"].help_text)
    assert help_text in page
    if language == "en":
        assert "erased when the report is closed" in help_text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fi",
            "lähetämme siihen tiedon, kun ilmoitus on käsitelty, ja poistamme osoitteen samalla",
        ),
        ("sv", "vi skickar besked dit när anmälan har behandlats och raderar samtidigt adressen"),
        ("en", "we send you word when the report is closed and erase the address at the same time"),
    ],
)
def test_the_privacy_notice_says_the_address_is_erased_when_the_report_is_closed(
    parent_client: Client, db: None, language: str, words: str
) -> None:
    page = parent_client.get(f"/{language}/privacy/").content.decode()

    assert words in page
