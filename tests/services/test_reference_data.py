"""load_reference_data: counts match the shipped files, re-running changes nothing, bad files
change nothing and are named with their line."""

from __future__ import annotations

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from services.models import (
    Boundary,
    Channel,
    Municipality,
    PostalArea,
    ServiceClass,
    TargetGroup,
    WellbeingServicesCounty,
)
from services.reference_data import REFERENCE_DIR, load_reference_data

pytestmark = pytest.mark.django_db


def csv_rows(relative: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_match_the_source_files() -> None:
    assert Municipality.objects.count() == len(csv_rows("municipalities/municipalities_2026.csv"))
    assert Municipality.objects.count() == 308
    assert WellbeingServicesCounty.objects.count() == 23
    assert WellbeingServicesCounty.objects.filter(is_wellbeing_services_county=True).count() == 21
    assert PostalArea.objects.count() == len(csv_rows("postal_codes/postal_areas_2025_merged.csv"))
    assert PostalArea.objects.count() == 3026
    valid_classes = [
        row
        for row in csv_rows("services/ptv_service_classes_ptvserclass2.csv")
        if row["status"] == "VALID"
    ]
    assert ServiceClass.objects.count() == len(valid_classes)
    assert Boundary.objects.filter(kind=Boundary.Kind.MUNICIPALITY).count() == 308
    assert Boundary.objects.filter(kind=Boundary.Kind.COUNTY).count() == 23
    assert Channel.objects.count() == 13
    assert TargetGroup.objects.count() == 19


def test_bilingual_municipalities_and_swedish_names_are_loaded() -> None:
    assert Municipality.objects.filter(is_bilingual=True).count() == 33
    helsinki = Municipality.objects.get(code="091")
    assert (helsinki.name_fi, helsinki.name_sv) == ("Helsinki", "Helsingfors")
    assert helsinki.county_id == "90"
    assert Municipality.objects.get(code="478").county.name_fi == "Ahvenanmaa"


def test_remote_channels_are_the_ones_domain_names() -> None:
    in_person = set(Channel.objects.filter(is_remote=False).values_list("code", flat=True))
    assert in_person == {"IN_PERSON", "HOME_VISIT", "GROUP", "MEETING_PLACE"}


def test_population_matches_the_postal_area_file() -> None:
    total = sum(
        int(row["population_2022"]) for row in csv_rows("postal_codes/postal_areas_2025_merged.csv")
    )
    assert PostalArea.objects.aggregate(total=Sum("population"))["total"] == total == 5_494_750


def test_children_estimate_is_population_times_the_municipal_share_of_children() -> None:
    demographics = csv_rows("population/paavo_municipality_demographics_2018.csv")
    helsinki = next(row for row in demographics if row["code_2026"] == "091")
    bands = ("0-2", "3-6", "7-12", "13-15", "16-17")
    children = sum(int(helsinki[f"{band} years, 2018 (HE)"]) for band in bands)
    share = children / int(helsinki["Inhabitants, total, 2018 (HE)"])
    area = PostalArea.objects.get(code="00100")
    assert area.population == 18030
    assert area.children_estimate == pytest.approx(18030 * share, rel=1e-12)


def test_merged_municipalities_sum_their_predecessors() -> None:
    demographics = csv_rows("population/paavo_municipality_demographics_2018.csv")
    rows = [row for row in demographics if row["code_2026"] == "507"]
    assert {row["name_fi"] for row in rows} == {"Mäntyharju", "Pertunmaa"}
    bands = ("0-2", "3-6", "7-12", "13-15", "16-17")
    children = sum(int(row[f"{band} years, 2018 (HE)"]) for row in rows for band in bands)
    inhabitants = sum(int(row["Inhabitants, total, 2018 (HE)"]) for row in rows)
    assert Municipality.objects.get(code="507").children_share == pytest.approx(
        children / inhabitants
    )
    population_2022 = sum(
        int(row["population"])
        for row in csv_rows("population/municipality_population_sotkanet_2000_2022.csv")
        if row["year"] == "2022" and row["code"] in ("507", "588")
    )
    assert Municipality.objects.get(code="507").population == population_2022


def test_an_area_without_a_centre_gets_its_municipalitys_centre_and_says_so() -> None:
    area = PostalArea.objects.get(code="90600")
    oulu = Municipality.objects.get(code="564")
    assert area.centre_is_estimated
    assert (area.latitude, area.longitude) == (oulu.latitude, oulu.longitude)
    assert PostalArea.objects.filter(centre_is_estimated=True).count() == 1


def test_rerunning_changes_nothing() -> None:
    before = list(PostalArea.objects.order_by("code").values_list())
    output = StringIO()
    call_command("load_reference_data", stdout=output)
    assert "0 created, 0 updated, 3026 unchanged" in output.getvalue()
    assert "Reference data up to date." in output.getvalue()
    assert list(PostalArea.objects.order_by("code").values_list()) == before


def test_a_changed_label_is_updated_in_place(tmp_path: Path) -> None:
    data = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, data)
    taxonomy_file = data / "taxonomies.csv"
    taxonomy_file.write_text(
        taxonomy_file.read_text(encoding="utf-8").replace(
            "hembesök,home visit", "hembesök,house call"
        ),
        encoding="utf-8",
    )
    report = load_reference_data(base=data)
    assert report["channel terms"].updated == 1
    assert Channel.objects.get(code="HOME_VISIT").name_en == "house call"


