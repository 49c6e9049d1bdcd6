"""Backup and restore (./dev backup, ./dev restore): a dump restored into a fresh database gives
a byte-identical HSDS export; a restore never goes over a database that holds tables."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from perhekeskus import backup
from tests.imports.test_hsds_round_trip import build_catalogue

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    config = settings.DATABASES["default"]
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = f"{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
    return f"postgres://{credentials}{host}/{name}"


def dev(*arguments: str, url: str) -> subprocess.CompletedProcess[str]:
    """``./dev`` as a person runs it, with this interpreter and the database at ``url``."""
    environment = dict(os.environ, DATABASE_URL=url, PERHEKESKUS_PYTHON=sys.executable)
    return subprocess.run(
        [str(ROOT / "dev"), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def hsds_export(url: str, directory: Path) -> dict[str, bytes]:
    """Every file of the HSDS data package, as bytes; datapackage.json without the time the
    package was made (``created``), the one thing two exports of one catalogue differ in."""
    done = subprocess.run(
        [sys.executable, "manage.py", "export_hsds", str(directory), "--all-statuses"],
        cwd=ROOT,
        env=dict(os.environ, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    files = {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor.pop("created")
    files["datapackage.json"] = json.dumps(descriptor, sort_keys=True).encode()
    return files


@pytest.fixture
def fresh_database() -> str:
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_restored"
    server = psycopg.connect(
        database_url("postgres").replace("postgres://", "postgresql://"), autocommit=True
    )
    try:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
        yield name
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.close()


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_database_exports_byte_identical_hsds(
    reference_data: None, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: the PostgreSQL pass of ./dev test")
    fresh = request.getfixturevalue("fresh_database")
    build_catalogue()
    live = database_url(settings.DATABASES["default"]["NAME"])
    restored = database_url(fresh)
    dump = tmp_path / "perhekeskus.dump"

    made = dev("backup", str(dump), url=live)
    assert made.returncode == 0, made.stderr
    assert f"Backed up {settings.DATABASES['default']['NAME']} to {dump}" in made.stdout
    loaded = dev("restore", str(dump), url=restored)
    assert loaded.returncode == 0, loaded.stderr
    assert "Next: ./dev serve migrate" in loaded.stdout

    original = hsds_export(live, tmp_path / "live")
    copy = hsds_export(restored, tmp_path / "restored")
    assert len(original) > 10 and b"Perhetalo" in b"".join(original.values())
    assert copy.keys() == original.keys()
    assert [name for name in original if copy[name] != original[name]] == []

    again = dev("restore", str(dump), url=restored)
    assert again.returncode == 1
    assert "already holds tables: restore into a new, empty database" in again.stderr
    assert dev("backup", str(dump), url=live).returncode == 1  # never over an existing file


def test_a_sqlite_database_is_copied_consistently_and_not_restored_over_another(
    tmp_path: Path,
) -> None:
    live = tmp_path / "db.sqlite3"
    with sqlite3.connect(live) as database:
        database.execute("CREATE TABLE service (name TEXT)")
        database.executemany("INSERT INTO service VALUES (?)", [("Isäryhmä",), ("Perhetalo",)])
    database.close()
    dump = tmp_path / "backup.sqlite3"

    backup.backup(dump, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)})
    target = tmp_path / "restored.sqlite3"
    backup.restore(dump, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)})

    with sqlite3.connect(target) as database:
        rows = database.execute("SELECT name FROM service ORDER BY name").fetchall()
    database.close()
    assert rows == [("Isäryhmä",), ("Perhetalo",)]
    with pytest.raises(backup.BackupError, match="already holds a database"):
        backup.restore(dump, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)})
