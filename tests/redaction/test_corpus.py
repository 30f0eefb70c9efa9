"""Redaction measured on a corpus written apart from the code (tests/redaction/corpus.yml).

The scorer itself is tested on small hand-made cases; the corpus run asserts the floor the
current redaction reaches (docs/trainers.md has the table), so a change that lets more
personal data through fails here.
"""
from __future__ import annotations

import subprocess
import sys

from bot.trainers.redaction import redact
from bot.trainers.redaction_score import CORPUS, Item, Message, load_corpus, score


def test_the_corpus_is_well_formed():
    messages = load_corpus(CORPUS)
    assert len(messages) >= 500
    for message in messages:
        for item in message.items:
            assert item.text.lower() in message.text.lower(), (message.text, item.text)
        for phrase in message.keep:
            assert phrase in message.text


def test_an_item_that_comes_through_counts_as_a_leak():
    messages = [Message("call me on 07700 900123 please", [Item("phone", "07700 900123")],
                        ["call me"])]
    leaky = score(messages, lambda text: text.replace("900123", "[PHONE]"))
    assert leaky.leaked["phone"] == 1 and leaky.recall("phone") == 0.0
    clean = score(messages, lambda text: text.replace("07700 900123", "[PHONE]"))
    assert clean.leaked["phone"] == 0 and clean.recall("phone") == 1.0
    assert clean.precision == 1.0 and clean.kept == 1.0


def test_removing_ordinary_words_costs_precision_and_keep():
    messages = [Message("how much does it cost", [], ["how much"])]
    result = score(messages, lambda _text: "[NAME] does it cost")
    assert result.precision == 0.0 and result.kept == 0.0


def test_dpa_redact_filters_stdin_to_stdout():
    done = subprocess.run(
        [sys.executable, "-m", "bot", "redact"],
        input="my email is jo.bloggs@example.com\nhow long does it take?\n",
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.splitlines() == [redact("my email is jo.bloggs@example.com"),
                                        "how long does it take?"]
    assert "jo.bloggs" not in done.stdout
