import logging
from pathlib import Path

import pytest
from django.urls import reverse

from binhdan.core.logging import RedactPII, redact
from binhdan.core.text import clean_name, fold
from binhdan.env import database_from_url


@pytest.mark.parametrize(
    "text, expected",
    [("Nguyễn Văn A", "nguyen van a"), ("ĐẶNG  Thị   Hoà", "dang thi hoa"), ("Đỗ Đức Được", "do duc duoc"), ("", "")],
)
def test_folding_ignores_diacritics_case_and_spaces(text, expected):
    assert fold(text) == expected


def test_names_in_capitals_are_tidied():
    assert clean_name("  NGUYỄN   THỊ HOÀ ") == "Nguyễn Thị Hoà"
    assert clean_name("Lê Văn Tám") == "Lê Văn Tám"


def test_database_url_parsing(tmp_path):
    sqlite = database_from_url("sqlite:///var/x.sqlite3", tmp_path)
    assert sqlite["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    pg = database_from_url("postgres://postgres:p%40ss@127.0.0.1:5432/test", tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql", "test", "postgres", "p@ss", "127.0.0.1", "5432")
    with pytest.raises(ValueError, match="mysql"):
        database_from_url("mysql://x/y", tmp_path)


def test_sqlite_files_open_in_wal_mode(tmp_path, django_db_blocker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings_dict = database_from_url("sqlite:///var/wal.sqlite3", tmp_path)
    settings_dict.update({"ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0,
                          "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "TEST": {}})
    wrapper = DatabaseWrapper(settings_dict, alias="wal-check")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        wrapper.close()


def test_logs_never_show_id_numbers_or_phones(caplog):
    assert redact("CCCD 001203004567 phone 0912.345.678 or +84 912 345 678") == "CCCD [id] phone [phone] or [phone]"
    logger = logging.getLogger("binhdan.test")
    logger.addFilter(RedactPII())
    with caplog.at_level(logging.WARNING, logger="binhdan.test"):
        logger.warning("import failed for %s", "038095001234")
    assert "038095001234" not in caplog.text and "[id]" in caplog.text


def test_the_openapi_schema_and_docs_are_served_without_a_cdn(client, scenario):
    client.force_login(scenario.commune_officer)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/units/" in body and "/api/organisations/" in body and "/api/audit/" in body
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs and "cdn.jsdelivr" not in docs and "unpkg" not in docs


def test_admin_is_for_system_admins_only(client, scenario):
    client.force_login(scenario.commune_officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(scenario.admin)
    assert client.get("/admin/").status_code == 200


def test_admin_changes_are_audited(client, scenario):
    from binhdan.core.models import AuditLog

    client.force_login(scenario.admin)
    url = reverse("admin:geo_organisation_change", args=[scenario.youth11.pk])
    response = client.post(url, {"unit": scenario.c11.pk, "kind": "youth_union", "name": "Đoàn TN xã 11 (mới)",
                                 "phone": "", "active": "on"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(object_id=str(scenario.youth11.uuid))
    assert entry.user == scenario.admin and entry.after["name"] == "Đoàn TN xã 11 (mới)"


def test_pages_need_no_third_party_requests(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "http://" not in html.replace('http://www.w3.org', '') and "https://" not in html
    css = Path(__file__).resolve().parents[1] / "static" / "core" / "site.css"
    assert "url(http" not in css.read_text()


def test_audit_snapshots_keep_file_names_not_file_objects(db):
    from django.db.models.fields.files import FieldFile

    from binhdan.core.audit import _plain

    class Holder:
        pass

    field_file = FieldFile(Holder(), type("F", (), {"storage": None, "name": "evidence"})(), "minh-chung/anh.jpg")
    assert _plain(field_file) == "minh-chung/anh.jpg"
    assert _plain(FieldFile(Holder(), type("F", (), {"storage": None, "name": "evidence"})(), None)) is None


def test_tracebacks_and_spaced_id_numbers_are_redacted_in_logs(caplog):
    assert redact("CCCD 001 203 004 567 and 038.095.001.234") == "CCCD [id] and [id]"
    logger = logging.getLogger("binhdan.test.exc")
    logger.addFilter(RedactPII())
    with caplog.at_level(logging.ERROR, logger="binhdan.test.exc"):
        try:
            raise ValueError("bad cell 001203004567 / 0912 345 678")
        except ValueError:
            logger.exception("import failed")
    assert "001203004567" not in caplog.text and "0912 345 678" not in caplog.text
    assert "import failed" in caplog.text and "ValueError" in caplog.text
