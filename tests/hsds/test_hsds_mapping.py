"""What our catalogue looks like in HSDS: each part of the model lands where HSDS keeps it."""

from __future__ import annotations

from django.test import Client

from services.hsds.taxonomies import term_id
from tests.hsds.world import World


def service(client: Client, world: World) -> dict:
    return client.get(f"/api/hsds/services/{world.service.uuid}").json()


def attribute_values(document: dict) -> dict[str, str | None]:
    return {
        attribute["taxonomy_term"]["code"]: attribute.get("value")
        for attribute in document.get("attributes", [])
    }


def test_taxonomies_texts_and_our_own_fields_are_attributes(client: Client, world: World) -> None:
    values = attribute_values(service(client, world))
    assert {"tier:SPECIALIST", "channel:CHAT", "target_group:STEPFAMILY"} <= set(values)
    assert {"life_situation:STEPFAMILY", "low_threshold:FREE", "service_class:P3.7"} <= set(values)
    assert "method:lapset-puheeksi" in values
    assert values["translation:name:sv"] == "Familjerådgivning"
    assert values["translation:summary:sv"] == "Stöd i fostran och parrelationen."
    assert "translation:description:en" not in values
    assert values["field:prenatal"] == "true"
    assert values["field:status"] == "PUBLISHED"
    assert values["field:external_id"] == "ptv-service-1"


def test_languages_areas_and_costs(client: Client, world: World) -> None:
    document = service(client, world)
    assert {language["code"] for language in document["languages"]} == {"fi", "sv"}
    areas = {tuple(attribute_values(area)) for area in document["service_areas"]}
    assert areas == {("wellbeing_services_county:10",), ("municipality:491",)}
    assert document["cost_options"] == [
        {
            "id": document["cost_options"][0]["id"],
            "service_id": str(world.service.uuid),
            "option": "maksuton",
            "currency": "EUR",
            "amount": 0,
        }
    ]
    assert document["assured_date"] == "2026-03-01"
    assert document["email"] == "neuvonta@example.fi"


def test_a_location_has_its_address_accessibility_and_weekly_hours(
    client: Client, world: World
) -> None:
    links = service(client, world)["service_at_locations"]
    location = next(
        link["location"] for link in links if link["location"]["location_type"] == "physical"
    )
    assert location["id"] == str(world.location.uuid)
    (address,) = location["addresses"]
    assert (address["address_1"], address["postal_code"], address["city"]) == (
        "Maaherrankatu 13",
        "50100",
        "Mikkeli",
    )
    assert address["state_province"] == "Etelä-Savon hyvinvointialue"
    features = {
        tuple(attribute_values(row).items())[0]
        for row in location["accessibility"]
        if row.get("attributes")
    }
    assert features == {
        ("accessibility:STEP_FREE", "true"),
        ("accessibility:STROLLER_ACCESS", "false"),
    }
    weekly = {
        (row["byday"], row["opens_at"], row["closes_at"])
        for row in location["schedules"]
        if "valid_from" not in row
    }
    assert weekly == {("MO,TU,WE,TH,FR", "08:00:00", "16:00:00"), ("TH", "17:00:00", "19:00:00")}
    exceptions = {
        (row["valid_from"], row.get("opens_at"), row.get("description"))
        for row in location["schedules"]
        if "valid_from" in row
    }
    assert exceptions == {
        ("2026-07-01", None, "Suljettu: Kesäsuljettu"),
        ("2026-12-23", "09:00:00", None),
    }
    assert location["external_identifier"] == "ptv-channel-7"


def test_contact_points_are_virtual_locations(client: Client, world: World) -> None:
    links = service(client, world)["service_at_locations"]
    virtual = [link["location"] for link in links if link["location"]["location_type"] == "virtual"]
    kinds = {
        code
        for location in virtual
        for code in attribute_values(location)
        if code.startswith("contact_point_kind:")
    }
    assert kinds == {
        "contact_point_kind:PHONE",
        "contact_point_kind:CHAT",
        "contact_point_kind:EMAIL",
    }
    chat = next(location for location in virtual if location.get("url"))
    assert chat["url"] == "https://chat.example.fi/perheneuvola"
    phone = next(location for location in virtual if location["phones"])
    assert phone["phones"][0]["number"] == "+358 15 194 2000"
    assert phone["schedules"][0]["byday"] == "MO"
    online = client.get(f"/api/hsds/services/{world.online.uuid}").json()
    (web,) = [link["location"] for link in online["service_at_locations"]]
    assert "url" not in web  # not a URL: kept as it was, in an attribute
    assert attribute_values(web)["field:contact_value"] == "www.example.fi without scheme"


def test_group_sessions_are_one_off_schedules_and_cancelled_ones_are_left_out(
    client: Client, world: World
) -> None:
    document = service(client, world)
    (online,) = document["schedules"]
    assert online["id"] == str(world.online_session.uuid)
    assert (online["dtstart"], online["opens_at"], online["timezone"]) == (
        "2026-02-03",
        "18:00:00",
        2,
    )
    assert online["attending_type"] == "online"
    link = next(link for link in document["service_at_locations"] if link["schedules"])
    (session,) = link["schedules"]
    assert session["id"] == str(world.session_at_location.uuid)
    assert (session["opens_at"], session["closes_at"], session["timezone"]) == (
        "17:30:00",
        "19:00:00",
        3,
    )
    assert session["schedule_link"] == "https://www.example.fi/ilmoittaudu"
    assert attribute_values(session)["field:seats"] == "12"
    every_id = str(document)
    assert str(world.cancelled_session.uuid) not in every_id


def test_an_organisation_has_its_business_id_parent_and_kind(client: Client, world: World) -> None:
    document = client.get(f"/api/hsds/organizations/{world.organisation.uuid}").json()
    assert document["organization_identifiers"][0]["identifier_scheme"] == "FI-PRO"
    assert document["organization_identifiers"][0]["identifier"] == "0201256-6"
    assert document["parent_organization_id"] == str(world.parent.uuid)
    assert "organisation_kind:PUBLIC" in attribute_values(document)
    assert [s["id"] for s in document["services"]] == [str(world.service.uuid)]


def test_taxonomy_term_ids_are_stable_and_methods_link_to_their_source(
    client: Client, world: World
) -> None:
    term = client.get(f"/api/hsds/taxonomy_terms/{term_id('tier', 'DIGITAL')}").json()
    assert (term["code"], term["name"]) == ("tier:DIGITAL", "sähköiset palvelut")
    assert term_id("tier", "DIGITAL") == "65ad607d-b73f-58ab-b832-ca6d57aa84fa"
    method = client.get(f"/api/hsds/taxonomy_terms/{term_id('method', 'lapset-puheeksi')}").json()
    assert method["term_uri"] == "https://www.kasvuntuki.fi/lapset-puheeksi"
