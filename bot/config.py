"""Settings from environment variables, with safe local defaults.

Every process (web app, action server, CLI, the runner that starts Rasa) reads its
configuration here, so one variable means the same thing everywhere. Secrets that have
no value in the environment are generated once into ``var/secrets.json`` (never committed),
so a fresh checkout runs without anyone inventing a token.
"""
from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.rules.deadlines import NATIONS
from bot.rules.hours import StaffedHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message says which and why.

    Library code raises it; the CLI (:mod:`bot.cli`) prints the message and exits with
    status 2, so a bad variable never shows a traceback.
    """


def _var_dir() -> Path:
    return Path(os.environ.get("DPA_VAR_DIR", PROJECT_ROOT / "var")).resolve()


def _load_or_create_secrets(var_dir: Path) -> dict[str, str]:
    """Read the generated local secrets, creating them (mode 0600) on first use."""
    path = var_dir / "secrets.json"
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    else:
        stored = {}
    changed = False
    for name in ("rasa_token", "session_secret", "action_token", "status_check_secret",
                 "document_key"):
        if not stored.get(name):
            stored[name] = secrets.token_hex(32)
            changed = True
    if changed:
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return stored


N = TypeVar("N", int, float)


def _number(name: str, default: N, parse: Callable[[str], N], what: str) -> N:
    """The variable ``name`` parsed by ``parse`` (``default`` when unset or empty)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be {what}, not {raw!r}") from exc


def _float(name: str, default: float) -> float:
    return _number(name, default, float, "a number")


def _positive(name: str, value: float) -> None:
    if value <= 0:
        raise ConfigError(f"{name} must be greater than zero, not {value!r}")


def _all_positive(*groups: Mapping[str, float]) -> None:
    for group in groups:
        for name, value in group.items():
            _positive(name, value)


def _origins(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


# The widget may connect from the web app's own pages ("self"); a council adds its site's
# exact origins (bot/web/origins.py).
DEFAULT_CHAT_ORIGINS = ("self",)


def _int(name: str, default: int) -> int:
    return _number(name, default, int, "a whole number")


def _urls(name: str) -> tuple[str, ...]:
    """A comma-separated list of http(s) URLs, each checked, in the order given."""
    urls = _origins(name, ())
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name}: {url!r} is not an http:// or https:// URL")
    return tuple(url.rstrip("/") for url in urls)


def _redis_url() -> str:
    raw = os.environ.get("REDIS_URL", "").strip()
    if raw and not raw.startswith(("redis://", "rediss://")):
        raise ConfigError("REDIS_URL must start with redis:// or rediss://")
    return raw


# How long a SQLite writer waits for another's lock (docs/benchmarks.md, "SQLite under
# concurrent writers"); well under CHAT_RASA_TIMEOUT_SECONDS, so a refused submission is
# still kept in the outbox and the resident told within the turn.
DEFAULT_SQLITE_BUSY_TIMEOUT_SECONDS = 5.0


def sqlite_busy_timeout() -> float:
    """SQLITE_BUSY_TIMEOUT_SECONDS: read where engines are built (they take only a URL)."""
    value = _float("SQLITE_BUSY_TIMEOUT_SECONDS", DEFAULT_SQLITE_BUSY_TIMEOUT_SECONDS)
    _positive("SQLITE_BUSY_TIMEOUT_SECONDS", value)
    return value


