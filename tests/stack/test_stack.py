"""The production stack as docker-compose.yml runs it, natively: ``./dev serve migrate``, then
``./dev serve web`` (gunicorn, 2 workers), ``./dev serve worker`` and ``./dev serve beat``
(Celery), on a PostgreSQL of its own and Redis, used over HTTP as a coordinator and parents
use it; then the faults it must survive.

- Redis behind a fault proxy (tests/stack/proxy.py) that can forward, refuse connections, or
  accept them and never answer. While Redis is silent or refusing, public pages are slowed by
  less than 100 ms, a coordinator's save succeeds, and the coverage recomputation whose task
  could not be queued is caught up (Celery beat, ``catch_up_coverage_task``) once Redis is back.
- The worker process killed in the middle of a recomputation (the task is handed out again and
  finishes) and of an import (the run is failed with the reason, never left RUNNING).
- PostgreSQL stopped and started again: requests fail cleanly (a quick 500) and the same
  gunicorn processes answer again once it is back.

PostgreSQL: a throwaway cluster (initdb into a temporary folder, its own port) so that it can
be stopped; where PostgreSQL's programs are missing, a database on the test server instead
(and the restart is skipped). Redis: ``TEST_REDIS_URL`` (its own queue and cache key prefix).
Runs in ``./dev test``'s PostgreSQL pass (``-m stack``), alone, as it measures time.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from tests.stack.harness import (
    Stack,
    StackError,
    ThrowawayPostgres,
    coverage_of,
    csrf_token,
    edit_service,
    median_seconds,
    municipality,
    page_times,
    running_stack,
    searched,
    sign_in,
    wait_for,
)

# A public page may be slowed by less than this while Redis misbehaves (issue 13).
MAX_SLOWDOWN = 0.100


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_REDIS_URL is not set on CI: the stack test must run.")
        pytest.skip("TEST_REDIS_URL is not set (./dev test sets it when Redis answers).")
    server = None
    if ThrowawayPostgres.find_programs() is None:  # then a database on the test server
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith("postgres"):
            pytest.skip("Neither PostgreSQL's programs (initdb) nor a PostgreSQL DATABASE_URL.")
        server = server.rsplit("/", 1)[0]
    try:
        with running_stack(redis_url=url, database_server=server) as running:
            yield running
    except StackError as error:
        pytest.fail(str(error))


pytestmark = pytest.mark.stack

# The tests, in order: each leaves the stack running for the next ------------------------------


def test_a_coordinator_edits_a_service_and_search_and_coverage_follow(stack: Stack) -> None:
    # gunicorn's 2 workers, forked one after the other once the master has loaded the app
    # (the first may answer before the second exists).
    workers = stack.processes["web"].children
    wait_for("gunicorn's second worker", lambda: len(workers()) == 2, 10, stack.logs)
    savonlinna = municipality(stack, 0)
    assert coverage_of(stack, savonlinna) == 0

    answer, _seconds = edit_service(stack, name="Kuutamopuhelin", municipality=savonlinna)

    assert answer.status_code == 302, answer.text[:3000]
    wait_for("search", lambda: searched(stack, "kuutamopuhelin", "Kuutamopuhelin"), 30,
             stack.logs)  # fmt: skip
    page = stack.get(f"/fi/services/{stack.world['service']}/").text
    assert "Kuutamopuhelin" in page
    # Recomputed by the worker, not in the request.
    wait_for("coverage", lambda: coverage_of(stack, savonlinna) == 1.0, 30, stack.logs)
    assert "mapping.tasks.recompute_coverage_task" in stack.processes["worker"].output()


@pytest.mark.parametrize("fault", ["silent", "refuse"])
def test_with_redis_silent_or_refusing_pages_stay_fast_saves_succeed_and_coverage_catches_up(
    stack: Stack, fault: str
) -> None:
    number = 1 if fault == "silent" else 2
    place = municipality(stack, number)
    name = {"silent": "Revontulipuhelin", "refuse": "Aamuruskopuhelin"}[fault]
    baseline = median_seconds(page_times(stack))

    stack.proxy.set_mode(fault)
    try:
        page_times(stack, rounds=1)  # a worker meets the fault (and pauses its Redis calls)
        times = page_times(stack)
        slowed = median_seconds(times)
        answer, seconds = edit_service(stack, name=name, municipality=place)
        page = stack.get(f"/fi/services/{stack.world['service']}/").text
        found = searched(stack, name.lower(), name)
        still = coverage_of(stack, place)
    finally:
        stack.proxy.set_mode("forward")

    print(
        f"Redis {fault}: public pages median {baseline * 1000:.0f} -> {slowed * 1000:.0f} ms, "
        f"slowest {[f'{path} {took * 1000:.0f} ms' for took, path in times[:3]]}; "
        f"the coordinator's save {seconds:.2f} s"
    )
    assert slowed - baseline < MAX_SLOWDOWN, (baseline, slowed, stack.logs())
    # No page waits for Redis call after call: a gunicorn worker that has not met the fault
    # yet waits once (the cache's socket timeout, 0.25 s). One page of the 24 may be slow for
    # another reason on a busy 2-core machine (the worker recomputing, a checkpoint).
    assert times[1][0] < 1.0 and times[0][0] < 3.0, (times[:3], stack.logs())
    assert answer.status_code == 302, (answer.status_code, answer.text[:3000], stack.logs())
    assert seconds < 10, seconds
    assert name in page and found
    assert still == 0  # its recomputation could not be queued ...
    # ... and is caught up once Redis is back (beat, catch_up_coverage_task).
    wait_for("the catch-up", lambda: coverage_of(stack, place) == 1.0, 90, stack.logs)


def kill_the_worker_process(stack: Stack) -> list[int]:
    children = stack.processes["worker"].children()
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return children


def test_a_worker_killed_in_the_middle_of_a_recomputation_has_it_done_again(
    stack: Stack,
) -> None:
    client = stack.celery()
    for _attempt in range(5):
        before = stack.sql("SELECT version FROM mapping_coveragestate")[0]
        result = client.send_task("mapping.tasks.recompute_coverage_task", args=[None])
        deadline = time.monotonic() + 30
        while result.state != "STARTED" and time.monotonic() < deadline:
            time.sleep(0.002)
        killed = kill_the_worker_process(stack)
        assert killed, stack.logs()
        # Redelivered (late acknowledgement, reject on worker lost) and run to the end.
        wait_for("the recomputation", lambda r=result: r.state == "SUCCESS", 60, stack.logs)
        received = stack.processes["worker"].output().count(f"[{result.id}] received")
        if received >= 2:  # killed in the middle, not just after
            print(f"Recomputation: worker process {killed} killed in the middle, redelivered")
            break
    else:
        pytest.fail(
            f"The worker was never caught in the middle of a recomputation.\n{stack.logs()}"
        )
    assert stack.sql("SELECT version FROM mapping_coveragestate")[0] > before
    assert "SIGKILL" in stack.processes["worker"].output()


def test_a_worker_killed_in_the_middle_of_an_import_fails_the_run_with_the_reason(
    stack: Stack,
) -> None:
    session = sign_in(stack)
    rows = "".join(f"stack-{n};Ryhmä {n};Mikkeli\n" for n in range(4000))
    content = ("Tunniste;Nimi (suomi);Palvelualue\n" + rows).encode()
    for _attempt in range(4):
        page = stack.get("/fi/staff/imports/", session)
        answer = session.post(
            stack.url + "/fi/staff/imports/",
            data={
                "csrfmiddlewaretoken": csrf_token(page.text),
                "kind": "spreadsheet",
                "dry_run": "on",
                "county": "12",
            },
            files={"file": ("palvelut.csv", content, "text/csv")},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:3000]
        run = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        status = "QUEUED"
        deadline = time.monotonic() + 30
        while status == "QUEUED" and time.monotonic() < deadline:
            status = stack.sql("SELECT status FROM services_importrun WHERE id = %s", run)[0]
            time.sleep(0.005)
        if status != "RUNNING":
            content += content[content.index(b"\n") + 1 :]  # finished first: a larger file
            continue
        assert kill_the_worker_process(stack), stack.logs()
        wait_for(
            "the run to end",
            lambda r=run: (
                stack.sql("SELECT status FROM services_importrun WHERE id = %s", r)[0]
                in ("FAILED", "DONE")
            ),
            60,
            stack.logs,
        )
        report = stack.get(answer.headers["Location"], session).text
        if "DONE" == stack.sql("SELECT status FROM services_importrun WHERE id = %s", run)[0]:
            continue  # finished just before the kill
        assert "taustaprosessi" in report or "background worker" in report, report[:5000]
        print(f"Import run {run}: worker process killed while RUNNING; failed with the reason")
        return
    pytest.fail(f"The worker was never caught in the middle of an import.\n{stack.logs()}")


def test_postgresql_restarted_requests_fail_cleanly_and_the_same_processes_recover(
    stack: Stack,
) -> None:
    if stack.postgres is None:
        pytest.skip("No PostgreSQL programs for a throwaway cluster to restart.")
    gunicorn_workers = set(stack.processes["web"].children())
    service_page = f"/fi/services/{stack.world['service']}/"
    assert stack.get(service_page).status_code == 200

    stack.postgres.stop()
    try:
        started = time.monotonic()
        while_down = [stack.get(service_page, timeout=10) for _ in range(4)]
        seconds = time.monotonic() - started
        alive = stack.get("/healthz", timeout=5)
    finally:
        stack.postgres.start()

    print(f"PostgreSQL down: {[a.status_code for a in while_down]} in {seconds:.2f} s")
    assert {answer.status_code for answer in while_down} == {500}, stack.logs()
    assert seconds < 10, seconds
    assert alive.status_code == 200
    after = [stack.get(service_page, timeout=10).status_code for _ in range(6)]
    assert after == [200] * 6, stack.logs()
    assert set(stack.processes["web"].children()) == gunicorn_workers  # not restarted
    # The worker and the staff side too: a change is saved and recomputed.
    place = municipality(stack, 3)
    answer, _seconds = edit_service(stack, name="Iltatähtipuhelin", municipality=place)
    assert answer.status_code == 302, answer.text[:3000]
    wait_for("coverage after the restart", lambda: coverage_of(stack, place) == 1.0, 60,
             stack.logs)  # fmt: skip
