"""``dpa evaluate``: retrain on today's data and compare with the current model.

Checks the held-out data first (what is missing, in plain words), then scores
``models/dpa.tar.gz`` and a newly trained model on the same held-out data
(``tests/nlu/holdout.yml`` by default), prints per-intent F1 before and after and the
confusion pairs that changed, writes confusion-matrix images under ``results/evaluate/``,
and exits with status 3 when an intent got worse. See bot/trainers/evaluation/.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from bot.trainers.evaluation.comparison import REGRESSION_TOLERANCE
    from bot.trainers.evaluation.job import DEFAULT_HOLDOUT, RESULTS_DIR

    parser = subparsers.add_parser(
        "evaluate",
        help="train on today's data and compare with the current model on held-out data",
        description="Train a candidate NLU model on data/nlu, score it and the current model "
        "on the same held-out data, and show what got better or worse (exit status 3 when "
        "an intent got worse).",
    )
    parser.add_argument("--test-data", type=Path, default=DEFAULT_HOLDOUT, metavar="FILE",
                        help="held-out Rasa NLU file (default tests/nlu/holdout.yml)")
    parser.add_argument("--model", type=Path, metavar="FILE",
                        help="the current model (default models/dpa.tar.gz)")
    parser.add_argument("--candidate", type=Path, metavar="FILE",
                        help="compare with this already trained model instead of training one")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, metavar="DIR",
                        help="where reports and images go (default results/evaluate/)")
    parser.add_argument("--tolerance", type=float, default=REGRESSION_TOLERANCE, metavar="X",
                        help=f"F1 drop that counts as worse (default {REGRESSION_TOLERANCE})")
    parser.add_argument("--labelled", type=Path, metavar="FILE",
                        help="the console's journal of messages just labelled "
                        "(var/trainers/labelled.json): also score those with both models")
    parser.add_argument("--split", action="store_true",
                        help="no held-out file needed: compare data/nlu at --baseline with "
                        "data/nlu now, both trained without the same held-out fifth of the "
                        "examples (trains two models)")
    parser.add_argument("--baseline", default="HEAD", metavar="REV",
                        help="git revision of the earlier data for --split (default HEAD)")
    parser.add_argument("--cross-validation", action="store_true",
                        help="also compare 5-fold cross-validation on data/nlu with the last "
                        "cached run on earlier data (long)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.trainers.evaluation.job import default_current_model, evaluate, evaluate_split

    say = lambda line: print(line, flush=True)  # noqa: E731
    try:
        if args.split:
            return evaluate_split(baseline=args.baseline, out_dir=args.out / "split",
                                  tolerance=args.tolerance, say=say)
        return evaluate(
            current_model=args.model or default_current_model(),
            test_data=args.test_data,
            candidate=args.candidate,
            out_dir=args.out,
            tolerance=args.tolerance,
            cross_validation=args.cross_validation,
            labelled=args.labelled,
            say=say,
        )
    except RuntimeError as exc:
        print(f"dpa evaluate: {exc}", file=sys.stderr)
        return 1
