"""Coverage dashboard pages on a national-size catalogue, against a minimal Django view.

    ./dev bench dashboard [--services 20000] [--seed 1] [--rounds 40] [--database-url URL]

1. Prepares the scratch database (``bench/scratch.py``: reference data and a generated
   national-size catalogue), computes the coverage and adds a coordinator of Etelä-Savo,
   signed in with the second factor through a stored session.
2. Starts gunicorn (``--workers``, default 2) on it; the cache is the in-process one unless
   ``BENCH_REDIS_URL`` answers, as in production.
3. Warms every page up once per worker (each process decodes the stored coverage and projects
   the boundaries once), then requests, round after round, county pages and municipality
   pages (maps included: the municipalities of a county, the postal code areas of a
   municipality with its service locations), with the map's default choice, chosen cells, a
   life situation and the evidence-based lens; and ``GET /healthz`` (the whole middleware
   stack, no database) as the baseline, in the same rounds.
4. Prints the median and p95 latency of each kind of page, the ratio to ``/healthz`` and the
   verdict against the target (issue "Mapping that points at the gaps that matter"): p95
   under 150 ms for county and municipality pages. The nation page, the gap list and the
   county report are measured too, for information.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
P95_TARGET_MS = 150.0

# Pages by kind: (kind, path). Counties and municipalities of different sizes: Etelä-Savo
# (11 municipalities), Pirkanmaa (23), Helsinki (one municipality, 80-odd postal areas),
# Mikkeli, Tampere, a small municipality (Enonkoski).
PAGES = [
    ("county", "/fi/mapping/counties/12/"),
    ("county", "/fi/mapping/counties/06/"),
    ("county", "/sv/mapping/counties/90/"),
    ("county", "/en/mapping/counties/12/?tier=SPECIALIST&target_group=PARENTS"),
    ("county", "/fi/mapping/counties/06/?life_situation=SEPARATION"),
    ("county", "/fi/mapping/counties/12/?min_rating=3"),
    ("municipality", "/fi/mapping/municipalities/491/"),
    ("municipality", "/fi/mapping/municipalities/091/"),
    ("municipality", "/en/mapping/municipalities/837/?tier=UNIVERSAL_GROUP&target_group=PARENTS"),
    ("municipality", "/fi/mapping/municipalities/046/"),
    ("municipality", "/sv/mapping/municipalities/091/?tier=SPECIALIST&target_group=FATHERS"),
    ("municipality", "/fi/mapping/municipalities/491/?life_situation=SEPARATION&min_rating=2"),
    ("nation (information)", "/fi/mapping/"),
    ("gap list (information)", "/fi/mapping/gaps/?county=12"),
    ("county report (information)", "/fi/mapping/counties/12/report/"),
]
TARGETED = ("county", "municipality")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Browser:
    """A keep-alive HTTP client with the coordinator's session cookie."""

    def __init__(self, port: int, cookie: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie

    def get(self, path: str) -> tuple[int, float, int]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Cookie": self.cookie})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - started) * 1000, len(body)


def prepare(options: argparse.Namespace) -> str:
    """Scratch catalogue, coverage and a signed-in coordinator: the session cookie."""
    import django

    django.setup()
    from django.conf import settings

    from bench.scratch import coordinator_session, prepare_catalogue
    from mapping import coverage

    published = prepare_catalogue(services=options.services, seed=options.seed)
    started = time.perf_counter()
    status = coverage.recompute()
    print(
        f"{published:,} published services; coverage computed in "
        f"{time.perf_counter() - started:.1f} s ({status.services:,} services).",
        flush=True,
    )
    return f"{settings.SESSION_COOKIE_NAME}={coordinator_session('bench-dashboard')}"


def redis_answers(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "sqlite:////tmp/perhekeskus-bench-dashboard.sqlite3"
        ),
    )
    options = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "DEBUG": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    cache = "in-process cache"
    if redis_answers(redis_url):
        env["REDIS_URL"] = redis_url
        cache = f"Redis ({redis_url})"
    os.environ.update(env)
    cookie = prepare(options)

    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    log = "/tmp/perhekeskus-bench-dashboard-gunicorn.log"
    with open(log, "ab") as output:
        server = subprocess.Popen(
            [
                gunicorn,
                "perhekeskus.wsgi:application",
                "--config=python:perhekeskus.gunicorn_config",  # as ./dev serve web
                f"--bind=127.0.0.1:{port}",
                f"--workers={options.workers}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        measure(port, cookie, options, cache)
    finally:
        server.terminate()
        server.wait(10)


def measure(port: int, cookie: str, options: argparse.Namespace, cache: str) -> None:
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    client = Browser(port, cookie)
    # Each worker decodes the stored coverage and projects the boundaries once: warm them all.
    for _ in range(options.workers * 3):
        for _kind, path in PAGES:
            status, _ms, _size = client.get(path)
            if status != 200:
                sys.exit(f"{path} answered {status}; is the coordinator signed in?")
        client.get("/healthz")

    times: dict[str, list[float]] = {kind: [] for kind, _ in PAGES}
    sizes: dict[str, list[int]] = {kind: [] for kind, _ in PAGES}
    healthz: list[float] = []
    for _ in range(options.rounds):
        for kind, path in PAGES:
            _status, ms, size = client.get(path)
            times[kind].append(ms)
            sizes[kind].append(size)
            _status, ms, _size = client.get("/healthz")
            healthz.append(ms)

    base_median, base_p95 = statistics.median(healthz), percentile(healthz, 0.95)
    print(
        f"\nDashboard pages over HTTP (gunicorn, {options.workers} workers, {cache}), "
        f"{options.rounds} rounds, {len(PAGES)} pages a round, signed in as a coordinator:"
    )
    print(f"  {'page':30s} {'median':>9s} {'p95':>9s} {'p95 / healthz p95':>18s} {'size':>8s}")
    print(f"  {'/healthz (baseline)':30s} {base_median:7.1f}ms {base_p95:7.1f}ms {'1.0':>18s}")
    verdicts = []
    for kind in dict.fromkeys(kind for kind, _ in PAGES):
        p95 = percentile(times[kind], 0.95)
        size = statistics.median(sizes[kind]) / 1024
        print(
            f"  {kind:30s} {statistics.median(times[kind]):7.1f}ms {p95:7.1f}ms "
            f"{p95 / base_p95:17.1f}× {size:6.0f}kB"
        )
        if kind in TARGETED:
            verdicts.append((kind, p95))
    for kind, p95 in verdicts:
        verdict = "met" if p95 < P95_TARGET_MS else "NOT met"
        print(f"  target: {kind} pages p95 < {P95_TARGET_MS:.0f} ms: {verdict} ({p95:.0f} ms)")


if __name__ == "__main__":
    main()
