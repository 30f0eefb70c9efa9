"""Which web pages may open the chat WebSocket (``CHAT_ALLOWED_ORIGINS``).

Browsers send ``Origin`` with every WebSocket handshake but apply no same-origin policy to
WebSockets, so without this check any site a resident visits could open a chat in their
name (cross-site WebSocket hijacking). Entries are exact origins
(``https://www.council.example``), an origin with any port (``http://localhost:*``), any
subdomain (``https://*.council.example``), or ``self``: the web app's own pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class _Rule:
    scheme: str
    host: str  # lower case; "*.example" for subdomains
    port: int | None  # None: any port

    def allows(self, scheme: str, host: str, port: int) -> bool:
        if scheme != self.scheme or (self.port is not None and port != self.port):
            return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:])
        return host == self.host


def _split(origin: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin, or None if it is not an http(s) origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


class OriginPolicy:
    """Decides whether a handshake's ``Origin`` is one the council allows."""

    def __init__(self, entries: tuple[str, ...] | list[str]) -> None:
        self.allow_self = False
        self._rules: list[_Rule] = []
        for entry in entries:
            entry = entry.strip()
            if entry.lower() == "self":
                self.allow_self = True
                continue
            any_port = entry.endswith(":*")
            parsed = _split(entry[:-2] if any_port else entry)
            if parsed is None:
                raise ValueError(f"CHAT_ALLOWED_ORIGINS: {entry!r} is not an origin")
            scheme, host, port = parsed
            self._rules.append(_Rule(scheme, host, None if any_port else port))

    def allows(self, origin: str | None, own_host: str | None = None) -> bool:
        """True if a page at ``origin`` may talk to the hub serving ``own_host`` (Host header).

        A missing or malformed ``Origin`` is refused: every browser sends one.
        """
        if not origin:
            return False
        parsed = _split(origin)
        if parsed is None:
            return False
        scheme, host, port = parsed
        if self.allow_self and own_host and _same_host(host, port, scheme, own_host):
            return True
        return any(rule.allows(scheme, host, port) for rule in self._rules)


def _same_host(host: str, port: int, scheme: str, own_host: str) -> bool:
    """The page came from the web app itself (the scheme may differ behind a TLS proxy)."""
    own = _split(f"{scheme}://{own_host}")
    return own is not None and own[1:] == (host, port)
