"""Measuring the candidates: each run in niced child processes (cross-validation, then one
full training), timed, only where the cache has no run yet; then the document is written."""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.trainers.crossval.cache import (
    NLU_DATA_DIR,
    PROCEDURE_VERSION,
    RESULTS_DIR,
    find_stale_run,
    load_result,
    rasa_version,
    run_key,
    snapshot_data,
)
from bot.trainers.crossval.candidates import (
    CANDIDATES_DIR,
    CONFIG_PATH,
    candidate_description,
    config_key,
    discover_candidates,
    load_yaml,
    write_current_candidate,
)
from bot.trainers.crossval.choice import CandidateResult
from bot.trainers.crossval.folds import FOLDS, SEED, fold_digest
from bot.trainers.crossval.report import (
    DOC_PATH,
    duration,
    render_markdown,
    with_held_out_section,
)

NICENESS = 15


def child_env() -> dict[str, str]:
    """The environment of every measured child: no telemetry, no training cache."""
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


def timed_run(
    command: Sequence[str], log_path: Path, sample_every: float = 5.0
) -> dict[str, float]:
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
            env=child_env(),
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
    print(f"[{name}] cross-validation took {duration(cv['wall'])} "
          f"(CPU {duration(cv['cpu'])})", flush=True)
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
    print(f"[{name}] training took {duration(train['wall'])} "
          f"(CPU {duration(train['cpu'])})", flush=True)
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
        "fold_digest": fold_digest(run_dir / "folds.json"),
        "timing": {
            "cv_wall": cv["wall"], "cv_cpu": cv["cpu"],
            "train_wall": train["wall"], "train_cpu": train["cpu"],
            "load_mean": cv["load_mean"], "load_max": max(cv["load_max"], train["load_max"]),
            "train_load_mean": train["load_mean"],
        },
    }
    (run_dir / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")



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
    previous = doc_path.read_text(encoding="utf-8") if doc_path.exists() else ""
    doc_path.write_text(with_held_out_section(render_markdown(results, meta), previous),
                        encoding="utf-8")
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
