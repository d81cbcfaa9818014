"""Foundation budgets: load_units < 10 s, seed_demo --people 100000 < 60 s (SQLite),
home and console pages < 50 ms server time with the demo data.

    .venv/bin/python benchmarks/foundation.py [--database-url URL] [--people N]

Uses its own database (a fresh SQLite file under var/bench/ by default; for PostgreSQL
give a URL to an empty database you may drop tables in). Prints one JSON object last.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    if not args.database_url:
        shutil.rmtree(bench_dir, ignore_errors=True)
        bench_dir.mkdir(parents=True)
        args.database_url = f"sqlite:///{bench_dir / 'foundation.sqlite3'}"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from binhdan.accounts.models import User

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0) if _has_tables(connection) else None
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    call_command("load_units", verbosity=0, stdout=open(os.devnull, "w"))
    load_units_s = time.perf_counter() - started

    started = time.perf_counter()
    call_command("seed_demo", people=args.people, villages=30, seed=7, stdout=open(os.devnull, "w"))
    seed_s = time.perf_counter() - started

    client = Client()
    officer = User.objects.get(username="xa")
    timings = {}
    for name, url, user in [
        ("home_ms", "/", None),
        ("console_ms", "/quan-ly/don-vi/19363/", officer),
    ]:
        if user:
            client.force_login(user)
        client.get(url)  # warm up
        samples = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings[name] = round(statistics.median(samples), 2)

    result = {
        "database": connection.vendor,
        "people": args.people,
        "load_units_s": round(load_units_s, 2),
        "seed_demo_100k_s": round(seed_s, 2),
        **timings,
    }
    print(json.dumps(result))


def _has_tables(connection) -> bool:
    return "django_migrations" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
