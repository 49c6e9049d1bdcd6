from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from accounts.models import User
from services.catalogue import confirm_accurate
from services.example_catalogue import (
    DATA_DIR,
    ExampleCatalogueError,
    ExampleCatalogueReport,
    load_example_catalogue,
)
from services.models import (
    ContactPoint,
    GroupSession,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    PostalArea,
    Source,
    SupportService,
    Tier,
)
from services.models.catalogue import SupportServiceQuerySet

TODAY = dt.date(2031, 3, 10)
NOW = dt.datetime(2031, 3, 10, 12, tzinfo=dt.UTC)
REMOTE_MUNICIPALITIES = {"046", "623", "768"}  # Enonkoski, Puumala, Sulkava
MIKKELI, SAVONLINNA, PIEKSAMAKI = "491", "740", "593"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[ExampleCatalogueReport]:
    """The catalogue loaded once for this module, in a transaction rolled back at its end.

    Each test runs in its own savepoint inside it, so what a test changes is undone, and no
    test depends on running before or after another.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            report = load_example_catalogue(today=TODAY)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def loaded(catalogue: ExampleCatalogueReport, db: None) -> None:
    """Every test starts from the loaded catalogue (the module fixture comes first)."""


def snapshot() -> tuple:
    """What a failed load must leave exactly as it was."""
    return (
        list(Organisation.objects.order_by("external_id").values_list("external_id", "name_fi")),
        list(SupportService.objects.order_by("external_id").values_list("external_id", "name_fi")),
        Location.objects.count(),
        GroupSession.objects.count(),
        Method.objects.count(),
    )


def published() -> SupportServiceQuerySet:
    return SupportService.objects.published()


def national() -> SupportServiceQuerySet:
    return SupportService.objects.filter(is_nationwide=True)


def regional() -> SupportServiceQuerySet:
    return SupportService.objects.filter(is_nationwide=False)


def in_person_municipalities(services: SupportServiceQuerySet) -> set[str]:
    return set(Location.objects.filter(service__in=services).values_list("municipality", flat=True))


def test_the_loader_creates_published_services_in_all_four_tiers() -> None:
    tiers = set(published().values_list("tier", flat=True))
    assert tiers == set(Tier.objects.values_list("code", flat=True))
    for tier in tiers:
        assert published().filter(tier=tier).count() >= 3


def test_every_record_is_marked_as_example_content() -> None:
    for model in (Organisation, SupportService, Location):
        assert model.objects.exists()
        assert not model.objects.exclude(source=Source.EXAMPLE).exists()
        assert not model.objects.filter(external_id="").exists()
    assert all(service.is_example for service in SupportService.objects.all())
    assert all(organisation.is_example for organisation in Organisation.objects.all())


def test_the_national_services_are_nationwide_digital_and_remote() -> None:
    assert 15 <= national().count() <= 20
    assert set(national().values_list("tier", flat=True)) == {"DIGITAL"}
    assert national().remote().count() == national().count()
    assert not national().filter(website="").exists()
    assert not Location.objects.filter(service__is_nationwide=True).exists()


def test_national_services_are_named_and_summarised_in_three_languages() -> None:
    for service in national():
        for field in ("name", "summary", "description"):
            for language in ("fi", "sv", "en"):
                assert getattr(service, f"{field}_{language}"), (service.external_id, field)


def test_the_regional_catalogue_lies_in_etela_savo() -> None:
    assert 50 <= regional().count() <= 70
    counties = set(regional().values_list("area_counties", flat=True)) - {None}
    municipalities = set(
        regional()
        .exclude(area_municipalities=None)
        .values_list("area_municipalities__county", flat=True)
    )
    assert counties == {"12"}
    assert municipalities == {"12"}
    assert set(Location.objects.values_list("municipality__county", flat=True)) == {"12"}
    assert not regional().filter(area_counties=None, area_municipalities=None).exists()


def test_some_listings_are_drafts_pending_review_or_archived() -> None:
    statuses = set(regional().values_list("status", flat=True))
    assert statuses == set(SupportService.Status.values)


def test_every_example_record_passes_full_clean() -> None:
    models = (
        Method,
        Organisation,
        SupportService,
        Location,
        ContactPoint,
        OpeningHours,
        OpeningHoursException,
        GroupSession,
    )
    for model in models:
        for record in model.objects.all():
            record.full_clean()


def test_re_running_creates_and_changes_nothing() -> None:
    models = (Organisation, SupportService, Location, ContactPoint, OpeningHours, GroupSession)
    counts = {model: model.objects.count() for model in models}
    updated = dict(SupportService.objects.values_list("external_id", "updated_at"))
    sessions = dict(GroupSession.objects.values_list("uuid", "updated_at"))

    again = load_example_catalogue(today=TODAY)

    assert again.created == 0
    assert not again.changed
    assert {model: model.objects.count() for model in models} == counts
    assert dict(SupportService.objects.values_list("external_id", "updated_at")) == updated
    assert dict(GroupSession.objects.values_list("uuid", "updated_at")) == sessions


def test_session_dates_move_ahead_of_the_load_date_in_place() -> None:
    sessions = GroupSession.objects.count()
    assert sessions > 50
    later = TODAY + dt.timedelta(days=40)

    again = load_example_catalogue(today=later)

    assert again.count("group sessions").created == 0
    assert again.count("group sessions").updated == sessions
    assert again.count("opening hours exceptions").created == 0
    assert GroupSession.objects.count() == sessions
    first = GroupSession.objects.order_by("starts_at").first()
    assert first.starts_at.date() > later


def test_every_published_group_service_has_upcoming_sessions() -> None:
    groups = published().filter(tier="UNIVERSAL_GROUP", channels="GROUP")
    assert groups.exists()
    now = dt.datetime.combine(TODAY, dt.time(23, 59), tzinfo=dt.UTC)
    for service in groups:
        assert service.sessions.upcoming(now).exists(), service.external_id


def test_holiday_closings_are_the_coming_ones() -> None:
    load_example_catalogue(today=dt.date(2032, 1, 3))
    perhetalo = Location.objects.filter(external_id="mik-perhetalo").first()
    christmas = perhetalo.opening_hours_exceptions.get(note_fi__startswith="Suljettu joulun")
    assert (christmas.start_date, christmas.end_date) == (
        dt.date(2032, 12, 24),
        dt.date(2032, 12, 26),
    )
    ristiina = Location.objects.filter(external_id="mik-ristiina").first()
    long_break = ristiina.opening_hours_exceptions.get()
    assert (long_break.start_date, long_break.end_date) == (
        dt.date(2031, 12, 23),
        dt.date(2032, 1, 6),
    )
    assert long_break.is_closed


def test_nollalinja_answers_around_the_clock() -> None:
    nollalinja = SupportService.objects.get(external_id="national-nollalinja")
    assert nollalinja.attributes.filter(code="OPEN_24_7").exists()
    phone = nollalinja.contact_points.get(value="080 005 005")
    hours = set(phone.opening_hours.values_list("weekday", "opens", "closes"))
    assert hours == {(day, dt.time(0), dt.time(0)) for day in range(7)}


def test_there_is_no_in_person_group_support_in_the_most_remote_municipalities() -> None:
    groups = published().filter(tier="UNIVERSAL_GROUP")
    places = in_person_municipalities(groups)
    assert MIKKELI in places
    assert not places & REMOTE_MUNICIPALITIES
    assert not Location.objects.filter(municipality="046").exists()


def test_fathers_and_stepfamilies_meet_in_person_only_in_mikkeli() -> None:
    for group in ("FATHERS", "STEPFAMILY"):
        services = published().filter(target_groups=group)
        assert in_person_municipalities(services) == {MIKKELI}, group


def test_specialist_services_are_met_in_person_only_in_mikkeli_and_savonlinna() -> None:
    specialist = published().filter(tier="SPECIALIST", is_nationwide=False)
    assert in_person_municipalities(specialist) == {MIKKELI, SAVONLINNA}
    # A remote channel would make them available everywhere and hide the gap.
    with_places = specialist.filter(locations__isnull=False).distinct()
    assert not with_places.remote().exists()
    assert not with_places.filter(channels="HOME_VISIT", area_municipalities=PIEKSAMAKI).exists()


def test_no_regional_service_is_offered_in_swedish() -> None:
    assert national().filter(languages="sv").exists()
    assert not regional().filter(languages="sv").exists()


def test_evidence_based_methods_keep_known_ratings_only() -> None:
    ratings = dict(Method.objects.values_list("slug", "rating"))
    assert ratings["voimaperheet"] == 5
    assert ratings["vahvuutta-vanhemmuuteen"] == 2
    for slug in ("lapset-puheeksi", "ihmeelliset-vuodet", "lapset-pois-eroriidoista", "icdp"):
        assert ratings[slug] is None
        assert Method.objects.get(slug=slug).services.exists()


def test_some_published_listings_are_stale_and_nobody_confirmed_any() -> None:
    stale = published().stale(NOW).count()
    assert 0 < stale < published().count() // 2
    assert not SupportService.objects.filter(verified_by__isnull=False).exists()


def test_finnish_only_texts_fall_back_to_finnish() -> None:
    with translation.override("sv"):
        association = Organisation.objects.get(external_id="mll-mikkeli")
        mikkeli = SupportService.objects.get(external_id="es-perheneuvola-mikkeli")
        assert association.name == "MLL Mikkelin yhdistys"
        assert association.description.startswith("Mannerheims Barnskyddsförbunds")
        assert mikkeli.name == "Familjerådgivningen, S:t Michel"


def test_a_person_who_confirmed_a_listing_keeps_the_confirmation(staff_user: User) -> None:
    service = SupportService.objects.get(external_id="es-neuvola-puumala")
    confirm_accurate(user=staff_user, services=[service], when=NOW)

    load_example_catalogue(today=TODAY + dt.timedelta(days=1))

    service.refresh_from_db()
    assert service.verified_at == NOW
    assert service.verified_by == staff_user


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "example_catalogue"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, section: str, index: int, **changes: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[section][index].update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_record_that_fails_validation_stops_the_load_and_writes_nothing(
    tmp_path: Path,
) -> None:
    data = copy_data(tmp_path)
    # The first organisation would be renamed and the last service of the last file fails:
    # everything before it has been written when the error comes, and must be undone.
    edit(data / "organisations.yaml", "organisations", 0, name="DigiFinland (renamed)")
    edit(data / "regional_public.yaml", "services", -1, min_age=12, max_age=3)
    before = snapshot()

    with pytest.raises(ExampleCatalogueError, match="es-kotoutuvat-perheet.*max_age"):
        load_example_catalogue(today=TODAY + dt.timedelta(days=1), path=data)

    assert snapshot() == before


def test_an_unknown_code_in_the_data_names_the_record(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(data / "national.yaml", "services", -1, target_groups=["PARENTS", "UNICORNS"])
    before = snapshot()

    with pytest.raises(ExampleCatalogueError, match="national-eperheentalo.*UNICORNS"):
        load_example_catalogue(today=TODAY, path=data)

    assert snapshot() == before


def test_missing_reference_data_asks_to_load_it_first() -> None:
    PostalArea.objects.all().delete()
    before = snapshot()

    with pytest.raises(ExampleCatalogueError, match="load_reference_data"):
        load_example_catalogue(today=TODAY + dt.timedelta(days=1))

    assert snapshot() == before


def test_the_command_reports_what_it_did() -> None:
    out = StringIO()
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    call_command("load_example_catalogue", "--today", tomorrow, stdout=out)
    assert "Support services: 0 created" in out.getvalue()
    assert "Group sessions: 0 created" in out.getvalue()
    assert "Example catalogue loaded." in out.getvalue()

    out = StringIO()
    call_command("load_example_catalogue", "--today", tomorrow, stdout=out)
    assert "Support services: 0 created, 0 updated, 87 unchanged" in out.getvalue()
    assert "Example catalogue up to date." in out.getvalue()


def test_the_command_stops_with_a_clear_message_on_bad_data(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit(data / "places.yaml", "places", 0, postal_code="00100")

    with pytest.raises(CommandError, match="(?s)mik-perhetalo.*00100.*Nothing was changed"):
        call_command("load_example_catalogue", "--data", str(data), stdout=StringIO())
