"""The measured candidates against the issue's targets, and which one to pick."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.trainers.crossval.candidates import fallback_settings
from bot.trainers.crossval.metrics import (
    FallbackOutcome,
    IntentReport,
    Prediction,
    fallback_outcome,
)

OUT_OF_SCOPE = "out_of_scope"
# The targets.
TARGET_MACRO_F1 = 0.95
TARGET_OOS_RECALL = 0.90
TARGET_TRAIN_SECONDS = 300.0
# Candidates whose macro F1 is within this of the best are treated as equally good and the
# cheaper one (shorter full training) wins: 0.005 is about 10 of 2,000 examples, the size
# of the run-to-run noise of an unseeded DIET.
TIE_TOLERANCE = 0.005


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
