"""Choose the NLU pipeline by measurement: 5-fold cross-validation of candidate pipelines.

``docs/nlu-candidates/*.yml`` are the candidates (NLU pipeline only). ``current.yml`` is
generated from ``config.yml`` at every run, so it always measures the pipeline in use.
For each candidate this module, in child processes run under ``nice -n 15``:

1. runs Rasa's own ``rasa test nlu --nlu <data> --config <candidate> --cross-validation
   --folds 5 --out <dir> --successes --no-plot`` (through ``rasa.__main__.main``, see
   :func:`cv_worker` for the three hooks it adds: seeded folds, recorded confidences,
   no re-scoring of the training folds), and times it;
2. times one full ``rasa train nlu`` of the candidate on all the data;

then reads Rasa's ``intent_report.json`` / ``intent_errors.json`` and the recorded
confidences, picks the best candidate and writes ``docs/nlu-evaluation.md``.

Every run of a candidate is cached under ``results/nlu-evaluation/<candidate>/<key>/``,
keyed by a hash of the candidate's pipeline, the contents of ``data/nlu`` (snapshotted
once per invocation, so every candidate sees the same data even while others edit it),
the folds, the seed and the Rasa version. Only what changed is recomputed.

This module imports nothing heavy at import time; Rasa is only imported inside the child
process (:func:`cv_worker`). Entry point: :func:`main` (``python -m bot.trainers.crossval``).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from bot.config import PROJECT_ROOT  # noqa: E402
CANDIDATES_DIR = PROJECT_ROOT / "docs" / "nlu-candidates"
DOC_PATH = PROJECT_ROOT / "docs" / "nlu-evaluation.md"
RESULTS_DIR = PROJECT_ROOT / "results" / "nlu-evaluation"
NLU_DATA_DIR = PROJECT_ROOT / "data" / "nlu"
CONFIG_PATH = PROJECT_ROOT / "config.yml"

BASELINE = "default"  # Rasa's own default pipeline, the baseline row
CURRENT = "current"  # generated from config.yml
FOLDS = 5
SEED = 42
NICENESS = 15
OUT_OF_SCOPE = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"

# The targets.
TARGET_MACRO_F1 = 0.95
TARGET_OOS_RECALL = 0.90
TARGET_TRAIN_SECONDS = 300.0
# Candidates whose macro F1 is within this of the best are treated as equally good and the
# cheaper one (shorter full training) wins: 0.005 is about 10 of 2,000 examples, the size
# of the run-to-run noise of an unseeded DIET.
TIE_TOLERANCE = 0.005
# Threshold advice: a wrong answer (e.g. opening the wrong rights-request form) costs twice
# a fallback on a message the model had right ("sorry, could you rephrase?").
WRONG_ANSWER_COST = 2.0
MAX_CORRECT_FALLBACK = 0.10
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))

# Bump when the measurement procedure changes, to invalidate every cached run.
PROCEDURE_VERSION = "1"
REPORT_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


# --------------------------------------------------------------------------- candidates


def load_yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a YAML mapping")
    return data


def nlu_config_from(config: Mapping[str, Any]) -> dict:
    """The NLU part of a Rasa config (recipe, language, pipeline): no policies."""
    pipeline = config.get("pipeline")
    if not pipeline:
        raise ValueError("config has no explicit NLU pipeline")
    out: dict[str, Any] = {"recipe": config.get("recipe", "default.v1")}
    out["language"] = config.get("language", "en")
    if config.get("assistant_id"):
        out["assistant_id"] = config["assistant_id"]
    out["pipeline"] = [dict(component) for component in pipeline]
    return out


CURRENT_HEADER = """\
# GENERATED from config.yml by bot/trainers/crossval/__init__.py at every run: do not edit.
# The NLU pipeline the assistant uses now (config.yml's policies are left out).
"""


def write_current_candidate(
    config_path: Path = CONFIG_PATH, candidates_dir: Path = CANDIDATES_DIR
) -> Path:
    """(Re)generate ``current.yml`` from config.yml; only touches the file if it changed."""
    text = CURRENT_HEADER + yaml.safe_dump(
        nlu_config_from(load_yaml(config_path)), sort_keys=False, allow_unicode=True
    )
    path = candidates_dir / f"{CURRENT}.yml"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        candidates_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def candidate_description(path: Path) -> str:
    """The leading comment block of a candidate file, as one line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if "GENERATED" not in line:
            lines.append(line.lstrip("#").strip())
    return " ".join(part for part in lines if part)


def discover_candidates(candidates_dir: Path = CANDIDATES_DIR) -> list[Path]:
    """Candidate files, the baseline first, then current, then the rest by name."""
    paths = sorted(candidates_dir.glob("*.yml"))
    order = {BASELINE: 0, CURRENT: 1}
    return sorted(paths, key=lambda p: (order.get(p.stem, 2), p.stem))


def fallback_settings(config: Mapping[str, Any]) -> tuple[float, float] | None:
    """(threshold, ambiguity_threshold) of the pipeline's FallbackClassifier, if any."""
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return (
                float(component.get("threshold", 0.3)),
                float(component.get("ambiguity_threshold", 0.1)),
            )
    return None


def intent_classifier(config: Mapping[str, Any]) -> str:
    names = [c.get("name", "") for c in config.get("pipeline") or []]
    for name in names:
        if name.endswith("Classifier") and name != "FallbackClassifier":
            return name
    return "?"


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str).encode()