@dataclass(frozen=True)
class Settings:
    """What a running process needs to know about its environment."""

    var_dir: Path
    database_url: str
    rasa_url: str
    action_server_url: str
    rasa_token: str
    session_secret: str
    council_nation: str
    web_host: str
    web_port: int
    rasa_port: int
    action_port: int
    model_dir: Path
    # Rasa's calls to the action server carry this secret (bot/rasa/action_server.py), and
    # the action server listens here (default: WEB_HOST, loopback).
    action_token: str = ""
    action_host: str = "127.0.0.1"
    # The Rasa servers the hub routes conversations to (bot/rasa/routing.py): RASA_URLS, or
    # the RASA_WORKERS servers dpa run starts on consecutive ports from RASA_PORT. Empty
    # (Settings built by hand) means rasa_url alone.
    rasa_urls: tuple[str, ...] = ()
    rasa_workers: int = 1
    # dpa run restarts a part that dies, giving up after this many restarts in this window.
    runner_max_restarts: int = 5
    runner_restart_window_minutes: float = 10.0
    # The chat hub (docs/chat-protocol.md). Defaults here so code building Settings by hand
    # (tests) need not name them.
    chat_allowed_origins: tuple[str, ...] = DEFAULT_CHAT_ORIGINS
    chat_max_message_chars: int = 1000
    chat_rate_per_minute: int = 30
    chat_rate_burst: int = 5
    chat_rasa_timeout_seconds: float = 30.0
    # Turns waiting for Rasa at once; more wait in a queue, their residents told so.
    chat_max_turns_in_flight: int = 20
    # After an outage this long, residents are given the DPO's contact details.
    chat_outage_contact_seconds: float = 60.0
    # The hub retries kept turns with back-off up to this (the fault tests make it short).
    chat_retry_max_seconds: float = 30.0
    # The staff console (docs/staff-console.md).
    staff_session_idle_minutes: int = 30
    staff_session_max_hours: int = 10
    staff_cookie_secure: str = "auto"  # "auto" (when served over https), "true" or "false"
    staff_login_max_failures: int = 5
    staff_lockout_minutes: int = 15
    staff_hours: str = "Mon-Fri 09:00-17:00"
    staff_claim_timeout_minutes: int = 10
    # Trainer tools (docs/trainers.md): how long conversations are kept, and which
    # messages the trainers' inbox picks (top confidence below, or top-two margin below).
    transcript_retention_days: int = 180
    inbox_min_confidence: float = 0.7
    inbox_min_margin: float = 0.1
    # Status checks (bot/cases/status_limits.py): failed checks allowed per case reference,
    # per client address and for callers with no address, in a window; the key that hashes
    # references and addresses before they are counted.
    status_check_secret: str = ""
    status_check_max_failures: int = 5
    status_check_max_failures_per_address: int = 20
    status_check_max_failures_unknown_address: int = 20
    status_check_window_hours: int = 24
    # The outbox (bot/cases/outbox.py): how often the action server replays it, and how
    # long a record may wait before /health says degraded.
    sqlite_busy_timeout_seconds: float = DEFAULT_SQLITE_BUSY_TIMEOUT_SECONDS
    outbox_replay_seconds: float = 5.0
    outbox_degraded_after_seconds: float = 60.0
    # Email (docs/mail.md): SMTP_URL empty means the pickup directory var/mail/; MAIL_FROM
    # empty means the DPO's published address (bot/rules/council.py).
    smtp_url: str = ""
    smtp_timeout_seconds: float = 30.0
    mail_from: str = ""
    mail_team_address: str = ""
    mail_send_interval_seconds: float = 30.0
    mail_max_attempts: int = 8
    mail_retry_seconds: float = 60.0
    mail_template_dir: Path | None = None
    # Growing past one machine (docs/deployment.md): Rasa's tracker store
    # (TRACKER_STORE_URL; default: DATABASE_URL); Redis (REDIS_URL) for Rasa's lock store
    # and the hubs' live channel. Empty: one machine, locks and live channel in-process.
    tracker_store_url: str = ""
    redis_url: str = ""
    # How long sent (or given-up) emails stay in the outbox before `dpa purge` deletes them.
    mail_retention_days: int = 730
    # Documents residents send in the chat (docs/documents.md): size and count limits, and
    # how long after the case is closed they are deleted (by the web app and `dpa purge`).
    document_max_bytes: int = 10 * 1024 * 1024
    document_max_count: int = 5
    document_retention_days: int = 30
    # The key that encrypts them at rest (Fernet); empty: var/secrets.json's.
    document_key: str = ""

    @property
    def rasa_worker_urls(self) -> tuple[str, ...]:
        """Every Rasa server the hub may route a conversation to, in a fixed order."""
        return self.rasa_urls or (self.rasa_url,)

    @property
    def action_webhook_url(self) -> str:
        return self.action_server_url.rstrip("/") + "/webhook"

    @property
    def tracker_store_database(self) -> str:
        """The database Rasa keeps its trackers in (the case database unless told)."""
        return self.tracker_store_url or self.database_url


