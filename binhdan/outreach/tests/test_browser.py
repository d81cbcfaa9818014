"""A team member goes through a village with the phone offline, logs coaching and visits,
reconnects, and everything arrives once. Real headless Chromium (the Debian package)."""

import os
import threading
from pathlib import Path

import pytest
from django.core.signals import request_started

from binhdan.learning.models import Achievement
from binhdan.outreach import services
from binhdan.outreach.models import ClassMeeting, CoachingSession, HouseholdStatus, HouseholdVisit
from binhdan.people.models import Person

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs the Debian chromium package"),
    pytest.mark.django_db(transaction=True),
]


class ServerLog:
    """Paths the live server was asked for while the phone was offline."""

    def __init__(self):
        self.offline = False
        self.seen: list[str] = []
        self.online: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, sender, environ=None, **kwargs):
        if environ is not None:
            with self.lock:
                path = environ.get("PATH_INFO", "")
                if self.offline and path.startswith("/api/"):
                    path += " from " + environ.get("HTTP_REFERER", "?")
                (self.seen if self.offline else self.online).append(path)


@pytest.fixture
def browser_page(live_server, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test still reads the database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=live_server.url, service_workers="allow")
        try:
            yield context
        finally:
            context.close()
            browser.close()


def open_page(page, url):
    """Open a team page and wait until its script has taken over the forms."""
    page.goto(url)
    page.wait_for_selector("#field[data-ready='1']", state="attached", timeout=30000)