def config_key(config: Mapping[str, Any]) -> str:
    """Hash of what changes the measured predictions.

    The FallbackClassifier's thresholds are left out on purpose: Rasa's evaluation undoes
    fallback predictions, and this module recomputes the fallback from the recorded
    confidences, so a threshold change needs no new run. ``assistant_id`` and comments do
    not matter either.
    """
    pipeline = []
    for component in config.get("pipeline") or []:
        component = dict(component)
        if component.get("name") == "FallbackClassifier":
            component = {"name": "FallbackClassifier"}
        pipeline.append(component)
    relevant = {
        "recipe": config.get("recipe", "default.v1"),
        "language": config.get("language", "en"),
        "pipeline": pipeline,
    }
    return hashlib.sha256(_canonical(relevant)).hexdigest()


def data_digest(nlu_dir: Path) -> str:
    """Hash of the NLU training data: every file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in nlu_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(nlu_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(
    cfg_key: str, data_hash: str, *, folds: int, seed: int, rasa_version: str
) -> str:
    parts = [PROCEDURE_VERSION, cfg_key, data_hash, str(folds), str(seed), rasa_version]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def snapshot_data(nlu_dir: Path, results_dir: Path) -> tuple[Path, str]:
    """Copy data/nlu once per content hash so every candidate trains on the same bytes."""
    data_hash = data_digest(nlu_dir)
    target = results_dir / "data" / data_hash[:16]
    if not target.exists():
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(nlu_dir, tmp)
        if data_digest(tmp) != data_hash:  # somebody saved a file while we copied
            shutil.rmtree(tmp)
            return snapshot_data(nlu_dir, results_dir)
        tmp.rename(target)
    return target, data_hash


def rasa_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("rasa")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "missing"


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IntentReport:
    intents: Mapping[str, IntentScore]
    macro_precision: float
    macro_recall: float
    macro_f1: float
    weighted_f1: float
    accuracy: float

    def recall_of(self, intent: str) -> float | None:
        score = self.intents.get(intent)
        return None if score is None else score.recall

    def f1_of(self, intent: str) -> float | None:
        score = self.intents.get(intent)
        return None if score is None else score.f1


def parse_intent_report(report: Mapping[str, Any]) -> IntentReport:
    """Parse Rasa's ``intent_report.json`` (sklearn's classification_report as a dict
    plus Rasa's ``confused_with``)."""
    intents: dict[str, IntentScore] = {}
    for name, row in report.items():
        if name in REPORT_KEYS or not isinstance(row, Mapping):
            continue
        intents[name] = IntentScore(
            intent=name,
            precision=float(row["precision"]),
            recall=float(row["recall"]),
            f1=float(row["f1-score"]),
            support=int(row["support"]),
            confused_with={k: int(v) for k, v in (row.get("confused_with") or {}).items()},
        )
    if not intents:
        raise ValueError("intent report has no intents")
    macro = report.get("macro avg") or {}
    weighted = report.get("weighted avg") or {}
    n = len(intents)
    total = sum(s.support for s in intents.values()) or 1

    def _mean(attr: str) -> float:
        return sum(getattr(s, attr) for s in intents.values()) / n

    accuracy = report.get("accuracy")
    if accuracy is None:  # sklearn reports micro avg instead when labels are restricted
        accuracy = (report.get("micro avg") or {}).get("f1-score")
    if accuracy is None:
        accuracy = sum(s.recall * s.support for s in intents.values()) / total
    return IntentReport(
        intents=intents,
        macro_precision=float(macro.get("precision", _mean("precision"))),
        macro_recall=float(macro.get("recall", _mean("recall"))),
        macro_f1=float(macro.get("f1-score", _mean("f1"))),
        weighted_f1=float(
            weighted.get(
                "f1-score", sum(s.f1 * s.support for s in intents.values()) / total
            )
        ),
        accuracy=float(accuracy),
    )


@dataclass(frozen=True)
class Prediction:
    """One held-out message: its true intent and the classifier's raw ranking (the
    FallbackClassifier's nlu_fallback removed)."""

    text: str
    intent: str
    ranking: tuple[tuple[str, float], ...]
    fold: int = 0

    @property
    def predicted(self) -> str:
        return self.ranking[0][0] if self.ranking else ""

    @property
    def confidence(self) -> float:
        return self.ranking[0][1] if self.ranking else 0.0

    @property
    def margin(self) -> float:
        if len(self.ranking) < 2:
            return 1.0
        return self.ranking[0][1] - self.ranking[1][1]

    @property
    def correct(self) -> bool:
        return self.predicted == self.intent


def parse_predictions(records: Iterable[Mapping[str, Any]]) -> list[Prediction]:
    out = []
    for record in records:
        ranking = tuple(
            (str(name), float(conf))
            for name, conf in record.get("ranking") or []
            if name != FALLBACK_INTENT
        )
        out.append(
            Prediction(
                text=str(record.get("text", "")),
                intent=str(record.get("intent", "")),
                ranking=ranking,
                fold=int(record.get("fold", 0)),
            )
        )
    return out


@dataclass(frozen=True)
class Confusion:
    intent: str
    predicted: str
    count: int
    examples: tuple[tuple[str, float], ...]  # (text, confidence)


def confusion_pairs(errors: Iterable[Mapping[str, Any]], max_examples: int = 2) -> list[Confusion]:
    """Group Rasa's ``intent_errors.json`` by (true, predicted), most frequent first."""
    groups: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for error in errors:
        prediction = error.get("intent_prediction") or {}
        key = (str(error.get("intent", "")), str(prediction.get("name") or ""))
        groups.setdefault(key, []).append(
            (str(error.get("text", "")), float(prediction.get("confidence") or 0.0))
        )
    pairs = [
        Confusion(
            intent=true,
            predicted=pred,
            count=len(items),
            examples=tuple(sorted(items, key=lambda x: -x[1])[:max_examples]),
        )
        for (true, pred), items in groups.items()
    ]
    return sorted(pairs, key=lambda c: (-c.count, c.intent, c.predicted))


