"""CSRF tokens: HMAC of the session (or, before login, of a random pre-login cookie).

A token is bound to one session and useless without its cookie, which another site cannot
read. Forms carry it in a hidden ``csrf_token`` field; the console's scripts send it in the
``X-CSRF-Token`` header (read from ``<meta name="csrf-token">``). Checked on every request
to ``/staff`` that is not GET or HEAD, together with the ``Origin`` header when present.
"""
from __future__ import annotations

import hashlib
import hmac

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfTokens:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("staff-csrf:" + secret).encode()).digest()

    def token_for(self, binding: str) -> str:
        """The token for a session token (or a pre-login cookie's value)."""
        return hmac.new(self._key, binding.encode(), hashlib.sha256).hexdigest()

    def valid(self, binding: str | None, presented: str | None) -> bool:
        if not binding or not presented:
            return False
        return hmac.compare_digest(self.token_for(binding), presented)
