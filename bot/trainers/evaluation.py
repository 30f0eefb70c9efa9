"""Did retraining help? Compare the current model with one trained on today's data.

``dpa evaluate``:

1. trains a candidate NLU model on ``data/nlu`` as it is now (``rasa train nlu`` into
   ``results/evaluate/candidate/``; the assistant's own ``models/dpa.tar.gz`` is untouched);
2. scores both models with ``rasa test nlu`` on the same held-out data: by default
   ``tests/nlu/holdout.yml``, real residents' messages trainers set aside with
   ``dpa inbox label ID INTENT --holdout`` (never training data, so neither model has seen
   them);
3. prints per-intent F1 before and after, the confusion pairs that changed, and flags every
   intent whose F1 dropped by more than ``REGRESSION_TOLERANCE`` (exit status 3), and writes
   confusion-matrix images (``results/evaluate/confusion_matrix.png``, and ``..._before.png``);
4. with ``--cross-validation``, also compares 5-fold cross-validation of the current pipeline
   on today's data with the latest cached run on earlier data (``bot.trainers.crossval``, the
   same seeded folds and cache ``make evaluate-nlu`` uses).

Long steps run Rasa in child processes under ``nice`` and print their progress (a line
every 30 s with the elapsed time; the full log is named). Parsing and comparing are pure
functions over Rasa's report files, tested without Rasa.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from bot.trainers.crossval import cache, candidates, folds, measure, metrics
from bot.trainers.held_out_checks import HeldOutCheck, check_file
from bot.trainers.nlu_files import normalise

DEFAULT_HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
RESULTS_DIR = PROJECT_ROOT / "results" / "evaluate"
# An intent whose F1 drops by more than this is a regression. On a held-out set of a few
# hundred messages one message changes an intent's F1 by several hundredths, so this only
# ignores changes too small to be more than noise.
REGRESSION_TOLERANCE = 0.02
HEARTBEAT_SECONDS = 30.0
REGRESSION_EXIT = 3


# -- comparing reports (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class IntentChange:
    intent: str
    before: float | None  # F1, None when the intent is not in that report
    after: float | None
    support: int

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)

    def regressed(self, tolerance: float = REGRESSION_TOLERANCE) -> bool:
        return self.before is not None and self.delta < -tolerance


@dataclass(frozen=True)
class ConfusionChange:
    intent: str  # the true intent
    predicted: str
    before: int
    after: int

    @property
    def status(self) -> str:
        if self.before == 0:
            return "new"
        if self.after == 0:
            return "fixed"
        return "worse" if self.after > self.before else "better"


@dataclass
class Comparison:
    before: metrics.IntentReport
    after: metrics.IntentReport
    intents: list[IntentChange]
    confusions: list[ConfusionChange]
    tolerance: float = REGRESSION_TOLERANCE

    @property
    def regressions(self) -> list[IntentChange]:
        return [change for change in self.intents if change.regressed(self.tolerance)]

    @property
    def macro_delta(self) -> float:
        return self.after.macro_f1 - self.before.macro_f1

    @property
    def worse(self) -> bool:
        return bool(self.regressions) or self.macro_delta < -self.tolerance


def _pair_counts(errors: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    return {(c.intent, c.predicted): c.count for c in metrics.confusion_pairs(errors)}


def compare(
    before: metrics.IntentReport,
    after: metrics.IntentReport,
    before_errors: Iterable[Mapping[str, Any]] = (),
    after_errors: Iterable[Mapping[str, Any]] = (),
    *,
    tolerance: float = REGRESSION_TOLERANCE,
) -> Comparison:
    """Per-intent F1 changes (worst first) and changed confusion pairs (biggest first)."""
    intents = []
    for name in sorted(set(before.intents) | set(after.intents)):
        old, new = before.intents.get(name), after.intents.get(name)
        intents.append(IntentChange(
            intent=name,
            before=old.f1 if old else None,
            after=new.f1 if new else None,
            support=(new or before.intents[name]).support,  # the name is in one of them
        ))
    intents.sort(key=lambda c: (c.delta, c.intent))
    old_pairs, new_pairs = _pair_counts(before_errors), _pair_counts(after_errors)
    confusions = [
        ConfusionChange(true, predicted, old_pairs.get((true, predicted), 0),
                        new_pairs.get((true, predicted), 0))
        for true, predicted in set(old_pairs) | set(new_pairs)
        if old_pairs.get((true, predicted), 0) != new_pairs.get((true, predicted), 0)
    ]
    confusions.sort(key=lambda c: (-abs(c.after - c.before), c.intent, c.predicted))
    return Comparison(before, after, intents, confusions, tolerance)


def _f1(value: float | None) -> str:
    return "   –  " if value is None else f"{value:6.3f}"


def format_comparison(comparison: Comparison, *, title: str = "held-out data") -> str:
    """The comparison as plain text for a terminal."""
    b, a = comparison.before, comparison.after
    lines = [
        f"== {title}",
        f"macro F1 {b.macro_f1:.3f} -> {a.macro_f1:.3f} ({comparison.macro_delta:+.3f}); "
        f"accuracy {b.accuracy:.3f} -> {a.accuracy:.3f}",
        "",
        f"{'intent':32} {'before':>6} {'after':>6} {'change':>7} {'n':>4}",
    ]
    for change in comparison.intents:
        flag = "  << REGRESSION" if change.regressed(comparison.tolerance) else ""
        lines.append(
            f"{change.intent:32} {_f1(change.before)} {_f1(change.after)} "
            f"{change.delta:+7.3f} {change.support:4d}{flag}"
        )
    lines.append("")
    if comparison.confusions:
        lines.append("confusion pairs that changed (true -> predicted: before -> after):")
        for c in comparison.confusions:
            lines.append(f"  {c.intent} -> {c.predicted}: {c.before} -> {c.after} ({c.status})")
    else:
        lines.append("no confusion pair changed")
    lines.append("")
    if comparison.worse:
        names = ", ".join(c.intent for c in comparison.regressions) or "macro F1"
        lines.append(f"WORSE: {names} dropped by more than {comparison.tolerance}. "
                     "Look at the new examples of those intents before deploying.")
    else:
        lines.append("No regression beyond the tolerance.")
    return "\n".join(lines) + "\n"


# -- confusion matrix ------------------------------------------------------------------------


def confusion_matrix(
    records: Iterable[Mapping[str, Any]],
) -> tuple[list[str], list[list[int]]]:
    """Labels and counts [true][predicted] from Rasa's intent_successes/intent_errors rows."""
    pairs = []
    for record in records:
        true = str(record.get("intent") or "")
        predicted = str((record.get("intent_prediction") or {}).get("name") or "")
        pairs.append((true, predicted))
    labels = sorted({label for pair in pairs for label in pair if label})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for true, predicted in pairs:
        if true in index and predicted in index:
            matrix[index[true]][index[predicted]] += 1
    return labels, matrix