def entity_summary(report: Mapping[str, Any]) -> tuple[float, float]:
    """(macro F1, weighted F1) of a Rasa entity report, ignoring the 'no entity' label."""
    macro = (report.get("macro avg") or {}).get("f1-score")
    weighted = (report.get("weighted avg") or {}).get("f1-score")
    return float(macro or 0.0), float(weighted or 0.0)


# --------------------------------------------------------------------------- fallback


@dataclass(frozen=True)
class FallbackOutcome:
    threshold: float
    ambiguity: float
    n: int
    correct_accepted: int
    correct_fallback: int
    wrong_accepted: int
    wrong_fallback: int

    @property
    def n_correct(self) -> int:
        return self.correct_accepted + self.correct_fallback

    @property
    def n_wrong(self) -> int:
        return self.wrong_accepted + self.wrong_fallback

    @property
    def correct_fallback_rate(self) -> float:
        """Share of right answers lost to the fallback."""
        return self.correct_fallback / self.n_correct if self.n_correct else 0.0

    @property
    def wrong_caught_rate(self) -> float:
        """Share of wrong predictions the fallback catches."""
        return self.wrong_fallback / self.n_wrong if self.n_wrong else 1.0

    @property
    def wrong_accepted_rate(self) -> float:
        """Share of all messages answered with a wrong intent."""
        return self.wrong_accepted / self.n if self.n else 0.0

    @property
    def cost(self) -> float:
        return self.correct_fallback + WRONG_ANSWER_COST * self.wrong_accepted


def would_fall_back(prediction: Prediction, threshold: float, ambiguity: float) -> bool:
    """Rasa 3.6 FallbackClassifier: top confidence below ``threshold``, or top two closer
    than ``ambiguity``."""
    return prediction.confidence < threshold or prediction.margin < ambiguity


def fallback_outcome(
    predictions: Sequence[Prediction], threshold: float, ambiguity: float
) -> FallbackOutcome:
    counts = {"ca": 0, "cf": 0, "wa": 0, "wf": 0}
    for p in predictions:
        key = ("c" if p.correct else "w") + ("f" if would_fall_back(p, threshold, ambiguity) else "a")
        counts[key] += 1
    return FallbackOutcome(
        threshold, ambiguity, len(predictions), counts["ca"], counts["cf"], counts["wa"], counts["wf"]
    )


def threshold_sweep(
    predictions: Sequence[Prediction], ambiguity: float, grid: Sequence[float] = THRESHOLD_GRID
) -> list[FallbackOutcome]:
    return [fallback_outcome(predictions, t, ambiguity) for t in grid]


def recommend_threshold(sweep: Sequence[FallbackOutcome]) -> FallbackOutcome | None:
    """Cheapest threshold (correct fallbacks + 2 x wrong answers) that loses at most 10 %
    of the right answers; ties go to the higher threshold (safer)."""
    allowed = [o for o in sweep if o.correct_fallback_rate <= MAX_CORRECT_FALLBACK]
    if not allowed:
        return None
    return min(allowed, key=lambda o: (o.cost, -o.threshold))


def quantiles(values: Sequence[float], qs: Sequence[float]) -> list[float]:
    """Nearest-rank quantiles (no numpy needed)."""
    if not values:
        return [float("nan")] * len(qs)
    ordered = sorted(values)
    out = []
    for q in qs:
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        out.append(ordered[index])
    return out


# --------------------------------------------------------------------------- results


@dataclass
class Timing:
    cv_wall: float
    cv_cpu: float
    train_wall: float
    train_cpu: float
    load_mean: float
    load_max: float


@dataclass
class CandidateResult:
    name: str
    description: str
    config: dict
    report: IntentReport
    predictions: list[Prediction]
    errors: list[dict]
    timing: Timing
    entities: dict[str, tuple[float, float]] = field(default_factory=dict)
    data_hash: str = ""
    stale: bool = False  # measured on other data than the current data/nlu
    measured_at: str = ""
    fold_digest: str = ""

    @property
    def oos_recall(self) -> float | None:
        return self.report.recall_of(OUT_OF_SCOPE)

    @property
    def fallback(self) -> tuple[float, float] | None:
        return fallback_settings(self.config)

    def fallback_outcome(self) -> FallbackOutcome | None:
        settings = self.fallback
        if settings is None or not self.predictions:
            return None
        return fallback_outcome(self.predictions, *settings)

    def meets_targets(self) -> bool:
        return (
            self.report.macro_f1 >= TARGET_MACRO_F1
            and (self.oos_recall or 0.0) >= TARGET_OOS_RECALL
            and self.timing.train_wall < TARGET_TRAIN_SECONDS
        )

    def misses(self) -> list[str]:
        out = []
        if self.report.macro_f1 < TARGET_MACRO_F1:
            out.append(f"macro F1 {self.report.macro_f1:.3f} < {TARGET_MACRO_F1}")
        if (self.oos_recall or 0.0) < TARGET_OOS_RECALL:
            out.append(f"out_of_scope recall {self.oos_recall or 0:.3f} < {TARGET_OOS_RECALL}")
        if self.timing.train_wall >= TARGET_TRAIN_SECONDS:
            out.append(f"training {self.timing.train_wall:.0f} s >= {TARGET_TRAIN_SECONDS:.0f} s")
        return out


