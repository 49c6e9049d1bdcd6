"""API list pages: queries that do not grow with the page, and throughput against /healthz.

    ./dev bench api [--services 20000] [--seed 1] [--fresh] [--seconds 3] [--one-client]

1. Prepares a scratch SQLite database in /tmp with a generated national-size catalogue
   (shared with ``./dev bench export_hsds``; reused when already there).
2. Counts the queries of every list page of /api/v1/ and /api/hsds/ at 1, 50 and 200 items
   (HSDS pages hold at most 100): 50 and 200 must read the same number, and 1 no more (a
   single item may leave a relation empty, and its prefetch query out).
3. Serves each page of 50 items in-process through the whole Django stack (middleware, and
   the anonymous rate limit at a rate no client reaches) for ``--seconds`` and prints
   requests per second, and the ratio to the minimal view /healthz measured in the same run:
   as a client without cookies gets it (the busiest lists are kept in memory between
   catalogue changes, ``API_PAGE_CACHE_ENTRIES``); made afresh every time (as after a
   change), the public service lists joining the documents kept with the search index
   (``API_DOCUMENTS_KEPT``); and with nothing kept, every document read and written again
   (as a harvester paging through everything meets it). Requests come from a thousand client
   addresses in turn, each with the anonymous rate limit's history of a real client
   (``--one-client``: all from one).

Query counts are of pages read afresh, nothing kept.
"""

from __future__ import annotations

import argparse
import itertools
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

    with override_settings(API_PAGE_CACHE_ENTRIES=0, API_DOCUMENTS_KEPT=0):
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


# The clients' addresses, taken in turn. The anonymous rate limit keeps each address's recent
# requests in the cache and reads and writes them all at every request: one address asking
# thousands of times a second would make that list thousands long, where a client keeping to
# the limit (120 a minute) has at most 120 (``--one-client`` measures that anyway).
CLIENTS = [f"10.0.{n // 250}.{n % 250 + 1}" for n in range(1000)]


def throughput(url: str, seconds: float, *, one_client: bool = False) -> float:
    from django.test import Client

    client = Client()
    addresses = itertools.cycle(CLIENTS[:1] if one_client else CLIENTS)
    client.get(url)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        response = client.get(url, REMOTE_ADDR=next(addresses))
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
        "--one-client",
        action="store_true",
        help="every request from one address (its rate-limit history grows to a second's worth)",
    )
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
    columns = ("/healthz", "no cookie", "ratio", "afresh", "ratio", "none kept", "ratio")
    print(f"{'page':<30} " + " ".join(f"{column:>11}" for column in columns))
    one = args.one_client
    for template, label in PAGES:
        url = template.format(n=50)
        baseline = throughput("/healthz", args.seconds / 2, one_client=one)
        kept = throughput(url, args.seconds, one_client=one)
        with override_settings(API_PAGE_CACHE_ENTRIES=0):
            fresh = throughput(url, args.seconds, one_client=one)
            with override_settings(API_DOCUMENTS_KEPT=0):
                bare = throughput(url, args.seconds, one_client=one)
        baseline = (baseline + throughput("/healthz", args.seconds / 2, one_client=one)) / 2
        print(
            f"{label:<30} {baseline:9.0f}/s "
            + " ".join(f"{rate:9.1f}/s {rate / baseline:11.4f}" for rate in (kept, fresh, bare))
        )
    print()
    print(("PASS" if equal else "FAIL") + ": query counts do not grow with the page size")


if __name__ == "__main__":
    main()
