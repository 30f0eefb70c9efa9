"""The hub's calls to Rasa: a resident's turn through the REST channel, and resuming.

Rasa answers a turn only once every action of it has run (including the action server's),
so a turn can take seconds; ``CHAT_RASA_TIMEOUT_SECONDS`` bounds how long a resident waits
before being told the assistant is unavailable.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


# Resuming alone leaves the tracker's last action as the one that paused it (action_handoff):
# Rasa runs no action_listen after a pause. The next message would then be judged after
# action_handoff, a state no rule or story has, and the assistant fell back instead of
# answering. Recording action_listen with the resume puts the conversation back in the state
# every rule starts from: waiting for the resident.
RESUME_EVENTS = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error (the reason, no message text)."""


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
    """Rasa's REST channel and HTTP API, through the web app's shared HTTP client."""

    def __init__(
        self, client: aiohttp.ClientSession, base_url: str, token: str, timeout_seconds: float
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        """Relay one resident message; the assistant's replies in order."""
        payload = {"sender": sender, "message": text, "metadata": metadata}
        url = f"{self._base}/webhooks/rest/webhook"
        body = await self._post(url, payload)
        return parse_replies(body)

    async def resume(self, conversation_id: str) -> None:
        """Un-pause the assistant for a conversation staff handed back (Rasa's ``resume`` event)."""
        url = (
            f"{self._base}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        )
        params = {"token": self._token, "include_events": "NONE"}
        await self._post(url, RESUME_EVENTS, params=params)

    async def _post(
        self, url: str, payload: dict[str, Any] | list[dict[str, Any]],
        params: dict[str, str] | None = None,
    ) -> Any:
        try:
            async with self._client.post(
                url, json=payload, params=params, timeout=self._timeout
            ) as response:
                if response.status >= 300:
                    raise RasaUnavailable(f"HTTP {response.status}")
                return await response.json(content_type=None)
        except asyncio.TimeoutError as exc:
            raise RasaUnavailable("timed out") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
