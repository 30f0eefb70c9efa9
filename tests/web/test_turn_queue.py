"""The capacity gate in front of Rasa: first come first served, an honest place and wait.

Pure asyncio (no server): turns are coroutines holding a place for as long as a test says.
"""
from __future__ import annotations

import asyncio

import pytest

from bot.web import notices
from bot.web.turn_queue import TurnQueue


class Told:
    """What each queued turn's resident was told: (name, position, estimate, still)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, int, float, bool]] = []

    def to(self, name: str):
        async def tell(position: int, wait: float, still: bool) -> None:
            self.lines.append((name, position, wait, still))
        return tell


async def hold(queue: TurnQueue, name: str, told: Told, release: asyncio.Event,
               order: list[str]) -> None:
    async with queue.turn(told.to(name)):
        order.append(name)
        await release.wait()


async def test_within_capacity_nobody_is_told_anything():
    queue, told, release, order = TurnQueue(2), Told(), asyncio.Event(), []
    turns = [asyncio.create_task(hold(queue, n, told, release, order)) for n in "ab"]
    await asyncio.sleep(0.01)
    assert order == ["a", "b"] and told.lines == []
    release.set()
    await asyncio.gather(*turns)
    assert queue.in_flight == 0


async def test_past_capacity_turns_wait_in_order_and_are_told_their_place():
    queue, told, order = TurnQueue(1), Told(), []
    for seconds in (2.0, 4.0, 6.0):
        queue.record(seconds)  # recent turns: a median of 4 s
    release = asyncio.Event()
    turns = [asyncio.create_task(hold(queue, n, told, release, order)) for n in "abc"]
    await asyncio.sleep(0.01)
    assert order == ["a"]
    # b waits for a then its own turn (2 x 4 s); c for a and b then its own (3 x 4 s).
    assert told.lines == [("b", 1, 8.0, False), ("c", 2, 12.0, False)]
    release.set()
    await asyncio.gather(*turns)
    assert order == ["a", "b", "c"]
    assert queue.in_flight == 0 and queue.waiting == 0


async def test_a_wait_longer_than_estimated_is_told_again_with_the_new_place():
    queue = TurnQueue(1, min_update_seconds=0.05)
    queue.record(0.02)  # estimates of 0.04 s: shorter than the updates' minimum
    told, order, release = Told(), [], asyncio.Event()
    turns = [asyncio.create_task(hold(queue, n, told, release, order)) for n in "ab"]
    await asyncio.sleep(0.13)  # a holds its place far past b's estimate
    updates = [line for line in told.lines if line[3]]
    assert updates and all(line[:2] == ("b", 1) for line in updates)
    assert len(updates) <= 3  # not more often than the minimum
    release.set()
    await asyncio.gather(*turns)
    assert order == ["a", "b"]


async def test_a_resident_who_leaves_the_queue_passes_their_place_on():
    queue, told, order, release = TurnQueue(1), Told(), [], asyncio.Event()
    first = asyncio.create_task(hold(queue, "a", told, release, order))
    await asyncio.sleep(0.01)
    leaving = asyncio.create_task(hold(queue, "b", told, release, order))
    staying = asyncio.create_task(hold(queue, "c", told, release, order))
    await asyncio.sleep(0.01)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    release.set()
    await asyncio.gather(first, staying)
    assert order == ["a", "c"] and queue.in_flight == 0 and queue.waiting == 0


def test_the_notice_says_the_place_and_a_rough_wait():
    assert notices.queued_text(3, 21) == (
        "Many people are using the assistant right now, so you are in a queue (number 3). "
        "Your message is kept and will be answered in turn, in about 20 seconds.")
    assert "about 2 minutes" in notices.queued_text(40, 130)
    again = notices.queued_text(2, 65, still=True)
    assert "still in the queue (now number 2)" in again and "about a minute" in again
    assert "unavailable" not in again


async def test_each_rasa_worker_has_its_own_gate():
    """A turn for an idle worker does not wait behind a full worker's queue."""
    from types import SimpleNamespace

    from bot.rasa.routing import RasaRouting
    from bot.web.placement import HashPlacement
    from bot.web.relay import TurnRelay

    routing = RasaRouting(["http://localhost:5005", "http://localhost:5006"])
    rasa = SimpleNamespace(routing=routing, placement=HashPlacement(routing))
    relay = TurnRelay(SimpleNamespace(rasa=rasa), max_in_flight=1)
    by_worker: dict[str, list[str]] = {}
    for n in range(40):
        by_worker.setdefault(routing.url_for(f"c{n}"), []).append(f"c{n}")
    busy, idle = (members[:2] for members in by_worker.values())
    told, release = Told(), asyncio.Event()
    busy_gate = await relay.queue_for(busy[0])
    holding = asyncio.ensure_future(hold(busy_gate, "busy", told, release, []))
    await asyncio.sleep(0)
    assert (await relay.queue_for(busy[1])).in_flight == 1  # the same worker: full
    entered = []
    idle_gate = await relay.queue_for(idle[0])
    async with idle_gate.turn(told.to("idle")):  # the other worker: straight in
        entered.append("idle")
    assert entered == ["idle"] and told.lines == []
    release.set()
    await holding
