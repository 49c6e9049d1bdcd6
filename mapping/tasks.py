"""Background tasks of the coverage mapping: each calls one domain function of mapping.coverage."""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from mapping import coverage

logger = logging.getLogger(__name__)


@shared_task
def recompute_coverage_task(service_ids: list[int] | None = None) -> int:
    """Recompute what these services' changes can affect; without ids, the whole country.

    Returns the version of the stored results.
    """
    if service_ids is None:
        return coverage.recompute().version
    return coverage.recompute_services(service_ids=service_ids).version


@shared_task
def catch_up_coverage_task() -> int | None:
    """Recompute what changes whose task was never queued left out (mapping/catch_up.py); run
    by Celery beat every ``COVERAGE_CATCH_UP_SECONDS``. Returns the stored version, or None."""
    from mapping.catch_up import catch_up_coverage

    status = catch_up_coverage()
    return status.version if status is not None else None


@shared_task
def snapshot_coverage_task() -> int:
    """The monthly snapshot for the trend; returns the number of rows stored."""
    return coverage.snapshot_coverage()


@shared_task
def send_weekly_digest_task() -> dict[str, int]:
    """Coordinators' Monday digest; run by Celery beat, once per person per week."""
    from mapping.digest import send_weekly_digest

    return vars(send_weekly_digest())


def catalogue_changed(*, service_ids: list[int]) -> None:
    """Queue a recomputation (``settings.CATALOGUE_CHANGE_HANDLERS``; runs after commit).

    A broker that cannot be reached must not fail the catalogue change: the failure is logged
    and ``catch_up_coverage_task`` catches up within ``COVERAGE_CATCH_UP_SECONDS``.
    """
    task = recompute_coverage_task
    try:
        with task.app.connection_for_write() as connection:
            # One attempt: the request that saved the change must not wait for retries.
            connection.ensure_connection(max_retries=0)
            task.apply_async(args=[list(service_ids)], connection=connection, retry=False)
    except (OperationalError, OSError):
        logger.exception(
            "Could not queue the coverage recomputation for services %s; the periodic "
            "catch-up (catch_up_coverage_task) will include them.",
            service_ids,
        )
