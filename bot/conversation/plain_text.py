"""What a resident types, made safe to store and show: no control characters.

A NUL byte or an escape sequence has no meaning in a chat message or a case field, breaks
PostgreSQL's text columns (NUL), and can hide or rewrite what staff see in a terminal or a
CSV. Line breaks and tabs are kept (as ``\\n`` and a space); everything else in Unicode's
control category (C0, DEL, C1) is removed, and so are the bidirectional overrides that can
make text read differently from what it is.
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without control characters; CRLF and CR become LF, tabs a space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)
