"""The stack's pieces, shared by the stack test and the soak benchmark (bench/soak.py): a
throwaway PostgreSQL cluster, ``./dev serve`` processes with their logs, and a coordinator
using the site over HTTP (password, then the authenticator's code)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import redis
import requests
from celery import Celery
from django_otp.oath import totp

from tests.html_forms import form_data
from tests.stack.proxy import FaultyProxy

ROOT = Path(__file__).resolve().parents[2]
TIER, GROUP = "UNIVERSAL_INDIVIDUAL", "PARENTS"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], timeout: float, logs: Callable[[], str]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (requests.RequestException, psycopg.Error, redis.RedisError):
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise StackError(f"Waited {timeout:.0f} s for {what}.\n{logs()}")


# PostgreSQL ---------------------------------------------------------------------------------


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary folder, on a port of its own, fast and unsafe
    (fsync off). As root it runs as the ``postgres`` user, as PostgreSQL requires."""

    def __init__(self, folder: Path, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.data = folder / "pgdata"
        self.sockets = folder / "pgsockets"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        for path in (self.data, self.sockets):
            path.mkdir()
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            folder.chmod(0o755)
            for path in (self.data, self.sockets):
                shutil.chown(path, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")  # fmt: skip
        self.start()

    @classmethod
    def find_programs(cls) -> Path | None:
        folders = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
            reverse=True,
        )
        found = shutil.which("pg_ctl")
        if found:
            folders.append(Path(found).parent)
        return next((path for path in folders if (path / "initdb").is_file()), None)

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / program), *arguments],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def server_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


# Processes ----------------------------------------------------------------------------------


@dataclass
class Process:
    """One ``./dev serve PROCESS``, in a process group of its own, its output in a file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, name: str, environment: dict[str, str], folder: Path) -> Process:
        log = folder / f"{name}.log"
        popen = subprocess.Popen(
            [str(ROOT / "dev"), "serve", name],
            cwd=ROOT,
            env=environment,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return cls(name, popen, log)

    def children(self) -> list[int]:
        """Process ids whose parent is this one (gunicorn's and Celery's worker processes)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.popen.pid:
                found.append(int(stat.parent.name))
        return found

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        except ProcessLookupError:
            pass


@dataclass
class Stack:
    folder: Path
    url: str
    environment: dict[str, str]
    proxy: FaultyProxy
    redis_direct: str
    queue: str
    database_url: str
    world: dict[str, Any]
    postgres: ThrowawayPostgres | None
    processes: dict[str, Process] = field(default_factory=dict)
    coordinator: requests.Session | None = None

    def logs(self) -> str:
        parts = [f"--- {name} ---\n{process.tail()}" for name, process in self.processes.items()]
        return "\n".join(parts)

    def get(self, path: str, session: requests.Session | None = None, **options: Any) -> Any:
        options.setdefault("timeout", 30)
        return (session or requests).get(self.url + path, **options)

    def sql(self, query: str, *parameters: object) -> Any:
        with psycopg.connect(
            self.database_url.replace("postgres://", "postgresql://"), connect_timeout=5
        ) as connection:
            return connection.execute(query, parameters).fetchone()

    def celery(self) -> Celery:
        """A client of the stack's queue, straight to Redis (not through the proxy)."""
        client = Celery(
            "stack-test", broker=self.redis_direct, backend=self.redis_direct, set_as_current=False
        )
        client.conf.update(task_default_queue=self.queue, broker_connection_retry=False)
        return client


class StackError(Exception):
    """The stack could not be set up (with what its processes said)."""


