"""The whole ``dpa evaluate``: check the held-out data, train the candidate, score and
compare both models, and write ``report.json`` for the console; and ``--split``."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.trainers.crossval import cache
from bot.trainers.evaluation import steps
from bot.trainers.evaluation.comparison import (
    REGRESSION_TOLERANCE,
    Comparison,
    compare,
    format_comparison,
)
from bot.trainers.evaluation.confusion import confusion_matrix, write_confusion_png
from bot.trainers.evaluation.crossvalidate import cross_validate
from bot.trainers.evaluation.labelled import LabelledScore, score_labelled
from bot.trainers.evaluation.steps import show
from bot.trainers.held_out_checks import HeldOutCheck, check_file

DEFAULT_HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
RESULTS_DIR = PROJECT_ROOT / "results" / "evaluate"
REGRESSION_EXIT = 3
REPORT_FILE = "report.json"


class HeldOutUnusable(RuntimeError):
    """The held-out data cannot judge a model; the message says what is missing."""


def check_held_out(test_data: Path) -> HeldOutCheck:
    """The held-out checks of :mod:`bot.trainers.held_out_checks` against domain.yml's
    intents."""
    from bot.trainers.nlu_files import domain_intents

    try:
        known = domain_intents(PROJECT_ROOT / "domain.yml")
    except OSError:
        known = []
    return check_file(test_data, known_intents=known, where=show(test_data))


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
        raise RuntimeError(f"no current model at {show(current_model)}: run `dpa train` first")
    check = check_held_out(test_data)
    if check.problems:
        raise HeldOutUnusable(" ".join(check.problems))
    for warning in check.warnings:
        say(f"warning: {warning}")
    say(f"held-out data: {show(test_data)} ({check.examples} examples, "
        f"{len(check.per_intent)} intents)")
    from bot.rasa.training import training_fingerprint

    fingerprint = training_fingerprint()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / REPORT_FILE).unlink(missing_ok=True)
    if candidate is None:
        candidate = steps.train_full_candidate(out_dir / "candidate", say=say)
    comparison = compare_models(current_model, candidate, test_data, out_dir,
                                tolerance=tolerance, say=say)
    worse = comparison.worse
    labelled_score = score_labelled(labelled, current_model, candidate, out_dir, say=say)
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


def compare_models(
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
    before = steps.read_scores(
        steps.score_model(before_model, test_data, out_dir / "before", labels[0], say=say)
    )
    after = steps.read_scores(
        steps.score_model(after_model, test_data, out_dir / "after", labels[1], say=say)
    )
    comparison = compare(before.report, after.report, before.errors, after.errors,
                         tolerance=tolerance)
    say(format_comparison(comparison, title=f"held-out data ({show(test_data)})"))
    for name, scored, title in (("confusion_matrix.png", after, f"{labels[1]} model"),
                                ("confusion_matrix_before.png", before, f"{labels[0]} model")):
        matrix_labels, matrix = confusion_matrix([*scored.successes, *scored.errors])
        if matrix_labels:
            path = write_confusion_png(matrix_labels, matrix, out_dir / name,
                                       f"{title} on {test_data.name}")
            say(f"wrote {show(path)}")
    return comparison


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
    before_model = steps.train_candidate(out_dir, nlu=split.before_train, name="before", say=say)
    after_model = steps.train_candidate(out_dir, nlu=split.after_train, name="after", say=say)
    comparison = compare_models(before_model, after_model, split.held_out, out_dir,
                                tolerance=tolerance, say=say, labels=(baseline, "now"))
    return REGRESSION_EXIT if comparison.worse else 0


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
        "test_data": show(test_data),
        "held_out": check.as_dict(),
        "current_model": show(current_model),
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


def default_current_model() -> Path:
    from bot.config import load_settings
    from bot.rasa.training import model_path

    return model_path(load_settings().model_dir)