def load_result(run_dir: Path, name: str, description: str, config: dict) -> CandidateResult:
    """Read one cached run directory (written by :func:`measure_candidate`)."""
    meta = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
    cv_dir = run_dir / "cv"
    report = parse_intent_report(json.loads((cv_dir / "intent_report.json").read_text()))
    errors_path = cv_dir / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    predictions_path = run_dir / "predictions.json"
    predictions = (
        parse_predictions(json.loads(predictions_path.read_text()))
        if predictions_path.exists()
        else []
    )
    entities = {}
    for path in sorted(cv_dir.glob("*_report.json")):
        if path.name in ("intent_report.json", "response_selection_report.json"):
            continue
        entities[path.name[: -len("_report.json")]] = entity_summary(json.loads(path.read_text()))
    t = meta["timing"]
    return CandidateResult(
        name=name,
        description=description,
        config=config,
        report=report,
        predictions=predictions,
        errors=errors,
        timing=Timing(
            cv_wall=t["cv_wall"], cv_cpu=t["cv_cpu"], train_wall=t["train_wall"],
            train_cpu=t["train_cpu"], load_mean=t["load_mean"], load_max=t["load_max"],
        ),
        entities=entities,
        data_hash=meta["data_hash"],
        measured_at=meta.get("finished_at", ""),
        fold_digest=meta.get("fold_digest", ""),
    )


def choose(results: Sequence[CandidateResult]) -> tuple[CandidateResult, str]:
    """The best candidate and why: among those meeting every target, the highest macro F1;
    within TIE_TOLERANCE of it, the fastest full training."""
    if not results:
        raise ValueError("no candidates measured")
    eligible = [r for r in results if r.meets_targets() and not r.stale]
    pool = eligible or [r for r in results if not r.stale] or list(results)
    best_f1 = max(r.report.macro_f1 for r in pool)
    near = [r for r in pool if r.report.macro_f1 >= best_f1 - TIE_TOLERANCE]
    chosen = min(near, key=lambda r: (r.timing.train_wall, -r.report.macro_f1))
    if eligible:
        why = (
            f"`{chosen.name}` meets every target (macro F1 >= {TARGET_MACRO_F1}, "
            f"out_of_scope recall >= {TARGET_OOS_RECALL}, full training < "
            f"{TARGET_TRAIN_SECONDS / 60:.0f} min)"
        )
    else:
        why = f"no candidate meets every target; `{chosen.name}` comes closest"
    if len(near) > 1:
        others = ", ".join(f"`{r.name}`" for r in near if r is not chosen)
        why += (
            f"; its macro F1 ({chosen.report.macro_f1:.3f}) is within {TIE_TOLERANCE} of the "
            f"best ({best_f1:.3f}), a difference within noise, so of {others} and it the "
            f"fastest to train wins ({chosen.timing.train_wall:.0f} s)"
        )
    else:
        why += f" and has the highest macro F1 ({chosen.report.macro_f1:.3f})"
    return chosen, why + "."


