"""The benchmarks' scratch database: reference data and a generated national-size catalogue.

Used in a process whose Django settings point at the scratch database:

    prepare_catalogue(services=20_000, seed=1, fresh=False)

or from another process: ``python bench/scratch.py --services 20000 --seed 1 [--fresh]`` with
``DATABASE_URL`` set. A catalogue of the wanted size is reused from an earlier run; a scratch
SQLite file whose schema no longer matches the migrations is recreated.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _migrate(say: Callable[[str], None]) -> None:
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    try:
        call_command("migrate", "--noinput", verbosity=0)
    except DatabaseError:
        if connection.vendor != "sqlite":
            raise
        # A scratch file left by an older schema: start it again.
        database = str(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        say(f"Recreated {database}: its schema was out of date.")
        call_command("migrate", "--noinput", verbosity=0)


def prepare_catalogue(
    *, services: int, seed: int, fresh: bool = False, say: Callable[[str], None] = print
) -> int:
    """Migrate, load the reference data and make sure ``services`` generated services exist.

    Returns the number of published services.
    """
    from django.core.management import call_command

    from services.models import Source, SupportService

    say("Preparing the scratch database …")
    _migrate(say)
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    count = SupportService.objects.filter(source=Source.GENERATED).count()
    if fresh or count != services:
        say(f"Generating {services:,} services (seed {seed}) …")
        call_command(
            "generate_catalogue",
            services=services,
            seed=seed,
            replace=True,
            verbosity=0,
            stdout=io.StringIO(),
        )
    else:
        say(f"Reusing the {services:,} generated services already there.")
    return SupportService.objects.published().count()


def coordinator_session(username: str, *, county: str = "12") -> str:
    """The key of a signed-in session, second factor done, of a coordinator of ``county``
    (Etelä-Savo by default): a benchmark's HTTP client sends it as its session cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user, _ = User.objects.get_or_create(username=username)
    user.is_active = True
    user.set_unusable_password()
    user.save()
    user.counties.set([county])
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="regenerate the catalogue")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    published = prepare_catalogue(
        services=options.services,
        seed=options.seed,
        fresh=options.fresh,
        say=lambda text: print(text, flush=True),
    )
    print(f"{published:,} published services.", flush=True)


if __name__ == "__main__":
    main()
