from __future__ import annotations

# The small HSDS world, fresh throttle counts and English error messages, as the API tests use;
# the small coverage world of the dashboard tests (the gap list export).
from tests.hsds.conftest import client, fresh_throttle, world  # noqa: F401
from tests.mapping.dashboard_fixtures import small_world  # noqa: F401
