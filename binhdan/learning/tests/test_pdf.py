"""Certificates, posters and handouts are real A4 PDFs with a Vietnamese font embedded and a QR code."""

import base64
import re
import zlib

import pytest
from django.urls import reverse

from binhdan.learning import pdf, services
from binhdan.learning.models import Certificate

A4_PORTRAIT = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
A4_LANDSCAPE = b"/MediaBox [ 0 0 841.8898 595.2756 ]"


def decoded(data: bytes) -> bytes:
    """Every stream of the PDF, decompressed, joined."""
    out = []
    for m in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        head, body = m.group(1), m.group(2).strip()
        if b"ASCII85Decode" in head:
            body = base64.a85decode(body[:-2] if body.endswith(b"~>") else body)
        if b"FlateDecode" in head:
            body = zlib.decompressobj().decompress(body)
        out.append(body)
    return b"\n".join(out)


def dark_modules(url: str) -> int:
    return sum(sum(1 for cell in row if cell) for row in pdf.qr_matrix(url))


@pytest.fixture
def certificate(client, scenario, learner, curriculum):
    attempt = services.start_attempt(learner, curriculum)
    for item in attempt.items.select_related("question_version"):
        right = item.question_version.correct_set()
        services.answer(attempt, item.position, [i for i, o in enumerate(item.order) if o in right])
    services.finish_attempt(attempt)
    return Certificate.objects.get()


def test_the_certificate_is_an_a4_pdf_with_the_font_embedded_and_a_qr_to_the_verification_page(
        client, learner, certificate):
    client.force_login(learner.user, backend="django.contrib.auth.backends.ModelBackend")
    data = client.get(reverse("learning:certificate_pdf", args=[certificate.code])).content
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
    assert A4_LANDSCAPE in data
    assert b"/FontFile2" in data and b"DejaVuSans" in data
    content = decoded(data)
    for char in "ễịệứ":  # Nguyễn Thị Hoa, Xóa mù công nghệ, Chứng nhận
        assert f"<{ord(char):04X}>".encode() in content, char
    url = f"http://testserver/chung-nhan/{certificate.code}/"
    assert url.encode() in content and certificate.code.encode() in content
    assert content.count(b" re f") >= dark_modules(url)


def test_a_poster_has_the_title_three_steps_and_a_qr_to_the_lesson(client, curriculum):
    response = client.get(reverse("learning:poster", args=["l1-01-bat-tat"]))
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert A4_PORTRAIT in data and b"/FontFile2" in data
    content = decoded(data)
    url = "http://testserver/bai/l1-01-bat-tat/"
    assert url.encode() in content
    assert content.count(b" re f") >= dark_modules(url)
    assert f"<{ord('ư'):04X}>".encode() in content  # "Bước một ngắn"


def test_a_handout_is_one_a4_page(client, curriculum):
    data = client.get(reverse("learning:handout", args=["l1-02-tim-kiem"])).content
    assert data.startswith(b"%PDF") and A4_PORTRAIT in data
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") == 1
    assert b"http://testserver/bai/l1-02-tim-kiem/" in decoded(data)


def test_a_poster_of_an_unknown_lesson_is_not_found(client, curriculum):
    assert client.get(reverse("learning:poster", args=["khong-co"])).status_code == 404