# --------------------------------------------------------------------------- markdown


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _dur(seconds: float) -> str:
    if seconds >= 90:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(marks[a] for a in align) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def render_markdown(
    results: Sequence[CandidateResult],
    meta: Mapping[str, Any],
    *,
    chosen: CandidateResult | None = None,
    reason: str = "",
) -> str:
    """The whole docs/nlu-evaluation.md."""
    if chosen is None:
        chosen, reason = choose(results)
    by_name = {r.name: r for r in results}
    current = by_name.get(CURRENT)
    lines: list[str] = [
        "# NLU pipeline evaluation",
        "",
        "<!-- GENERATED by `make evaluate-nlu` (python -m bot.trainers.crossval): do not edit by hand. -->",
        "",
        f"Stratified {meta.get('folds', FOLDS)}-fold cross-validation of each candidate in "
        "`docs/nlu-candidates/` on `data/nlu/` "
        f"({meta.get('n_examples', '?')} examples, {meta.get('n_intents', '?')} intents; "
        f"data hash `{str(meta.get('data_hash', ''))[:12]}`), Rasa {meta.get('rasa_version', '?')}, "
        f"the same folds for every candidate (seed {meta.get('seed', SEED)}). "
        f"Generated {meta.get('generated_at', '')}.",
        "",
        f"Targets: macro F1 >= {TARGET_MACRO_F1}, out_of_scope recall >= {TARGET_OOS_RECALL}, "
        f"full training < {TARGET_TRAIN_SECONDS / 60:.0f} min on this {meta.get('cpus', '?')}-core machine.",
        "",
        "## Summary",
        "",
    ]
    header = [
        "candidate", "intent classifier", "macro F1", "weighted F1", "accuracy",
        "out_of_scope recall", "full NLU training", "CV wall time (5 folds)", "meets targets",
    ]
    rows = []
    for r in results:
        name = f"**{r.name}**" if r is chosen else r.name
        if r.name == BASELINE:
            name += " (Rasa default, baseline)"
        if r.stale:
            name += " (stale†)"
        rows.append([
            name,
            intent_classifier(r.config),
            _f(r.report.macro_f1),
            _f(r.report.weighted_f1),
            _f(r.report.accuracy),
            _f(r.oos_recall),
            _dur(r.timing.train_wall),
            _dur(r.timing.cv_wall),
            "yes" if r.meets_targets() else "no: " + "; ".join(r.misses()),
        ])
    lines += _table(header, rows, "llrrrrrrl")
    lines += [
        "",
        "Precision, recall and F1 are Rasa's own (`intent_report.json` over the held-out "
        "folds), for the classifier's top intent with the FallbackClassifier undone, as "
        "`rasa test nlu` reports them. Times are wall-clock, under `nice -n 15`, on a shared "
        "machine (see caveats); full NLU training is one `rasa train nlu` on all the data, "
        "process start-up (~15-20 s of imports) included.",
    ]
    if any(r.stale for r in results):
        lines += [
            "",
            "† measured on an earlier version of data/nlu (data hash shown below) and reused "
            "with `--allow-stale`; rerun without it to refresh.",
        ]
    lines += [
        "",
        "| candidate | what it is | CPU time, CV / training | mean (max) 1-min load during CV | measured | data hash | folds |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {_cell(r.description)} | {_dur(r.timing.cv_cpu)} / "
            f"{_dur(r.timing.train_cpu)} | {r.timing.load_mean:.1f} ({r.timing.load_max:.1f}) | "
            f"{r.measured_at} | `{r.data_hash[:12]}` | `{r.fold_digest[:12]}` |"
        )

    # ---- choice
    lines += ["", "## Choice", "", f"**{chosen.name}**: {reason}", ""]
    if current is not None and chosen.name != CURRENT:
        same = config_key(current.config) == config_key(chosen.config)
        if not same:
            lines += [
                f"This differs from config.yml's pipeline (`{CURRENT}`). Recommended "
                "`pipeline:` for config.yml:",
                "",
            ]
    elif current is not None:
        lines += ["This is config.yml's pipeline: no change needed.", ""]
    lines += [
        "```yaml",
        yaml.safe_dump({"pipeline": chosen.config.get("pipeline")}, sort_keys=False).rstrip(),
        "```",
        "",
    ]

    # ---- fallback / confidences
    lines += ["## Confidences and the FallbackClassifier", ""]
    lines += [
        "Rasa's scores ignore the FallbackClassifier, but the assistant answers `nlu_fallback` "
        "to low-confidence messages, so each candidate's recorded top-two confidences on the "
        "held-out folds are replayed through the FallbackClassifier rule (fall back when the "
        "top confidence < threshold or the top two are closer than the ambiguity threshold).",
        "",
    ]
    rows = []
    for r in results:
        outcome = r.fallback_outcome()
        if outcome is None:
            rows.append([r.name, "–", "–", "–", "–", "–", "–"])
            continue
        correct = [p.confidence for p in r.predictions if p.correct]
        wrong = [p.confidence for p in r.predictions if not p.correct]
        cq = quantiles(correct, (0.05, 0.5))
        wq = quantiles(wrong, (0.5, 0.9))
        rows.append([
            r.name,
            f"{outcome.threshold:.2f} / {outcome.ambiguity:.2f}",
            f"{_f(cq[0], 2)} / {_f(cq[1], 2)}",
            f"{_f(wq[0], 2)} / {_f(wq[1], 2)}",
            _pct(outcome.correct_fallback_rate),
            _pct(outcome.wrong_caught_rate),
            f"{outcome.wrong_accepted} ({_pct(outcome.wrong_accepted_rate)})",
        ])
    lines += _table(
        [
            "candidate", "its threshold / ambiguity", "top confidence when right: p5 / median",
            "when wrong: median / p90", "right answers lost to fallback",
            "wrong predictions caught", "wrong answers left",
        ],
        rows,
    )
    settings = chosen.fallback
    if chosen.predictions:
        ambiguity = settings[1] if settings else 0.1
        sweep = threshold_sweep(chosen.predictions, ambiguity)
        best = recommend_threshold(sweep)
        lines += [
            "",
            f"Threshold sweep for **{chosen.name}** (ambiguity threshold {ambiguity:.2f}):",
            "",
        ]
        keep = {round(t, 2) for t in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)}
        if settings:
            keep.add(round(settings[0], 2))
        if best:
            keep.add(round(best.threshold, 2))
        rows = []
        for o in sweep:
            if round(o.threshold, 2) not in keep:
                continue
            mark = " ←" if best and o.threshold == best.threshold else ""
            rows.append([
                f"{o.threshold:.2f}{mark}", _pct(o.correct_fallback_rate),
                _pct(o.wrong_caught_rate), f"{o.wrong_accepted} ({_pct(o.wrong_accepted_rate)})",
            ])
        if settings and round(settings[0], 2) not in {round(t, 2) for t in THRESHOLD_GRID}:
            o = fallback_outcome(chosen.predictions, *settings)
            rows.append([
                f"{o.threshold:.2f} (configured)", _pct(o.correct_fallback_rate),
                _pct(o.wrong_caught_rate), f"{o.wrong_accepted} ({_pct(o.wrong_accepted_rate)})",
            ])
        lines += _table(
            ["threshold", "right answers lost", "wrong caught", "wrong answers left"], rows
        )
        if best:
            configured = settings[0] if settings else None
            lines += [
                "",
                f"← the cheapest threshold when a wrong answer costs {WRONG_ANSWER_COST:g} "
                f"fallbacks, losing at most {MAX_CORRECT_FALLBACK:.0%} of right answers: "
                f"**{best.threshold:.2f}**"
                + (
                    f" (configured in the candidate: {configured:.2f})."
                    if configured is not None
                    else "."
                ),
                "Held-out folds are in-domain paraphrases; truly unexpected messages score "
                "lower, so treat this as an upper bound on what the threshold should be.",
            ]

    # ---- per intent, chosen
    lines += ["", f"## Per intent: {chosen.name}", ""]
    rows = []
    for name in sorted(chosen.report.intents):
        s = chosen.report.intents[name]
        confused = ", ".join(
            f"{k} ({v})" for k, v in sorted(s.confused_with.items(), key=lambda kv: -kv[1])
        )
        rows.append([name, _f(s.precision), _f(s.recall), _f(s.f1), str(s.support), confused or ""])
    rows.append([
        "**macro avg**", _f(chosen.report.macro_precision), _f(chosen.report.macro_recall),
        _f(chosen.report.macro_f1), str(sum(s.support for s in chosen.report.intents.values())), "",
    ])
    lines += _table(["intent", "precision", "recall", "F1", "support", "confused with (count)"], rows, "lrrrrl")

    # ---- per intent F1, all candidates
    lines += ["", "## Per-intent F1, all candidates", ""]
    intents = sorted({i for r in results for i in r.report.intents})
    rows = []
    for intent in intents:
        values = [r.report.f1_of(intent) for r in results]
        present = [v for v in values if v is not None]
        low = min(present) if present else None
        cells = []
        for v in values:
            text = _f(v)
            if v is not None and low is not None and v == low and len(set(present)) > 1:
                text = f"*{text}*"
            cells.append(text)
        rows.append([intent] + cells)
    rows.append(["**macro F1**"] + [f"**{r.report.macro_f1:.3f}**" for r in results])
    lines += _table(["intent"] + [r.name for r in results], rows)
    lines += ["", "(*italic*: the lowest F1 for that intent.)"]

    # ---- confusions left
    pairs = confusion_pairs(chosen.errors)
    lines += [
        "",
        f"## Confusions that remain ({chosen.name})",
        "",
        f"{sum(p.count for p in pairs)} of {sum(s.support for s in chosen.report.intents.values())} "
        "held-out messages are misclassified. Pairs seen more than once, then single errors:",
        "",
    ]
    rows = []
    for p in pairs:
        if p.count < 2:
            continue
        example = "; ".join(f"“{_cell(t)}” ({c:.2f})" for t, c in p.examples)
        rows.append([p.intent, p.predicted, str(p.count), example])
    if rows:
        lines += _table(["true intent", "predicted", "count", "examples (confidence)"], rows, "llrl")
    singles = [p for p in pairs if p.count == 1]
    if singles:
        lines += [""]
        lines += [
            f"- {p.intent} → {p.predicted}: “{_cell(p.examples[0][0])}” ({p.examples[0][1]:.2f})"
            for p in singles
        ]

    # ---- entities
    if any(r.entities for r in results):
        lines += [
            "",
            "## Entities (for information)",
            "",
            "Slots are filled `from_text` and no action reads extracted entities today, so "
            "entity scores do not decide the choice. Macro / weighted F1 over the held-out folds:",
            "",
        ]
        extractors = sorted({e for r in results for e in r.entities})
        rows = []
        for r in results:
            row = [r.name]
            for e in extractors:
                value = r.entities.get(e)
                row.append(f"{value[0]:.3f} / {value[1]:.3f}" if value else "–")
            rows.append(row)
        lines += _table(["candidate"] + extractors, rows)

    # ---- method & caveats
    lines += [
        "",
        "## Method and caveats",
        "",
        "- Each candidate runs Rasa's own `rasa test nlu --nlu <snapshot of data/nlu> --config "
        f"docs/nlu-candidates/<name>.yml --cross-validation --folds {meta.get('folds', FOLDS)} "
        "--out results/nlu-evaluation/<name>/<key>/cv --successes --no-plot`, with three hooks "
        "(`bot/trainers/crossval/__init__.py`, `cv_worker`): the stratified folds are seeded (Rasa 3.6 "
        "shuffles them without a seed, so two runs would not see the same split); the top "
        "three intents and confidences of every held-out message are recorded; the training "
        "folds are not re-scored (Rasa does so only to log train accuracy), which saves "
        "about a third of the prediction time.",
        "- Folds are identical for every candidate on the same data: the `folds` column is a "
        "hash of the fold assignment.",
        "- DIET candidates without `random_seed` (Rasa's default) are not deterministic: "
        "expect differences of a few thousandths in F1 between runs.",
        "- Results are cached per candidate by a hash of its pipeline (FallbackClassifier "
        "thresholds excluded: they do not change the measured predictions), the data, the "
        "folds, the seed and the Rasa version; `make evaluate-nlu` recomputes only what "
        "changed (`--force` recomputes everything). The training cache is disabled "
        "(`RASA_MAX_CACHE_SIZE=0`) so timings are real.",
        f"- Machine: {meta.get('cpus', '?')} cores ({meta.get('cpu_model', '?')}). Other work "
        "(other trainings, test suites) ran at the same time, at normal priority, while these "
        "runs were at `nice -n 15`: wall times are pessimistic (see the load column; a load "
        "of 2 means the two cores were fully busy). CPU time is the steadier measure of "
        "cost; on an idle machine the wall time is roughly CPU time / 2 for TensorFlow "
        "pipelines, which use both cores.",
        "- `full NLU training` covers the NLU pipeline only; `rasa train` also trains the "
        "dialogue policies (TEDPolicy), which this does not measure.",
        "- out_of_scope recall is measured on held-out out_of_scope examples, which resemble "
        "the training ones; real off-topic traffic is more varied.",
    ]
    for note in meta.get("notes", []):
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- running


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_MAX_CACHE_SIZE": "0",  # no training cache: honest timings, no shared state
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONHASHSEED": "0",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
    )
    return env


