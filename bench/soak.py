"""Soak: the native production stack under steady use for minutes, with zero errors.

    ./dev bench soak [--minutes 5] [--services 2000] [--parents 4] [--web-workers 2] [--no-import]

1. Starts the stack as the stack test does (tests/stack/harness.py): a throwaway PostgreSQL
   cluster (or a database on ``--database-server``), Redis (``--redis``, default
   redis://127.0.0.1:6379/14, with a queue and key prefix of its own), ``./dev serve migrate``,
   a generated catalogue of ``--services`` services, then ``./dev serve web|worker|beat``.
2. For ``--minutes``: ``--parents`` parents search, open services and read the API; a
   coordinator signs in and edits a service every few seconds (each edit queues a coverage
   recomputation for the worker); an import (a dry run of a 2,000-row spreadsheet) is
   uploaded whenever the last one has finished (``--no-import``: none). ``--parents 0
   --no-import`` leaves the coordinator alone on the stack: what a staff page costs without
   the others' load.
3. Prints requests, errors, median and p95 per kind of request, how long imports and
   recomputations took, and the memory (resident set) of every process at the start and at
   the end; writes them to bench/results/soak-<time>.json. Exits 1 on any error.

All traffic goes to 127.0.0.1; the loops stop at the deadline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = ["perhe", "vauva", "isä", "ero", "parisuhde", "neuvola", "vertaistuki", "äiti", "nuori"]
SPREADSHEET_ROWS = 2000


def setup(services: int) -> None:
    """In the stack's environment: the world of the stack test and a generated catalogue."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()
    import io

    from django.core.management import call_command

    from mapping import coverage
    from services.models import SupportService
    from tests.stack import world

    call_command("generate_catalogue", services=services, seed=1, stdout=io.StringIO())
    made = world.make_world()
    coverage.recompute()
    published = list(SupportService.objects.published().values_list("pk", flat=True)[:500])
    print(json.dumps(made | {"published": published}))


