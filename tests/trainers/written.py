"""What a labelling wrote into an NLU file: the lines it added, not the whole file.

The training data may hold invented names of its own ("my name is Amira Haddad not ...");
a test that a trainer's label reached the file redacted looks only at what the label added.
"""
from __future__ import annotations

from collections import Counter


def added_lines(before: str, after: str) -> str:
    """The lines of ``after`` that ``before`` did not have (as many times as added)."""
    extra = Counter(after.splitlines()) - Counter(before.splitlines())
    return "\n".join(line for line in after.splitlines() if extra.pop(line, 0))
