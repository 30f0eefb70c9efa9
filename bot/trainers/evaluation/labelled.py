"""The messages labelled since the last deploy, scored with the current and the new model
("now understood: 6 of 8")."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.trainers.evaluation import steps
from bot.trainers.nlu_files import normalise

LABELLED_FILE = "labelled.yml"
# Examples that keep a set of one intent scoreable (see score_labelled); never counted.
COMPANIONS = (("hello there", "greet"), ("bye for now", "goodbye"))


@dataclass(frozen=True)
class LabelledScore:
    """How the just-labelled messages fare: understood by the current and the new model."""

    total: int
    before: int
    after: int
    missed: list[dict] = field(default_factory=list)  # {"text", "intent", "predicted"}

    def as_dict(self) -> dict:
        return {"total": self.total, "before": self.before, "after": self.after,
                "missed": self.missed}


def labelled_examples(journal: Path | None) -> list[tuple[str, str]]:
    """(text, intent) of the training labels in the console's journal (redacted text)."""
    if journal is None or not journal.is_file():
        return []
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for entry in data.get("entries", []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("kind") == "label" and entry.get("text"):
            out.append((str(entry["text"]), str(entry["intent"])))
    return out


def write_examples(examples: Sequence[tuple[str, str]], path: Path) -> Path:
    """``examples`` as a Rasa NLU file (one block per intent)."""
    from bot.trainers.nlu_files import example_line_text

    by_intent: dict[str, list[str]] = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example_line_text(text)}" for text in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_predictions(report_dir: Path) -> tuple[list[dict], list[dict]]:
    """Rasa's per-message results (successes, errors) in ``report_dir``, without its
    report table (which a set of one intent need not yield)."""
    found = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        try:
            rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        except (OSError, ValueError):
            rows = []
        found.append([row for row in rows if isinstance(row, dict)]
                     if isinstance(rows, list) else [])
    return found[0], found[1]


def count_understood(predictions: tuple[list[dict], list[dict]]) -> tuple[int, list[dict]]:
    """How many of the scored messages were understood, and the ones that were not (a
    fallback is a miss)."""
    successes, errors = predictions
    missed = [{"text": str(e.get("text", "")), "intent": str(e.get("intent", "")),
               "predicted": str((e.get("intent_prediction") or {}).get("name") or "")}
              for e in errors]
    return len(successes), missed


def score_labelled(journal: Path | None, current_model: Path, candidate: Path,
                    out_dir: Path, *, say: Callable[[str], None]) -> LabelledScore | None:
    """Score the messages labelled in ``journal`` with both models (None when there are
    none)."""
    examples = labelled_examples(journal)
    if not examples:
        return None
    # Rasa 3.6 scores intents only when the test data has two or more of them
    # (rasa/nlu/test.py: ``should_eval_intents = len(intent_labels) >= 2``): with one, it
    # writes no results at all. So a set of one intent gets a companion example, left out
    # of the counts.
    companion = [] if len({intent for _, intent in examples}) > 1 else [
        next(pair for pair in COMPANIONS if pair[1] != examples[0][1])]
    path = write_examples([*examples, *companion], out_dir / LABELLED_FILE)
    wanted = {normalise(text) for text, _ in examples}
    results = []
    for model, label in ((current_model, "current"), (candidate, "new")):
        report_dir = steps.score_model(model, path, out_dir / f"labelled-{label}",
                                       f"{label} (labelled)", say=say)
        successes, errors = read_predictions(report_dir)
        results.append(count_understood((
            [r for r in successes if normalise(str(r.get("text", ""))) in wanted],
            [r for r in errors if normalise(str(r.get("text", ""))) in wanted])))
    (before, _), (after, missed) = results
    say(f"just labelled: the current model understood {before} of {len(examples)}, "
        f"the new one {after} of {len(examples)}")
    return LabelledScore(total=len(examples), before=before, after=after, missed=missed)
