"""The held-out NLU set (tests/nlu/held_out.yml) is independent of the training data.

It was written from the contract alone (docs/intents.md and the policy texts) without
looking at data/nlu; training never reads it. These tests keep it that way: no message of it
may appear in the training data (normalised as the trainers' tools compare examples), and
every name it uses is a contract intent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.trainers.nlu_files import NluIndex
from tests.contract import contract_intents

HELD_OUT = Path(__file__).resolve().parent / "held_out.yml"
# Written later, from the same contract, by someone who had seen neither the training data nor
# the first set: the first set's texts were once printed by the report (docs/nlu-held-out.md).
FRESH = Path(__file__).resolve().parent / "held_out_fresh.yml"


@pytest.mark.parametrize("path", [HELD_OUT, FRESH], ids=["first", "fresh"])
def test_no_held_out_message_is_in_the_training_data(path: Path):
    training = NluIndex.load(PROJECT_ROOT / "data" / "nlu")
    held_out = NluIndex.load(path.parent / "_none_", path)
    shared = sorted(set(held_out.intent_by_example) & set(training.intent_by_example))
    assert shared == [], f"{len(shared)} held-out messages are also training data"


def test_the_fresh_set_covers_every_contract_intent():
    held_out = NluIndex.load(FRESH.parent / "_none_", FRESH)
    per_intent: dict[str, int] = {}
    for intent in held_out.intent_by_example.values():
        per_intent[intent] = per_intent.get(intent, 0) + 1
    assert sum(per_intent.values()) >= 400
    assert set(per_intent) <= contract_intents()
    assert not contract_intents() - set(per_intent) - {"nlu_fallback"}
    assert min(per_intent.values()) >= 8, per_intent


def test_the_held_out_set_covers_every_contract_intent_with_enough_messages():
    held_out = NluIndex.load(HELD_OUT.parent / "_none_", HELD_OUT)
    per_intent: dict[str, int] = {}
    for intent in held_out.intent_by_example.values():
        per_intent[intent] = per_intent.get(intent, 0) + 1
    assert sum(per_intent.values()) >= 800
    assert set(per_intent) <= contract_intents()
    missing = contract_intents() - set(per_intent) - {"nlu_fallback"}
    assert not missing, missing
    assert min(per_intent.values()) >= 5, per_intent
