"""Redaction measured on corpora written apart from the code.

``tests/redaction/corpus.yml`` (the first development corpus) and ``corpus_fresh.yml`` (a
second, written later by someone else without seeing the code, so the rules' generality is
tested, not only their fit to the first), and ``corpus_third.yml`` (a third, written
independently, measured once untuned and then used to find the classes of miss), and
``corpus_fourth.yml`` (a fourth, measured once untuned, then added to the learned
recogniser's training data), and ``corpus_fifth.yml`` (a fifth, likewise: measured once
untuned, its annotation errors corrected, then added to the training data), and
``corpus_sixth.yml`` (a sixth, likewise: measured once untuned, its annotation trimmed to
the data itself, its classes of miss added to the rules, then added to the training data).

The scorer itself is tested on small hand-made cases; the corpus run asserts issue 12's
targets (docs/trainers.md has the table): every identifier kind fully caught, names and each
special category kind at least 98%, and the message still useful for labelling.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from bot.trainers.redaction import redact
from bot.trainers.redaction_score import (
    CORPUS,
    FIFTH_CORPUS,
    FOURTH_CORPUS,
    FRESH_CORPUS,
    IDENTIFIER_KINDS,
    SIXTH_CORPUS,
    THIRD_CORPUS,
    Item,
    Message,
    load_corpus,
    score,
)

SPECIAL_CATEGORY_KINDS = frozenset({
    "health", "ethnicity", "religion", "sexuality", "gender_identity", "politics",
    "trade_union", "criminal_offence", "genetic_biometric",
})


@pytest.mark.parametrize(("corpus", "size"), [(CORPUS, 500), (FRESH_CORPUS, 500),
                                             (THIRD_CORPUS, 450), (FOURTH_CORPUS, 700),
                                             (FIFTH_CORPUS, 800), (SIXTH_CORPUS, 600)],
                         ids=["dev", "fresh", "third", "fourth", "fifth", "sixth"])
def test_the_corpus_is_well_formed(corpus, size):
    messages = load_corpus(corpus)
    assert len(messages) >= size
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


def test_redaction_meets_the_targets_on_the_corpus():
    result = score(load_corpus(CORPUS), redact)
    assert set(result.items) >= IDENTIFIER_KINDS | SPECIAL_CATEGORY_KINDS | {"name"}
    short = {
        kind: round(result.recall(kind), 3)
        for kind in result.items
        if result.recall(kind) < (1.0 if kind in IDENTIFIER_KINDS else 0.98)
    }
    assert short == {}, [leak for leak in result.leaks if leak[0] in short]
    assert result.precision >= 0.9
    assert result.kept >= 0.97


def test_function_words_inside_an_item_are_not_a_leak():
    messages = [Message("my son has autism and I'm in the GMB",
                        [Item("health", "has autism"), Item("trade_union", "I'm in the GMB")], [])]
    caught = score(messages, lambda text: "my son has [HEALTH] and I'm in the [TRADE_UNION]")
    assert caught.recall("health") == 1.0 and caught.recall("trade_union") == 1.0
    missed = score(messages, lambda text: "my son has autism and I'm in the [TRADE_UNION]")
    assert missed.recall("health") == 0.0


def test_every_word_of_a_name_counts():
    messages = [Message("from A Khan", [Item("name", "A Khan")], [])]
    assert score(messages, lambda text: "from A [NAME]").recall("name") == 1.0
    assert score(messages, lambda text: "from [NAME] Khan").recall("name") == 0.0
    initial = [Message("signed A", [Item("name", "A")], [])]
    assert score(initial, lambda text: text).recall("name") == 0.0


def test_placeholder_letters_are_not_counted_as_surviving():
    address = "GARETH.L@HOTMAIL.CO.UK"
    messages = [Message(f"my email is {address}", [Item("email", address)], [])]
    assert score(messages, lambda text: "my email is [EMAIL]").recall("email") == 1.0


# The rules reached these figures alone, each short by one or two items named here
# (docs/trainers.md); with the learned recogniser, trained on all four corpora, every kind
# is at its target on each of them, so none is excused any more. Training figures: they
# flatter the recogniser; the held-out corpus is the honest measure.
FRESH_SHORT_OF_TARGET: dict[str, float] = {}


def _assert_no_kind_below(result, short_of_target: dict[str, float]) -> None:
    """Every kind at issue 12's target (identifiers 1.0, the rest 0.98) except those named
    in ``short_of_target``, which may not fall below the figure reached."""
    short = {
        kind: round(result.recall(kind), 3)
        for kind in result.items
        if result.recall(kind) < short_of_target.get(
            kind, 1.0 if kind in IDENTIFIER_KINDS else 0.98)
    }
    assert short == {}, [leak for leak in result.leaks if leak[0] in short]


def test_redaction_meets_the_targets_on_the_fresh_corpus():
    result = score(load_corpus(FRESH_CORPUS), redact)
    assert set(result.items) >= IDENTIFIER_KINDS | SPECIAL_CATEGORY_KINDS | {"name"}
    _assert_no_kind_below(result, FRESH_SHORT_OF_TARGET)
    assert result.precision >= 0.88
    assert result.kept >= 0.97


@pytest.mark.parametrize(("corpus", "precision", "kept"), [
    (THIRD_CORPUS, 0.94, 0.99),
    # Measured untuned once (rules 0.694 on addresses, rules + CRF trained on corpora 1-3
    # 0.901), then added to the recogniser's training data: these are training figures.
    (FOURTH_CORPUS, 0.94, 0.97),
    # Measured untuned once (docs/trainers.md, "Fifth corpus"), then added to the
    # recogniser's training data: these are training figures.
    (FIFTH_CORPUS, 0.92, 0.92),
    # Measured untuned once, its annotation trimmed, then used to find classes of miss and
    # added to the training data (docs/trainers.md, "Sixth corpus"): training figures. Its
    # writer put special category words in many labelling phrases ("my deadname", "the
    # CAMHS letter"), which redaction must remove, so *kept* is lower than on the others.
    (SIXTH_CORPUS, 0.94, 0.92),
], ids=["third", "fourth", "fifth", "sixth"])
def test_redaction_meets_the_targets_on_the_later_corpora(corpus, precision, kept):
    result = score(load_corpus(corpus), redact)
    _assert_no_kind_below(result, {})
    assert result.precision >= precision
    assert result.kept >= kept
