"""API list pages: queries that do not grow with the page, and throughput against /healthz.

    ./dev bench api [--services 20000] [--seed 1] [--fresh] [--seconds 3]

1. Prepares a scratch SQLite database in /tmp with a generated national-size catalogue
   (shared with ``./dev bench export_hsds``; reused when already there).
2. Counts the queries of every list page of /api/v1/ and /api/hsds/ at 1, 50 and 200 items
   (HSDS pages hold at most 100): 50 and 200 must read the same number, and 1 no more (a
   single item may leave a relation empty, and its prefetch query out).
3. Serves each page of 50 items in-process through the whole Django stack (middleware,
   throttling off) for ``--seconds`` and prints requests per second, and the ratio to the
   minimal view /healthz measured in the same run: as a client without cookies gets it (the
   busiest lists are kept in memory between catalogue changes, ``API_PAGE_CACHE_ENTRIES``),
   and read afresh every time (as a signed-in user gets it, or any client after a change).

Query counts are of pages read afresh.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("/api/v1/services/?page_size={n}", "services"),
    (
        "/api/v1/services/?place=00100&target_group=FATHERS&page_size={n}",
        "services, search filters",
    ),
    ("/api/v1/organisations/?page_size={n}", "organisations"),
    ("/api/v1/locations/?page_size={n}", "locations"),
    ("/api/v1/sessions/?page_size={n}", "sessions"),
    ("/api/v1/postal-areas/?page_size={n}", "postal areas"),
    ("/api/hsds/services?per_page={n}", "HSDS services"),
    ("/api/hsds/services?full=true&per_page={n}", "HSDS services, full"),
    ("/api/hsds/service_at_locations?per_page={n}", "HSDS service_at_locations"),
    ("/api/hsds/organizations?per_page={n}", "HSDS organizations"),
]
SIZES = (1, 50, 200)


def setup(database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "ALLOWED_HOSTS": "testserver",
            "STATIC_MANIFEST": "false",
            "LOG_LEVEL": "ERROR",
            "API_ANON_RATE": "1000000/second",
            "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def query_counts() -> bool:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(API_PAGE_CACHE_ENTRIES=0):
        return _query_counts(Client(), connection, CaptureQueriesContext)


def _query_counts(client: object, connection: object, capture: type) -> bool:
    equal = True
    print(f"{'page':<30} " + " ".join(f"{size:>5} items" for size in SIZES))
    for template, label in PAGES:
        client.get(template.format(n=1))  # warm: the search index, the term registry
        counts = []
        for size in SIZES:
            with capture(connection) as queries:
                response = client.get(template.format(n=size))
            assert response.status_code == 200, (template, response.status_code)
            counts.append(len(queries))
        # A page of one may skip a prefetch its single item has nothing for; a page must never
        # read more queries than that because it is longer.
        steady = counts[1] == counts[2] and counts[0] <= counts[1]
        equal &= steady
        mark = "" if steady else "   <- grows"
        print(f"{label:<30} " + " ".join(f"{count:>5} q    " for count in counts) + mark)
    return equal


def throughput(url: str, seconds: float) -> float:
    from django.test import Client

    client = Client()
    client.get(url)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        done += 1
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="regenerate the catalogue")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument(
        "--database-url",
        default=f"sqlite:////tmp/perhekeskus-bench-api-{parser.parse_known_args()[0].services}"
        ".sqlite3",
    )
    args = parser.parse_args()
    setup(args.database_url)
    print(f"Scratch database {args.database_url}", flush=True)
    from bench.scratch import prepare_catalogue

    prepare_catalogue(services=args.services, seed=args.seed, fresh=args.fresh)

    print("\nQueries per list page:")
    equal = query_counts()

    from django.test import override_settings

    print(f"\nRequests per second, in-process, pages of 50 ({args.seconds:.0f} s each):")
    # /healthz is measured again beside every page: on a shared machine the load changes
    # from one measurement to the next, and a ratio of two taken together holds better.
    columns = ("/healthz", "no cookie", "ratio", "read afresh", "ratio")
    print(f"{'page':<30} " + " ".join(f"{column:>11}" for column in columns))
    for template, label in PAGES:
        baseline = throughput("/healthz", args.seconds / 2)
        kept = throughput(template.format(n=50), args.seconds)
        with override_settings(API_PAGE_CACHE_ENTRIES=0):
            fresh = throughput(template.format(n=50), args.seconds)
        baseline = (baseline + throughput("/healthz", args.seconds / 2)) / 2
        print(
            f"{label:<30} {baseline:9.0f}/s {kept:9.1f}/s {kept / baseline:11.4f} "
            f"{fresh:9.1f}/s {fresh / baseline:11.4f}"
        )
    print()
    print(("PASS" if equal else "FAIL") + ": query counts do not grow with the page size")


if __name__ == "__main__":
    main()