def timed_run(command: Sequence[str], log_path: Path, sample_every: float = 5.0) -> dict[str, float]:
    """Run ``command`` under ``nice``; return wall and CPU seconds and the load averages."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    loads = [os.getloadavg()[0]]
    start = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            ["nice", "-n", str(NICENESS), *command],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            env=_child_env(),
        )
        try:
            while True:
                try:
                    returncode = process.wait(timeout=sample_every)
                    break
                except subprocess.TimeoutExpired:
                    loads.append(os.getloadavg()[0])
        except BaseException:
            process.terminate()
            process.wait()
            raise
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({returncode}); see {log_path}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": round(wall, 1),
        "cpu": round(cpu, 1),
        "load_mean": round(sum(loads) / len(loads), 2),
        "load_max": round(max(loads), 2),
    }


def _now() -> str:
    return _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def measure_candidate(
    name: str,
    candidate_path: Path,
    data_dir: Path,
    data_hash: str,
    run_dir: Path,
    *,
    folds: int,
    seed: int,
    key: str,
    cfg_key: str,
) -> None:
    """Cross-validate and time one candidate into ``run_dir`` (meta.json written last)."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    shutil.copy(candidate_path, run_dir / "config.yml")
    python = sys.executable
    started = _now()
    print(f"[{name}] {folds}-fold cross-validation ...", flush=True)
    cv = timed_run(
        [
            python, "-m", "bot.trainers.crossval", "_cv-worker",
            "--config", str(run_dir / "config.yml"), "--nlu", str(data_dir),
            "--out", str(run_dir / "cv"), "--folds", str(folds), "--seed", str(seed),
            "--record", str(run_dir),
        ],
        run_dir / "cv.log",
    )
    print(f"[{name}] cross-validation took {_dur(cv['wall'])} (CPU {_dur(cv['cpu'])})", flush=True)
    print(f"[{name}] full rasa train nlu ...", flush=True)
    model_dir = run_dir / "model"
    train = timed_run(
        [
            python, "-m", "rasa", "train", "nlu", "--config", str(run_dir / "config.yml"),
            "--nlu", str(data_dir), "--out", str(model_dir), "--fixed-model-name", name,
        ],
        run_dir / "train.log",
    )
    shutil.rmtree(model_dir, ignore_errors=True)  # only its training time matters
    print(f"[{name}] training took {_dur(train['wall'])} (CPU {_dur(train['cpu'])})", flush=True)
    folds_path = run_dir / "folds.json"
    fold_digest = (
        hashlib.sha256(folds_path.read_bytes()).hexdigest() if folds_path.exists() else ""
    )
    meta = {
        "name": name,
        "key": key,
        "config_key": cfg_key,
        "data_hash": data_hash,
        "folds": folds,
        "seed": seed,
        "rasa_version": rasa_version(),
        "procedure_version": PROCEDURE_VERSION,
        "started_at": started,
        "finished_at": _now(),
        "fold_digest": fold_digest,
        "timing": {
            "cv_wall": cv["wall"], "cv_cpu": cv["cpu"],
            "train_wall": train["wall"], "train_cpu": train["cpu"],
            "load_mean": cv["load_mean"], "load_max": max(cv["load_max"], train["load_max"]),
            "train_load_mean": train["load_mean"],
        },
    }
    (run_dir / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def find_stale_run(
    candidate_dir: Path, cfg_key: str, other_than_data: str | None = None
) -> Path | None:
    """The most recent complete run of the same pipeline on any data (or on any data but
    ``other_than_data``, a data hash)."""
    runs = []
    for meta_path in candidate_dir.glob("*/meta.json"):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (
            meta.get("config_key") == cfg_key
            and meta.get("procedure_version") == PROCEDURE_VERSION
            and (other_than_data is None or meta.get("data_hash") != other_than_data)
        ):
            runs.append((meta_path.stat().st_mtime, meta_path.parent))
    return max(runs)[1] if runs else None


def evaluate(
    *,
    names: Sequence[str] | None = None,
    force: bool = False,
    allow_stale: Sequence[str] = (),
    measure: bool = True,
    folds: int = FOLDS,
    seed: int = SEED,
    doc_path: Path | None = None,
    candidates_dir: Path | None = None,
    results_dir: Path | None = None,
    nlu_dir: Path | None = None,
    config_path: Path | None = None,
) -> list[CandidateResult]:
    """Measure what is not cached yet, then write the document. Returns the results."""
    doc_path = doc_path or DOC_PATH
    candidates_dir = candidates_dir or CANDIDATES_DIR
    results_dir = results_dir or RESULTS_DIR
    write_current_candidate(config_path or CONFIG_PATH, candidates_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    data_dir, data_hash = snapshot_data(nlu_dir or NLU_DATA_DIR, results_dir)
    version = rasa_version()
    results: list[CandidateResult] = []
    notes: list[str] = []
    for path in discover_candidates(candidates_dir):
        name = path.stem
        # Candidates not named are not measured, but still reported if cached.
        may_measure = measure and (not names or name in names)
        config = load_yaml(path)
        cfg_key = config_key(config)
        key = run_key(cfg_key, data_hash, folds=folds, seed=seed, rasa_version=version)
        candidate_dir = results_dir / name
        run_dir = candidate_dir / key[:16]
        complete = (run_dir / "meta.json").exists()
        stale = False
        if not complete or (force and may_measure):
            stale_dir = find_stale_run(candidate_dir, cfg_key) if name in allow_stale else None
            if stale_dir is not None and not force:
                run_dir, stale = stale_dir, True
            elif may_measure:
                measure_candidate(
                    name, path, data_dir, data_hash, run_dir,
                    folds=folds, seed=seed, key=key, cfg_key=cfg_key,
                )
            else:
                notes.append(
                    f"`{name}` ({_show(path)}) has no measurement on this "
                    "data yet: run `make evaluate-nlu` (without --no-run) to add it."
                )
                continue
        else:
            print(f"[{name}] cached: {_show(run_dir)}", flush=True)
        result = load_result(run_dir, name, candidate_description(path), config)
        result.stale = stale or result.data_hash != data_hash
        results.append(result)
    if not results:
        raise SystemExit("nothing measured: no candidates in docs/nlu-candidates/")
    meta = {
        "folds": folds,
        "seed": seed,
        "data_hash": data_hash,
        "rasa_version": version,
        "generated_at": _now(),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "notes": notes,
        **_data_counts(results),
    }
    doc_path.write_text(render_markdown(results, meta), encoding="utf-8")
    print(f"wrote {_show(doc_path)}")
    return results


def _show(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _data_counts(results: Sequence[CandidateResult]) -> dict[str, int]:
    fresh = [r for r in results if not r.stale] or list(results)
    report = fresh[0].report
    return {
        "n_examples": sum(s.support for s in report.intents.values()),
        "n_intents": len(report.intents),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or "unknown CPU"


# --------------------------------------------------------------------------- the child


def cv_worker(argv: Sequence[str]) -> int:  # pragma: no cover - runs Rasa; exercised by `make evaluate-nlu`
    """Run ``rasa test nlu --cross-validation`` in this process, with three hooks:

    * folds: ``rasa.nlu.test.generate_folds`` is Rasa 3.6's own code with
      ``StratifiedKFold(random_state=seed)`` (Rasa passes none), so every candidate sees the
      same split; the split is written to ``<record>/folds.json``;
    * confidences: the held-out messages' intent rankings (top 3, nlu_fallback removed) are
      written to ``<record>/predictions.json`` so the fallback can be replayed offline;
    * the training folds are not re-scored (Rasa does it only to log train accuracy).
    """
    parser = argparse.ArgumentParser(prog="nlu_evaluation _cv-worker")
    parser.add_argument("--config", required=True)
    parser.add_argument("--nlu", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--record", required=True)
    args = parser.parse_args(argv)

    import rasa.__main__
    import rasa.nlu.test as nlu_test
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    record_dir = Path(args.record)
    train_ids: set[int] = set()
    test_folds: dict[int, int] = {}
    keep_alive: list[Any] = []
    fold_rows: list[list[Any]] = []
    predictions: list[dict] = []

    def generate_folds(n: int, training_data: Any):
        skf = StratifiedKFold(n_splits=n, shuffle=True, random_state=args.seed)
        x = training_data.intent_examples
        y = [example.get_full_intent() for example in x]
        for i_fold, (train_index, test_index) in enumerate(skf.split(x, y)):
            train = [x[i] for i in train_index]
            test = [x[i] for i in test_index]
            common = dict(
                entity_synonyms=training_data.entity_synonyms,
                regex_features=training_data.regex_features,
                lookup_tables=training_data.lookup_tables,
                responses=training_data.responses,
            )
            train_data = TrainingData(training_examples=train, **common)
            test_data = TrainingData(training_examples=test, **common)
            keep_alive.extend([train_data, test_data])
            train_ids.add(id(train_data))
            test_folds[id(test_data)] = i_fold
            fold_rows.extend([i_fold, e.get("text"), e.get_full_intent()] for e in test)
            yield train_data, test_data

    original_combine = nlu_test.combine_result
    original_get_eval_data = nlu_test.get_eval_data

    async def combine_result(intent_metrics, entity_metrics, response_metrics, processor, data, *rest, **kw):
        if id(data) in train_ids:
            return intent_metrics, entity_metrics, response_metrics
        return await original_combine(
            intent_metrics, entity_metrics, response_metrics, processor, data, *rest, **kw
        )

    async def get_eval_data(processor, test_data):
        fold = test_folds.get(id(test_data))
        if fold is None:
            return await original_get_eval_data(processor, test_data)
        captured: list[dict] = []
        original_parse = processor.parse_message

        async def parse_message(message, tracker=None, only_output_properties=True):
            result = await original_parse(
                message, tracker=tracker, only_output_properties=only_output_properties
            )
            captured.append(result)
            return result

        processor.parse_message = parse_message
        try:
            out = await original_get_eval_data(processor, test_data)
        finally:
            del processor.parse_message
        for example, result in zip(test_data.nlu_examples, captured):
            ranking = [
                [r.get("name"), round(float(r.get("confidence") or 0.0), 6)]
                for r in result.get("intent_ranking") or []
                if r.get("name") != FALLBACK_INTENT
            ][:3]
            if not ranking and (result.get("intent") or {}).get("name"):
                intent = result["intent"]
                ranking = [[intent.get("name"), round(float(intent.get("confidence") or 0.0), 6)]]
            predictions.append(
                {"fold": fold, "text": example.get("text"), "intent": example.get("intent"), "ranking": ranking}
            )
        return out

    nlu_test.generate_folds = generate_folds
    nlu_test.combine_result = combine_result
    nlu_test.get_eval_data = get_eval_data

    sys.argv = [
        "rasa", "test", "nlu", "--nlu", args.nlu, "--config", args.config,
        "--cross-validation", "--folds", str(args.folds), "--out", args.out,
        "--successes", "--no-plot",
    ]
    rasa.__main__.main()
    if not predictions:
        print("no predictions were recorded", file=sys.stderr)
        return 1
    (record_dir / "predictions.json").write_text(json.dumps(predictions), encoding="utf-8")
    (record_dir / "folds.json").write_text(json.dumps(sorted(fold_rows)), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "candidates", nargs="*", metavar="NAME",
        help="measure only these candidates (file stems in docs/nlu-candidates/); the others "
        "are still reported from the cache; default: all",
    )
    parser.add_argument("--force", action="store_true", help="re-measure even if cached")
    parser.add_argument(
        "--allow-stale", action="append", default=[], metavar="NAME",
        help="reuse NAME's latest measurement of the same pipeline even if data/nlu changed "
        "since (marked stale in the document); e.g. --allow-stale default",
    )
    parser.add_argument(
        "--no-run", action="store_true",
        help="measure nothing: render the document from cached results only",
    )
    parser.add_argument("--folds", type=int, default=FOLDS, help=f"default {FOLDS}")
    parser.add_argument("--seed", type=int, default=SEED, help=f"fold seed, default {SEED}")


def run(args: argparse.Namespace) -> int:
    try:
        evaluate(
            names=args.candidates or None,
            force=args.force,
            allow_stale=args.allow_stale,
            measure=not args.no_run,
            folds=args.folds,
            seed=args.seed,
        )
    except RuntimeError as exc:
        print(f"nlu evaluation: {exc}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """For bot.commands: ``dpa evaluate-nlu``."""
    parser = subparsers.add_parser(
        "evaluate-nlu",
        help="cross-validate the candidate NLU pipelines and write docs/nlu-evaluation.md",
        description=__doc__.split("\n\n")[0],
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_cv-worker"]:
        return cv_worker(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bot.trainers.crossval",
        description="Cross-validate the candidate NLU pipelines in docs/nlu-candidates/ and "
        "write docs/nlu-evaluation.md (results cached under results/nlu-evaluation/).",
    )
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