def write_confusion_png(
    labels: Sequence[str], matrix: Sequence[Sequence[int]], path: Path, title: str
) -> Path:
    """A row-normalised confusion matrix image (matplotlib comes with Rasa)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(6.0, 0.3 * len(labels) + 3)
    figure, axes = plt.subplots(figsize=(size, size))
    totals = [sum(row) or 1 for row in matrix]
    normalised = [[count / totals[i] for count in row] for i, row in enumerate(matrix)]
    image = axes.imshow(normalised, cmap="Blues", vmin=0.0, vmax=1.0)
    axes.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title(title)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axes.text(j, i, str(count), ha="center", va="center", fontsize=6,
                          color="white" if normalised[i][j] > 0.5 else "black")
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


# -- running Rasa ----------------------------------------------------------------------------


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
    say(f"{label} ... (log: {_show(log_path)})")
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
                    say(f"  {label}: {_clock(time.monotonic() - start)} elapsed")
        except BaseException:
            process.terminate()
            process.wait()
            raise
    elapsed = time.monotonic() - start
    if code != 0:
        raise RuntimeError(f"{label} failed (exit {code}); see {_show(log_path)}")
    say(f"  {label}: done in {_clock(elapsed)}")
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
        f"training the {name} NLU model on {_show(nlu)} (a few minutes)",
        [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(candidates.CONFIG_PATH),
         "--nlu", str(nlu), "--out", str(out_dir), "--fixed-model-name", name],
        out_dir / f"train-{name}.log", say=say,
    )
    return out_dir / f"{name}.tar.gz"


def score_model(model: Path, test_data: Path, out_dir: Path, label: str,
               *, say: Callable[[str], None] = print) -> Path:
    """Rasa's ``rasa test nlu`` of ``model`` on ``test_data``; the report directory."""
    run_step(
        f"scoring the {label} model on {_show(test_data)}",
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
            f"Rasa wrote no intent scores in {_show(report_dir)}: the held-out data must "
            "hold examples of at least two intents the model knows (see its log)")
    try:
        parsed = metrics.parse_intent_report(report)
    except (ValueError, KeyError, TypeError) as exc:
        raise ScoringFailed(f"Rasa's intent report in {_show(report_dir)} could not be "
                            f"read ({exc})") from exc
    errors, successes = load("intent_errors.json"), load("intent_successes.json")
    return Scored(report=parsed, errors=errors if isinstance(errors, list) else [],
                  successes=successes if isinstance(successes, list) else [])


