"""Merge a writer's new phrasings (Rasa NLU YAML) into data/nlu/; held-out sets stay held out.

    python scripts/merge-phrasings.py ROUND.yml [--dry-run]

Each example is appended to the block of its intent in whichever data/nlu/ file holds that
intent, unless it equals (ignoring case, spacing and end punctuation) an example already in
the training data or a message of a held-out set (tests/nlu/held_out*.yml): those would
no longer be held out (compared as tests/nlu/test_held_out.py compares them, with
bot.trainers.nlu_files.normalise). Dropped held-out matches are counted, never printed, so a
trainer does not learn the held-out wording from this script. Intents not in the training
data are refused (intent names are an interface: shared/intents.md).

Entity annotations (``[son]{"entity": "relationship", "value": "child"}``,
``[child](relationship)``) are carried into data/nlu as written and left out of the comparison,
so an annotated phrasing still counts as equal to the same words in the training data or a
held-out set.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's bot package, not an installed one

from bot.trainers.nlu_files import normalise  # noqa: E402  (the comparison tests/nlu uses)

DATA = ROOT / "data" / "nlu"
HELD_OUT = sorted((ROOT / "tests" / "nlu").glob("held_out*.yml"))
INTENT_LINE = re.compile(r"^- intent: *(\S+) *$")
EXAMPLE_LINE = re.compile(r"^ {4}- (.*)$")


def examples(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
        if "intent" in block:
            lines = str(block.get("examples", "")).splitlines()
            found.setdefault(block["intent"], []).extend(
                line.strip()[2:].strip() for line in lines if line.strip().startswith("- "))
    return found


def insert(path: Path, additions: dict[str, list[str]]) -> None:
    """Append each intent's new examples after the last example of its block in ``path``."""
    lines = path.read_text().splitlines()
    out: list[str] = []
    current: str | None = None
    last_example = -1
    pending: dict[int, list[str]] = {}
    for number, line in enumerate(lines):
        match = INTENT_LINE.match(line)
        if match:
            if current in additions:
                pending[last_example] = additions[current]
            current, last_example = match.group(1), -1
        elif EXAMPLE_LINE.match(line):
            last_example = number
    if current in additions:
        pending[last_example] = additions[current]
    for number, line in enumerate(lines):
        out.append(line)
        out.extend(f"    - {text}" for text in pending.get(number, []))
    path.write_text("\n".join(out) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="the NLU training data directory")
    parser.add_argument("--held-out", type=Path, nargs="*", default=HELD_OUT)
    args = parser.parse_args(argv)

    home: dict[str, Path] = {}
    seen: set[str] = set()
    for path in sorted(args.data.glob("*.yml")):
        for intent, texts in examples(path).items():
            home.setdefault(intent, path)
            seen.update(normalise(t) for t in texts)
    held_out = {normalise(t) for path in args.held_out
                for texts in examples(path).values() for t in texts}

    counts: Counter[str] = Counter()
    additions: dict[Path, dict[str, list[str]]] = {}
    for intent, texts in examples(args.round).items():
        if intent not in home:
            print(f"refused: intent {intent!r} is not in data/nlu (see shared/intents.md)")
            return 2
        for text in texts:
            key = normalise(text)
            if key in held_out:
                counts["dropped: equal to a held-out message"] += 1
            elif key in seen:
                counts["dropped: already in the training data"] += 1
            else:
                seen.add(key)
                additions.setdefault(home[intent], {}).setdefault(intent, []).append(text)
                counts[f"added to {intent}"] += 1
    for label, count in sorted(counts.items()):
        print(f"{count:5d}  {label}")
    if not args.dry_run:
        for path, by_intent in additions.items():
            insert(path, by_intent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