def rss_of(pid: int) -> int:
    """Resident memory of a process in bytes (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def memory(stack: Any) -> dict[str, int]:
    found = {}
    for name, process in stack.processes.items():
        found[f"{name} main ({process.popen.pid})"] = rss_of(process.popen.pid)
        for child in sorted(process.children()):
            found[f"{name} child ({child})"] = rss_of(child)
    return found


# Requests at least this slow are listed with when they started, beside the moments gunicorn
# started a new worker, so that a slow moment can be told from a worker's boot.
SLOW_SECONDS = 0.5


def worker_boots(log: str) -> list[float]:
    """Wall-clock times at which gunicorn booted a worker, from its log."""
    found = []
    for line in log.splitlines():
        match = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ([+-]\d{4})\].*Booting worker", line)
        if match:
            moment = dt.datetime.strptime(" ".join(match.groups()), "%Y-%m-%d %H:%M:%S %z")
            found.append(moment.timestamp())
    return found


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.slow: list[tuple[float, str, float]] = []  # (wall clock at the start, kind, s)

    def timed(self, kind: str, call: Any, expect: tuple[int, ...] = (200,)) -> Any:
        started, wall = time.monotonic(), time.time()
        try:
            answer = call()
        except Exception as error:  # noqa: BLE001 - every failure is counted and named
            with self.lock:
                self.errors[kind].append(f"{type(error).__name__}: {error}")
            return None
        seconds = time.monotonic() - started
        with self.lock:
            self.times[kind].append(seconds)
            if seconds >= SLOW_SECONDS:
                self.slow.append((wall, kind, seconds))
            if answer.status_code not in expect:
                self.errors[kind].append(f"HTTP {answer.status_code} {answer.url}")
        return answer

    def note(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def fail(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind].append(message)


def parent(stack: Any, record: Recorder, deadline: float, published: list[int], seed: int) -> None:
    import requests

    chance = random.Random(seed)
    session = requests.Session()  # keeps the connection, no cookies are set for parents
    get = session.get
    while time.monotonic() < deadline:
        roll = chance.random()
        if roll < 0.45:
            word = chance.choice(SEARCHES)
            record.timed(
                "search page", lambda w=word: get(f"{stack.url}/fi/search/?q={w}", timeout=30)
            )
        elif roll < 0.75:
            pk = chance.choice(published)
            record.timed(
                "service page", lambda p=pk: get(f"{stack.url}/fi/services/{p}/", timeout=30)
            )
        elif roll < 0.85:
            record.timed("home page", lambda: get(f"{stack.url}/fi/", timeout=30))
        else:
            page = chance.randint(1, max(1, min(20, len(published) // 50)))
            record.timed(
                "API services (50)",
                lambda n=page: get(
                    f"{stack.url}/api/v1/services/?page_size=50&page={n}", timeout=30
                ),
            )


def coordinator(stack: Any, record: Recorder, deadline: float) -> None:
    from tests.stack.harness import edit_service

    places = stack.world["municipalities"]
    number = 0
    while time.monotonic() < deadline:
        number += 1
        place = places[number % len(places)]
        try:
            answer, seconds = edit_service(
                stack, name=f"Vanhemmuuden puhelin {number}", municipality=place
            )
        except Exception as error:  # noqa: BLE001
            record.fail("staff save", f"{type(error).__name__}: {error}")
            continue
        record.note("staff save", seconds)
        if answer.status_code != 302:
            record.fail("staff save", f"HTTP {answer.status_code}")
        record.timed(
            "staff home", lambda: stack.coordinator.get(f"{stack.url}/fi/staff/", timeout=30)
        )
        time.sleep(3)


def importer(stack: Any, record: Recorder, deadline: float) -> None:
    from tests.stack.harness import csrf_token

    session = stack.coordinator  # signed in before the threads start (one code, one login)
    rows = "".join(f"soak-{n};Ryhmä {n};Mikkeli\n" for n in range(SPREADSHEET_ROWS))
    content = ("Tunniste;Nimi (suomi);Palvelualue\n" + rows).encode()
    while time.monotonic() < deadline:
        page = session.get(f"{stack.url}/fi/staff/imports/", timeout=30)
        started = time.monotonic()
        answer = record.timed(
            "import upload",
            lambda p=page: session.post(
                f"{stack.url}/fi/staff/imports/",
                data={
                    "csrfmiddlewaretoken": csrf_token(p.text),
                    "kind": "spreadsheet",
                    "dry_run": "on",
                    "county": "12",
                },
                files={"file": ("palvelut.csv", content, "text/csv")},
                allow_redirects=False,
                timeout=60,
            ),
            expect=(302,),
        )
        if answer is None or answer.status_code != 302:
            time.sleep(2)
            continue
        run = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        while time.monotonic() < deadline + 300:
            status = stack.sql("SELECT status FROM services_importrun WHERE id = %s", run)[0]
            if status in ("DONE", "FAILED"):
                break
            time.sleep(0.5)
        if status != "DONE":
            record.fail("import run", f"run {run}: {status}")
        else:
            record.note("import run (queued to done)", time.monotonic() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--parents", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument(
        "--no-import", action="store_true", help="no import running (to see what it costs others)"
    )
    parser.add_argument(
        "--redis", default=os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--database-server", default=None, help="postgres://user@host:port")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.setup:
        setup(options.services)
        return 0

    from tests.stack.harness import running_stack

    print(
        f"Starting the stack ({options.services:,} services; migrate and generate first) …",
        flush=True,
    )
    with running_stack(
        redis_url=options.redis,
        database_server=options.database_server,
        web_workers=options.web_workers,
        worker_concurrency=1,
        setup=[sys.executable, str(Path(__file__)), "--setup", "--services", str(options.services)],
        # Many parents come from one address here: the API's per-address limit is lifted.
        settings={"API_ANON_RATE": "1000000/minute", "COVERAGE_CATCH_UP_SECONDS": "60"},
    ) as stack:
        from tests.stack.harness import sign_in

        record = Recorder()
        published = stack.world["published"]
        sign_in(stack)
        # Warm up: each web process builds its search index and caches on first use.
        warm = Recorder()
        warm_up = time.monotonic() + 20
        threads = [
            threading.Thread(target=parent, args=(stack, warm, warm_up, published, 100 + n))
            for n in range(options.parents)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        started_memory = memory(stack)
        seconds = options.minutes * 60
        print(f"Soaking for {options.minutes:g} minutes at {stack.url} …", flush=True)
        began = time.monotonic()
        deadline = began + seconds
        threads = [
            threading.Thread(target=parent, args=(stack, record, deadline, published, n))
            for n in range(options.parents)
        ]
        threads.append(threading.Thread(target=coordinator, args=(stack, record, deadline)))
        if not options.no_import:
            threads.append(threading.Thread(target=importer, args=(stack, record, deadline)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        ended_memory = memory(stack)
        worker_log = stack.processes["worker"].output()
        boots = worker_boots(stack.processes["web"].output())
        began_wall = time.time() - (time.monotonic() - began)
        recomputations = worker_log.count("mapping.tasks.recompute_coverage_task[") // 2

    rows = []
    for kind, values in sorted(record.times.items()):
        rows.append(
            {
                "kind": kind,
                "count": len(values),
                "errors": len(record.errors.get(kind, [])),
                "median_ms": round(statistics.median(values) * 1000, 1),
                "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
            }
        )
    total = sum(row["count"] for row in rows if row["kind"] not in ("import run (queued to done)",))
    errors = sum(len(found) for found in record.errors.values())
    print(f"\n{total:,} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s), {errors} errors; "
          f"about {recomputations} coverage recomputations by the worker")  # fmt: skip
    print(f"{'kind':32} {'count':>7} {'errors':>6} {'median':>9} {'p95':>9} {'max':>9}")
    for row in rows:
        print(
            f"{row['kind']:32} {row['count']:7,} {row['errors']:6} {row['median_ms']:7.1f}ms "
            f"{row['p95_ms']:7.1f}ms {row['max_ms']:7.1f}ms"
        )
    print(f"\n{'process':34} {'start':>9} {'end':>9}")
    names = list(dict.fromkeys([*started_memory, *ended_memory]))
    for name in names:
        start, end = started_memory.get(name), ended_memory.get(name)
        shown = [f"{value / 1024**2:7.1f}MB" if value else "      (—)" for value in (start, end)]
        print(f"{name:34} {shown[0]:>9} {shown[1]:>9}")
    slow = sorted(record.slow)
    print(
        f"\n{len(slow)} requests took {SLOW_SECONDS} s or more; gunicorn booted a worker at "
        + (", ".join(f"{at - began_wall:+.0f} s" for at in boots if at >= began_wall) or "no time")
    )
    for at, kind, seconds in slow[:20]:
        print(f"  {at - began_wall:+7.1f} s  {kind:32} {seconds:5.2f} s")
    for kind, found in record.errors.items():
        for message in found[:5]:
            print(f"ERROR {kind}: {message}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "minutes": options.minutes,
                "services": options.services,
                "parents": options.parents,
                "web_workers": options.web_workers,
                "requests": total,
                "errors": {kind: found for kind, found in record.errors.items()},
                "kinds": rows,
                "memory_start": started_memory,
                "memory_end": ended_memory,
            },
            indent=2,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
