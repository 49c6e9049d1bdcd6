"""HSDS data package export: time for a national-size catalogue, and memory that stays flat.

    ./dev bench export_hsds [--services 20000] [--small 5000] [--seed 1] [--fresh]

1. Prepares two scratch SQLite databases in /tmp (migrated, reference data, a generated
   catalogue of ``--small`` and of ``--services`` services; reused when already there).
2. Exports each as an HSDS data package (``services.hsds.export.export_data_package``) in a
   fresh process, which reports its time and peak resident memory (of the main process and
   of the largest worker process) with the default worker processes, then with one process
   (the baseline), and in a third run, in one process, the peak of Python allocations during
   the export (tracemalloc).
3. Prints the times against the 30 s target, the speed-up of the worker processes, and the
   memory of the large catalogue relative to the small one: a streamed export holds about the
   same whatever the catalogue's size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 30.0


def database_url(services: int) -> str:
    return f"sqlite:////tmp/perhekeskus-bench-api-{services}.sqlite3"


def environment(services: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(services),
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
    }


def run_child(services: int, *args: str) -> dict:
    command = [sys.executable, __file__, "--child", str(services), *args]
    output = subprocess.run(
        command, env=environment(services), check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def export(trace: bool, workers: int | None) -> None:
    import resource
    import time
    import tracemalloc

    import django

    django.setup()
    from services.hsds.export import export_data_package

    def cpu() -> float:
        usage = [
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        return sum(u.ru_utime + u.ru_stime for u in usage)

    with tempfile.TemporaryDirectory() as directory:
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), cpu()
        report = export_data_package(directory, workers=workers)
        seconds = time.perf_counter() - started
        cpu_seconds = cpu() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        size = sum(path.stat().st_size for path in Path(directory).rglob("*") if path.is_file())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "workers": report.workers,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "traced_mb": peak / 2**20,
                "services": report.documents["services"],
                "rows": sum(report.rows.values()),
                "megabytes": size / 2**20,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="regenerate the catalogues")
    args = parser.parse_args()

    results = {}
    for services in (args.small, args.services):
        print(f"Preparing {services:,} services in {database_url(services)} …", flush=True)
        run_child(services, "--prepare", str(args.seed), *(["--fresh"] if args.fresh else []))
        timed = run_child(services, "--export")
        alone = run_child(services, "--export", "--workers", "1")
        traced = run_child(services, "--export", "--workers", "1", "--trace")
        results[services] = timed | {"traced_mb": traced["traced_mb"]}
        print(
            f"  {timed['services']:,} published services, {timed['rows']:,} rows, "
            f"{timed['megabytes']:.0f} MB written in {timed['seconds']:.1f} s by "
            f"{timed['workers']} process(es) ({timed['cpu_seconds']:.1f} s of CPU; target "
            f"{TARGET_S:.0f} s); peak RSS {timed['rss_mb']:.0f} MB, of a worker "
            f"{timed['worker_rss_mb']:.0f} MB\n"
            f"  one process (baseline): {alone['seconds']:.1f} s, peak RSS "
            f"{alone['rss_mb']:.0f} MB, peak Python allocations during the export "
            f"{traced['traced_mb']:.1f} MB; speed-up × {alone['seconds'] / timed['seconds']:.2f}",
            flush=True,
        )
    small, large = results[args.small], results[args.services]
    print()
    print(f"catalogue {args.services:,} / {args.small:,} services:")
    print(f"  services exported    × {large['services'] / small['services']:.2f}")
    print(f"  time                 × {large['seconds'] / small['seconds']:.2f}")
    print(f"  peak RSS             × {large['rss_mb'] / small['rss_mb']:.2f}")
    print(f"  peak RSS of a worker × {large['worker_rss_mb'] / small['worker_rss_mb']:.2f}")
    print(f"  peak Python memory   × {large['traced_mb'] / small['traced_mb']:.2f}")
    verdict = "PASS" if large["seconds"] < TARGET_S else "FAIL"
    print(f"{verdict}: {args.services:,} services exported in {large['seconds']:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        if sys.argv[3] == "--prepare":
            import django

            django.setup()
            from bench.scratch import prepare_catalogue

            published = prepare_catalogue(
                services=int(sys.argv[2]),
                seed=int(sys.argv[4]),
                fresh="--fresh" in sys.argv,
                say=lambda text: print(text, file=sys.stderr),
            )
            print(json.dumps({"services": published}))
        else:
            workers = sys.argv[sys.argv.index("--workers") + 1] if "--workers" in sys.argv else None
            export("--trace" in sys.argv, int(workers) if workers else None)
    else:
        main()
