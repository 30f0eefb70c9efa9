"""The aiohttp application: health, the chat hub and the widget; the staff console plugs in here."""
from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from bot.cases.outbox import Outbox, outbox_overdue
from bot.chat.handoffs import HandoffStore
from bot.chat.transcripts import TranscriptStore
from bot.config import ConfigError, Settings, load_settings
from bot.db.offloop import HubDatabase
from bot.documents.crypto import cipher_for
from bot.documents.store import DocumentStore
from bot.documents.sweeper import document_sweeper
from bot.mail.sender import mail_sender
from bot.rasa.supervisor import read_status, status_file
from bot.staff.console import add_staff_console
from bot.staff.services import NOW_KEY, utcnow
from bot.web.chat import add_chat_routes
from bot.web.documents import add_document_routes
from bot.web.hub import ChatHub
from bot.web.keys import (
    CLIENT_KEY,
    DATABASE_KEY,
    DOCUMENTS_KEY,
    HUB_KEY,
    ORIGINS_KEY,
    READINESS_KEY,
    RESIDENT_IDS_KEY,
    SETTINGS_KEY,
)
from bot.web.live_channel import live_channel_for
from bot.web.origins import OriginPolicy
from bot.web.placement import StoredPlacement
from bot.web.rasa_client import RasaClient
from bot.web.readiness import DatabaseReadiness
from bot.web.resident_ids import ResidentIds
from bot.web.static import add_static_routes
from bot.web.understanding import read_understanding

__all__ = ["CLIENT_KEY", "HUB_KEY", "SETTINGS_KEY", "create_app"]

PROBE_TIMEOUT = aiohttp.ClientTimeout(total=2)


async def _probe(client: aiohttp.ClientSession, url: str) -> str:
    try:
        async with client.get(url, timeout=PROBE_TIMEOUT) as response:
            return "ok" if response.status < 300 else f"error: HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        return f"unreachable: {type(exc).__name__}"


async def health(request: web.Request) -> web.Response:
    """The hub (and its database), Rasa (each of its servers) and the action server, each
    with its state, and the outbox (requests and handoffs waiting for the database: degraded
    once one waits long)."""
    settings = request.app[SETTINGS_KEY]
    client = request.app[CLIENT_KEY]
    urls = settings.rasa_worker_urls
    hub, actions, *workers = await asyncio.gather(
        request.app[READINESS_KEY].status(),
        _probe(client, settings.action_server_url.rstrip("/") + "/health"),
        *(_probe(client, url.rstrip("/") + "/") for url in urls),
    )
    # "rasa": ok only when every server is (a conversation routed to one that is down waits).
    rasa = next((state for state in workers if state != "ok"), "ok")
    overall = "ok" if hub == rasa == actions == "ok" else "degraded"
    per_worker = [{"url": url, "state": state} for url, state in zip(urls, workers, strict=True)]
    payload: dict[str, object] = {"status": overall, "hub": hub, "rasa": rasa,
                                  "action_server": actions, "rasa_workers": per_worker}
    channel = request.app[HUB_KEY].channel
    if channel.shared:  # the live channel to the other instances
        payload["live_channel"] = "ok" if channel.connected.is_set() else "unreachable"
        if not channel.connected.is_set():
            payload["status"] = "degraded"
    outbox = await asyncio.to_thread(Outbox.from_settings(settings).status)
    payload["outbox"] = outbox.as_dict()
    if outbox_overdue(outbox, settings):  # the database has refused writes for a while
        payload["status"] = "degraded"
    runner = read_status(status_file(settings.var_dir))
    if runner is not None:  # started by dpa run: which part is down or restarting
        payload["parts"] = runner["parts"]
        if any(part["state"] != "up" for part in runner["parts"].values()):
            payload["status"] = "degraded"
    return web.json_response(payload)


def _build_hub(
    settings: Settings, client: aiohttp.ClientSession, database: HubDatabase
) -> ChatHub:
    engine = database.engine
    return ChatHub(
        transcripts=TranscriptStore(database.sessions),
        handoffs=HandoffStore(database.sessions),
        rasa=RasaClient(
            client, settings.rasa_worker_urls, settings.rasa_token,
            settings.chat_rasa_timeout_seconds,
            action_health_url=settings.action_server_url.rstrip("/") + "/health",
            placement=lambda routing: StoredPlacement(routing, database.run, database.sessions,
                                                      now=utcnow),
        ),
        understand=lambda conversation_id, message_id: read_understanding(
            engine, conversation_id, message_id
        ),
        run_db=database.run,
        max_turns_in_flight=settings.chat_max_turns_in_flight,
        outage_contact_seconds=settings.chat_outage_contact_seconds,
        retry_max_seconds=settings.chat_retry_max_seconds,
        channel=live_channel_for(settings),
    )


async def _database(app: web.Application):
    database = HubDatabase(app[SETTINGS_KEY].database_url)
    app[DATABASE_KEY] = database
    app[DOCUMENTS_KEY] = DocumentStore(database.sessions, cipher_for(app[SETTINGS_KEY]),
                                       now=app.get(NOW_KEY, utcnow))
    yield
    await database.close()


async def _client_and_hub(app: web.Application):
    # No connection limit per host: a turn holds its connection to Rasa for its whole
    # duration, and aiohttp's default (100 in all) would queue busy residents behind others.
    client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    app[CLIENT_KEY] = client
    hub = app[HUB_KEY] = _build_hub(app[SETTINGS_KEY], client, app[DATABASE_KEY])
    await hub.start_channel()
    yield
    await hub.channel.close()
    await client.close()


async def _close_chats(app: web.Application) -> None:
    """On shutdown, before cleanup closes the HTTP client the turns in flight use."""
    if HUB_KEY in app:
        await app[HUB_KEY].shutdown()


def create_app(settings: Settings | None = None) -> web.Application:
    app = web.Application()
    settings = settings or load_settings()
    app[SETTINGS_KEY] = settings
    try:
        app[ORIGINS_KEY] = OriginPolicy(settings.chat_allowed_origins)
    except ValueError as exc:  # a configuration mistake: say so, without a traceback
        raise ConfigError(f"CHAT_ALLOWED_ORIGINS: {exc}") from exc
    try:
        app[RESIDENT_IDS_KEY] = ResidentIds(settings.session_secret)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    app[READINESS_KEY] = DatabaseReadiness(settings.database_url)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_client_and_hub)
    app.cleanup_ctx.append(mail_sender)  # delivers the mail outbox (bot/mail, docs/mail.md)
    app.cleanup_ctx.append(document_sweeper)  # deletes documents past retention (docs/documents.md)
    # aiohttp 3.9 writes Signal[Callable[...]] but aiosignal 1.4's Signal is generic in the
    # callbacks' arguments, so mypy expects a callback that takes a callback: a typing mismatch.
    app.on_shutdown.append(_close_chats)  # type: ignore[arg-type]
    app.router.add_get("/health", health)
    add_chat_routes(app)
    add_document_routes(app)
    add_static_routes(app)
    add_staff_console(app)  # after _database: its services use the database thread
    return app
