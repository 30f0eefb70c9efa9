"""The long steps of an evaluation: training and scoring models with Rasa in child
processes under ``nice`` (a progress line every 30 s), and reading Rasa's reports."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from bot.trainers.crossval import cache, candidates, measure, metrics

HEARTBEAT_SECONDS = 30.0


def run_step(
    label: str,
    command: Sequence[str],
    log_path: Path,
    *,
    say: Callable[[str], None] = print,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> float:
    """Run a long child process under ``nice``, saying every ``heartbeat`` s that it is alive."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    say(f"{label} ... (log: {show(log_path)})")
    start = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            ["nice", "-n", str(measure.NICENESS), *command], stdout=log, stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT, env=measure.child_env(),
        )
        try:
            while True:
                try:
                    code = process.wait(timeout=heartbeat)
                    break
                except subprocess.TimeoutExpired:
                    say(f"  {label}: {clock(time.monotonic() - start)} elapsed")
        except BaseException:
            process.terminate()
            process.wait()
            raise
    elapsed = time.monotonic() - start
    if code != 0:
        raise RuntimeError(f"{label} failed (exit {code}); see {show(log_path)}")
    say(f"  {label}: done in {clock(elapsed)}")
    return elapsed


def train_candidate(
    out_dir: Path,
    *,
    nlu: Path = cache.NLU_DATA_DIR,
    name: str = "candidate",
    say: Callable[[str], None] = print,
) -> Path:
    """A new NLU model trained on ``nlu`` (data/nlu as it is now, by default)."""
    run_step(
        f"training the {name} NLU model on {show(nlu)} (a few minutes)",
        [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(candidates.CONFIG_PATH),
         "--nlu", str(nlu), "--out", str(out_dir), "--fixed-model-name", name],
        out_dir / f"train-{name}.log", say=say,
    )
    return out_dir / f"{name}.tar.gz"


def score_model(model: Path, test_data: Path, out_dir: Path, label: str,
               *, say: Callable[[str], None] = print) -> Path:
    """Rasa's ``rasa test nlu`` of ``model`` on ``test_data``; the report directory."""
    run_step(
        f"scoring the {label} model on {show(test_data)}",
        [sys.executable, "-m", "rasa", "test", "nlu", "--model", str(model), "--nlu",
         str(test_data), "--out", str(out_dir), "--successes", "--no-plot"],
        out_dir.with_suffix(".log"), say=say,
    )
    return out_dir


@dataclass
class Scored:
    report: metrics.IntentReport
    errors: list[dict] = field(default_factory=list)
    successes: list[dict] = field(default_factory=list)


class ScoringFailed(RuntimeError):
    """Rasa's test wrote no usable intent report; the message says why in plain words."""


def read_scores(report_dir: Path) -> Scored:
    """Rasa's intent report, errors and successes in ``report_dir``.

    Raises :class:`ScoringFailed` (never a bare ``AttributeError``) when the report is
    missing or not the table it should be."""
    def load(name: str) -> Any:
        path = report_dir / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []

    report = load("intent_report.json")
    if not isinstance(report, dict) or not report:
        raise ScoringFailed(
            f"Rasa wrote no intent scores in {show(report_dir)}: the held-out data must "
            "hold examples of at least two intents the model knows (see its log)")
    try:
        parsed = metrics.parse_intent_report(report)
    except (ValueError, KeyError, TypeError) as exc:
        raise ScoringFailed(f"Rasa's intent report in {show(report_dir)} could not be "
                            f"read ({exc})") from exc
    errors, successes = load("intent_errors.json"), load("intent_successes.json")
    return Scored(report=parsed, errors=errors if isinstance(errors, list) else [],
                  successes=successes if isinstance(successes, list) else [])


def train_full_candidate(out_dir: Path, *, name: str = "candidate",
                         say: Callable[[str], None] = print) -> Path:
    """A whole new model (NLU and dialogue) on today's data: one that can be deployed.

    Rasa's training cache (``.rasa/cache``) makes the dialogue part cheap when only the
    NLU data changed since ``dpa train``."""
    run_step(
        f"training the {name} model on data/ (a few minutes)",
        [sys.executable, "-m", "rasa", "train", "--config", str(PROJECT_ROOT / "config.yml"),
         "--domain", str(PROJECT_ROOT / "domain.yml"), "--data", str(PROJECT_ROOT / "data"),
         "--out", str(out_dir), "--fixed-model-name", name],
        out_dir / f"train-{name}.log", say=say,
    )
    return out_dir / f"{name}.tar.gz"


def clock(seconds: float) -> str:
    """``seconds`` as minutes:seconds."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def show(path: Path) -> str:
    """``path`` relative to the project when it is inside it (for messages)."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
