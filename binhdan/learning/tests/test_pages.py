"""Learner pages stay light: at most 30 KB transferred (gzip), no third-party request, usable without script."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from binhdan.learning import services

BUDGET = 30 * 1024


def transferred(html: bytes) -> int:
    size = len(gzip.compress(html))
    for href in re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html):
        size += len(gzip.compress(open(finders.find(href.decode()), "rb").read()))
    return size


@pytest.fixture
def pages(client, learner, curriculum):
    urls = {"home": reverse("home"), "levels": reverse("learning:levels"), "level": reverse("learning:level",
                                                                                             args=["cap-1"]),
            "lesson": reverse("learning:lesson", args=["l1-01-bat-tat"]),
            "practice": reverse("learning:practice", args=["l1-01-bat-tat", 1])}
    attempt = services.start_attempt(learner, curriculum)
    client.force_login(learner.user, backend="django.contrib.auth.backends.ModelBackend")
    urls["assessment"] = reverse("learning:assessment", args=[attempt.uuid])
    return urls


def test_every_learner_page_is_within_budget_and_has_no_third_party_request(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content
        assert transferred(html) <= BUDGET, name
        assert not re.search(rb'(src="|<link[^>]*href="|url\()(https?:)?//', html), name  # links may leave


def test_learner_forms_are_plain_html_posts(client, pages):
    for name in ("practice", "assessment"):
        html = client.get(pages[name]).content.decode()
        assert '<form method="post">' in html and 'type="radio"' in html and "<button" in html, name
        assert "<script" not in html, name
