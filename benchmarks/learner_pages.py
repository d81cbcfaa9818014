"""Learner page budget: each learner page is at most 30 KB transferred (gzip HTML + its CSS + any script),
and loading the whole curriculum takes under 10 s.

    .venv/bin/python benchmarks/learner_pages.py [--database-url URL]

Builds its own data in its own database (a fresh SQLite file under var/bench/ by default), loads
content/vi, makes a learner with an open level test and a certificate, then fetches every learner
page through the whole middleware stack (GZipMiddleware included) with `Accept-Encoding: gzip`.
Bytes counted: the compressed body of the page plus the gzip size of each stylesheet and script it
links (headers are not counted). Prints one JSON object last: pages, max_bytes, budget_bytes,
load_curriculum_s, third_party (pages that reference another host).
"""

import argparse
import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 30 * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not args.database_url:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(bench_dir / "learner_pages.sqlite3") + suffix).unlink(missing_ok=True)
        args.database_url = f"sqlite:///{bench_dir / 'learner_pages.sqlite3'}"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhdan.settings")
    print(json.dumps(run()))


def run() -> dict:
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from binhdan.geo.models import AdminUnit, Kind, Level
    from binhdan.learning import services
    from binhdan.learning.models import Lesson
    from binhdan.learning.models import Level as CurriculumLevel

    started = time.perf_counter()
    services.load_curriculum(ROOT / "content" / "vi")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    services.load_curriculum(ROOT / "content" / "vi")
    reload_s = time.perf_counter() - started

    nation = AdminUnit.objects.filter(level=Level.NATION).first()
    if nation is None:
        nation = AdminUnit(code="VN", name="Việt Nam", level=Level.NATION, kind=Kind.NATION)
        nation.save()
    province = AdminUnit(code="LP", name="Tỉnh Đo", level=Level.PROVINCE, kind=Kind.PROVINCE, parent=nation)
    province.save()
    commune = AdminUnit(code="LC", name="Xã Vĩnh Linh", level=Level.COMMUNE, kind=Kind.COMMUNE, parent=province)
    commune.save()
    level1 = CurriculumLevel.objects.get(code="1")
    # The longest Level 1 lesson and the question with the longest text: the heaviest pages.
    lesson = max(Lesson.objects.filter(level=level1, active=True), key=lambda x: len(x.body_html))
    learner = services.create_learner(full_name="Nguyễn Thị Hoa", phone="0912345678", pin="123456", unit=commune)
    passed = services.start_attempt(learner, level1)
    for item in passed.items.select_related("question_version"):
        right = item.question_version.correct_set()
        services.answer(passed, item.position, [i for i, o in enumerate(item.order) if o in right])
    passed = services.finish_attempt(passed)
    cert = passed.certificate
    level2 = CurriculumLevel.objects.get(code="2")
    open_attempt = services.start_attempt(learner, level2)

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(learner.user, backend="django.contrib.auth.backends.ModelBackend")
    pages = {
        "home": (anonymous, "get", reverse("home")),
        "level_map": (anonymous, "get", reverse("learning:levels")),
        "level": (anonymous, "get", reverse("learning:level", args=["cap-1"])),
        "lesson": (anonymous, "get", reverse("learning:lesson", args=[lesson.code])),
        "practice_question": (anonymous, "get", reverse("learning:practice", args=[lesson.code, 1])),
        "practice_feedback": (anonymous, "post", reverse("learning:practice", args=[lesson.code, 1])),
        "sign_up": (anonymous, "get", reverse("learning:sign_up")),
        "sign_in": (anonymous, "get", reverse("learning:sign_in")),
        "card_sign_in": (anonymous, "get", reverse("learning:card_sign_in", args=[learner.card_token])),
        "assessment_start": (signed_in, "get", reverse("learning:assessment_start", args=["cap-3"])),
        "assessment_question": (signed_in, "get", reverse("learning:assessment", args=[open_attempt.uuid])),
        "assessment_result": (signed_in, "get", reverse("learning:assessment_result", args=[passed.uuid])),
        "self_assessment": (signed_in, "get", reverse("learning:self_assessment", args=["cap-1", "truoc"])),
        "account": (signed_in, "get", reverse("learning:account")),
        "verification": (anonymous, "get", reverse("learning:verify", args=[cert.code])),
    }
    asset_cache: dict[str, int] = {}
    sizes, third_party = {}, []
    for name, (client, method, url) in pages.items():
        if method == "post":
            response = client.post(url, {"choice": "0"}, HTTP_ACCEPT_ENCODING="gzip")
        else:
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, (name, response.status_code)
        body = response.content
        html = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        total = len(body)
        for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
            key = asset.decode()
            if key not in asset_cache:
                with open(finders.find(key), "rb") as fh:
                    asset_cache[key] = len(gzip.compress(fh.read()))
            total += asset_cache[key]
        if re.search(rb'(src="|<link[^>]*href="|url\()(https?:)?//', html):
            third_party.append(name)
        sizes[name] = total
    return {"pages": sizes, "max_bytes": max(sizes.values()), "budget_bytes": BUDGET,
            "within_budget": max(sizes.values()) <= BUDGET and not third_party, "third_party": third_party,
            "load_curriculum_s": round(load_s, 2), "reload_curriculum_s": round(reload_s, 2),
            "lessons": Lesson.objects.filter(active=True).count()}


if __name__ == "__main__":
    main()
