"""What a resident may send: type by content, size, count; encryption at rest (pure logic)."""
from __future__ import annotations

import pytest

from bot.documents.checks import check_upload, sniff
from bot.documents.crypto import DocumentCipher, DocumentKeyError

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF"


def check(data: bytes, already: int = 0):
    return check_upload(data, max_bytes=1024, already=already, max_count=3)


@pytest.mark.parametrize(("data", "content_type"), [
    (JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf")])
def test_jpeg_png_and_pdf_are_known_by_their_first_bytes(data: bytes, content_type: str):
    assert sniff(data) == content_type
    assert check(data).content_type == content_type and check(data).ok


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>",  # a page called passport.jpg
    b"GIF89a" + b"\x00" * 20,
    b"MZ\x90\x00" + b"\x00" * 20,  # a Windows program
    b"\x00\xd8\xff" + b"\x00" * 20,  # almost a JPEG
    b"PK\x03\x04" + b"\x00" * 20,  # a zip (or a Word file)
])
def test_anything_else_is_refused_whatever_its_name(data: bytes):
    result = check(data)
    assert not result.ok and result.content_type is None
    assert "not a photo (JPEG or PNG) or a PDF" in result.problem


def test_empty_too_large_and_too_many_each_say_why():
    assert "empty" in check(b"").problem
    big = check(JPEG + b"\x00" * 1024)
    assert not big.ok and "too large" in big.problem and "1 KB" in big.problem
    assert check(JPEG + b"\x00" * (1024 - len(JPEG))).ok  # exactly the limit is fine
    many = check(JPEG, already=3)
    assert not many.ok and "already sent 3 files" in many.problem


def test_documents_are_encrypted_and_only_the_same_key_reads_them():
    cipher = DocumentCipher("one secret")
    token = cipher.encrypt(PDF)
    assert PDF not in token and b"JavaScript" not in token
    assert cipher.decrypt(token) == PDF
    with pytest.raises(DocumentKeyError):
        DocumentCipher("another secret").decrypt(token)
    with pytest.raises(ValueError):
        DocumentCipher("")
