"""The importers' writer, the example catalogue loader and the generator write through the
catalogue's write path: nothing outside a change, history where people made the change, and
imports for a county accept only that county's services."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import User
from services.catalogue.history import entries
from services.example_catalogue import load_example_catalogue
from services.generator import generate_catalogue
from services.models import Source, SupportService
from services.search import parse_search, run_search
from tests.cast import make_user
from tests.imports.conftest import import_files
from tests.write_guard import catalogue_writes_guarded

pytestmark = pytest.mark.django_db

HEADER = "Tunniste;Nimi (suomi);Palveluntuottaja;Palvelualue;Kanavat\n"
MIKKELI_ROW = "isaryhma;Isäryhmä Mikkeli;Savon Isät ry;Mikkeli;GROUP\n"
HELSINKI_ROW = "vauvakerho;Vauvakerho Helsinki;Helsingin Vauvat ry;Helsinki;GROUP\n"
NATIONWIDE_ROW = "chat;Vanhempainchat;MLL;koko Suomi;CHAT\n"


def spreadsheet(*rows: str) -> tuple[str, bytes]:
    return ("palvelut.csv", (HEADER + "".join(rows)).encode())


@pytest.fixture
def coordinator() -> User:
    return make_user("coordinator", counties=["12"])


def test_an_import_writes_through_the_catalogue_and_keeps_who_imported(
    coordinator: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with catalogue_writes_guarded() as written, django_capture_on_commit_callbacks(execute=True):
        report = import_files("spreadsheet", spreadsheet(MIKKELI_ROW), user=coordinator, run_id=7)
    assert report.error == "" and report.total("created") == 1
    assert "services_supportservice" in written
    service = SupportService.objects.get(external_id="isaryhma")
    (kept,) = entries(service)
    assert kept.user == coordinator
    assert kept.comment == "imported:7"
    assert kept.document["fields"]["name_fi"] == "Isäryhmä Mikkeli"


def test_a_dry_run_keeps_no_history_and_writes_nothing(coordinator: User) -> None:
    with catalogue_writes_guarded():
        report = import_files("spreadsheet", spreadsheet(MIKKELI_ROW), dry_run=True)
    assert report.total("created") == 1
    assert not SupportService.objects.exists()
    from reversion.models import Version

    assert not Version.objects.exists()


def test_an_import_for_a_county_rejects_the_services_of_other_counties_and_nationwide_ones(
    coordinator: User,
) -> None:
    report = import_files(
        "spreadsheet",
        spreadsheet(MIKKELI_ROW, HELSINKI_ROW, NATIONWIDE_ROW),
        user=coordinator,
        counties=frozenset({"12"}),
    )
    assert {note.where for note in report.rejected} == {"row 3", "row 4"}
    assert all("wellbeing services counties" in note.message for note in report.rejected)
    assert list(SupportService.objects.values_list("external_id", flat=True)) == ["isaryhma"]


def test_an_import_for_a_county_cannot_overwrite_a_service_of_another_county(
    coordinator: User,
) -> None:
    import_files("spreadsheet", spreadsheet(HELSINKI_ROW))  # by an administrator
    moved = HELSINKI_ROW.replace("Helsinki;GROUP", "Mikkeli;GROUP").replace(
        "Vauvakerho Helsinki", "Kaapattu"
    )
    report = import_files(
        "spreadsheet", spreadsheet(moved), user=coordinator, counties=frozenset({"12"})
    )
    assert len(report.rejected) == 1
    assert SupportService.objects.get(external_id="vauvakerho").name_fi == "Vauvakerho Helsinki"


def test_the_example_catalogue_loads_through_the_catalogue_with_its_history(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with catalogue_writes_guarded(), django_capture_on_commit_callbacks(execute=True):
        load_example_catalogue()
    service = SupportService.objects.filter(source=Source.EXAMPLE).first()
    assert [entry.comment for entry in entries(service)] == ["example"]
    assert run_search(parse_search({"q": "neuvola"})).total > 0


def test_generated_test_data_writes_through_the_catalogue_without_history(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with catalogue_writes_guarded(), django_capture_on_commit_callbacks(execute=True):
        generate_catalogue(services=40, seed=5)
        generate_catalogue(services=40, seed=6, replace=True)
    service = SupportService.objects.filter(source=Source.GENERATED).first()
    assert entries(service) == []
    assert run_search(parse_search({})).total > 0
