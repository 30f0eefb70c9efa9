"""``dpa evaluate --cross-validation``: today's data/nlu against the latest cached
cross-validation of the same pipeline on earlier data (the folds and cache of
:mod:`bot.trainers.crossval`, as ``make evaluate-nlu`` uses them)."""
from __future__ import annotations

from collections.abc import Callable

from bot.trainers.crossval import cache, candidates, folds, measure
from bot.trainers.evaluation.comparison import REGRESSION_TOLERANCE, Comparison, compare


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