def corrupt(tmp_path: Path, relative: str, line: int, replacement: str) -> Path:
    data = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, data)
    target = data / relative
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = replacement
    target.write_text("".join(lines), encoding="utf-8")
    return data


def snapshot() -> tuple:
    return (
        Municipality.objects.count(),
        PostalArea.objects.count(),
        list(Municipality.objects.order_by("code").values_list("code", "name_fi", "population")),
    )


@pytest.mark.parametrize(
    ("relative", "line", "replacement", "message"),
    [
        (
            "postal_codes/postal_areas_2025_merged.csv",
            5,
            "00140,Kaivopuisto,Brunnsparken,999,X,X,X,01,U,N,1,1,24.9,60.1,10,paavo_2020\n",
            "unknown municipality '999'",
        ),
        (
            "postal_codes/postal_areas_2025_merged.csv",
            7,
            "00160,Katajanokka,Skatudden,091,H,H,H,01,U,N,1,1,24.9,60.1,many,paavo_2020\n",
            "population 'many' is not a number",
        ),
        (
            "postal_codes/postal_areas_2025_merged.csv",
            9,
            "00180,Kamppi,Kampen,091,H,H,H,01,U,N,1,1,2.35,48.85,10,paavo_2020\n",
            "is not in Finland",
        ),
        (
            "postal_codes/postal_areas_2025_merged.csv",
            4,
            "00100,broken\n",
            "wrong number of fields",
        ),
        (
            "municipalities/municipalities_2026.csv",
            3,
            "009,Alavieska,Alavieska,Alavieska,0,x,x,False,fi,17,P,N,N,77,x,x,x,1,x,x,3,x,x,2026,24.3,64.1\n",
            "unknown wellbeing services county '77'",
        ),
        (
            "taxonomies.csv",
            6,
            "channel,IN_PERSON,,personligt möte,in-person meeting,false\n",
            "the Finnish name is empty",
        ),
        ("taxonomies.csv", 1, "kind,code,fi,sv,en\n", "missing column(s)"),
    ],
)
def test_a_malformed_file_stops_naming_file_and_line_and_changes_nothing(
    tmp_path: Path, relative: str, line: int, replacement: str, message: str
) -> None:
    data = corrupt(tmp_path, relative, line, replacement)
    PostalArea.objects.filter(code="00100").update(population=1)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", data_dir=data, stdout=StringIO())
    text = str(error.value)
    assert str(data / relative) in text
    assert f"line {line}" in text
    assert message in text
    assert "Nothing was changed" in text
    assert snapshot() == before
    assert PostalArea.objects.get(code="00100").population == 1


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    data = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, data)
    (data / "boundaries/municipalities_2026.geojson").unlink()
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", data_dir=data, stdout=StringIO())
    assert "municipalities_2026.geojson: file not found" in str(error.value)


def test_malformed_json_names_its_line(tmp_path: Path) -> None:
    data = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, data)
    (data / "boundaries/wellbeing_services_counties_2026.geojson").write_text(
        '{"type": "FeatureCollection",\n "features": [\n  {oops}\n]}', encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", data_dir=data, stdout=StringIO())
    assert "wellbeing_services_counties_2026.geojson, line 3: malformed JSON" in str(error.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    data = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, data)
    target = data / "municipalities/municipalities_2026.csv"
    target.write_bytes(target.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", data_dir=data, stdout=StringIO())
    assert "municipalities_2026.csv: not UTF-8 text" in str(error.value)
