"""Vietnamese first: complete catalogs, compiled catalogs that match their sources, dd/mm/yyyy."""

import datetime
import re
import tempfile
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from binhdan.core.management.commands.compilecatalogs import catalogs

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f|\{\w*\}")


def test_there_is_a_vietnamese_catalog_for_every_app_with_ui_strings():
    apps = {p.parts[-5] for p in catalogs()}
    assert {"core", "geo", "accounts"} <= apps


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parts[-5])
def test_every_vietnamese_entry_is_translated_and_not_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    assert po.untranslated_entries() == [], [e.msgid for e in po.untranslated_entries()][:10]
    assert po.fuzzy_entries() == [], [e.msgid for e in po.fuzzy_entries()][:10]


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parts[-5])
def test_translations_keep_every_placeholder(po_path):
    for entry in polib.pofile(str(po_path)).translated_entries():
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(target)), entry.msgid


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parts[-5])
def test_compiled_catalogs_match_their_sources(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `binhdan compilecatalogs` (make install does)"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(fresh))
        assert fresh.read_bytes() == mo_path.read_bytes()


def test_the_home_page_is_in_vietnamese_by_default(client, db):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Kỹ năng số cho mọi người" in html
    assert "không ai bị bỏ lại phía sau" in html


def test_a_phone_set_to_english_still_gets_vietnamese(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_english_is_available_by_switching(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html and "Digital skills for everyone" in html


def test_dates_are_day_month_year_and_numbers_use_vietnamese_separators():
    template = Template('{% load humanize l10n %}{{ d|date:"SHORT_DATE_FORMAT" }} {{ n|localize }}')
    with translation.override("vi"):
        text = template.render(Context({"d": datetime.date(2026, 9, 2), "n": 1234.5}))
    assert text.startswith("02/09/2026")
    assert "1234,5" in text or "1.234,5" in text
