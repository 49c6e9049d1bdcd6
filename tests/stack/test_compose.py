"""docker-compose.yml and the Dockerfile start the processes the stack test runs natively
(``./dev serve PROCESS``), and the image installs the lock file, hashes checked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_process_of_the_compose_file_is_a_dev_serve_command() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = {
        name: service["command"] for name, service in services.items() if "build" in service
    }
    assert commands == {
        "migrate": ["./dev", "serve", "migrate"],
        "web": ["./dev", "serve", "web"],
        "worker": ["./dev", "serve", "worker"],
        "beat": ["./dev", "serve", "beat"],
    }
    for name in commands:
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_the_image_installs_the_locked_versions_and_serves_with_dev() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert 'CMD ["./dev", "serve", "web"]' in dockerfile
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_dev_serve_names_its_processes_when_given_none() -> None:
    done = subprocess.run(
        [str(ROOT / "dev"), "serve", "nonsense"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PERHEKESKUS_PYTHON": "python3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "name a process: migrate, web, worker or beat" in done.stderr


def test_every_locked_requirement_has_a_hash_and_the_two_locks_agree() -> None:
    pins = {}
    for name in ("requirements.lock", "requirements-test.lock"):
        text = (ROOT / name).read_text()
        entries = [line for line in text.splitlines() if line and line[0] not in " #"]
        assert entries and all("==" in line and line.endswith("\\") for line in entries), name
        pins[name] = {line.split(" ")[0] for line in entries}
    assert pins["requirements.lock"] <= pins["requirements-test.lock"]


def test_dev_start_takes_a_port_and_refuses_what_is_no_port() -> None:
    for arguments, message in [
        (["--port", "http"], "--port needs a port number from 1 to 65535, not 'http'"),
        (["--port=70000"], "not '70000'"),
        (["--host", "x"], "unknown option --host (use --port N)"),
    ]:
        done = subprocess.run(
            [str(ROOT / "dev"), "start", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2 and message in done.stderr, done.stderr
    script = (ROOT / "dev").read_text()
    assert 'exec "$PY" manage.py runserver "127.0.0.1:$port"' in script
    assert "./dev manage changepassword" in script  # the way back in, printed by every start