def sign_in(context, client, user, live_server):
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_a_member_works_offline_and_everything_arrives_once(field_data, client, live_server, browser_page):
    f = field_data
    klass = services.save_class(f.s.team_member, None, name="Cầm tay chỉ app", kind="class", village=f.s.v111,
                                venue="Nhà văn hóa", skills=[f.skills["l1.b"]])
    services.enrol(f.s.team_member, klass, f.people["nam"])
    context = browser_page
    sign_in(context, client, f.s.team_member, live_server)
    log = ServerLog()
    request_started.connect(log)
    try:
        page = context.new_page()
        # Online once: the service worker installs, the pages and the data are kept on the phone.
        open_page(page, "/doi/ghi-nhan/")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)
        open_page(page, f"/doi/tham-ho/?thon={f.s.v111.code}")

        assert "/doi/ghi-nhan/" in log.online  # the server log does see the pages when online

        # Airplane mode.
        context.set_offline(True)
        log.offline = True

        open_page(page, "/doi/ghi-nhan/")
        assert page.locator("h1").inner_text()  # the page came from the phone
        page.fill("#q", "nguyen thi hoa")  # no accents: still finds "Nguyễn Thị Hoa"
        page.locator("#found button", has_text="Nguyễn Thị Hoa").click()
        page.locator("input[name=skill][value='l1.b']").check()
        page.locator("input[name=observed][value='l1.a']").check()
        page.fill("input[name=minutes]", "25")
        page.locator("#session-form button.btn.block").click()
        page.wait_for_function("document.getElementById('queue-count').textContent === '1'")
        assert "Nguyễn Thị Hoa" not in page.locator("#chosen").inner_text()  # ready for the next person

        # A second session: a bad one is stopped on the phone with a clear message.
        page.fill("#q", "binh")
        page.locator("#found button", has_text="Lê Văn Bình").click()
        page.locator("#session-form button.btn.block").click()
        assert page.locator("#session-form .form-msg").is_visible()
        assert page.locator("#queue-count").inner_text() == "1"

        open_page(page, f"/doi/tham-ho/?thon={f.s.v111.code}")
        row = page.locator(f"[data-household='{f.hh['binh'].uuid}']")
        row.locator("select[name=status]").select_option("visited")
        row.locator("button").click()
        page.wait_for_function("document.getElementById('queue-count').textContent === '2'")
        assert "pending" in row.get_attribute("class")

        # Class attendance, offline, with a skill done alone.
        open_page(page, f"/doi/lop/{klass.uuid}/")
        page.locator(f"input[name=present][value='{f.people['nam'].uuid}']").check()
        page.locator(".att summary").click()
        page.locator(f"input[name='obs-{f.people['nam'].uuid}'][value='l1.b']").check()
        page.locator("#meeting-form button.btn.block").click()
        page.wait_for_function("document.getElementById('queue-count').textContent === '3'")

        # Somebody not yet in the register: added on the phone and coached at once.
        open_page(page, "/doi/ghi-nhan/")
        page.locator("details.add summary").click()
        page.fill("#person-form input[name=full_name]", "Vi Thị Mới")
        page.fill("#person-form input[name=birth_year]", "1952")
        page.locator("#person-form select[name=village]").select_option("V112")
        page.locator("#person-form button").click()
        page.wait_for_function("document.getElementById('queue-count').textContent === '4'")
        assert "Vi Thị Mới" in page.locator("#chosen").inner_text()
        page.locator("input[name=skill][value='l1.a']").check()
        page.locator("#session-form button.btn.block").click()
        page.wait_for_function("document.getElementById('queue-count').textContent === '5'")

        # Reload while still offline: the queue survives and the row still shows what waits.
        open_page(page, f"/doi/tham-ho/?thon={f.s.v111.code}")
        page.reload()
        page.wait_for_selector("#field[data-ready='1']", state="attached", timeout=30000)
        assert page.locator("#queue-count").inner_text() == "5"
        assert "pending" in page.locator(f"[data-household='{f.hh['binh'].uuid}']").get_attribute("class")
        queued = page.evaluate("localStorage.getItem('bd.queue')")
        assert log.seen == [], log.seen  # nothing reached the server while offline
        assert CoachingSession.objects.count() == 0 and HouseholdVisit.objects.count() == 0

        # Back online: the queue is sent through the API and empties.
        log.offline = False
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function("document.getElementById('queue-count').textContent === '0'", timeout=30000)

        assert page.evaluate("localStorage.getItem('bd.problems')") == "[]"
        session = CoachingSession.objects.get(person=f.people["hoa"])
        assert session.minutes == 25
        achievement = Achievement.objects.get(person=f.people["hoa"])
        assert achievement.skill.code == "l1.a" and achievement.verified_by == f.s.team_member
        assert HouseholdStatus.objects.get(household=f.hh["binh"]).status == "visited"
        assert ClassMeeting.objects.get().attendance.get().person == f.people["nam"]
        assert Achievement.objects.get(person=f.people["nam"]).skill.code == "l1.b"
        newcomer = Person.objects.get(full_name="Vi Thị Mới")
        assert newcomer.village_id == f.s.v112.pk and CoachingSession.objects.filter(person=newcomer).count() == 1

        # The same queue sent again (a flaky connection) stores nothing new.
        statuses = page.evaluate(
            """(q) => fetch('/api/outreach/field/sync/', {method: 'POST', credentials: 'same-origin',
                 headers: {'Content-Type': 'application/json',
                           'X-CSRFToken': (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || ''},
                 body: JSON.stringify({records: JSON.parse(q)})})
               .then(r => r.json()).then(d => d.results.map(r => r.status))""", queued)
        assert statuses == ["duplicate"] * 5
        assert CoachingSession.objects.count() == 2 and HouseholdVisit.objects.count() == 1
        assert Achievement.objects.count() == 2 and ClassMeeting.objects.count() == 1
        assert Person.objects.filter(full_name="Vi Thị Mới").count() == 1
    finally:
        request_started.disconnect(log)


def test_pages_work_as_plain_forms_without_javascript(field_data, client, live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    f = field_data
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
            sign_in(context, client, f.s.team_member, live_server)
            page = context.new_page()
            page.goto("/doi/ghi-nhan/?q=lan")
            page.locator("#found a", has_text="Phạm Thị Lan").click()
            page.locator("input[name=observed][value='l1.b']").check()
            page.locator("#session-form button.btn.block").click()
            assert "/doi/ghi-nhan/" in page.url and page.locator(".code").count() == 1
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    session = CoachingSession.objects.get()
    assert session.person == f.people["lan"]
    assert Achievement.objects.get(person=f.people["lan"]).skill.code == "l1.b"
