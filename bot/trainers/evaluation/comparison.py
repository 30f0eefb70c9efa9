"""Comparing two intent reports (pure): per-intent F1 changes, changed confusion pairs,
regressions beyond a tolerance, and the comparison as text for a terminal."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.trainers.crossval import metrics

# An intent whose F1 drops by more than this is a regression. On a held-out set of a few
# hundred messages one message changes an intent's F1 by several hundredths, so this only
# ignores changes too small to be more than noise.
REGRESSION_TOLERANCE = 0.02


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
