"""The live channel between web app instances: what one hub tells the others.

A resident's tab and the member of staff answering them may be connected to different
instances of the web app (docs/deployment.md). Each hub delivers to the sockets and staff
subscriptions it holds itself and publishes a small event here; every other instance hears
it and delivers to its own (:meth:`bot.web.hub.ChatHub.remote_event`).

Events name a conversation and say what happened, never what anyone wrote: "messages up to
seq n are stored" (each instance reads them from the transcript, the one source of truth),
"who has the conversation changed", "the handoff queue changed", a typing indicator, or one
of the hub's fixed notices. So nothing personal travels through PostgreSQL's or Redis's
notification machinery, and an event lost (a dropped connection) costs only a delay: the
next one, or the resync after reconnecting, reads what was missed.

Three transports behind one interface (:class:`LiveChannel`), picked by
:func:`live_channel_for` from the settings:

- :class:`LiveChannel` itself, in-process: one instance (SQLite, ``dpa run``); publishing
  does nothing, so single-instance mode works exactly as before.
- :class:`RedisChannel`: Redis pub/sub, when ``REDIS_URL`` is set.
- :class:`PostgresChannel`: PostgreSQL ``LISTEN``/``NOTIFY`` on the case database, when
  ``DATABASE_URL`` is PostgreSQL and ``REDIS_URL`` is not set.

Publishing never blocks a turn and never fails one: events queue in memory (in order) for a
sender task; if the transport is down they are dropped with a warning, and the instances
that missed them resync when they reconnect.
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import make_url

from bot.config import Settings

log = logging.getLogger(__name__)

# The PostgreSQL notification channel and the Redis pub/sub channel (one for every
# conversation; an instance ignores conversations it holds nothing of).
CHANNEL = "dpa_live"
# A conversation id that means "every conversation": sent to this instance's own handler
# after (re)connecting, since events may have been missed meanwhile.
EVERY_CONVERSATION = "*"
RESYNC = {"type": "resync"}
# Events waiting to be sent; past this (the transport is down) the oldest are dropped.
OUTBOX_LIMIT = 10_000
RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 10.0

Handler = Callable[[str, dict[str, Any]], Awaitable[None]]


class LiveChannel:
    """In-process: the only instance. ``shared`` is False and publishing does nothing."""

    shared = False
    name = "in-process"

    def __init__(self) -> None:
        # Tells our own events from the others' (PostgreSQL and Redis echo them back).
        self.instance = secrets.token_hex(8)
        self._handler: Handler | None = None
        self._inbox: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self.connected = asyncio.Event()

    async def start(self, handler: Handler) -> None:
        """Deliver other instances' events to ``handler``, one at a time, in order."""
        self._handler = handler
        if self.shared:
            self._tasks = [asyncio.create_task(self._deliver()),
                           asyncio.create_task(self._send_loop()),
                           asyncio.create_task(self._listen_loop())]
        else:
            self.connected.set()

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Tell the other instances (in the order published; never blocks, never raises)."""
        if not self.shared:
            return
        if self._outbox.qsize() >= OUTBOX_LIMIT:
            self._outbox.get_nowait()
            log.warning("live channel: an event was dropped (the %s channel is behind)",
                        self.name)
        self._outbox.put_nowait(json.dumps({"o": self.instance, "c": conversation_id,
                                            "e": event}, separators=(",", ":")))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._disconnect()

    # -- for the transports ----------------------------------------------------------------

    def _received(self, raw: str | bytes) -> None:
        """One notification from the transport: queue it unless it is our own."""
        try:
            envelope = json.loads(raw)
            origin, conversation_id, event = envelope["o"], envelope["c"], envelope["e"]
        except (ValueError, KeyError, TypeError):
            log.warning("live channel: ignored a malformed event")
            return
        if origin != self.instance and isinstance(event, dict):
            self._inbox.put_nowait((str(conversation_id), event))

    async def _deliver(self) -> None:
        while True:
            conversation_id, event = await self._inbox.get()
            if self._handler is None:
                continue
            try:
                await self._handler(conversation_id, event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the type only: database errors quote parameters
                log.error("live channel: an event could not be delivered: %s",
                          type(exc).__name__)

    async def _send_loop(self) -> None:
        while True:
            payload = await self._outbox.get()
            await self.connected.wait()
            try:
                await self._send(payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live channel: could not publish on %s: %s", self.name,
                            type(exc).__name__)

    async def _listen_loop(self) -> None:
        """Connect, listen until the connection fails, reconnect with back-off; after each
        (re)connection this instance resyncs, since events may have been missed."""
        delay = RECONNECT_FIRST_SECONDS
        first = True
        while True:
            try:
                await self._connect()
                self.connected.set()
                if not first:
                    log.warning("live channel: reconnected to %s", self.name)
                    self._inbox.put_nowait((EVERY_CONVERSATION, dict(RESYNC)))
                first = False
                delay = RECONNECT_FIRST_SECONDS
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live channel: %s connection failed: %s", self.name,
                            type(exc).__name__)
            self.connected.clear()
            await self._disconnect()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    async def _connect(self) -> None:  # pragma: no cover - in-process has no transport
        raise NotImplementedError

    async def _listen(self) -> None:  # pragma: no cover
        raise NotImplementedError

    async def _send(self, payload: str) -> None:  # pragma: no cover
        raise NotImplementedError

    async def _disconnect(self) -> None:
        return None


class RedisChannel(LiveChannel):
    """Redis pub/sub (``redis.asyncio``, redis-py 4.x as Rasa pins it)."""

    shared = True
    name = "Redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._client: Any = None
        self._pubsub: Any = None

    async def _connect(self) -> None:
        import redis.asyncio as redis_asyncio

        # Named, so an operator's CLIENT LIST shows which instance each connection is.
        self._client = redis_asyncio.Redis.from_url(
            self._url, socket_connect_timeout=5, client_name=f"dpa-live-{self.instance}")
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(CHANNEL)

    async def _listen(self) -> None:
        async for message in self._pubsub.listen():
            if message and message.get("type") == "message":
                self._received(message["data"])

    async def _send(self, payload: str) -> None:
        if self._client is None:
            raise ConnectionError("not connected")
        await self._client.publish(CHANNEL, payload)

    async def _disconnect(self) -> None:
        pubsub, client, self._pubsub, self._client = self._pubsub, self._client, None, None
        for closing in (pubsub, client):
            if closing is not None:
                try:
                    await closing.close()
                except Exception:  # already broken: nothing more to do
                    pass


def psycopg2_arguments(database_url: str) -> dict[str, Any]:
    """psycopg2.connect() keywords for a SQLAlchemy PostgreSQL URL (query options kept)."""
    url = make_url(database_url)
    arguments: dict[str, Any] = {
        key: value
        for key, value in url.translate_connect_args(username="user", database="dbname").items()
        if value is not None
    }
    arguments.update({key: value for key, value in url.query.items()
                      if isinstance(value, str)})
    arguments.setdefault("connect_timeout", 10)
    return arguments


class PostgresChannel(LiveChannel):
    """PostgreSQL LISTEN/NOTIFY on the case database.

    One connection listens, read on the event loop as the socket becomes readable
    (psycopg2's ``poll`` and ``notifies``: no thread, no polling); another sends, in a
    worker thread (``SELECT pg_notify``, autocommit, so each event is delivered at once).
    """

    shared = True
    name = "PostgreSQL"

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self._arguments = psycopg2_arguments(database_url)
        self._listener: Any = None
        self._sender: Any = None
        self._lost: asyncio.Future[None] | None = None

    def _open(self) -> Any:
        import psycopg2

        connection = psycopg2.connect(**self._arguments)
        connection.autocommit = True
        return connection

    def _open_listening(self) -> Any:
        connection = self._open()
        connection.cursor().execute(f"LISTEN {CHANNEL}")
        return connection

    async def _connect(self) -> None:
        self._listener = await asyncio.to_thread(self._open_listening)
        self._lost = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(self._listener.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            self._listener.poll()
        except Exception as exc:  # the connection is gone: _listen reconnects
            if self._lost is not None and not self._lost.done():
                self._lost.set_exception(exc)
            return
        while self._listener.notifies:
            self._received(self._listener.notifies.pop(0).payload)

    async def _listen(self) -> None:
        assert self._lost is not None
        await self._lost

    async def _send(self, payload: str) -> None:
        await asyncio.to_thread(self._notify, payload)

    def _notify(self, payload: str) -> None:
        for attempt in (1, 2):  # a sender connection dropped meanwhile is opened again once
            try:
                if self._sender is None or self._sender.closed:
                    self._sender = self._open()
                self._sender.cursor().execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                return
            except Exception:
                self._sender = None
                if attempt == 2:
                    raise

    async def _disconnect(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                asyncio.get_running_loop().remove_reader(listener.fileno())
            except (ValueError, OSError):
                pass
            listener.close()

    async def close(self) -> None:
        await super().close()
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.close()


def live_channel_for(settings: Settings) -> LiveChannel:
    """Redis when ``REDIS_URL`` is set, else PostgreSQL when the case database is
    PostgreSQL, else in-process (one instance)."""
    if settings.redis_url:
        return RedisChannel(settings.redis_url)
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return PostgresChannel(settings.database_url)
    return LiveChannel()
