"""Which web pages may use the chat (``CHAT_ALLOWED_ORIGINS``).

Browsers send ``Origin`` with every WebSocket handshake but apply no same-origin policy to
WebSockets, so without this check any site a resident visits could open a chat in their
name (cross-site WebSocket hijacking). Entries are exact origins (scheme, host and port:
``https://www.council.example``, ``http://localhost:8000``) or ``self``, the web app's own
pages. There are no wildcards: a page on any other port or subdomain is another origin,
and may be someone else's.
"""
from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


def _split(origin: str) -> Origin | None:
    """``(scheme, host, port)`` of an origin, or None if it is not an http(s) origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if (
        scheme not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


class OriginPolicy:
    """Decides whether a request's ``Origin`` is one the council allows."""

    def __init__(self, entries: tuple[str, ...] | list[str]) -> None:
        self.allow_self = False
        self._allowed: set[Origin] = set()
        for entry in entries:
            entry = entry.strip()
            if entry.lower() == "self":
                self.allow_self = True
                continue
            if "*" in entry:
                raise ValueError(
                    f"{entry!r}: wildcards are not allowed; list each origin exactly "
                    "(scheme://host:port)"
                )
            parsed = _split(entry)
            if parsed is None:
                raise ValueError(f"{entry!r} is not an origin (scheme://host[:port])")
            self._allowed.add(parsed)

    def allows(self, origin: str | None, own_host: str | None = None) -> bool:
        """True if a page at ``origin`` may talk to the hub serving ``own_host`` (Host header).

        A missing or malformed ``Origin`` is refused: every browser sends one.
        """
        if not origin:
            return False
        parsed = _split(origin)
        if parsed is None:
            return False
        if self.allow_self and own_host and _same_host(parsed, own_host):
            return True
        return parsed in self._allowed


def _same_host(origin: Origin, own_host: str) -> bool:
    """The page came from the web app itself (the scheme may differ behind a TLS proxy)."""
    scheme, host, port = origin
    own = _split(f"{scheme}://{own_host}")
    return own is not None and own[1:] == (host, port)
