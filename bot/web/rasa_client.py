"""The hub's calls to Rasa: a resident's turn through the REST channel, and resuming.

Rasa answers a turn only once every action of it has run (including the action server's),
so a turn can take seconds; ``CHAT_RASA_TIMEOUT_SECONDS`` bounds how long a resident waits
before being told the assistant is unavailable. After an outage the hub reads the
conversation's tracker (:meth:`RasaClient.tracker`) to learn which of the kept
messages Rasa already had (:mod:`bot.web.catch_up`).

With several Rasa servers (``RASA_WORKERS``, ``RASA_URLS``) every call about a conversation
goes to the one server it was placed on (:mod:`bot.web.placement`), so its turns stay in order.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.rasa.routing import RasaRouting
from bot.web.placement import HashPlacement, Placement

log = logging.getLogger(__name__)

# How long a health check may take (a frozen part answers nothing).
PROBE_SECONDS = 2.0


# Resuming alone leaves the tracker's last action as the one that paused it (action_handoff):
# Rasa runs no action_listen after a pause. The next message would then be judged after
# action_handoff, a state no rule or story has, and the assistant fell back instead of
# answering. Recording action_listen with the resume puts the conversation back in the state
# every rule starts from: waiting for the resident.
RESUME_EVENTS = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
# What the hub appends to wait for a turn in progress (see RasaClient.tracker): an event
# that changes no prediction, and says who added it.
CATCH_UP_EVENT = {"event": "agent", "text": "dpa hub: catching up after an outage"}
# The intent the hub injects once staff handed a conversation back (domain.yml): the
# assistant says where the resident was and carries on with their request.
HANDED_BACK_INTENT = "EXTERNAL_handed_back"


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error (the reason, no message text).

    ``maybe_received``: whether Rasa may have had the request (it timed out, the connection
    dropped mid-answer, or Rasa answered with an error) rather than certainly not (nothing
    listened: the connection was refused).
    """

    def __init__(self, reason: str, *, maybe_received: bool = True) -> None:
        super().__init__(reason)
        self.maybe_received = maybe_received


@dataclass(frozen=True)
class Reply:
    """One of the assistant's messages: text and buttons (images and custom payloads dropped)."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def parse_replies(body: Any) -> list[Reply]:
    """The REST channel's list of bot messages, keeping what the widget can show."""
    if not isinstance(body, list):
        raise RasaUnavailable("the REST channel did not answer with a list")
    replies = []
    for item in body:
        if not isinstance(item, dict):
            continue
        raw_text = item.get("text")
        text = raw_text if isinstance(raw_text, str) else ""
        buttons = [
            {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
            for button in item.get("buttons") or []
            if isinstance(button, dict) and button.get("payload") is not None
        ]
        if text or buttons:
            replies.append(Reply(text=text, buttons=buttons))
    return replies


class RasaClient:
    """Rasa's REST channel and HTTP API, through the web app's shared HTTP client; each
    conversation on the server it was placed on (``base_urls``: one or several;
    ``placement``: by default the hash of its id)."""

    def __init__(
        self, client: aiohttp.ClientSession, base_urls: Sequence[str], token: str,
        timeout_seconds: float, action_health_url: str | None = None,
        placement: Callable[[RasaRouting], Placement] = HashPlacement,
    ) -> None:
        self._client = client
        self.routing = RasaRouting(base_urls)
        self.placement = placement(self.routing)
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._probe_timeout = aiohttp.ClientTimeout(total=min(timeout_seconds, PROBE_SECONDS))
        self._action_health_url = action_health_url

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        """Relay one resident message; the assistant's replies in order."""
        payload = {"sender": sender, "message": text, "metadata": metadata}
        url = f"{await self.placement.url_for(sender)}/webhooks/rest/webhook"
        body = await self._post(url, payload)
        return parse_replies(body)

    async def resume(self, conversation_id: str) -> None:
        """Un-pause the assistant for a conversation staff handed back (Rasa's ``resume`` event)."""
        base = await self.placement.url_for(conversation_id)
        url = f"{base}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        params = {"token": self._token, "include_events": "NONE"}
        await self._post(url, RESUME_EVENTS, params=params)

    async def trigger(self, conversation_id: str, intent: str) -> list[Reply]:
        """Inject an intent nobody typed (``EXTERNAL_handed_back``) and run the turn it starts
        (Rasa's ``trigger_intent``); the assistant's replies in order."""
        base = await self.placement.url_for(conversation_id)
        url = f"{base}/conversations/{quote(conversation_id, safe='')}/trigger_intent"
        params = {"token": self._token, "include_events": "NONE"}
        body = await self._post(url, {"name": intent}, params=params)
        messages = body.get("messages") if isinstance(body, dict) else None
        return parse_replies(messages if messages is not None else [])

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to a conversation's tracker (slots the staff console changed)."""
        base = await self.placement.url_for(conversation_id)
        url = f"{base}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        await self._post(url, events, params={"token": self._token, "include_events": "NONE"})

    async def tracker(self, conversation_id: str, *, after_turns: bool) -> dict[str, Any]:
        """The conversation's tracker with every event.

        ``after_turns``: only once no turn of it is running. Appending an event takes the
        conversation's lock in Rasa (``append_events``), so the answer comes after a turn
        Rasa was still working on (a frozen part that came back) has been saved: what it
        shows is final, and nothing is sent twice. The event appended is an ``agent``
        utterance (:data:`CATCH_UP_EVENT`), which no policy featurises (Rasa answers 500 to
        an empty list). Without it, a plain read.
        """
        quoted = quote(conversation_id, safe="")
        params = {"token": self._token, "include_events": "ALL"}
        url = f"{await self.placement.url_for(conversation_id)}/conversations/{quoted}/tracker"
        if after_turns:
            body = await self._post(f"{url}/events", CATCH_UP_EVENT, params=params)
        else:
            body = await self._get(url, params=params)
        if not isinstance(body, dict):
            raise RasaUnavailable("the tracker is not a JSON object")
        return body

    async def ready(self, conversation_id: str | None = None) -> bool:
        """Whether Rasa (the server ``conversation_id`` was placed on, else every server)
        and the action server all answer their health checks now. A check places nothing:
        a conversation is placed by its first turn."""
        placed = None if conversation_id is None else await self.placement.placed_on(
            conversation_id)
        bases = self.routing.urls if placed is None else (placed,)
        urls = [f"{base}/" for base in bases]
        if self._action_health_url:
            urls.append(self._action_health_url)
        for url in urls:
            try:
                async with self._client.get(url, timeout=self._probe_timeout) as response:
                    if response.status >= 300:
                        return False
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return False
        return True

    async def _get(self, url: str, params: dict[str, str]) -> Any:
        return await self._call("GET", url, None, params)

    async def _post(
        self, url: str, payload: Any, params: dict[str, str] | None = None
    ) -> Any:
        return await self._call("POST", url, payload, params)

    async def _call(
        self, method: str, url: str, payload: Any, params: dict[str, str] | None
    ) -> Any:
        try:
            async with self._client.request(
                method, url, json=payload, params=params, timeout=self._timeout
            ) as response:
                if response.status >= 300:
                    raise RasaUnavailable(f"HTTP {response.status}")
                return await response.json(content_type=None)
        except asyncio.TimeoutError as exc:
            raise RasaUnavailable("timed out") from exc
        except aiohttp.ClientConnectorError as exc:  # nothing listened: it never got there
            raise RasaUnavailable(type(exc).__name__, maybe_received=False) from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
