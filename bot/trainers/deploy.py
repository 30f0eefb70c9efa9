"""Deploy an evaluated model to the running assistant without a restart, and restore the
previous one in one step.

Rasa 3.6's HTTP API (``rasa/server.py``, enabled by ``bot.rasa.server`` with the token
``RASA_TOKEN``): ``PUT /model?token=...`` with ``{"model_file": PATH}`` loads the model at
``PATH`` (a path on the Rasa server's own file system) and swaps it in for the next turn;
``GET /status?token=...`` answers ``{"model_file": NAME, "model_id": ID, ...}`` where NAME
is the loaded file's base name. Deploying loads the model into **every** Rasa server the
settings know (``Settings.rasa_worker_urls``: ``RASA_URLS``, else the ``RASA_WORKERS``
servers from ``RASA_PORT``) and checks each one's ``/status`` says so.

Every model that goes live is first copied under ``store_dir`` with a unique name
(``dpa-<trained at>-<hash>.tar.gz``), so the next evaluation overwriting its candidate, or
the next deploy, cannot take away the model to restore. The history (what went live, when,
by whom, what it replaced) is ``var/trainers/deployments.json``: file names, hashes, times
and staff user names, nothing about residents. With ``install``, the live model is also
copied to ``models/dpa.tar.gz`` (and its training stamp), so a restart of ``dpa run`` starts
with it.

If a server refuses the new model, the servers already switched are put back on the model
they ran, so all of them answer alike, and the deploy is reported as failed.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import tarfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

DEPLOY, RESTORE, INITIAL = "deploy", "restore", "initial"
# Loading a model (unpacking it, building the graph) takes tens of seconds on two cores.
LOAD_TIMEOUT_SECONDS = 300.0
STATUS_TIMEOUT_SECONDS = 5.0
METADATA_FILE = "metadata.json"  # Rasa's model archive metadata (trained_at, model_id)


class DeployFailed(RuntimeError):
    """The model did not go live everywhere; the message says where and why."""


@dataclass(frozen=True)
class ModelInfo:
    """What a model archive says about itself."""

    trained_at: float | None
    model_id: str | None
    sha256: str


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    action: str  # DEPLOY, RESTORE or INITIAL (the model Rasa was started with)
    file: str  # absolute path of the stored copy Rasa loaded
    name: str  # its base name (what GET /status reports)
    trained_at: float | None
    model_id: str | None
    at: float
    by: str | None
    previous: int | None = None  # the entry this one replaced
    fingerprint: str | None = None  # bot.rasa.training's stamp of the data it was trained on
    servers: tuple[str, ...] = field(default=())

    @property
    def trained(self) -> datetime | None:
        return (datetime.fromtimestamp(self.trained_at, tz=timezone.utc)
                if self.trained_at else None)

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=timezone.utc)


def read_model_info(path: Path) -> ModelInfo:
    """Rasa's metadata (trained_at, model_id) from inside a model archive, and its hash."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    trained_at: float | None = None
    model_id: str | None = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if Path(member.name).name == METADATA_FILE and member.isfile():
                    extracted = archive.extractfile(member)
                    data = json.loads(extracted.read().decode("utf-8")) if extracted else {}
                    when = data.get("trained_at")
                    if isinstance(when, str):
                        moment = datetime.fromisoformat(when)
                        if moment.tzinfo is None:
                            moment = moment.replace(tzinfo=timezone.utc)  # Rasa: utcnow()
                        trained_at = moment.timestamp()
                    model_id = data.get("model_id") or None
                    break
    except (tarfile.TarError, OSError, ValueError):
        pass
    return ModelInfo(trained_at=trained_at, model_id=model_id, sha256=digest.hexdigest())