def count_examples(test_data: Path) -> int:
    from bot.trainers.nlu_files import NluIndex

    return len(NluIndex.load(test_data).intent_by_example)


class HeldOutUnusable(RuntimeError):
    """The held-out data cannot judge a model; the message says what is missing."""


REPORT_FILE = "report.json"
LABELLED_FILE = "labelled.yml"
# Examples that keep a set of one intent scoreable (see _score_labelled); never counted.
COMPANIONS = (("hello there", "greet"), ("bye for now", "goodbye"))


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


def check_held_out(test_data: Path) -> HeldOutCheck:
    """The held-out checks of :mod:`bot.trainers.held_out_checks` against domain.yml's
    intents."""
    from bot.trainers.nlu_files import domain_intents

    try:
        known = domain_intents(PROJECT_ROOT / "domain.yml")
    except OSError:
        known = []
    return check_file(test_data, known_intents=known, where=_show(test_data))


def evaluate(
    *,
    current_model: Path,
    test_data: Path = DEFAULT_HOLDOUT,
    candidate: Path | None = None,
    out_dir: Path = RESULTS_DIR,
    tolerance: float = REGRESSION_TOLERANCE,
    cross_validation: bool = False,
    labelled: Path | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """The whole ``dpa evaluate``; returns the exit status (3 when something got worse).

    Checks the held-out data first (:class:`HeldOutUnusable`, before any training), and
    writes ``report.json`` in ``out_dir`` (what the console shows as tables).
    ``labelled``: the console's journal of messages labelled since the last deploy; they
    are scored with both models ("now understood: 6 of 8")."""
    if not current_model.exists():
        raise RuntimeError(f"no current model at {_show(current_model)}: run `dpa train` first")
    check = check_held_out(test_data)
    if check.problems:
        raise HeldOutUnusable(" ".join(check.problems))
    for warning in check.warnings:
        say(f"warning: {warning}")
    say(f"held-out data: {_show(test_data)} ({check.examples} examples, "
        f"{len(check.per_intent)} intents)")
    from bot.rasa.training import training_fingerprint

    fingerprint = training_fingerprint()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / REPORT_FILE).unlink(missing_ok=True)
    if candidate is None:
        candidate = train_full_candidate(out_dir / "candidate", say=say)
    comparison = _compare_models(current_model, candidate, test_data, out_dir,
                                 tolerance=tolerance, say=say)
    worse = comparison.worse
    labelled_score = _score_labelled(labelled, current_model, candidate, out_dir, say=say)
    if cross_validation:
        cv = cross_validate(say=say, tolerance=tolerance)
        if cv is not None:
            say(format_comparison(cv, title="5-fold cross-validation on data/nlu"))
            worse = worse or cv.worse
    write_report(out_dir / REPORT_FILE, comparison, check=check, candidate=candidate,
                 current_model=current_model, test_data=test_data, fingerprint=fingerprint,
                 labelled=labelled_score, worse=worse)
    if not worse:
        say("The new model is no worse. Deploy it from the console (Retrain and evaluate, "
            "Deploy), or with `dpa train` and a restart of `dpa run`.")
    return REGRESSION_EXIT if worse else 0


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


