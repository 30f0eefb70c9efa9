"""How well a trained model understands messages it was not trained on.

``tests/nlu/held_out.yml`` was written from the contract alone (``docs/intents.md`` and the
policy texts), without looking at ``data/nlu``. This module parses every message of it with
a trained model, exactly as the served model would (Rasa's own ``Agent``, the whole NLU
pipeline including the fallback), and reports:

- accuracy, where a fallback counts as a miss (a resident who gets "I didn't understand"
  was not understood);
- recall per intent, and the confusions (what each intent was taken for);
- a sweep of the fallback threshold over the same parses (the top intent below the
  threshold becomes a fallback), so the threshold is chosen on messages from outside.

``python -m bot.trainers.held_out --config docs/nlu-candidates/default.yml`` first trains an
NLU-only model with that pipeline on ``data/nlu`` (in a temporary directory) and reports on
it: Rasa's default pipeline measured on the same set, the baseline.

``python -m bot.trainers.held_out [--model models/dpa.tar.gz]`` prints the report with no
message texts, so whoever improves the training data sees *what kind* of message fails,
not the messages to copy; ``--show-misses`` adds them for a person reviewing the set.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "held_out.yml"
FALLBACK = "nlu_fallback"
SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True)
class Parse:
    expected: str
    text: str
    ranking: tuple[tuple[str, float], ...]  # (intent, confidence), best first, no fallback
    predicted: str  # what the served pipeline answered (nlu_fallback included)


@dataclass
class Report:
    parses: list[Parse] = field(default_factory=list)

    def predicted_at(self, parse: Parse, threshold: float | None) -> str:
        if threshold is None:
            return parse.predicted
        if not parse.ranking or parse.ranking[0][1] < threshold:
            return FALLBACK
        return parse.ranking[0][0]

    def accuracy(self, threshold: float | None = None) -> float:
        hits = sum(self.predicted_at(p, threshold) == p.expected for p in self.parses)
        return hits / len(self.parses) if self.parses else 0.0

    def fallback_rate(self, threshold: float | None = None) -> float:
        falls = sum(self.predicted_at(p, threshold) == FALLBACK for p in self.parses)
        return falls / len(self.parses) if self.parses else 0.0

    def recall(self) -> dict[str, tuple[int, int]]:
        """intent -> (understood, messages)."""
        totals, hits = Counter[str](), Counter[str]()
        for parse in self.parses:
            totals[parse.expected] += 1
            hits[parse.expected] += parse.predicted == parse.expected
        return {intent: (hits[intent], totals[intent]) for intent in totals}

    def confusions(self) -> Counter[tuple[str, str]]:
        return Counter((p.expected, p.predicted) for p in self.parses
                       if p.predicted != p.expected)


def load_messages(path: Path = HELD_OUT) -> list[tuple[str, str]]:
    """(intent, text) for every example of the held-out file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in document.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((str(block["intent"]), line[2:].strip()))
    return pairs


async def _parse_all(model: Path, messages: Iterable[tuple[str, str]]) -> Report:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's structlog prints every parsed text at debug level unless configured: the
    # report must not show the held-out messages to whoever writes training data.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    report = Report()
    for expected, text in messages:
        result = await agent.parse_message(text)
        ranking = tuple((r["name"], float(r["confidence"]))
                        for r in result.get("intent_ranking") or [] if r["name"] != FALLBACK)
        report.parses.append(Parse(expected, text, ranking, result["intent"]["name"]))
    return report


def evaluate(model: Path, path: Path = HELD_OUT) -> Report:
    return asyncio.run(_parse_all(model, load_messages(path)))


def train_nlu(config: Path, out_dir: Path, nlu: Path = PROJECT_ROOT / "data" / "nlu") -> Path:
    """Train an NLU-only model with ``config``'s pipeline (Rasa's CLI, a child process)."""
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config),
         "--nlu", str(nlu), "--out", str(out_dir), "--fixed-model-name", "held-out"],
        cwd=PROJECT_ROOT, check=True,
    )
    return out_dir / "held-out.tar.gz"


def render(report: Report, *, show_misses: bool = False, top_confusions: int = 25) -> str:
    recall = report.recall()
    oos_hits, oos_total = recall.get("out_of_scope", (0, 0))
    lines = [
        f"Held-out accuracy (a fallback is a miss): {report.accuracy():.3f} "
        f"on {len(report.parses)} messages; fell back: {report.fallback_rate():.3f}; "
        f"out_of_scope recall: {oos_hits / oos_total if oos_total else 0:.3f}",
        "",
        "| intent | understood | messages | recall |",
        "|---|---:|---:|---:|",
    ]
    for intent, (hits, total) in sorted(recall.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        lines.append(f"| {intent} | {hits} | {total} | {hits / total:.2f} |")
    lines += ["", "| expected | taken for | messages |", "|---|---|---:|"]
    for (expected, predicted), count in report.confusions().most_common(top_confusions):
        lines.append(f"| {expected} | {predicted} | {count} |")
    lines += ["", "| fallback threshold | accuracy | fell back |", "|---:|---:|---:|"]
    for threshold in SWEEP:
        lines.append(f"| {threshold:.2f} | {report.accuracy(threshold):.3f} | "
                     f"{report.fallback_rate(threshold):.3f} |")
    if show_misses:
        lines += ["", "Misses (expected -> taken for: message):"]
        lines += [f"- {p.expected} -> {p.predicted}: {p.text}" for p in report.parses
                  if p.predicted != p.expected]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.trainers.held_out",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "dpa.tar.gz")
    parser.add_argument("--config", type=Path,
                        help="train an NLU-only model with this pipeline first, report on it")
    parser.add_argument("--held-out", type=Path, default=HELD_OUT)
    parser.add_argument("--show-misses", action="store_true",
                        help="also list the misses' texts (not for whoever writes training data)")
    args = parser.parse_args(argv)
    if args.config is None:
        print(render(evaluate(args.model, args.held_out), show_misses=args.show_misses))
        return 0
    with tempfile.TemporaryDirectory(prefix="held-out-model-") as out_dir:
        started = time.monotonic()
        model = train_nlu(args.config, Path(out_dir))
        print(f"Trained with {args.config} in {time.monotonic() - started:.0f} s (NLU only)")
        print(render(evaluate(model, args.held_out), show_misses=args.show_misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
