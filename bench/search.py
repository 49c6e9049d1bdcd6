"""Public search throughput against a minimal Django view, same server, same run.

    ./dev bench search [--services 20000] [--database-url URL] [--seconds 10] ...

1. Prepares a scratch database (SQLite in /tmp by default; any ``--database-url``): migrates,
   loads the reference data, generates the national-size catalogue (``generate_catalogue``,
   reused when the scratch database already holds it) and rebuilds the search index.
2. Starts gunicorn serving the site (no debug; Redis as the cache, as in production, when one
   answers at ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/14``), else the
   in-process cache; ``--no-redis`` forces the latter).
3. Measures, alternating in rounds, the requests per second and latency of ``GET /healthz``
   (a minimal Django view through the whole middleware stack) and of varied search pages
   (different words in three languages, places, filters, sorting and pages; every URL is
   requested in turn), with a lean keep-alive HTTP client in a separate process.
4. Prints both, the ratio search / minimal and the p95 latencies against the targets: with
   the page cache at least 0.30; without it (``--no-page-cache``) at least 0.20 and a search
   p95 under 25 ms.

Each web process keeps the result pages of anonymous searches (keyed by the address and the
index version), as in production; ``--no-page-cache`` measures the search engine and the
rendering alone. Without Redis every search reads the index version from the database: with
SQLite that opens a connection per request (``CONN_MAX_AGE`` is 0 for SQLite).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_RATIO = 0.30
# Without the page cache: every search found, ranked and rendered.
UNCACHED_TARGET_RATIO = 0.20
UNCACHED_TARGET_P95_MS = 25.0

WORDS = [
    "neuvola", "neuvolat", "perheneuvola", "eroon", "parisuhteen", "vauvaperheiden",
    "isät", "vertaisryhmä", "perhekahvila", "chat", "familjerådgivning", "skilsmässa",
    "babygrupp", "föräldrar", "couples counselling", "separation", "helpline",
    "family work", "lähisuhdeväkivalta", "talous",
]  # fmt: skip
PLACES = ["", "00100", "Tampere", "S:t Michel", "90100", "Rovaniemi", "65100", "Joensuu"]
FILTERS = [
    {},
    {"tier": "UNIVERSAL_GROUP"},
    {"channel": ["CHAT", "PHONE"]},
    {"target_group": "FATHERS", "free": "1"},
    {"life_situation": "SEPARATION"},
    {"language": "sv"},
    {"age": "3", "no_referral": "1"},
    {"evenings": "1", "anonymous": "1"},
]


def search_urls() -> list[str]:
    """At least fifty distinct search pages: words × places × filters, sorts and pages."""
    urls = []
    for i, (word, place) in enumerate(product(WORDS, PLACES)):
        if i % 3:
            continue
        params: list[tuple[str, str]] = [("q", word)]
        if place:
            params.append(("place", place))
        for key, value in FILTERS[i % len(FILTERS)].items():
            params += [(key, v) for v in (value if isinstance(value, list) else [value])]
        if place and i % 2:
            params.append(("sort", "distance"))
        if i % 7 == 0:
            params.append(("page", "2"))
        language = ("fi", "sv", "en")[i % 3]
        urls.append(f"/{language}/search/?{urlencode(params)}")
    urls += [f"/fi/search/?{urlencode({'life_situation': ls})}" for ls in ("BABY", "VIOLENCE")]
    return urls


# The scratch database and the server.


def run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], services: int, seed: int, fresh: bool) -> None:
    command = [PYTHON, "bench/scratch.py", f"--services={services}", f"--seed={seed}"]
    result = subprocess.run(command + (["--fresh"] if fresh else []), cwd=ROOT, env=env, text=True)
    if result.returncode:
        sys.exit("Preparing the scratch database failed.")
    started = time.perf_counter()
    run("rebuild_search_index", env=env)
    print(f"Search index rebuilt in {time.perf_counter() - started:.1f} s.", flush=True)


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "perhekeskus.wsgi:application",
            "--config=python:perhekeskus.gunicorn_config",  # as ./dev serve web
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--keep-alive=30",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body, _elapsed = Connection("127.0.0.1", port).get("/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


# A lean keep-alive HTTP/1.1 client: the load generator must not eat the server's CPU.


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.scratch = bytearray(262144)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def get(self, path: str) -> tuple[int, bytes, float]:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = self._connect()
            try:
                self.sock.sendall(request.encode("ascii"))
                status, body = self._read()
                return status, body, time.perf_counter() - started
            except (ConnectionError, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read(self) -> tuple[int, bytes]:
        """One response: the status and the body (read into a reused buffer, not kept)."""
        assert self.sock is not None
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        head, rest = self.buffer[:end], self.buffer[end + 4 :]
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        body, self.buffer = rest[:length], rest[length:]
        missing = length - len(body)
        while missing > 0:
            received = self.sock.recv_into(self.scratch, min(missing, len(self.scratch)))
            if not received:
                raise ConnectionError("closed")
            missing -= received
        if close:
            self.close()
        return status, body


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors


def load(port: int, paths: list[str], seconds: float, connections: int) -> Result:
    """Request ``paths`` in turn over ``connections`` keep-alive connections for ``seconds``."""
    result = Result()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        connection = Connection("127.0.0.1", port)
        latencies, errors, i = [], 0, offset
        while time.perf_counter() < stop:
            status, _body, elapsed = connection.get(paths[i % len(paths)])
            i += 1
            if status != 200:
                errors += 1
            latencies.append(elapsed)
        with lock:
            result.requests += len(latencies)
            result.latencies += latencies
            result.errors += errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def _load_in_process(args: tuple, queue: multiprocessing.Queue) -> None:
    queue.put(load(*args))


def measure(port: int, paths: list[str], seconds: float, connections: int) -> Result:
    """``load`` in a child process, so the client's GIL never slows the parent."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(
        target=_load_in_process, args=((port, paths, seconds, connections), queue)
    )
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/perhekeskus-bench.sqlite3"),
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the catalogue")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--connections", type=int, default=4, help="client connections")
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-page-cache", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="the in-process cache only")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
        "SEARCH_PAGE_CACHE_ENTRIES": "0" if args.no_page_cache else "500",
    }
    redis = redis_url(args)
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    prepare(env, args.services, args.seed, args.fresh)
    paths = search_urls()
    server = start_server(env, args.port, args.workers, args.threads)
    try:
        # Every worker loads the index once and renders each page once before it can serve it
        # from its cache; new connections land on workers at random, so ask often enough.
        print(f"Warming up ({len(paths)} distinct search pages) …", flush=True)
        started = time.perf_counter()
        for _ in range(args.workers * 4):
            for path in paths:
                connection = Connection("127.0.0.1", args.port)
                status, _body, _elapsed = connection.get(path)
                connection.close()
                if status != 200:
                    sys.exit(f"{path} answered {status}")
        print(f"  warm in {time.perf_counter() - started:.1f} s", flush=True)
        minimal, search = Result(), Result()
        for round_number in range(1, args.rounds + 1):
            minimal.add(measure(args.port, ["/healthz"], args.seconds, args.connections))
            search.add(measure(args.port, paths, args.seconds, args.connections))
            print(
                f"  round {round_number}: minimal {minimal.rate:7.0f} req/s, "
                f"search {search.rate:7.0f} req/s",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = search.rate / minimal.rate if minimal.rate else 0.0
    target = UNCACHED_TARGET_RATIO if args.no_page_cache else TARGET_RATIO
    verdict = "met" if ratio >= target else "NOT met"
    cache = "off" if args.no_page_cache else "on"
    minimal_p95, search_p95 = minimal.percentile(0.95) * 1000, search.percentile(0.95) * 1000
    print()
    print(f"Catalogue: {args.services:,} generated services; {len(paths)} distinct search pages")
    print(f"Database: {args.database_url.split('@')[-1]}; cache: {redis or 'in-process'}")
    print(f"Server: gunicorn, {args.workers} workers × {args.threads} threads; page cache {cache}")
    print(f"Minimal view (/healthz): {minimal.rate:8.0f} req/s   p95 {minimal_p95:6.1f} ms")
    print(f"Search pages:            {search.rate:8.0f} req/s   p95 {search_p95:6.1f} ms")
    print(f"Ratio search / minimal:  {ratio:8.2f}   (target {target:.2f}: {verdict})")
    if args.no_page_cache:
        p95_verdict = "met" if search_p95 < UNCACHED_TARGET_P95_MS else "NOT met"
        print(f"Search p95 (target under {UNCACHED_TARGET_P95_MS:.0f} ms): {p95_verdict}")
    if minimal.errors or search.errors:
        print(f"Errors: minimal {minimal.errors}, search {search.errors}")


def redis_url(args: argparse.Namespace) -> str:
    """Redis as in production when one answers (a database of its own), else none."""
    if args.no_redis:
        return ""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        print(f"No Redis at {url}: the in-process cache is used.", flush=True)
        return ""
    return url


if __name__ == "__main__":
    main()
