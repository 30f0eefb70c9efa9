"""Argument types shared by the ``dpa`` subcommands (argparse ``type=`` callables)."""
from __future__ import annotations

import argparse


def days(text: str) -> int:
    """A whole, non-negative number of days; argparse shows the message on bad input."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"DAYS must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("DAYS cannot be negative")
    return value
