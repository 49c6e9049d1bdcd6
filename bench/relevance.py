"""Search relevance on the judged query set (``tests/search/judged.py``), before and after.

    ./dev bench relevance [--database-url URL] [--worst 15] [--by-kind]

Prepares a scratch database (SQLite in /tmp by default): migrates, loads the reference data
and the example catalogue, rebuilds the search index. Then asks the public search
(``services.search``, in process, no page cache) every judged query in its language, with its
place when it has one, and prints the zero-result rate, hit@5, MRR and nDCG@10 beside the
figures measured on the search as it was before issue 11 (``BEFORE``).

Goals (issue 11): no zero-result query that has a relevant service (every judged query has
one), nDCG@10 at least 0.85. ``tests/search/test_relevance_floor.py`` pins a floor.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_NDCG = 0.85
# Measured on the search before issue 11 (commit 3f32fba, the same judged set of 175 queries).
BEFORE = {
    "zero-result rate": 0.274,
    "hit@5": 0.691,
    "MRR": 0.663,
    "nDCG@10": 0.591,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_RELEVANCE_DATABASE_URL", "sqlite:////tmp/perhekeskus-relevance.sqlite3"
        ),
    )
    parser.add_argument("--worst", type=int, default=15, help="list the N weakest queries")
    parser.add_argument("--by-kind", action="store_true", help="nDCG@10 per kind of query")
    args = parser.parse_args()

    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "SEARCH_PAGE_CACHE_ENTRIES": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from bench.scratch import _migrate
    from services.example_catalogue import load_example_catalogue
    from services.models import Source, SupportService
    from services.search import parse_search, run_search
    from services.search_index import rebuild_search_index
    from tests.search.judged import JUDGED, Judged, evaluate, ndcg_at

    print("Preparing the scratch database …", flush=True)
    _migrate(print)
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    load_example_catalogue()
    rebuild_search_index()
    external = dict(
        SupportService.objects.filter(source=Source.EXAMPLE).values_list("pk", "external_id")
    )

    def search(item: Judged) -> list[str]:
        params = {"q": item.query, **({"place": item.place} if item.place else {})}
        with translation.override(item.language):
            results = run_search(parse_search(params), per_page=50)
        return [external.get(hit.service.pk, "?") for hit in results.hits]

    started = time.perf_counter()
    figures = evaluate(search)
    elapsed = time.perf_counter() - started

    print()
    each = elapsed * 1000 / figures.queries
    print(f"Judged queries: {figures.queries} (fi, sv, en), {each:.1f} ms each")
    now = {
        "zero-result rate": figures.zero_result_rate,
        "hit@5": figures.hit_at_5,
        "MRR": figures.mrr,
        "nDCG@10": figures.ndcg_at_10,
    }
    print(f"{'':20} {'before':>8} {'now':>8}")
    for name, value in now.items():
        print(f"{name:20} {BEFORE[name]:8.3f} {value:8.3f}")
    print()
    verdict = "met" if figures.ndcg_at_10 >= GOAL_NDCG else "NOT met"
    print(f"nDCG@10 goal {GOAL_NDCG:.2f}: {verdict}")
    if figures.zero_with_relevant:
        print(f"Queries with a relevant service but no result ({len(figures.zero_with_relevant)}):")
        for query in figures.zero_with_relevant:
            print(f"  {query}")
    else:
        print("No query that has a relevant service found nothing.")
    if args.by_kind:
        print()
        per_kind: dict[str, list[float]] = defaultdict(list)
        for item in JUDGED:
            per_kind[item.kind].append(ndcg_at(search(item), item.grades))
        for kind, scores in sorted(per_kind.items()):
            print(f"  {kind:10} {len(scores):4} queries  nDCG@10 {sum(scores) / len(scores):.3f}")
    if args.worst:
        print()
        print(f"Weakest {args.worst} queries by nDCG@10:")
        for score, query in figures.worst[: args.worst]:
            print(f"  {score:5.2f}  {query}")


if __name__ == "__main__":
    main()
