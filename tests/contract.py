"""The intent names of the contract (docs/intents.md, a copy of the shared intents.md)."""
from __future__ import annotations

import re
from pathlib import Path

INTENTS_MD = Path(__file__).resolve().parents[1] / "docs" / "intents.md"


def contract_intents() -> set[str]:
    """Every name in the first column of the tables in intents.md."""
    names: set[str] = set()
    for line in INTENTS_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([a-z_]+)`", first_cell))
    assert len(names) >= 30, f"could not read the intent names from {INTENTS_MD}"
    return names
