"""Importing Suomi.fi PTV open API v11 services, channels and organisations."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from services.importers.ptv import plain_text, ptv_point
from services.models import ContactPoint, Location, Organisation, Source, SupportService
from tests.factories import SupportServiceFactory
from tests.imports.conftest import (
    PTV_CHANNEL_ID,
    PTV_SERVICE_FILE,
    PTV_SERVICE_ID,
    as_file,
    catalogue_state,
    import_files,
    ptv_channel,
    ptv_service,
)

pytestmark = pytest.mark.django_db


def imported() -> SupportService:
    return SupportService.objects.get(source=Source.PTV, external_id=PTV_SERVICE_ID)


def test_the_real_sample_service_becomes_a_draft_with_its_texts_area_and_classes() -> None:
    report = import_files("ptv", PTV_SERVICE_FILE)

    assert report.error == ""
    assert report.rejected == []
    assert report.total("created") == 1
    service = imported()
    assert service.status == SupportService.Status.DRAFT
    assert service.name_fi == "Yksilöllistetty oppimäärä"
    assert service.summary_fi.startswith("Oppimäärää voidaan yksilöllistää")
    assert service.description_fi.startswith("Liperin koulut noudattavat")
    assert service.how_to_get_fi.startswith("Oppimäärän yksilöllistämisestä sovitaan")
    assert service.eligibility_fi.startswith("Oppimäärän yksilöllistäminen edellyttää")
    assert service.tier_id == "UNIVERSAL_INDIVIDUAL"
    assert not service.is_nationwide
    assert set(service.area_municipalities.values_list("code", flat=True)) == {"426"}
    assert set(service.service_classes.values_list("code", flat=True)) == {"P6.2"}
    # KR1.2 "Lapset ja lapsiperheet" is our PARENTS.
    assert set(service.target_groups.values_list("code", flat=True)) == {"PARENTS"}
    assert set(service.languages.values_list("code", flat=True)) == {"fi"}
    assert service.organisation.name == "Liperin kunta"
    assert service.organisation.kind == Organisation.Kind.PUBLIC
    assert service.organisation.source == Source.PTV
    assert service.organisation.external_id == "a6e72986-0d23-4d4b-8619-b49fa0c5baa3"
    # The sample's second municipality code (123) is no municipality: reported, not guessed.
    assert any("123" in note.message for note in report.warnings)


def test_importing_the_same_file_twice_changes_nothing_the_second_time() -> None:
    files = (PTV_SERVICE_FILE, as_file("channel.json", ptv_channel()))
    import_files("ptv", *files)
    before = catalogue_state()

    report = import_files("ptv", *files)

    assert report.total("created") == 0
    assert report.total("updated") == 0
    assert report.total("unchanged") == 1
    assert not report.changed
    assert catalogue_state() == before


def test_a_service_location_channel_becomes_a_location_in_wgs84_with_opening_hours() -> None:
    report = import_files("ptv", PTV_SERVICE_FILE, as_file("channel.json", ptv_channel()))

    assert report.rejected == []
    location = imported().locations.get()
    assert location.external_id == PTV_CHANNEL_ID
    assert location.name_fi == "Otavan Opisto / Otavia"
    assert location.street_address_fi == "Otavantie 2 B"
    assert location.postal_code == "50670"
    assert location.municipality_id == "491"
    # ETRS-TM35FIN N 6834688, E 503879 is in Otava, south of Mikkeli.
    assert location.latitude == pytest.approx(61.6455, abs=0.001)
    assert location.longitude == pytest.approx(27.0732, abs=0.001)
    assert "main entrance" in location.accessibility_notes_en
    hours = [(h.weekday, h.opens, h.closes) for h in location.opening_hours.all()]
    assert hours == [(day, dt.time(8), dt.time(16)) for day in range(5)]
    assert "IN_PERSON" in set(imported().channels.values_list("code", flat=True))


def test_the_channels_phones_emails_and_web_pages_become_contact_points() -> None:
    import_files("ptv", PTV_SERVICE_FILE, as_file("channel.json", ptv_channel()))

    contacts = {(c.kind, c.value): c for c in imported().contact_points.all()}
    phone = contacts[(ContactPoint.Kind.PHONE, "+358 447943552")]
    assert phone.label_fi == "Opintoasiainvastaava"
    assert (ContactPoint.Kind.EMAIL, "info@otavia.fi") in contacts
    assert contacts[(ContactPoint.Kind.WEB, "http://www.otavanopisto.fi/")].label_fi == (
        "Otavan Opiston verkkosivut"
    )


def test_a_channel_alone_completes_a_service_already_in_the_catalogue() -> None:
    import_files("ptv", PTV_SERVICE_FILE)

    report = import_files("ptv", as_file("channel.json", ptv_channel()))

    assert report.rejected == []
    assert report.total("updated") == 1
    assert imported().locations.count() == 1


def test_a_channel_of_no_known_service_is_rejected_with_the_reason() -> None:
    report = import_files("ptv", as_file("channel.json", ptv_channel(linked_to=None)))

    assert report.error == ""
    assert len(report.rejected) == 1
    assert "None of the services of this channel" in report.rejected[0].message
    assert Location.objects.count() == 0


def test_a_list_page_of_services_is_read_and_each_bad_record_is_reported() -> None:
    good = ptv_service()
    nameless = ptv_service() | {"id": "11111111-1111-4111-8111-111111111111", "serviceNames": []}
    deleted = ptv_service() | {
        "id": "22222222-2222-4222-8222-222222222222",
        "publishingStatus": "Deleted",
    }
    page = {"pageNumber": 1, "pageCount": 1, "itemList": [good, nameless, deleted, "junk"]}

    report = import_files("ptv", as_file("page.json", page))

    assert report.total("created") == 1
    reasons = {note.where: note.message for note in report.rejected}
    assert len(reasons) == 3
    assert "no name" in reasons["record 2 (id 11111111-1111-4111-8111-111111111111)"]
    assert "deleted" in reasons["record 3 (id 22222222-2222-4222-8222-222222222222)"]
    assert "object was expected" in reasons["record 4"]


def test_a_nationwide_service_serves_the_whole_country() -> None:
    service = ptv_service() | {"areaType": "Nationwide", "areas": []}

    import_files("ptv", as_file("service.json", service))

    assert imported().is_nationwide
    assert not imported().area_municipalities.exists()


def test_a_whole_wellbeing_services_county_becomes_the_county() -> None:
    # Etelä-Savo, with Mäntyharju (507) given by the code of Pertunmaa (588), which joined it
    # in 2025.
    etela_savo = ["046", "097", "178", "213", "491", "588", "593", "623", "681", "740", "768"]
    area = {
        "type": "Region",
        "municipalities": [{"code": code} for code in etela_savo] + [{"code": "853"}],
    }
    service = ptv_service() | {"areaType": "LimitedType", "areas": [area]}

    import_files("ptv", as_file("service.json", service))

    assert set(imported().area_counties.values_list("code", flat=True)) == {"12"}
    assert set(imported().area_municipalities.values_list("code", flat=True)) == {"853"}


def test_a_published_service_stays_published_and_keeps_its_tier_when_imported_again() -> None:
    import_files("ptv", PTV_SERVICE_FILE)
    service = imported()
    service.status = SupportService.Status.PUBLISHED
    service.tier_id = "SPECIALIST"
    service.save()
    service.target_groups.set(["FATHERS"])
    changed = ptv_service()
    changed["serviceNames"][0]["value"] = "Uusi nimi"

    report = import_files("ptv", as_file("service.json", changed))

    assert report.total("updated") == 1
    service = imported()
    assert service.name_fi == "Uusi nimi"
    assert service.status == SupportService.Status.PUBLISHED
    assert service.tier_id == "SPECIALIST"
    assert set(service.target_groups.values_list("code", flat=True)) == {"FATHERS"}


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing() -> None:
    before = catalogue_state()

    report = import_files("ptv", PTV_SERVICE_FILE, dry_run=True)

    assert report.dry_run
    assert report.total("created") == 1
    assert catalogue_state() == before


def test_a_strict_import_with_a_rejected_record_writes_nothing() -> None:
    page = {"itemList": [ptv_service(), {"id": "not-a-uuid", "serviceNames": []}]}
    before = catalogue_state()

    report = import_files("ptv", as_file("page.json", page), strict=True)

    assert report.failed
    assert "Nothing was imported" in report.error
    assert catalogue_state() == before


def test_a_file_that_is_not_json_is_a_clean_error() -> None:
    report = import_files("ptv", ("services.json", b"<html>not json</html>"))

    assert report.failed
    assert "not valid JSON" in report.error
    assert not report.internal_error


def test_phone_channel_hours_exceptions_and_evening_hours_over_midnight() -> None:
    today = timezone.localdate()
    channel = {
        "id": "33333333-3333-4333-8333-333333333333",
        "serviceChannelType": "Phone",
        "serviceChannelNames": [{"language": "fi", "value": "Vanhempainpuhelin", "type": "Name"}],
        "phoneNumbers": [
            {
                "number": "0800 92277",
                "isFinnishServiceNumber": True,
                "serviceChargeType": "FreeOfCharge",
                "language": "fi",
            }
        ],
        "serviceHours": [
            {
                "serviceHourType": "DaysOfTheWeek",
                "openingHour": [{"dayFrom": "Friday", "dayTo": "", "from": "20:00", "to": "02:00"}],
            },
            {
                "serviceHourType": "Exceptional",
                "validFrom": f"{today + dt.timedelta(days=3)}T00:00:00",
                "validTo": f"{today + dt.timedelta(days=4)}T00:00:00",
                "isClosed": True,
                "additionalInformation": [{"language": "fi", "value": "Juhlapyhä"}],
            },
            {
                "serviceHourType": "Exceptional",
                "validFrom": "2019-12-24T00:00:00",
                "isClosed": True,
            },
        ],
        "services": [{"service": {"id": PTV_SERVICE_ID}}],
    }

    import_files("ptv", PTV_SERVICE_FILE, as_file("phone.json", channel))

    phone = imported().contact_points.get(kind=ContactPoint.Kind.PHONE)
    assert phone.value == "0800 92277"
    assert phone.charge_fi == "maksuton"
    assert [(h.weekday, h.opens, h.closes) for h in phone.opening_hours.all()] == [
        (4, dt.time(20), dt.time(0)),
        (5, dt.time(0), dt.time(2)),
    ]
    exception = phone.opening_hours_exceptions.get()  # the 2019 one has passed
    assert exception.is_closed
    assert exception.note_fi == "Juhlapyhä"
    assert set(imported().channels.values_list("code", flat=True)) == {"PHONE"}


def test_an_organisation_record_gives_the_provider_its_kind_and_checked_business_id() -> None:
    organisation = {
        "id": "a6e72986-0d23-4d4b-8619-b49fa0c5baa3",
        "organizationType": "Organization",
        "businessCode": "0201256-6",
        "organizationNames": [
            {"language": "fi", "value": "Mannerheimin Lastensuojeluliitto", "type": "Name"},
            {"language": "sv", "value": "Mannerheims Barnskyddsförbund", "type": "Name"},
        ],
        "webPages": [{"url": "https://www.mll.fi/", "language": "fi"}],
    }
    bad = organisation | {"id": "44444444-4444-4444-8444-444444444444", "businessCode": "1234567-8"}

    report = import_files("ptv", as_file("orgs.json", [organisation, bad]), PTV_SERVICE_FILE)

    provider = imported().organisation
    assert provider.kind == Organisation.Kind.NGO
    assert provider.business_id == "0201256-6"
    assert provider.name_sv == "Mannerheims Barnskyddsförbund"
    assert provider.website == "https://www.mll.fi/"
    assert any("1234567-8" in note.message for note in report.warnings)
    assert Organisation.objects.get(external_id=bad["id"]).business_id == ""


def test_a_provider_entered_by_hand_is_found_by_its_business_id() -> None:
    manual = SupportServiceFactory(organisation__business_id="0201256-6").organisation
    organisation = {
        "id": "a6e72986-0d23-4d4b-8619-b49fa0c5baa3",
        "organizationType": "Organization",
        "businessCode": "0201256-6",
        "organizationNames": [{"language": "fi", "value": "MLL", "type": "Name"}],
    }

    import_files("ptv", as_file("orgs.json", organisation), PTV_SERVICE_FILE)

    assert imported().organisation == manual
    assert Organisation.objects.count() == 1


def test_ptv_markup_in_descriptions_becomes_plain_text() -> None:
    draft_js = json.dumps(
        {
            "blocks": [
                {"text": "Tukea arkeen.", "type": "unstyled"},
                {"text": "kotikäynnit", "type": "unordered-list-item"},
            ],
            "entityMap": {},
        }
    )

    assert plain_text(draft_js) == "Tukea arkeen.\n- kotikäynnit"
    assert plain_text("**Tärkeää:** katso [sivu](https://example.fi)") == (
        "Tärkeää: katso sivu (https://example.fi)"
    )


def test_coordinates_outside_finland_are_not_kept() -> None:
    assert ptv_point("6834688", "503879") is not None
    assert ptv_point("61.64", "27.07") == (61.64, 27.07)
    assert ptv_point("100", "101") is None
    assert ptv_point("nan", "1e400") is None
