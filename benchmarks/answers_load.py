"""Answer submissions under load: at least 200 answers/s with p95 under 150 ms (gunicorn, PostgreSQL).

    .venv/bin/python benchmarks/answers_load.py --database-url postgres://postgres@127.0.0.1:5432/bench_learning
        [--workers 4] [--concurrency 8] [--learners 400] [--seconds 20]

Creates (and afterwards drops) its own PostgreSQL database, loads content/vi, makes `--learners`
learners each with an open level test and a signed-in session, starts the app under gunicorn on
127.0.0.1, and submits answers (`POST /kiem-tra/bai/<attempt>/`, a real form post with CSRF
token and session cookie) from a bounded asyncio load generator on 127.0.0.1 only: at most
`--concurrency` requests in flight, at most learners × 20 answers, at most `--seconds`.
A submission counts as served when it gets the 302 back to the next question; anything else is an
error. Afterwards it checks in the database that every served answer was recorded exactly once.
Prints one JSON object last: rps, p95_ms, errors, requests, ...
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _psql(url, sql: str) -> None:
    u = urlparse(url)
    cmd = ["psql", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
           "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]
    subprocess.run(cmd, check=True, env=dict(os.environ, PGPASSWORD=u.password or ""), stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--learners", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/5 (the app's CACHE_URL)")
    parser.add_argument("--session-engine", default="",
                        help="the app's SESSION_ENGINE, e.g. django.contrib.sessions.backends.cached_db")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL (a database this script may create and drop)")
    name = urlparse(args.database_url).path.lstrip("/")
    _psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(args.database_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
    print(json.dumps(result))


def prepare(args) -> tuple[list[tuple[str, bytes]], str]:
    """Data, sessions and the list of (path, form body + headers) to send."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast set-up only
    call_command("migrate", verbosity=0)
    from binhdan.geo.models import AdminUnit, Kind, Level
    from binhdan.learning import services
    from binhdan.learning.models import AttemptItem
    from binhdan.learning.models import Level as CurriculumLevel

    services.load_curriculum(ROOT / "content" / "vi")
    nation = AdminUnit(code="VN", name="Việt Nam", level=Level.NATION, kind=Kind.NATION)
    nation.save()
    province = AdminUnit(code="AP", name="Tỉnh Đo", level=Level.PROVINCE, kind=Kind.PROVINCE, parent=nation)
    province.save()
    commune = AdminUnit(code="AC", name="Xã Đo", level=Level.COMMUNE, kind=Kind.COMMUNE, parent=province)
    commune.save()
    level = CurriculumLevel.objects.get(code="1")
    requests: list[tuple[str, bytes]] = []
    by_attempt: dict[str, list[bytes]] = {}
    for i in range(args.learners):
        learner = services.create_learner(full_name=f"Học Viên {i}", pin="123456", unit=commune)
        attempt = services.start_attempt(learner, level)
        session = SessionStore()
        session[SESSION_KEY] = str(learner.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = learner.user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, sent as cookie and as form field
        path = f"/kiem-tra/bai/{attempt.uuid}/"
        for item in AttemptItem.objects.filter(attempt=attempt).order_by("position"):
            body = urlencode({"csrfmiddlewaretoken": csrf, "item": item.position, "choice": 0}).encode()
            request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                       f"Cookie: sessionid={session.session_key}; csrftoken={csrf}\r\n"
                       f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
                       ).encode() + body
            by_attempt.setdefault(path, []).append(request)
    # Interleave learners, as many people answering at once would.
    rounds = max(len(v) for v in by_attempt.values())
    for r in range(rounds):
        for path, reqs in by_attempt.items():
            if r < len(reqs):
                requests.append((path, reqs[r]))
    from django.db import connections

    connections.close_all()
    return requests, args.database_url


async def _one(port: int, payload: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()  # until the server closes
    writer.close()
    elapsed = time.perf_counter() - started
    try:
        status = int(status_line.split()[1])
    except (IndexError, ValueError):
        status = 0
    return status, elapsed


async def _drive(port: int, requests, concurrency: int, seconds: float):
    queue = list(reversed(requests))
    latencies, errors, statuses = [], 0, {}
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        while queue and time.perf_counter() < deadline:
            _path, payload = queue.pop()
            try:
                status, elapsed = await _one(port, payload)
            except OSError:
                status, elapsed = 0, 0.0
            statuses[status] = statuses.get(status, 0) + 1
            if status == 302:
                latencies.append(elapsed)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, statuses, time.perf_counter() - started


def _tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of gunicorn's workers so far (children of the master), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run(args) -> dict:
    requests, url = prepare(args)
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, DEBUG="false", LOG_LEVEL="ERROR")
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    if args.session_engine:
        env["SESSION_ENGINE"] = args.session_engine
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "binhdan.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(args.workers), "--log-level", "warning"],
        cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        # Warm every worker (imports, connections) with a few GETs of the level map.
        warm = b"GET /hoc/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        asyncio.run(_drive(port, [("/hoc/", warm)] * (args.workers * 4), args.workers, 10))
        cpu, workers_cpu = time.process_time(), _tree_cpu_seconds(server.pid)
        latencies, errors, statuses, elapsed = asyncio.run(
            _drive(port, requests, args.concurrency, args.seconds))
        cpu = time.process_time() - cpu
        workers_cpu = _tree_cpu_seconds(server.pid) - workers_cpu
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    import django  # noqa: F401 — already set up in prepare()

    from binhdan.learning.models import AttemptItem

    recorded = AttemptItem.objects.filter(answered_at__isnull=False).count()
    served = len(latencies)
    latencies.sort()
    p95 = latencies[int(0.95 * (served - 1))] * 1000 if served else None
    return {
        "rps": round(served / elapsed, 1) if elapsed else 0, "p95_ms": round(p95, 1) if p95 else None,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if served else None,
        "errors": errors, "requests": served + errors, "statuses": {str(k): v for k, v in statuses.items()},
        "recorded_answers": recorded, "recorded_matches_served": recorded == served,
        "seconds": round(elapsed, 2), "workers": args.workers, "concurrency": args.concurrency,
        "session_engine": args.session_engine or "default", "cache_url": args.cache_url or "default",
        "load_average_1m": round(os.getloadavg()[0], 2),
        "loadgen_cpu_ms_per_request": round(1000 * cpu / max(1, served + errors), 2),
        "server_cpu_ms_per_request": round(1000 * workers_cpu / max(1, served + errors), 2),
        "budget": {"rps": 200, "p95_ms": 150},
    }


if __name__ == "__main__":
    main()