def run_checked(command: list[str], environment: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise StackError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def running_stack(
    *,
    redis_url: str,
    database_server: str | None = None,
    web_workers: int = 2,
    worker_concurrency: int = 1,
    setup: list[str] | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Migrate a new database (``./dev serve migrate``), run ``setup`` (a command printing the
    world as JSON on its last line; default ``python -m tests.stack.world``), start web, worker
    and beat, and stop everything and drop what was made at the end.

    The database is made on a throwaway cluster when PostgreSQL's programs are found, else on
    ``database_server`` (``postgres://user@host:port``); Redis is reached through a fault
    proxy, with a queue and a cache key prefix of this stack's own.
    """
    parts = urlsplit(redis_url)
    token = uuid.uuid4().hex[:12]
    folder = Path(tempfile.mkdtemp(prefix="perhekeskus-stack-"))
    proxy = FaultyProxy((parts.hostname or "127.0.0.1", parts.port or 6379))
    postgres: ThrowawayPostgres | None = None
    programs = ThrowawayPostgres.find_programs()
    if database_server is None and programs is not None:
        postgres = ThrowawayPostgres(folder, programs)
        database_server = postgres.server_url
    if database_server is None:
        raise StackError("Neither PostgreSQL's programs (initdb) nor a PostgreSQL server.")
    name = f"stack_{token}"
    maintenance = f"{database_server}/postgres".replace("postgres://", "postgresql://")
    with psycopg.connect(maintenance, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    web_port = free_port()
    environment = (
        {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        }
        | {
            "PERHEKESKUS_PYTHON": sys.executable,
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"{database_server}/{name}",
            "REDIS_URL": f"redis://{proxy.url_netloc}{parts.path or '/0'}",
            "SECRET_KEY": f"stack-test-{token}",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{web_port}",
            "STATIC_MANIFEST": "false",
            "BIND": "127.0.0.1",
            "PORT": str(web_port),
            "WEB_CONCURRENCY": str(web_workers),
            "WORKER_CONCURRENCY": str(worker_concurrency),
            "CELERY_QUEUE": f"stack-{token}",
            "CACHE_KEY_PREFIX": f"stack-{token}",
            "CELERY_BEAT_SCHEDULE_FILE": str(folder / "celerybeat-schedule"),
            "COVERAGE_CATCH_UP_SECONDS": "3",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "CELERY_LOG_LEVEL": "info",
        }
        | (settings or {})
    )
    stack = Stack(
        folder=folder,
        url=f"http://127.0.0.1:{web_port}",
        environment=environment,
        proxy=proxy,
        redis_direct=redis_url,
        queue=f"stack-{token}",
        database_url=environment["DATABASE_URL"],
        world={},
        postgres=postgres,
    )
    try:
        run_checked([str(ROOT / "dev"), "serve", "migrate"], environment, 600)
        made = run_checked(setup or [sys.executable, "-m", "tests.stack.world"], environment, 1800)
        stack.world = json.loads(made.strip().splitlines()[-1])
        for process in ("web", "worker", "beat"):
            stack.processes[process] = Process.start(process, environment, folder)
        wait_for("gunicorn", lambda: stack.get("/healthz", timeout=2).ok, 60, stack.logs)
        wait_for("the worker", lambda: " ready." in stack.processes["worker"].output(), 60,
                 stack.logs)  # fmt: skip
        wait_for("beat", lambda: "beat: Starting" in stack.processes["beat"].output(), 60,
                 stack.logs)  # fmt: skip
        yield stack
    finally:
        for process in stack.processes.values():
            process.stop()
        proxy.close()
        if postgres is not None:
            try:
                postgres.stop()
            except subprocess.CalledProcessError:
                pass
        else:
            with psycopg.connect(maintenance, autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*stack-{token}*"):
            client.delete(key)
        shutil.rmtree(folder, ignore_errors=True)


# Using it as people do ----------------------------------------------------------------------


def csrf_token(html: str) -> str:
    return form_data(html)["csrfmiddlewaretoken"][0]


def sign_in(stack: Stack) -> requests.Session:
    """The coordinator logs in: password, then the code of the authenticator app."""
    if stack.coordinator is not None:
        return stack.coordinator
    session = requests.Session()
    login = stack.get("/fi/staff/login/", session)
    answer = session.post(
        stack.url + "/fi/staff/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(login.text),
            "username": stack.world["username"],
            "password": stack.world["password"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:2000]
    assert "/staff/two-factor/" in answer.headers["Location"]
    page = stack.get("/fi/staff/two-factor/", session)
    code = f"{totp(bytes.fromhex(stack.world['totp_key'])):06d}"
    answer = session.post(
        stack.url + "/fi/staff/two-factor/",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "token": code},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:2000]
    stack.coordinator = session
    return session


def edit_service(stack: Stack, *, name: str, municipality: str) -> tuple[Any, float]:
    """The coordinator renames the service, adds a municipality to its area and publishes;
    returns the answer to the save and the seconds it took."""
    session = sign_in(stack)
    path = f"/fi/staff/services/{stack.world['service']}/"
    page = stack.get(path, session)
    assert page.status_code == 200, page.text[:2000]
    data = form_data(page.text, "service-form")
    data["name_fi"] = [name]
    data["area_municipalities"] = [*data.get("area_municipalities", []), municipality]
    data["action"] = ["publish"]
    started = time.monotonic()
    answer = session.post(stack.url + path, data=data, allow_redirects=False, timeout=60)
    return answer, time.monotonic() - started


def coverage_of(stack: Stack, municipality: str) -> float:
    cells = stack.get(f"/api/v1/coverage/?municipality={municipality}", sign_in(stack)).json()
    return next(
        cell["coverage"] for cell in cells if (cell["tier"], cell["target_group"]) == (TIER, GROUP)
    )


def public_paths(stack: Stack) -> list[str]:
    return ["/fi/", f"/fi/services/{stack.world['service']}/", "/fi/search/?q=vanhemmuus"]


def page_times(stack: Stack, rounds: int = 8) -> list[tuple[float, str]]:
    """Seconds and path of each public page asked, slowest first, a parent without cookies."""
    times = []
    for _ in range(rounds):
        for path in public_paths(stack):
            started = time.monotonic()
            answer = stack.get(path, timeout=10)
            times.append((time.monotonic() - started, path))
            assert answer.status_code == 200, (path, answer.status_code, stack.logs())
    return sorted(times, reverse=True)


def median_seconds(times: list[tuple[float, str]]) -> float:
    return statistics.median(seconds for seconds, _path in times)


def searched(stack: Stack, word: str, name: str) -> bool:
    """Every gunicorn worker finds the service by its new name (several asks reach both)."""
    return all(name in stack.get(f"/fi/search/?q={word}").text for _ in range(6))


def municipality(stack: Stack, number: int) -> str:
    return stack.world["municipalities"][number]
