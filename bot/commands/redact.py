"""``dpa redact``: personal data out of any text before a trainer shares it.

Reads lines on standard input and writes each redacted on standard output, with the same
redaction the trainers' inbox and stories use (:mod:`bot.trainers.redaction`), e.g.
``dpa redact < notes.txt > notes-redacted.txt``.
"""
from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "redact", help="redact personal data from lines on stdin, to stdout"
    )
    parser.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    from bot.trainers.redaction import redact

    for line in sys.stdin:
        ending = "\n" if line.endswith("\n") else ""
        sys.stdout.write(redact(line.rstrip("\n")) + ending)
    sys.stdout.flush()
    return 0
