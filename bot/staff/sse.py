"""Server-Sent Events for the console's live pages (the queue, a conversation).

A stream ends when the browser goes away, when the web app shuts down, or when the member
of staff's session ends (checked every :data:`SESSION_RECHECK_SECONDS`): signing out in one
tab stops the live views in the others.
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from bot.staff.services import STAFF_KEY

HEARTBEAT_SECONDS = 15.0
SESSION_RECHECK_SECONDS = 60.0


class EventStream:
    def __init__(self, request: web.Request, response: web.StreamResponse) -> None:
        self.request = request
        self.response = response
        self.heartbeat = HEARTBEAT_SECONDS
        self._services = request.app[STAFF_KEY]
        self._checked = time.monotonic()
        self._gone = False

    @classmethod
    async def open(cls, request: web.Request) -> EventStream:
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "X-Accel-Buffering": "no",  # nginx: pass events through as they come
        })
        await response.prepare(request)
        return cls(request, response)

    @property
    def closing(self) -> bool:
        return self._gone or self._services.closing.is_set()

    async def _write(self, data: bytes) -> bool:
        try:
            await self.response.write(data)
        except (ConnectionError, RuntimeError):
            self._gone = True
        return not self._gone

    async def send(self, event: str, data: Any) -> bool:
        payload = json.dumps(data, separators=(",", ":"))
        return await self._write(f"event: {event}\ndata: {payload}\n\n".encode())

    async def ping(self) -> bool:
        if not await self._still_signed_in():
            await self.send("signed_out", {})
            self._gone = True
            return False
        return await self._write(b": ping\n\n")

    async def wait(self, seconds: float, wake: asyncio.Event | None = None) -> bool:
        """Sleep up to ``seconds`` (less if ``wake`` is set meanwhile); False when the
        stream should end."""
        waits = [asyncio.ensure_future(self._services.closing.wait())]
        if wake is not None:
            waits.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        if self.closing:
            return False
        if time.monotonic() - self._checked >= SESSION_RECHECK_SECONDS:
            return await self.ping()
        return True

    async def _still_signed_in(self) -> bool:
        now = time.monotonic()
        if now - self._checked < SESSION_RECHECK_SECONDS:
            return True
        self._checked = now
        signed_in = self.request.get("staff")
        if signed_in is None:
            return False
        resolved = await self._services.db(self._services.sessions.resolve, signed_in.token)
        return resolved is not None
