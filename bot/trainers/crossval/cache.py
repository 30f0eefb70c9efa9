"""The cache of measurements: results/nlu-evaluation/<candidate>/<key>/, keyed by the
pipeline, a snapshot of data/nlu, the folds, the seed and the Rasa version."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.trainers.crossval.choice import CandidateResult, Timing
from bot.trainers.crossval.metrics import entity_summary, parse_intent_report, parse_predictions

RESULTS_DIR = PROJECT_ROOT / "results" / "nlu-evaluation"
NLU_DATA_DIR = PROJECT_ROOT / "data" / "nlu"
# Bump when the measurement procedure changes, to invalidate every cached run.
PROCEDURE_VERSION = "1"


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
