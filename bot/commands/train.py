"""``dpa train``: train the model if config, domain or data changed since the last training."""
from __future__ import annotations

import argparse
import subprocess
import sys

from bot.config import load_settings
from bot.rasa.training import ensure_trained, model_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="train the Rasa model when its training data changed"
    )
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        trained = ensure_trained(settings.model_dir, force=args.force)
    except subprocess.CalledProcessError as exc:
        print(f"dpa train: rasa train failed (exit status {exc.returncode})", file=sys.stderr)
        return 1
    where = model_path(settings.model_dir)
    print(f"trained {where}" if trained else f"model is up to date: {where}")
    return 0
