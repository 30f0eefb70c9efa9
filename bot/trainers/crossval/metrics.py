"""Scores from Rasa's reports and the recorded confidences: per-intent precision, recall and
F1, macro averages, confusions, and the FallbackClassifier replayed over a threshold sweep."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FALLBACK_INTENT = "nlu_fallback"
REPORT_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
# Threshold advice: a wrong answer (e.g. opening the wrong rights-request form) costs twice
# a fallback on a message the model had right ("sorry, could you rephrase?").
WRONG_ANSWER_COST = 2.0
MAX_CORRECT_FALLBACK = 0.10
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))


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
        falls_back = would_fall_back(p, threshold, ambiguity)
        key = ("c" if p.correct else "w") + ("f" if falls_back else "a")
        counts[key] += 1
    return FallbackOutcome(
        threshold, ambiguity, len(predictions),
        counts["ca"], counts["cf"], counts["wa"], counts["wf"],
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
