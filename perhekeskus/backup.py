"""Backup and restore of the database that ``DATABASE_URL`` names: ``./dev backup FILE`` and
``./dev restore FILE`` (README "Backup and restore").

PostgreSQL: ``pg_dump`` in its custom format (compressed; everything, without owners and
grants, so that it restores under another user), and ``pg_restore`` in one transaction into a
new, empty database; nothing is restored into a database that already holds tables. The
client programs must be of the server's major version or newer (``PG_BIN``: their folder).

SQLite: SQLite's online backup makes a consistent copy while the site runs; restoring copies
it to the database file, again only where no database with tables is.

Redis holds nothing that needs a backup: the cache, the task queue, and search demand counts
of the last few minutes (``SEARCH_DEMAND_FLUSH_SECONDS``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


class BackupError(Exception):
    """What went wrong, in words for the person who ran the command."""


def database() -> dict[str, Any]:
    """The database of the settings (``DATABASE_URL``, else the SQLite file of the default)."""
    return dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")


def backup(target: Path, config: dict[str, Any] | None = None) -> None:
    config = config or database()
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; name a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_postgres(config):
        run_client(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            config,
        )
    else:
        source = sqlite_path(config)
        if not source.exists():
            raise BackupError(f"There is no database at {source}.")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        copy.close()


def restore(source: Path, config: dict[str, Any] | None = None) -> None:
    config = config or database()
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if is_postgres(config):
        if postgres_has_tables(config):
            raise BackupError(
                f"The database {config['NAME']} already holds tables: restore into a new, "
                "empty database (createdb NAME; DATABASE_URL naming it), never over a live one."
            )
        run_client(
            "pg_restore",
            ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"],
            config,
            str(source),
        )
    else:
        target = sqlite_path(config)
        if target.exists() and sqlite_has_tables(target):
            raise BackupError(
                f"{target} already holds a database: move it away first (or set DATABASE_URL "
                "to a new file), then restore."
            )
        with sqlite3.connect(source) as saved, sqlite3.connect(target) as copy:
            saved.backup(copy)
        copy.close()


def is_postgres(config: dict[str, Any]) -> bool:
    return "postgresql" in config["ENGINE"]


def sqlite_path(config: dict[str, Any]) -> Path:
    return Path(config["NAME"])


def sqlite_has_tables(path: Path) -> bool:
    with sqlite3.connect(path) as connection:
        found = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        return found.fetchone()[0] > 0


def postgres_has_tables(config: dict[str, Any]) -> bool:
    import psycopg

    with psycopg.connect(**connection_arguments(config), connect_timeout=10) as connection:
        found = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        return found.fetchone()[0] > 0


def connection_arguments(config: dict[str, Any]) -> dict[str, Any]:
    arguments = {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    return {key: value for key, value in arguments.items() if value is not None}


def client_program(name: str) -> str:
    """``name`` from ``PG_BIN``, else the newest PostgreSQL's own folder, else the PATH."""
    folders = [os.environ["PG_BIN"]] if os.environ.get("PG_BIN") else []
    folders += sorted(
        (str(path) for path in Path("/usr/lib/postgresql").glob("*/bin")),
        key=lambda folder: (
            int(Path(folder).parent.name) if Path(folder).parent.name.isdigit() else 0
        ),
        reverse=True,
    )
    for folder in folders:
        if (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs (Debian: "
            "postgresql-client) or name their folder in PG_BIN."
        )
    return found


def run_client(name: str, options: list[str], config: dict[str, Any], *rest: str) -> None:
    """Run pg_dump or pg_restore against the database; the password goes in the environment,
    never on the command line."""
    environment = dict(os.environ)
    arguments = connection_arguments(config)
    if "password" in arguments:
        environment["PGPASSWORD"] = str(arguments["password"])
    command = [client_program(name), *options, f"--dbname={arguments['dbname']}"]
    if "host" in arguments:
        command.append(f"--host={arguments['host']}")
    if "port" in arguments:
        command.append(f"--port={arguments['port']}")
    if "user" in arguments:
        command.append(f"--username={arguments['user']}")
    completed = subprocess.run(
        [*command, "--no-password", *rest],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(f"{name} failed: {completed.stderr.strip() or completed.stdout.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("file", type=Path)
    arguments = parser.parse_args(argv)
    config = database()
    where = config["NAME"]
    try:
        if arguments.action == "backup":
            backup(arguments.file, config)
            size = arguments.file.stat().st_size
            print(f"Backed up {where} to {arguments.file} ({size:,} bytes).")
        else:
            restore(arguments.file, config)
            print(
                f"Restored {arguments.file} into {where}. Next: ./dev serve migrate (applies any "
                "newer migrations), then start the processes."
            )
    except BackupError as error:
        print(f"./dev {arguments.action}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
