"""Fixtures for the web app: a migrated SQLite file, a stand-in Rasa, the app under test."""
from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.db.engine import dispose_engine
from bot.db.schema import upgrade_database
from bot.web.app import create_app
from bot.web.keys import HUB_KEY, RESIDENT_IDS_KEY
from bot.web.resident_ids import new_conversation_id
from tests.web.stand_in_rasa import TOKEN, StandInRasa

FRAME_TIMEOUT = 5.0


def new_resident() -> str:
    """A new conversation id, as the hub makes them; :meth:`ChatApp.open` signs it into the
    resident id a browser holds (the code the hub signs with)."""
    return new_conversation_id()


def free_port() -> int:
    """A port nothing listens on (a Rasa that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web-template") / "dpa.sqlite3"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    dispose_engine(url)  # folds the WAL into the file before it is copied
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> Iterator[str]:
    path = tmp_path / "var" / "dpa.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///{path}"
    yield url
    dispose_engine(url)


@pytest.fixture
async def rasa() -> AsyncIterator[StandInRasa]:
    stand_in = await StandInRasa().start()
    yield stand_in
    await stand_in.close()


@pytest.fixture
def settings(tmp_path: Path, db_url: str, rasa: StandInRasa) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        database_url=db_url,
        rasa_url=rasa.url,
        # The stand-in answers the action server's health check too (``actions_down``).
        action_server_url=rasa.url,
        rasa_token=TOKEN,
        session_secret="test-session-secret",
        council_nation="england-and-wales",
        web_host="127.0.0.1",
        web_port=0,
        rasa_port=0,
        action_port=0,
        model_dir=tmp_path / "models",
        chat_rasa_timeout_seconds=2.0,
    )


@dataclass
class Tab:
    """One browser tab's WebSocket, keeping every frame it received, in order."""

    ws: aiohttp.ClientWebSocketResponse
    frames: list[dict[str, Any]] = field(default_factory=list)

    async def next(self, type_: str | None = None, **match: Any) -> dict[str, Any]:
        """The next frame (of ``type_``, with these fields), skipping others."""
        while True:
            raw = await asyncio.wait_for(self.ws.receive(), FRAME_TIMEOUT)
            if raw.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {raw.type!r} {raw.data!r}")
            frame = json.loads(raw.data)
            self.frames.append(frame)
            if (type_ is None or frame["type"] == type_) and all(
                frame.get(k) == v for k, v in match.items()
            ):
                return frame

    async def say(self, text: str, client_id: str | None = None, **extra: Any) -> str:
        client_id = client_id or secrets.token_hex(8)
        await self.ws.send_json({"type": "message", "text": text, "client_id": client_id,
                                 "page": "https://council.example/privacy", **extra})
        return client_id

    async def silent(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within ``seconds`` (to show something did *not* happen)."""
        got = []
        try:
            while True:
                raw = await asyncio.wait_for(self.ws.receive(), seconds)
                if raw.type != aiohttp.WSMsgType.TEXT:
                    break
                got.append(json.loads(raw.data))
        except asyncio.TimeoutError:
            pass
        self.frames.extend(got)
        return got

    def messages(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "message"]


@dataclass
class ChatApp:
    client: TestClient
    settings: Settings

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.client.port}"

    @property
    def hub(self):
        return self.client.app[HUB_KEY]

    def resident_id(self, conversation_id: str) -> str:
        """What a browser holds for ``conversation_id``: the id signed by this hub."""
        return self.client.app[RESIDENT_IDS_KEY].sign(conversation_id)

    async def issue(self, origin: str | None = None) -> str:
        """A resident id from the hub itself (``POST /chat/session``)."""
        response = await self.client.post(
            "/chat/session", headers={"Origin": origin or self.origin}
        )
        assert response.status == 200, await response.text()
        return (await response.json())["resident"]

    async def open(self, resident: str, origin: str | None = None) -> Tab:
        """Connect a tab for conversation ``resident`` and read its ``history`` frame."""
        ws = await self.client.ws_connect(
            "/chat/ws", params={"resident": self.resident_id(resident)},
            headers={"Origin": origin or self.origin},
        )
        tab = Tab(ws)
        await tab.next("history")
        return tab


@pytest.fixture
async def make_chat(settings: Settings) -> AsyncIterator[Callable[..., Any]]:
    """Start the web app with ``settings`` changed as asked (one app per call)."""
    clients: list[TestClient] = []

    async def start(**changes: Any) -> ChatApp:
        app_settings = replace(settings, **changes)
        client = TestClient(TestServer(create_app(app_settings)))
        await client.start_server()
        clients.append(client)
        return ChatApp(client, app_settings)

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def chat(make_chat) -> ChatApp:
    return await make_chat()
