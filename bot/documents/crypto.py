"""Encryption of documents at rest: Fernet (``cryptography``), one key for the installation.

The key is DOCUMENT_KEY, or the ``document_key`` generated in ``var/secrets.json`` (mode
0600) on first use. Any secret string works: the Fernet key is derived from it with
SHA-256 under a purpose label, so the same secret can never decrypt anything else. Losing
the key loses the documents (they are only needed until staff have checked them).
"""
from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken

if TYPE_CHECKING:  # pragma: no cover
    from bot.config import Settings

_PURPOSE = b"dpa case documents v1\x00"


class DocumentKeyError(ValueError):
    """The stored document cannot be decrypted with this key (changed or wrong key)."""


class DocumentCipher:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("DOCUMENT_KEY is empty: documents cannot be encrypted")
        digest = hashlib.sha256(_PURPOSE + secret.encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise DocumentKeyError("the document cannot be decrypted with this key") from exc


def cipher_for(settings: Settings) -> DocumentCipher:
    """The installation's cipher: DOCUMENT_KEY (or var/secrets.json's ``document_key``, which
    ``load_settings`` always fills); settings built by hand without one fall back to the
    session secret, under this module's own purpose label."""
    return DocumentCipher(settings.document_key or settings.session_secret)
