"""Settings a new operator gets right or is told about: booleans that are understood or stop
the start, the compose health check behind TLS, and where a login lands."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from perhekeskus.settings import envbool
from tests.accounts.logins import log_in, with_password
from tests.cast import make_user
from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "tests-only-not-secret-but-long-enough-for-production-checks-0123",
    "ALLOWED_HOSTS": "perhekeskus.example.fi",
    "CSRF_TRUSTED_ORIGINS": "https://perhekeskus.example.fi",
    "SECURE_SSL": "true",
    "STATIC_MANIFEST": "false",
    "LOG_LEVEL": "ERROR",
}


def python(code: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    env.update(environment, DJANGO_SETTINGS_MODULE="perhekeskus.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("name", ["DEBUG", "SECURE_SSL", "STATIC_MANIFEST"])
def test_a_boolean_setting_that_is_not_understood_stops_the_start_naming_it(name: str) -> None:
    result = python("import django; django.setup()", **{**PRODUCTION, name: "yes please"})
    assert result.returncode != 0
    assert f"{name}='yes please' is not understood" in result.stderr


def test_booleans_read_the_usual_spellings_and_empty_means_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for text, value in [("TRUE", True), (" on ", True), ("1", True), ("Yes", True)]:
        monkeypatch.setenv("SOME_FLAG", text)
        assert envbool("SOME_FLAG") is value
    for text in ("false", "OFF", "0", "no"):
        monkeypatch.setenv("SOME_FLAG", text)
        assert envbool("SOME_FLAG", "true") is False
    monkeypatch.setenv("SOME_FLAG", "")
    assert envbool("SOME_FLAG", "true") is True
    monkeypatch.delenv("SOME_FLAG")
    assert envbool("SOME_FLAG") is False


def healthcheck_command() -> str:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    return test[-1] if test[0] == "CMD-SHELL" else subprocess.list2cmdline(test[1:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn with the documented production settings (README), on a free port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{database}")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "perhekeskus.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no gunicorn"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def test_the_compose_health_check_passes_behind_tls(production_server: int) -> None:
    command = healthcheck_command()
    assert "http://127.0.0.1:8000/healthz" in command
    command = command.replace("127.0.0.1:8000", f"127.0.0.1:{production_server}")
    # The command as the container runs it, with this interpreter for the image's python.
    command = re.sub(r"^python\b", subprocess.list2cmdline([sys.executable]), command)
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_behind_tls_everything_else_still_goes_to_https(production_server: int) -> None:
    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirects)
    base = f"http://127.0.0.1:{production_server}"
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(
            urllib.request.Request(f"{base}/fi/", headers={"Host": "perhekeskus.example.fi"})
        )
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"] == "https://perhekeskus.example.fi/fi/"
    with pytest.raises(urllib.error.HTTPError) as foreign:
        opener.open(urllib.request.Request(f"{base}/healthz", headers={"Host": "evil.example"}))
    assert foreign.value.code == 400


def test_a_staff_member_who_logs_in_lands_on_the_login_redirect_page(db: None) -> None:
    with_password(make_user("editor", organisations=[OrganisationFactory()]))
    client = Client()
    response = log_in(client, "editor")
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert client.get(response["Location"]).status_code == 200
