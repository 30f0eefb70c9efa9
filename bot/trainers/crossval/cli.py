"""``python -m bot.trainers.crossval`` (``make evaluate-nlu``): arguments, and the hidden
``_cv-worker`` command the measurement runs in a child process."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.trainers.crossval.folds import FOLDS, SEED
from bot.trainers.crossval.measure import evaluate
from bot.trainers.crossval.worker import cv_worker


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
