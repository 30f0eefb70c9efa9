"""The held-out checks run before anything is trained: what is missing, in plain words.

The console's *Retrain and evaluate* once crashed with ``'list' object has no attribute
'items'`` when the trainer's held-out set covered one intent: Rasa wrote no usable intent
report and the parser was handed a list. Reproduced here (first failing), then fixed twice:
the check refuses such a set before training, and a report that is not a table is a plain
error, not a traceback.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.trainers.evaluation import job as ev_job
from bot.trainers.evaluation import steps as ev_steps
from bot.trainers.held_out_checks import (
    MIN_EXAMPLES,
    MIN_PER_INTENT,
    check_examples,
    check_file,
)

ONE_INTENT = """version: "3.1"
nlu:
- intent: request_access
  examples: |
    - gimme all u got on me pls
    - wot do u hold about me
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holdout.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_set_of_one_intent_is_refused_before_training(tmp_path: Path) -> None:
    model = tmp_path / "dpa.tar.gz"
    model.write_bytes(b"m")
    trained: list[Path] = []
    with pytest.raises(ev_job.HeldOutUnusable) as refused:
        ev_job.evaluate(current_model=model, test_data=_file(tmp_path, ONE_INTENT),
                    out_dir=tmp_path / "out", say=trained.append)
    words = str(refused.value)
    assert "covers only one intent (request_access, 2 examples)" in words
    assert "at least 2 intents" in words and "Hold out for testing" in words
    assert "'list'" not in words and not (tmp_path / "out" / "candidate").exists()


def test_a_report_that_is_not_a_table_is_a_plain_error(tmp_path: Path) -> None:
    """What Rasa left behind for the one-intent set: no intent_report.json (read as [])."""
    (tmp_path / "intent_errors.json").write_text("[]")
    with pytest.raises(ev_steps.ScoringFailed, match="at least two intents"):
        ev_steps.read_scores(tmp_path)
    (tmp_path / "intent_report.json").write_text(json.dumps([]))
    with pytest.raises(ev_steps.ScoringFailed):
        ev_steps.read_scores(tmp_path)


@pytest.mark.parametrize("text,expected", [
    (None, "There is no held-out set yet"),
    ('version: "3.1"\nnlu: []\n', "has no examples yet"),
    ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n', "only one intent"),
    ("nlu: [\n", "not valid YAML"),
])
def test_blocking_problems(tmp_path: Path, text: str | None, expected: str) -> None:
    path = tmp_path / "holdout.yml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    check = check_file(path)
    assert not check.usable and expected in " ".join(check.problems)


def test_a_small_set_is_usable_with_warnings() -> None:
    intents = ["ask_cost"] * 10 + ["request_access"] * 2
    check = check_examples(intents, known_intents=["ask_cost", "request_access", "greet"])
    assert check.usable and check.too_small
    words = " ".join(check.warnings)
    assert f"12 examples, fewer than {MIN_EXAMPLES}" in words
    assert f"Fewer than {MIN_PER_INTENT} examples of request_access" in words
    assert "No examples at all of 1 intents (greet)" in words
    assert check.per_intent == {"ask_cost": 10, "request_access": 2}


def test_a_big_even_set_has_nothing_to_say() -> None:
    intents = [name for name in ("ask_cost", "request_access") for _ in range(MIN_EXAMPLES)]
    check = check_examples(intents, known_intents=["ask_cost", "request_access", "nlu_fallback"])
    assert check.usable and not check.too_small and check.warnings == ()


def test_long_lists_of_names_are_cut_short() -> None:
    known = [f"intent_{i}" for i in range(20)]
    check = check_examples(["intent_0"] * 30 + ["intent_1"] * 30, known_intents=known)
    assert "and 12 more" in " ".join(check.warnings)
