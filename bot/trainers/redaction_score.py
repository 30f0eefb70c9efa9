"""Measure redaction on an annotated corpus: what personal data survives, and what is lost.

The corpus (``tests/redaction/corpus.yml``, written apart from the redaction code) lists,
for each message, every personal item with its kind and exact text, and a few ``keep``
phrases a trainer needs to see to label the message. Redaction is scored on what survives:
the original and the redacted text are aligned (:class:`difflib.SequenceMatcher`); an item
*leaks* when three or more of its letters or digits in a row, or all of a shorter item,
come through unchanged, not counting the function words (:data:`FUNCTION_WORDS`: pronouns,
determiners, auxiliaries, prepositions, conjunctions) that writers include in an item ("has
autism", "I'm in the GMB") though they carry no personal data; a name's words all count (a
single-letter initial is data). A ``keep`` phrase is *kept* when it appears intact in the output.

- recall per kind: items that did not leak / items;
- precision: of the characters redaction removed, the share that belonged to an item (a
  message whose ordinary words are replaced loses what a trainer needs);
- kept: ``keep`` phrases intact / ``keep`` phrases.

``python -m bot.trainers.redaction_score [CORPUS]`` prints the table that
``docs/trainers.md`` shows.
"""
from __future__ import annotations

import argparse
import difflib
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus.yml"
FRESH_CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus_fresh.yml"
THIRD_CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus_third.yml"
# Written apart on 2 December 2026 and measured once untuned (docs/trainers.md): the next
# round's development corpus.
FOURTH_CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus_fourth.yml"
# Written apart, measured once untuned on 2 December 2026 (docs/trainers.md, "Fifth
# corpus"), then used to find classes of miss and added to the recogniser's training data.
FIFTH_CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus_fifth.yml"
# Written apart, measured once untuned on 3 December 2026 (docs/trainers.md, "Sixth corpus"),
# its annotation trimmed to the data itself, then used to find classes of miss and added to
# the recogniser's training data (4 December 2026).
SIXTH_CORPUS = PROJECT_ROOT / "tests" / "redaction" / "corpus_sixth.yml"
IDENTIFIER_KINDS = frozenset({
    "email", "phone", "postcode", "nhs_number", "ni_number", "card_number", "bank_account",
    "date_of_birth", "case_reference", "ip_address", "vehicle_registration",
    "passport_number", "driving_licence_number", "account_number", "address",
})
MIN_RUN = 3
# Closed-class English words, and the pieces of contractions ("I'm", "she's", "I've"), as
# they appear inside a special-category or identifier item: redacting "autism" from "has
# autism" removes the personal data; "has" coming through is not a leak. Kept apart from
# redaction_words.py on purpose: the measure must not share the redactor's vocabulary.
FUNCTION_WORDS = frozenset("""
i m me my mine we our ours us you your he him his she her hers they them their it its
a an the this that these those some any
am is are was were be been being has have had having ve s re d ll got do does did
of in on at to for from with by as into onto about
and or but nor not so who whom whose which
""".split())
_WORD = re.compile(r"[^\W_]+")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


@dataclass
class Item:
    kind: str
    text: str


@dataclass
class Message:
    text: str
    items: list[Item]
    keep: list[str]


@dataclass
class Score:
    items: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    leaked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    removed_chars: int = 0
    removed_in_items: int = 0
    keep_total: int = 0
    keep_kept: int = 0
    leaks: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, item, output)

    def recall(self, kind: str) -> float:
        total = self.items[kind]
        return 1.0 if total == 0 else (total - self.leaked[kind]) / total

    @property
    def precision(self) -> float:
        return 1.0 if self.removed_chars == 0 else self.removed_in_items / self.removed_chars

    @property
    def kept(self) -> float:
        return 1.0 if self.keep_total == 0 else self.keep_kept / self.keep_total


def redact(text: str) -> str:
    """:func:`bot.trainers.redaction.redact`, imported on first use (so that timing it
    includes loading the name lists)."""
    from bot.trainers.redaction import redact as redact_text

    return redact_text(text)


def load_corpus(path: Path = CORPUS) -> list[Message]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Message(m["text"], [Item(i["kind"], i["text"]) for i in m.get("items") or []],
                list(m.get("keep") or []))
        for m in data["messages"]
    ]


