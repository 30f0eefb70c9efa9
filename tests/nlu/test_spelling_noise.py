"""Spelling noise: deterministic noisy copies at training time, nothing at inference."""
from __future__ import annotations

import random

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.spelling_noise import SpellingNoiseAugmenter, noisy_copies, noisy_copy


def _augmenter(tmp_path, **config) -> SpellingNoiseAugmenter:
    return SpellingNoiseAugmenter.create(
        config, LocalModelStorage(tmp_path), Resource("noise"),
        ExecutionContext(GraphSchema({}), "noise"))


def test_a_noisy_copy_differs_by_small_slips_and_keeps_the_words_in_order():
    text = "please delete everything the council holds about me"
    copy = noisy_copy(text, random.Random(1), rate=0.2)
    assert copy != text
    original, noisy = text.split(), copy.split()
    assert len(noisy) == len(original)
    changed = [(a, b) for a, b in zip(original, noisy, strict=True) if a != b]
    assert changed
    for before, after in changed:
        # a typo changes the length by at most one letter and keeps the first letter;
        # text-speak replaces a word from the table ("please" -> "pls")
        assert after == "pls" or (after[0] == before[0] and abs(len(after) - len(before)) <= 1)


def test_copies_are_deterministic_distinct_and_never_the_original():
    text = "how long will it take to get my records"
    first = noisy_copies(text, copies=3, rate=0.2)
    assert first == noisy_copies(text, copies=3, rate=0.2)
    assert len(first) == 3 and len(set(first)) == 3
    assert text not in first


def test_a_message_with_nothing_to_misspell_gets_no_copy():
    assert noisy_copies("yes", copies=2, rate=0.2) == []
    assert noisy_copies("ok ta", copies=2, rate=0.2) == []


def test_training_data_gets_labelled_copies_of_intent_examples_without_entities(tmp_path):
    plain = Message(data={"text": "can I see my records please", "intent": "request_access"})
    with_entity = Message(data={
        "text": "my name is Alice Smith", "intent": "inform",
        "entities": [{"start": 11, "end": 22, "value": "Alice Smith", "entity": "person_name"}],
    })
    data = TrainingData([plain, with_entity], regex_features=[{"name": "r", "pattern": "x"}])
    augmented = _augmenter(tmp_path, copies=2).process_training_data(data)

    added = augmented.training_examples[2:]
    assert len(added) == 2
    assert {m.get("intent") for m in added} == {"request_access"}
    assert all(m.get("text") != plain.get("text") and not m.get("entities") for m in added)
    assert augmented.regex_features == data.regex_features
    assert len(data.training_examples) == 2  # the input is not changed


def test_max_words_limits_copies_to_short_examples(tmp_path):
    short = Message(data={"text": "delete my data", "intent": "request_erasure"})
    long = Message(data={"text": "I moved away years ago and want every record of me deleted",
                         "intent": "request_erasure"})
    augmented = _augmenter(tmp_path, max_words=5).process_training_data(
        TrainingData([short, long]))
    assert [m.get("text") for m in augmented.training_examples[2:]] == noisy_copies(
        "delete my data", copies=1, rate=0.2)


def test_nothing_changes_at_inference(tmp_path):
    message = Message(data={"text": "delete my data"})
    [processed] = _augmenter(tmp_path).process([message])
    assert processed.get("text") == "delete my data"
    assert processed.data == {"text": "delete my data"}
