"""Choose the learned recogniser's parameters by cross-validation over the corpora.

Each fold trains the CRF on all corpora but one and scores redaction (the rules plus the
CRF) on the one left out, beside the rules alone, with the corpus scorer of
:mod:`bot.trainers.redaction_score`. Figures only: no message is printed.

    python -m bot.trainers.redaction_crossval                    # folds over corpora 1-3
    python -m bot.trainers.redaction_crossval --c1 0.1 --threshold 0.4
    python -m bot.trainers.redaction_crossval --train A B --score C  # one split
"""
from __future__ import annotations

import argparse
import functools
import tempfile
from pathlib import Path

from bot.trainers import redaction_learned as learned
from bot.trainers.redaction_score import IDENTIFIER_KINDS, Score, load_corpus, score


def _summary(name: str, result: Score) -> str:
    short = [
        f"{kind} {result.recall(kind):.3f}"
        for kind in sorted(result.items)
        if result.recall(kind) < (1.0 if kind in IDENTIFIER_KINDS else 0.98)
    ]
    items = sum(result.items.values())
    leaked = sum(result.leaked.values())
    return (f"  {name}: items {items}, survived {leaked}; precision {result.precision:.3f}, "
            f"kept {result.kept:.3f}; short: {', '.join(short) or 'none'}")


@functools.lru_cache(maxsize=1)
def _cached_rules() -> learned.RulesFn:
    return functools.lru_cache(maxsize=None)(learned._rules())


def run_fold(train_on: list[Path], score_on: Path, threshold: float
             ) -> tuple[Score, Score, Score]:
    """(rules alone, rules + CRF, CRF alone) on ``score_on``, the CRF trained on
    ``train_on``. The CRF alone is shown neither the rules' output nor their placeholders:
    it is the measure of what it learnt by itself, where the rules' own tuning on the
    development corpora cannot flatter it."""
    rules = _cached_rules()
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "fold.crfsuite"
        learned.train(learned.sequences(train_on, rules), model)
        recogniser = learned.Recogniser(model, threshold)
        messages = load_corpus(score_on)
        alone = score(messages, rules)
        both = score(messages, lambda text: recogniser.redact(text, rules(text)))
        recogniser.see_rules = False
        crf = score(messages, lambda text: recogniser.redact(text, text))
    return alone, both, crf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.trainers.redaction_crossval")
    parser.add_argument("--c1", type=float)
    parser.add_argument("--c2", type=float)
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--threshold", type=float, default=learned.THRESHOLD)
    parser.add_argument("--dropout", type=float, help="share of messages shown without the rules")
    parser.add_argument("--train", nargs="+", type=Path)
    parser.add_argument("--score", type=Path)
    args = parser.parse_args(argv)
    for key, value in (("c1", args.c1), ("c2", args.c2), ("max_iterations", args.iterations)):
        if value is not None:
            learned.PARAMS[key] = value
    if args.dropout is not None:
        learned.RULE_DROPOUT = args.dropout
    print(f"params {learned.PARAMS}, threshold {args.threshold}, "
          f"rule dropout {learned.RULE_DROPOUT}")
    if args.train and args.score:
        folds = [(list(args.train), args.score)]
    else:
        corpora = learned.training_corpora()[:3]
        folds = [([c for c in corpora if c != held], held) for held in corpora]
    for train_on, score_on in folds:
        alone, both, crf = run_fold(train_on, score_on, args.threshold)
        print(f"train {', '.join(p.name for p in train_on)} -> score {score_on.name}")
        print(_summary("rules", alone))
        print(_summary("rules+crf", both))
        print(_summary("crf alone", crf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
