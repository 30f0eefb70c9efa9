"""What a resident may send: the type read from the file's own bytes, the size, the count.

The name and the browser's content type are never trusted (a script renamed ``.jpg`` is
still a script): only a JPEG, PNG or PDF signature at the start of the file counts. Pure
logic, tested in milliseconds; every refusal is a sentence the resident reads in the chat.
"""
from __future__ import annotations

from dataclasses import dataclass

# (signature at offset 0, content type, words for the resident)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "photo (JPEG)"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "picture (PNG)"),
    (b"%PDF-", "application/pdf", "PDF"),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
ALLOWED_WORDS = "a photo (JPEG or PNG) or a PDF"


@dataclass(frozen=True)
class Checked:
    """A file that may be stored (``content_type``), or why not (``problem``)."""

    content_type: str | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def sniff(data: bytes) -> str | None:
    """The content type the file's first bytes prove, or None."""
    for signature, content_type, _ in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 1 else f"{size // 1024} KB"


def too_large(size: int, max_bytes: int) -> str:
    """The refusal of a file over the limit (``size``: at least what arrived)."""
    return (f"That file is too large (more than {megabytes(max_bytes)}). The limit is "
            f"{megabytes(max_bytes)}: please send a smaller photo or PDF."
            if size > max_bytes else "")


def check_upload(data: bytes, *, max_bytes: int, already: int, max_count: int) -> Checked:
    """Whether the resident's file may be stored; ``already``: files they sent for the case."""
    if already >= max_count:
        return Checked(None, f"You have already sent {already} files for this request, the "
                             f"most we accept here. If something is missing, email it to us "
                             "quoting your reference.")
    if not data:
        return Checked(None, "That file is empty. Please choose the photo or PDF again.")
    if len(data) > max_bytes:
        return Checked(None, too_large(len(data), max_bytes))
    content_type = sniff(data)
    if content_type is None:
        return Checked(None, f"We could not accept that file: it is not {ALLOWED_WORDS}, "
                             "whatever its name says. Please send a photo or a PDF of the "
                             "document.")
    return Checked(content_type, None)