def _score_labelled(journal: Path | None, current_model: Path, candidate: Path,
                    out_dir: Path, *, say: Callable[[str], None]) -> LabelledScore | None:
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
        report_dir = score_model(model, path, out_dir / f"labelled-{label}", f"{label} (labelled)",
                                 say=say)
        successes, errors = read_predictions(report_dir)
        results.append(count_understood((
            [r for r in successes if normalise(str(r.get("text", ""))) in wanted],
            [r for r in errors if normalise(str(r.get("text", ""))) in wanted])))
    (before, _), (after, missed) = results
    say(f"just labelled: the current model understood {before} of {len(examples)}, "
        f"the new one {after} of {len(examples)}")
    return LabelledScore(total=len(examples), before=before, after=after, missed=missed)


def write_report(path: Path, comparison: Comparison, *, check: HeldOutCheck, candidate: Path,
                 current_model: Path, test_data: Path, fingerprint: str,
                 labelled: LabelledScore | None, worse: bool) -> Path:
    """The evaluation as JSON for the console: figures only, and redacted texts."""
    b, a = comparison.before, comparison.after
    data = {
        "version": 1,
        "finished_at": time.time(),
        "worse": worse,
        "tolerance": comparison.tolerance,
        "test_data": _show(test_data),
        "held_out": check.as_dict(),
        "current_model": _show(current_model),
        "candidate": str(Path(candidate).resolve()),
        "fingerprint": fingerprint,
        "summary": {"macro_f1_before": b.macro_f1, "macro_f1_after": a.macro_f1,
                    "accuracy_before": b.accuracy, "accuracy_after": a.accuracy},
        "intents": [{"intent": c.intent, "before": c.before, "after": c.after,
                     "delta": c.delta, "support": c.support,
                     "regressed": c.regressed(comparison.tolerance)}
                    for c in comparison.intents],
        "confusions": [{"intent": c.intent, "predicted": c.predicted, "before": c.before,
                        "after": c.after, "status": c.status} for c in comparison.confusions],
        "labelled": labelled.as_dict() if labelled else None,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def _compare_models(
    before_model: Path,
    after_model: Path,
    test_data: Path,
    out_dir: Path,
    *,
    tolerance: float,
    say: Callable[[str], None],
    labels: tuple[str, str] = ("current", "new"),
) -> Comparison:
    """Score both models on ``test_data``, print the comparison, draw the matrices."""
    before = read_scores(
        score_model(before_model, test_data, out_dir / "before", labels[0], say=say)
    )
    after = read_scores(
        score_model(after_model, test_data, out_dir / "after", labels[1], say=say)
    )
    comparison = compare(before.report, after.report, before.errors, after.errors,
                         tolerance=tolerance)
    say(format_comparison(comparison, title=f"held-out data ({_show(test_data)})"))
    for name, scored, title in (("confusion_matrix.png", after, f"{labels[1]} model"),
                                ("confusion_matrix_before.png", before, f"{labels[0]} model")):
        matrix_labels, matrix = confusion_matrix([*scored.successes, *scored.errors])
        if matrix_labels:
            path = write_confusion_png(matrix_labels, matrix, out_dir / name,
                                       f"{title} on {test_data.name}")
            say(f"wrote {_show(path)}")
    return comparison


def _score_and_compare(
    before_model: Path,
    after_model: Path,
    test_data: Path,
    out_dir: Path,
    *,
    tolerance: float,
    say: Callable[[str], None],
    labels: tuple[str, str] = ("current", "new"),
) -> int:
    comparison = _compare_models(before_model, after_model, test_data, out_dir,
                                 tolerance=tolerance, say=say, labels=labels)
    return REGRESSION_EXIT if comparison.worse else 0


def evaluate_split(
    *,
    baseline: str = "HEAD",
    out_dir: Path = RESULTS_DIR / "split",
    tolerance: float = REGRESSION_TOLERANCE,
    say: Callable[[str], None] = print,
) -> int:
    """``dpa evaluate --split``: data/nlu at ``baseline`` against data/nlu now, both trained
    without the same held-out examples (bot.trainers.data_split) and scored on them."""
    from bot.trainers.data_split import NluData, write_split

    before = NluData.from_git(PROJECT_ROOT, baseline)
    after = NluData.from_directory(cache.NLU_DATA_DIR)
    if before.digest() == after.digest():
        say(f"data/nlu has the same examples as at {baseline}: nothing to compare")
        return 0
    split = write_split(before, after, out_dir)
    say(f"held out {split.n_held_out} examples (one in five, chosen by a hash of the text); "
        f"comparing data/nlu at {baseline} with data/nlu now")
    before_model = train_candidate(out_dir, nlu=split.before_train, name="before", say=say)
    after_model = train_candidate(out_dir, nlu=split.after_train, name="after", say=say)
    return _score_and_compare(before_model, after_model, split.held_out, out_dir,
                              tolerance=tolerance, say=say, labels=(baseline, "now"))


def cross_validate(
    *, say: Callable[[str], None] = print, tolerance: float = REGRESSION_TOLERANCE
) -> Comparison | None:
    """Cross-validate config.yml's pipeline on today's data/nlu (cached by data hash) and
    compare it with the latest cached run of the same pipeline on earlier data."""
    candidate_path = candidates.write_current_candidate()
    config = candidates.load_yaml(candidate_path)
    cfg_key = candidates.config_key(config)
    data_dir, data_hash = cache.snapshot_data(cache.NLU_DATA_DIR, cache.RESULTS_DIR)
    key = cache.run_key(cfg_key, data_hash, folds=folds.FOLDS, seed=folds.SEED,
                        rasa_version=cache.rasa_version())
    candidate_dir = cache.RESULTS_DIR / candidates.CURRENT
    run_dir = candidate_dir / key[:16]
    if not (run_dir / "meta.json").exists():
        say("cross-validating the current pipeline on data/nlu (5 folds; long: see "
            "docs/nlu-evaluation.md for typical times)")
        measure.measure_candidate(candidates.CURRENT, candidate_path, data_dir, data_hash,
                                  run_dir, folds=folds.FOLDS, seed=folds.SEED, key=key,
                                  cfg_key=cfg_key)
    now = cache.load_result(run_dir, candidates.CURRENT, "", config)
    previous = cache.find_stale_run(candidate_dir, cfg_key, other_than_data=data_hash)
    if previous is None:
        say("no earlier cross-validation of this pipeline to compare with (the next run will "
            "compare with this one)")
        return None
    earlier = cache.load_result(previous, candidates.CURRENT, "", config)
    return compare(earlier.report, now.report, earlier.errors, now.errors, tolerance=tolerance)



def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _show(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def default_current_model() -> Path:
    from bot.config import load_settings
    from bot.rasa.training import model_path

    return model_path(load_settings().model_dir)


__all__ = [
    "Comparison", "ConfusionChange", "DEFAULT_HOLDOUT", "IntentChange", "compare",
    "confusion_matrix", "evaluate", "format_comparison", "write_confusion_png",
]
