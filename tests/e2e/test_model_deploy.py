"""Deploying a model to the running Rasa without a restart, and restoring the previous one,
through Rasa's own HTTP model API (PUT /model, GET /status) on the session stack.

No training: the "candidate" is the stack's trained model packed again (same model, other
bytes, so another file name), which Rasa loads like any new model.
"""
from __future__ import annotations

import tarfile
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings, load_settings
from bot.rasa.stack import Stack
from bot.rasa.training import model_path
from bot.trainers.deploy import DEPLOY, INITIAL, RESTORE, Deployer, DeployFailed, DeployHistory

pytestmark = pytest.mark.e2e


def repack(model: Path, out: Path) -> Path:
    """The same model in a new archive (another hash, so another stored name)."""
    unpacked = out.parent / "unpacked"
    with tarfile.open(model, "r:gz") as archive:
        archive.extractall(unpacked)
    with tarfile.open(out, "w:gz", compresslevel=1) as archive:
        for path in sorted(unpacked.iterdir()):
            archive.add(path, arcname=path.name)
    return out


async def rasa(settings: Settings, method: str, path: str, *, url: str | None = None,
               **kwargs) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, (url or settings.rasa_url) + path,
                                   params={"token": settings.rasa_token}, **kwargs) as response:
            assert response.status == 200, await response.text()
            return await response.json()


async def test_a_candidate_goes_live_and_the_previous_model_comes_back(
    stack: Stack, stack_settings: Settings, tmp_path: Path
) -> None:
    started_with = model_path(load_settings().model_dir)
    assert (await rasa(stack_settings, "GET", "/status"))["model_file"] == started_with.name
    candidate = repack(started_with, tmp_path / "candidate" / "candidate.tar.gz")
    deployer = Deployer.for_settings(
        stack_settings, history=DeployHistory(tmp_path / "deployments.json"),
        store_dir=tmp_path / "deployed", startup_model=started_with,
        install=False)  # the project's models/dpa.tar.gz is left alone
    servers = stack_settings.rasa_worker_urls  # the session stack runs two Rasa workers
    assert deployer.servers == servers

    deployed = await deployer.deploy(candidate, "tom", fingerprint="abc")
    for url in servers:  # every worker has the candidate, not just the first
        status = await rasa(stack_settings, "GET", "/status", url=url)
        assert status["model_file"] == deployed.name != started_with.name
    assert deployed.action == DEPLOY and deployed.by == "tom"
    assert deployed.trained_at is not None and status["model_id"] == deployed.model_id
    initial = deployer.previous()
    assert initial is not None and initial.action == INITIAL and initial.name != deployed.name
    # The new model answers (the agent was swapped, not just renamed).
    parsed = await rasa(stack_settings, "POST", "/model/parse", json={"text": "hello"})
    assert parsed["intent"]["name"] == "greet"

    restored = await deployer.restore("tom")
    assert restored.action == RESTORE and restored.name == initial.name
    for url in servers:
        assert (await rasa(stack_settings, "GET", "/status", url=url))["model_file"] == initial.name
    assert [e.action for e in deployer.history.entries()] == [INITIAL, DEPLOY, RESTORE]
    statuses = await deployer.statuses()
    assert [s.model_file for s in statuses] == [initial.name] * len(servers)


async def test_a_model_rasa_cannot_load_changes_nothing(
    stack: Stack, stack_settings: Settings, tmp_path: Path
) -> None:
    before = (await rasa(stack_settings, "GET", "/status"))["model_file"]
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    deployer = Deployer.for_settings(
        stack_settings, history=DeployHistory(tmp_path / "deployments.json"),
        store_dir=tmp_path / "deployed", startup_model=model_path(load_settings().model_dir),
        install=False)
    with pytest.raises(DeployFailed, match="did not load"):
        await deployer.deploy(broken, "tom")
    assert (await rasa(stack_settings, "GET", "/status"))["model_file"] == before
    assert [e.action for e in deployer.history.entries()] == [INITIAL]  # no deploy recorded
    kept = sorted(path.name for path in (tmp_path / "deployed").iterdir())
    assert kept == [deployer.history.entries()[0].name]  # the refused file is not kept