def _surviving(original: str, redacted: str) -> list[bool]:
    """For each character of ``original``, whether it came through unchanged."""
    survived = [False] * len(original)
    # A placeholder's own letters ("[EMAIL]") are not the resident's ("HOTMAIL"): mask them
    # so the alignment cannot pair them up.
    redacted = _PLACEHOLDER.sub(lambda m: "\0" * len(m.group(0)), redacted)
    matcher = difflib.SequenceMatcher(None, original, redacted, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            survived[block.a + offset] = True
    return survived


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    spans, lowered, target = [], text.lower(), needle.lower()
    start = lowered.find(target)
    while start >= 0 and target:
        spans.append((start, start + len(target)))
        start = lowered.find(target, start + 1)
    return spans


def _counted(text: str, span: tuple[int, int], kind: str) -> list[int]:
    """The positions of ``text[span]`` whose survival would leak the item: its letters and
    digits, less those of :data:`FUNCTION_WORDS` (except in a name)."""
    start, end = span
    positions: list[int] = []
    for word in _WORD.finditer(text, start, end):
        if kind != "name" and word.group(0).lower() in FUNCTION_WORDS:
            continue
        positions.extend(range(word.start(), word.end()))
    return positions


def _leaks(text: str, span: tuple[int, int], survived: list[bool], kind: str) -> bool:
    positions = _counted(text, span, kind)
    if not positions:
        return False
    if len(positions) < MIN_RUN:
        return all(survived[i] for i in positions)
    run = 0
    for i in positions:
        run = run + 1 if survived[i] else 0
        if run >= MIN_RUN:
            return True
    return False


def score(messages: list[Message], redact: Callable[[str], str]) -> Score:
    result = Score()
    for message in messages:
        output = redact(message.text)
        survived = _surviving(message.text, output)
        in_item = [False] * len(message.text)
        for item in message.items:
            spans = _spans(message.text, item.text)
            for start, end in spans:
                for i in range(start, end):
                    in_item[i] = True
            result.items[item.kind] += 1
            if any(_leaks(message.text, span, survived, item.kind) for span in spans):
                result.leaked[item.kind] += 1
                result.leaks.append((item.kind, item.text, output))
        for i, char in enumerate(message.text):
            if not survived[i] and char.isalnum():
                result.removed_chars += 1
                result.removed_in_items += in_item[i]
        for phrase in message.keep:
            result.keep_total += 1
            result.keep_kept += phrase.lower() in output.lower()
    return result


def table(result: Score) -> str:
    lines = ["| kind | items | survived | recall |", "|---|---:|---:|---:|"]
    for kind in sorted(result.items, key=lambda k: (k not in IDENTIFIER_KINDS, k)):
        lines.append(f"| {kind} | {result.items[kind]} | {result.leaked[kind]} | "
                     f"{result.recall(kind):.3f} |")
    lines.append("")
    lines.append(f"Precision (removed letters and digits that were personal data): "
                 f"{result.precision:.3f}; labelling phrases kept intact: {result.kept:.3f} "
                 f"({result.keep_kept} of {result.keep_total}).")
    return "\n".join(lines)


def speed(path: Path, rounds: int = 3) -> str:
    """How long the first redaction takes (the name lists and patterns load then) and how
    many of the corpus's messages a second are redacted after it, in CPU time (the process's
    own, so the figure holds on a machine others share). Figures only: no text."""
    started = time.process_time()
    redact("my name is Jane Smith")
    loaded = time.process_time() - started
    texts = [message.text for message in load_corpus(path)]
    started = time.process_time()
    for _ in range(rounds):
        for text in texts:
            redact(text)
    rate = rounds * len(texts) / (time.process_time() - started)
    return f"Load (first call): {loaded:.2f} s CPU; {rate:.0f} messages a second (CPU time)."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.trainers.redaction_score")
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--leaks", action="store_true", help="also list every item that survived")
    parser.add_argument("--speed", action="store_true",
                        help="also print how long redaction takes to load and messages a second")
    args = parser.parse_args(argv)
    if args.speed:
        print(speed(args.corpus))
    result = score(load_corpus(args.corpus), redact)
    print(table(result))
    if args.leaks:
        for kind, item, output in result.leaks:
            print(f"{kind}\t{item}\t{output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
