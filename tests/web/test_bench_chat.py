"""The benchmark's load and arithmetic, run against the app and the stand-in Rasa."""
from __future__ import annotations

import pytest

from bot.tools.bench_chat.report import write_section
from bot.tools.bench_chat.residents import run_benchmark
from bot.tools.bench_chat.statistics import PhaseResult, percentile, summarise
from tests.web.conftest import ChatApp
from tests.web.stand_in_rasa import StandInRasa


def test_percentiles_interpolate():
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile([1, 2], 0.95) == pytest.approx(1.95)
    summary = summarise("x", [PhaseResult("x", [1.0, 3.0], {"timeout": 1}, 2.0),
                              PhaseResult("x", [2.0], {"timeout": 2}, 1.0)])
    assert (summary.turns, summary.p50, summary.throughput) == (3, 2.0, 1.0)
    assert summary.errors == {"timeout": 3}


async def test_both_paths_are_driven_and_counted(chat: ChatApp, rasa: StandInRasa):
    web_url = f"http://127.0.0.1:{chat.client.port}"
    direct, hub = await run_benchmark(web_url, rasa.url, residents=3, turns=["hello", "thanks"])
    assert (direct.turns, hub.turns) == (12, 12)
    assert direct.errors == hub.errors == {}
    senders = {turn["sender"] for turn in rasa.received}
    assert len(senders) == 2 + 2 + 4 * 3  # warm-up, then fresh residents per run


async def test_hub_errors_are_counted_not_fatal(chat: ChatApp, rasa: StandInRasa):
    rasa.script = lambda turn: []  # every turn: "unavailable"
    web_url = f"http://127.0.0.1:{chat.client.port}"
    direct, hub = await run_benchmark(web_url, rasa.url, residents=2, turns=["hello"])
    assert hub.errors == {"notice unavailable": 4} and direct.errors == {"no reply": 4}


def test_the_report_section_is_replaced_in_place(tmp_path):
    from bot.tools.bench_chat.report import SECTION_END, SECTION_START

    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Other\nkeep me\n")
    write_section(path, f"{SECTION_START}\nfirst\n{SECTION_END}\n")
    write_section(path, f"{SECTION_START}\nsecond\n{SECTION_END}\n")
    text = path.read_text()
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count(SECTION_START) == 1


def test_each_path_goes_first_as_often_as_the_other():
    from bot.tools.bench_chat.residents import run_order

    assert run_order(2) == ["rasa", "hub", "hub", "rasa"]
    assert run_order(3) == ["rasa", "hub", "hub", "rasa", "rasa", "hub"]