def load_settings() -> Settings:
    """Build the settings from the environment (called per process, cheap)."""
    var_dir = _var_dir()
    stored = _load_or_create_secrets(var_dir)
    rasa_port = _int("RASA_PORT", 5005)
    rasa_workers = _int("RASA_WORKERS", os.cpu_count() or 1)
    _positive("RASA_WORKERS", rasa_workers)
    rasa_urls = _urls("RASA_URLS") or tuple(
        f"http://localhost:{rasa_port + n}" for n in range(rasa_workers)
    )
    action_port = _int("ACTION_PORT", 5055)
    web_port = _int("WEB_PORT", 8080)
    nation = os.environ.get("COUNCIL_NATION", "england-and-wales").strip().lower()
    if nation not in NATIONS:
        raise ConfigError(
            f"COUNCIL_NATION must be one of {', '.join(NATIONS)}, not {nation!r}"
        )
    # Whole numbers and decimals apart, so each keeps its type; every one read, then checked.
    runner_ints = {"RUNNER_MAX_RESTARTS": _int("RUNNER_MAX_RESTARTS", 5)}
    runner_floats = {
        "RUNNER_RESTART_WINDOW_MINUTES": _float("RUNNER_RESTART_WINDOW_MINUTES", 10.0),
    }
    _all_positive(runner_ints, runner_floats)
    chat_ints = {
        "CHAT_MAX_MESSAGE_CHARS": _int("CHAT_MAX_MESSAGE_CHARS", 1000),
        "CHAT_RATE_PER_MINUTE": _int("CHAT_RATE_PER_MINUTE", 30),
        "CHAT_RATE_BURST": _int("CHAT_RATE_BURST", 5),
        "CHAT_MAX_TURNS_IN_FLIGHT": _int("CHAT_MAX_TURNS_IN_FLIGHT", 20),
    }
    chat_floats = {
        "CHAT_RASA_TIMEOUT_SECONDS": _float("CHAT_RASA_TIMEOUT_SECONDS", 30.0),
        "CHAT_OUTAGE_CONTACT_SECONDS": _float("CHAT_OUTAGE_CONTACT_SECONDS", 60.0),
        "CHAT_RETRY_MAX_SECONDS": _float("CHAT_RETRY_MAX_SECONDS", 30.0),
    }
    _all_positive(chat_ints, chat_floats)
    staff_limits = {
        "STAFF_SESSION_IDLE_MINUTES": _int("STAFF_SESSION_IDLE_MINUTES", 30),
        "STAFF_SESSION_MAX_HOURS": _int("STAFF_SESSION_MAX_HOURS", 10),
        "STAFF_LOGIN_MAX_FAILURES": _int("STAFF_LOGIN_MAX_FAILURES", 5),
        "STAFF_LOCKOUT_MINUTES": _int("STAFF_LOCKOUT_MINUTES", 15),
        "STAFF_CLAIM_TIMEOUT_MINUTES": _int("STAFF_CLAIM_TIMEOUT_MINUTES", 10),
    }
    for name, value in staff_limits.items():
        _positive(name, value)
    cookie_secure = os.environ.get("STAFF_COOKIE_SECURE", "auto").strip().lower() or "auto"
    if cookie_secure not in ("auto", "true", "false"):
        raise ConfigError(f"STAFF_COOKIE_SECURE must be auto, true or false, not {cookie_secure!r}")
    staff_hours = os.environ.get("STAFF_HOURS", "Mon-Fri 09:00-17:00").strip()
    try:
        StaffedHours.parse(staff_hours, nation)
    except ValueError as exc:
        raise ConfigError(f"STAFF_HOURS: {exc}") from exc
    trainer_ints = {"TRANSCRIPT_RETENTION_DAYS": _int("TRANSCRIPT_RETENTION_DAYS", 180)}
    trainer_floats = {
        "INBOX_MIN_CONFIDENCE": _float("INBOX_MIN_CONFIDENCE", 0.7),
        "INBOX_MIN_MARGIN": _float("INBOX_MIN_MARGIN", 0.1),
    }
    _all_positive(trainer_ints, trainer_floats)
    status_limits = {
        "STATUS_CHECK_MAX_FAILURES": _int("STATUS_CHECK_MAX_FAILURES", 5),
        "STATUS_CHECK_MAX_FAILURES_PER_ADDRESS": _int("STATUS_CHECK_MAX_FAILURES_PER_ADDRESS", 20),
        "STATUS_CHECK_MAX_FAILURES_UNKNOWN_ADDRESS": _int(
            "STATUS_CHECK_MAX_FAILURES_UNKNOWN_ADDRESS", 20
        ),
        "STATUS_CHECK_WINDOW_HOURS": _int("STATUS_CHECK_WINDOW_HOURS", 24),
    }
    for name, value in status_limits.items():
        _positive(name, value)
    outbox_limits = {
        "OUTBOX_REPLAY_SECONDS": _float("OUTBOX_REPLAY_SECONDS", 5.0),
        "OUTBOX_DEGRADED_AFTER_SECONDS": _float("OUTBOX_DEGRADED_AFTER_SECONDS", 60.0),
    }
    _all_positive({}, outbox_limits)
    mail_ints = {"MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
                 "MAIL_RETENTION_DAYS": _int("MAIL_RETENTION_DAYS", 730)}
    document_ints = {
        "DOCUMENT_MAX_BYTES": _int("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024),
        "DOCUMENT_MAX_COUNT": _int("DOCUMENT_MAX_COUNT", 5),
        "DOCUMENT_RETENTION_DAYS": _int("DOCUMENT_RETENTION_DAYS", 30),
    }
    _all_positive(document_ints, {})
    mail_floats = {
        "SMTP_TIMEOUT_SECONDS": _float("SMTP_TIMEOUT_SECONDS", 30.0),
        "MAIL_SEND_INTERVAL_SECONDS": _float("MAIL_SEND_INTERVAL_SECONDS", 30.0),
        "MAIL_RETRY_SECONDS": _float("MAIL_RETRY_SECONDS", 60.0),
    }
    _all_positive(mail_ints, mail_floats)
    template_dir = os.environ.get("MAIL_TEMPLATE_DIR", "").strip()
    return Settings(
        var_dir=var_dir,
        database_url=os.environ.get("DATABASE_URL")
        or f"sqlite:///{var_dir / 'dpa.sqlite3'}",
        # One Rasa for calls that belong to no conversation (the action server's /model/parse).
        rasa_url=os.environ.get("RASA_URL") or rasa_urls[0],
        rasa_urls=tuple(url.rstrip("/") for url in rasa_urls),
        rasa_workers=rasa_workers,
        action_server_url=os.environ.get("ACTION_SERVER_URL")
        or f"http://localhost:{action_port}",
        rasa_token=os.environ.get("RASA_TOKEN") or stored["rasa_token"],
        session_secret=os.environ.get("SESSION_SECRET") or stored["session_secret"],
        council_nation=nation,
        web_host=os.environ.get("WEB_HOST", "127.0.0.1"),
        web_port=web_port,
        rasa_port=rasa_port,
        action_port=action_port,
        model_dir=Path(os.environ.get("DPA_MODEL_DIR", PROJECT_ROOT / "models")).resolve(),
        action_token=os.environ.get("ACTION_SERVER_TOKEN") or stored["action_token"],
        action_host=os.environ.get("ACTION_HOST") or os.environ.get("WEB_HOST", "127.0.0.1"),
        runner_max_restarts=runner_ints["RUNNER_MAX_RESTARTS"],
        runner_restart_window_minutes=runner_floats["RUNNER_RESTART_WINDOW_MINUTES"],
        chat_allowed_origins=_origins("CHAT_ALLOWED_ORIGINS", DEFAULT_CHAT_ORIGINS),
        chat_max_message_chars=chat_ints["CHAT_MAX_MESSAGE_CHARS"],
        chat_rate_per_minute=chat_ints["CHAT_RATE_PER_MINUTE"],
        chat_rate_burst=chat_ints["CHAT_RATE_BURST"],
        chat_rasa_timeout_seconds=chat_floats["CHAT_RASA_TIMEOUT_SECONDS"],
        chat_max_turns_in_flight=chat_ints["CHAT_MAX_TURNS_IN_FLIGHT"],
        chat_outage_contact_seconds=chat_floats["CHAT_OUTAGE_CONTACT_SECONDS"],
        chat_retry_max_seconds=chat_floats["CHAT_RETRY_MAX_SECONDS"],
        staff_session_idle_minutes=staff_limits["STAFF_SESSION_IDLE_MINUTES"],
        staff_session_max_hours=staff_limits["STAFF_SESSION_MAX_HOURS"],
        staff_cookie_secure=cookie_secure,
        staff_login_max_failures=staff_limits["STAFF_LOGIN_MAX_FAILURES"],
        staff_lockout_minutes=staff_limits["STAFF_LOCKOUT_MINUTES"],
        staff_hours=staff_hours,
        staff_claim_timeout_minutes=staff_limits["STAFF_CLAIM_TIMEOUT_MINUTES"],
        transcript_retention_days=trainer_ints["TRANSCRIPT_RETENTION_DAYS"],
        inbox_min_confidence=trainer_floats["INBOX_MIN_CONFIDENCE"],
        inbox_min_margin=trainer_floats["INBOX_MIN_MARGIN"],
        status_check_secret=os.environ.get("STATUS_CHECK_SECRET") or stored["status_check_secret"],
        status_check_max_failures=status_limits["STATUS_CHECK_MAX_FAILURES"],
        status_check_max_failures_per_address=status_limits["STATUS_CHECK_MAX_FAILURES_PER_ADDRESS"],
        status_check_max_failures_unknown_address=status_limits[
            "STATUS_CHECK_MAX_FAILURES_UNKNOWN_ADDRESS"
        ],
        status_check_window_hours=status_limits["STATUS_CHECK_WINDOW_HOURS"],
        sqlite_busy_timeout_seconds=sqlite_busy_timeout(),
        outbox_replay_seconds=outbox_limits["OUTBOX_REPLAY_SECONDS"],
        outbox_degraded_after_seconds=outbox_limits["OUTBOX_DEGRADED_AFTER_SECONDS"],
        smtp_url=os.environ.get("SMTP_URL", "").strip(),
        smtp_timeout_seconds=mail_floats["SMTP_TIMEOUT_SECONDS"],
        mail_from=os.environ.get("MAIL_FROM", "").strip(),
        mail_team_address=os.environ.get("MAIL_TEAM_ADDRESS", "").strip(),
        mail_send_interval_seconds=mail_floats["MAIL_SEND_INTERVAL_SECONDS"],
        mail_max_attempts=mail_ints["MAIL_MAX_ATTEMPTS"],
        mail_retry_seconds=mail_floats["MAIL_RETRY_SECONDS"],
        mail_template_dir=Path(template_dir).resolve() if template_dir else None,
        tracker_store_url=os.environ.get("TRACKER_STORE_URL", "").strip(),
        redis_url=_redis_url(),
        mail_retention_days=mail_ints["MAIL_RETENTION_DAYS"],
        document_max_bytes=document_ints["DOCUMENT_MAX_BYTES"],
        document_max_count=document_ints["DOCUMENT_MAX_COUNT"],
        document_retention_days=document_ints["DOCUMENT_RETENTION_DAYS"],
        document_key=os.environ.get("DOCUMENT_KEY", "").strip() or stored["document_key"],
    )