class DeployHistory:
    """The deploy history file: entries oldest first; the last one is live."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> DeployHistory:
        return cls(var_dir / "trainers" / "deployments.json")

    def entries(self) -> list[HistoryEntry]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        out = []
        for raw in data.get("entries", []) if isinstance(data, dict) else []:
            try:
                raw["servers"] = tuple(raw.get("servers") or ())
                out.append(HistoryEntry(**raw))
            except (TypeError, AttributeError):
                continue
        return out

    def live(self) -> HistoryEntry | None:
        entries = self.entries()
        return entries[-1] if entries else None

    def find(self, entry_id: int | None) -> HistoryEntry | None:
        return next((e for e in self.entries() if e.id == entry_id), None)

    def append(self, **values) -> HistoryEntry:
        entries = self.entries()
        entry = HistoryEntry(id=(entries[-1].id + 1 if entries else 1), **values)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"entries": [asdict(e) for e in [*entries, entry]]},
                                  indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
        return entry


@dataclass(frozen=True)
class ServerStatus:
    url: str
    model_file: str | None = None
    model_id: str | None = None
    error: str | None = None


class RasaModelApi:
    """Rasa's model endpoints on one server."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self.session, self.base_url, self.token = session, base_url.rstrip("/"), token

    async def status(self) -> ServerStatus:
        try:
            async with self.session.get(
                f"{self.base_url}/status", params={"token": self.token},
                timeout=aiohttp.ClientTimeout(total=STATUS_TIMEOUT_SECONDS),
            ) as response:
                if response.status != 200:
                    return ServerStatus(self.base_url, error=f"HTTP {response.status}")
                data = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            return ServerStatus(self.base_url, error=_reason(exc))
        return ServerStatus(self.base_url, model_file=data.get("model_file"),
                            model_id=data.get("model_id"))

    async def load(self, model_file: Path, timeout: float = LOAD_TIMEOUT_SECONDS) -> None:
        """``PUT /model``; raises :class:`DeployFailed` with Rasa's reason."""
        try:
            async with self.session.put(
                f"{self.base_url}/model", params={"token": self.token},
                json={"model_file": str(model_file)},
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                if response.status == 204:
                    return
                try:
                    body = await response.json(content_type=None)
                    reason = str(body.get("message") or body)[:300]
                except ValueError:
                    reason = f"HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            reason = _reason(exc)
        raise DeployFailed(f"{self.base_url} did not load {model_file.name}: {reason}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "no answer in time"
    return str(exc) or type(exc).__name__


def stored_name(info: ModelInfo) -> str:
    when = datetime.fromtimestamp(info.trained_at or time.time(), tz=timezone.utc)
    return f"dpa-{when:%Y%m%d-%H%M%S}-{info.sha256[:8]}.tar.gz"


@dataclass
class Deployer:
    """Deploy and restore models on every Rasa server of one installation."""

    servers: Sequence[str]
    token: str
    history: DeployHistory
    store_dir: Path  # where live models are kept (models/deployed/)
    startup_model: Path  # what Rasa is started with (models/dpa.tar.gz)
    install: bool = True  # also copy the live model to startup_model
    load_timeout: float = LOAD_TIMEOUT_SECONDS
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @classmethod
    def for_settings(cls, settings, **overrides) -> Deployer:
        from bot.rasa.training import model_path

        values = dict(servers=settings.rasa_worker_urls, token=settings.rasa_token,
                      history=DeployHistory.in_var_dir(settings.var_dir),
                      store_dir=settings.model_dir / "deployed",
                      startup_model=model_path(settings.model_dir))
        values.update(overrides)
        return cls(**values)

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def statuses(self) -> list[ServerStatus]:
        async with aiohttp.ClientSession() as session:
            return list(await asyncio.gather(
                *(RasaModelApi(session, url, self.token).status() for url in self.servers)))

    def live(self) -> HistoryEntry | None:
        return self.history.live()

    def previous(self) -> HistoryEntry | None:
        live = self.history.live()
        return self.history.find(live.previous) if live else None

    async def deploy(self, candidate: Path, who: str, *,
                     fingerprint: str | None = None) -> HistoryEntry:
        """Make ``candidate`` live everywhere (a copy of it, kept for restoring)."""
        async with self._lock:
            if not candidate.is_file():
                raise DeployFailed(f"there is no candidate model to deploy ({candidate.name})")
            current = await self._current()
            info, stored = await asyncio.to_thread(self._store, candidate)
            try:
                await self._load_everywhere(stored, fallback=Path(current.file))
            except DeployFailed:
                if not any(e.file == str(stored) for e in self.history.entries()):
                    stored.unlink(missing_ok=True)  # never live: not kept
                raise
            entry = self.history.append(
                action=DEPLOY, file=str(stored), name=stored.name, trained_at=info.trained_at,
                model_id=info.model_id, at=time.time(), by=who, previous=current.id,
                fingerprint=fingerprint, servers=tuple(self.servers))
            await asyncio.to_thread(self._install, entry)
            return entry

    async def restore(self, who: str) -> HistoryEntry:
        """Put back the model the live one replaced (one step; again undoes the restore)."""
        async with self._lock:
            live = self.history.live()
            previous = self.history.find(live.previous) if live else None
            if live is None or previous is None:
                raise DeployFailed("there is no earlier model to restore: nothing has been "
                                   "deployed from the console yet")
            if not Path(previous.file).is_file():
                raise DeployFailed(f"the earlier model's file is gone ({previous.name})")
            await self._load_everywhere(Path(previous.file), fallback=Path(live.file))
            entry = self.history.append(
                action=RESTORE, file=previous.file, name=previous.name,
                trained_at=previous.trained_at, model_id=previous.model_id, at=time.time(),
                by=who, previous=live.id, fingerprint=previous.fingerprint,
                servers=tuple(self.servers))
            await asyncio.to_thread(self._install, entry)
            return entry

    # -- steps ---------------------------------------------------------------------------

    async def _current(self) -> HistoryEntry:
        """The live model's history entry; the first time, the model Rasa started with,
        copied aside (so it can be restored after the deploy replaces models/dpa.tar.gz)."""
        live = self.history.live()
        if live is not None:
            return live
        if not self.startup_model.is_file():
            raise DeployFailed(f"the running model's file is missing ({self.startup_model.name})")
        info, stored = await asyncio.to_thread(self._store, self.startup_model)
        return self.history.append(
            action=INITIAL, file=str(stored), name=stored.name, trained_at=info.trained_at,
            model_id=info.model_id, at=time.time(), by=None, previous=None,
            fingerprint=_stamp_of(self.startup_model), servers=tuple(self.servers))

    def _store(self, model: Path) -> tuple[ModelInfo, Path]:
        info = read_model_info(model)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        target = self.store_dir / stored_name(info)
        if not target.exists():
            tmp = target.with_suffix(".part")
            shutil.copyfile(model, tmp)
            os.replace(tmp, target)
        return info, target.resolve()

    async def _load_everywhere(self, model: Path, *, fallback: Path) -> None:
        switched: list[str] = []
        async with aiohttp.ClientSession() as session:
            try:
                for url in self.servers:
                    api = RasaModelApi(session, url, self.token)
                    await api.load(model, self.load_timeout)
                    switched.append(url)
                    status = await api.status()
                    if status.model_file != model.name:
                        raise DeployFailed(
                            f"{url} still reports {status.model_file or status.error} after "
                            f"loading {model.name}")
            except DeployFailed as failed:
                back = []
                for url in switched:
                    try:
                        await RasaModelApi(session, url, self.token).load(
                            fallback, self.load_timeout)
                        back.append(url)
                    except DeployFailed:
                        pass
                note = (f"; put back on {fallback.name}: {', '.join(back)}" if back else "")
                raise DeployFailed(f"{failed}{note}") from failed

    def _install(self, entry: HistoryEntry) -> None:
        """Copy the live model to models/dpa.tar.gz, with its stamp when known (so a
        restart of dpa run starts with it, and retrains only if the data changed since)."""
        if not self.install:
            return
        from bot.rasa.training import stamp_path

        target = self.startup_model
        tmp = target.with_suffix(".part")
        shutil.copyfile(entry.file, tmp)
        os.replace(tmp, target)
        stamp = stamp_path(target.parent)
        if entry.fingerprint:
            stamp.write_text(entry.fingerprint + "\n")
        else:
            stamp.unlink(missing_ok=True)


def _stamp_of(model: Path) -> str | None:
    from bot.rasa.training import stamp_path

    try:
        return stamp_path(model.parent).read_text().strip() or None
    except OSError:
        return None
