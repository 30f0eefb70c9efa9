"""The held-out report's arithmetic, on hand-made parses (no model needed)."""
from __future__ import annotations

from bot.trainers.held_out import FALLBACK, Parse, Report, load_messages, render


def _report() -> Report:
    return Report([
        Parse("ask_cost", "is it free", (("ask_cost", 0.9),), "ask_cost"),
        Parse("ask_cost", "how much", (("ask_cost", 0.4),), FALLBACK),
        Parse("greet", "hiya", (("out_of_scope", 0.7),), "out_of_scope"),
        Parse("out_of_scope", "bins", (("out_of_scope", 0.5),), "out_of_scope"),
    ])


def test_a_fallback_is_a_miss_and_confusions_are_counted():
    report = _report()
    assert report.accuracy() == 0.5
    assert report.fallback_rate() == 0.25
    assert report.recall() == {"ask_cost": (1, 2), "greet": (0, 1), "out_of_scope": (1, 1)}
    assert report.confusions() == {("ask_cost", FALLBACK): 1, ("greet", "out_of_scope"): 1}


def test_the_threshold_sweep_recomputes_from_the_ranking():
    report = _report()
    assert report.accuracy(0.3) == 0.75  # "how much" (0.4) is now understood
    assert report.accuracy(0.6) == 0.25  # "bins" (0.5) now falls back too


def test_the_report_has_no_message_text_unless_asked():
    assert "how much" not in render(_report())
    assert "how much" in render(_report(), show_misses=True)


def test_the_held_out_file_loads():
    pairs = load_messages()
    assert len(pairs) >= 800 and all(intent and text for intent, text in pairs)
