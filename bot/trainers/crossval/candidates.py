"""The candidate pipelines: docs/nlu-candidates/*.yml, current.yml generated from config.yml,
and the hash of what in a pipeline changes the measured predictions."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

CANDIDATES_DIR = PROJECT_ROOT / "docs" / "nlu-candidates"
CONFIG_PATH = PROJECT_ROOT / "config.yml"

BASELINE = "default"  # Rasa's own default pipeline, the baseline row
CURRENT = "current"  # generated from config.yml


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
# GENERATED from config.yml by bot/trainers/crossval/candidates.py at every run: do not edit.
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
