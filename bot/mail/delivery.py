"""Where email leaves the product: an SMTP server (``SMTP_URL``), or a pickup directory.

The one module that hands messages to the outside world, so what leaves is easy to audit.

- ``SMTP_URL=smtp://user:pass@host:587?starttls=required`` (``starttls`` is ``auto``, the
  default: use it when the server offers it; ``required``; or ``off``), or
  ``smtps://user:pass@host:465`` (TLS from the first byte). User and password are
  URL-encoded if they contain ``@``, ``:`` or ``/``.
- No ``SMTP_URL``: each message is written as an ``.eml`` file in ``var/mail/`` (files 0600,
  directory 0700), so ``make run`` works with nothing configured and a mail server's pickup
  service (or a person) can take them from there.
"""
from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from bot.config import ConfigError, Settings
from bot.db.durable import fsync_directory
from bot.mail.outbox import MailRecord

STARTTLS_MODES = {"auto": None, "required": True, "off": False}


class DeliveryError(Exception):
    """A message could not be handed over; ``permanent`` means trying again will not help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    """Something that takes a whole message and delivers it, or raises DeliveryError."""

    @property
    def description(self) -> str: ...

    async def send(self, message: EmailMessage) -> None: ...


def build_message(record: MailRecord) -> EmailMessage:
    """The email as it goes out: both parts (plain text first, then HTML), and its headers."""
    message = EmailMessage()
    message["From"] = record.from_address
    message["To"] = record.to_address
    message["Subject"] = record.subject
    message["Date"] = format_datetime(record.created_at)
    message["Message-ID"] = record.message_id
    if record.case_reference:
        message["X-DPA-Case-Reference"] = record.case_reference
    message.set_content(record.text_body)
    message.add_alternative(record.html_body, subtype="html")
    return message


@dataclass(frozen=True)
class SmtpTransport:
    """Delivery to an SMTP server with aiosmtplib (one connection per message)."""

    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None
    timeout: float = 30.0

    @property
    def description(self) -> str:  # never the password
        scheme = "smtps" if self.use_tls else "smtp"
        return f"{scheme}://{self.hostname}:{self.port}"

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 30.0) -> SmtpTransport:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise ConfigError(
                f"SMTP_URL must start smtp:// or smtps://, not {scheme or '(none)'}://")
        if not parts.hostname:
            raise ConfigError("SMTP_URL has no host name")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"starttls"}
        if unknown:
            raise ConfigError(f"SMTP_URL: unknown option {', '.join(sorted(unknown))}")
        mode = query.get("starttls", "auto").lower()
        if mode not in STARTTLS_MODES:
            raise ConfigError(f"SMTP_URL: starttls must be auto, required or off, not {mode!r}")
        use_tls = scheme == "smtps"
        if use_tls and mode == "required":
            raise ConfigError("SMTP_URL: smtps:// is TLS already; starttls applies to smtp://")
        try:
            port = parts.port or (465 if use_tls else 25)
        except ValueError as exc:
            raise ConfigError(f"SMTP_URL: {exc}") from exc
        return cls(
            hostname=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=use_tls,
            start_tls=None if use_tls else STARTTLS_MODES[mode],
            timeout=timeout,
        )

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            raise DeliveryError(f"recipient refused: {exc}",
                                permanent=all(code >= 500 for code in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Other refusals (authentication, a full mailbox server, a policy) may be put
            # right, by the server or by fixing SMTP_URL: retried, with back-off.
            raise DeliveryError(f"SMTP {exc.code}: {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class PickupDirectory:
    """Each message as ``<time>-<random>.eml`` in ``directory``, written whole or not at all."""

    directory: Path

    @property
    def description(self) -> str:
        return f"pickup directory {self.directory}"

    async def send(self, message: EmailMessage) -> None:
        try:
            await asyncio.to_thread(self._write, bytes(message))
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.directory}: {exc}") from exc

    def _write(self, data: bytes) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = secrets.token_hex(8)
        final = self.directory / f"{_timestamp()}-{stamp}.eml"
        partial = self.directory / f".{final.name}.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, final)  # a pickup service never sees half a message
        fsync_directory(self.directory)
        return final


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def pickup_directory(settings: Settings) -> Path:
    return settings.var_dir / "mail"


def transport_for(settings: Settings) -> Transport:
    """SMTP if ``SMTP_URL`` is set, else the pickup directory under ``var/``."""
    if settings.smtp_url:
        return SmtpTransport.from_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
    return PickupDirectory(pickup_directory(settings))
