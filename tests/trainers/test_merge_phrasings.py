"""scripts/merge-phrasings.py adds a writer's new phrasings to data/nlu and keeps the held-out
sets held out: an example equal to a held-out message is dropped and not printed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "merge-phrasings.py"

DATA = """version: "3.1"
# a comment the merge keeps
nlu:
- intent: affirm
  examples: |
    - yes
    - that's right
- intent: deny
  examples: |
    - no
"""
HELD_OUT = """version: "3.1"
nlu:
- intent: affirm
  examples: |
    - go on then
"""


def _run(tmp_path: Path, round_text: str, *extra: str) -> subprocess.CompletedProcess:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    if not (data / "conversation.yml").exists():
        (data / "conversation.yml").write_text(DATA)
    (tmp_path / "held_out.yml").write_text(HELD_OUT)
    (tmp_path / "round.yml").write_text(round_text)
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "round.yml"), "--data", str(data),
         "--held-out", str(tmp_path / "held_out.yml"), *extra],
        capture_output=True, text=True)


def _examples(tmp_path: Path) -> dict[str, list[str]]:
    loaded = yaml.safe_load((tmp_path / "data" / "conversation.yml").read_text())
    return {b["intent"]: [line[2:] for line in b["examples"].splitlines()] for b in loaded["nlu"]}


ROUND = """version: "3.1"
nlu:
- intent: affirm
  examples: |
    - yep
    - Go on then!
    - YES
- intent: deny
  examples: |
    - nah not really
"""


def test_new_examples_join_their_intent_and_held_out_or_known_ones_do_not(tmp_path):
    result = _run(tmp_path, ROUND)
    assert result.returncode == 0, result.stderr
    assert _examples(tmp_path) == {"affirm": ["yes", "that's right", "yep"],
                                   "deny": ["no", "nah not really"]}
    assert "1  dropped: equal to a held-out message" in result.stdout
    assert "1  dropped: already in the training data" in result.stdout
    assert "go on then" not in result.stdout.lower()  # the held-out wording is never shown
    assert "# a comment the merge keeps" in (tmp_path / "data" / "conversation.yml").read_text()


def test_a_dry_run_changes_nothing_and_an_unknown_intent_is_refused(tmp_path):
    assert _run(tmp_path, ROUND, "--dry-run").returncode == 0
    assert _examples(tmp_path)["affirm"] == ["yes", "that's right"]
    unknown = _run(tmp_path,
                   'version: "3.1"\nnlu:\n- intent: greet_warmly\n  examples: |\n    - hiya\n')
    assert unknown.returncode == 2 and "greet_warmly" in unknown.stdout
    assert _examples(tmp_path)["affirm"] == ["yes", "that's right"]


ANNOTATED = """version: "3.1"
nlu:
- intent: deny
  examples: |
    - not for my [son]{"entity": "relationship", "value": "child"}
    - [Go on then](relationship)
- intent: affirm
  examples: |
    - yes for my [partner](relationship)
    - [Yes](relationship)!
"""


def test_entity_annotations_are_carried_and_ignored_when_comparing(tmp_path):
    result = _run(tmp_path, ANNOTATED)
    assert result.returncode == 0, result.stderr
    merged = _examples(tmp_path)
    # carried into the data exactly as written, so Rasa reads the entity
    assert merged["deny"] == ["no", 'not for my [son]{"entity": "relationship", "value": "child"}']
    assert merged["affirm"] == ["yes", "that's right", "yes for my [partner](relationship)"]
    # the markup does not hide a held-out message or a known example
    assert "1  dropped: equal to a held-out message" in result.stdout
    assert "1  dropped: already in the training data" in result.stdout
    assert "go on then" not in result.stdout.lower()
