"""Labelling writes tidy, valid Rasa training data: into the file where the intent already
lives, one line, layout and comments untouched, never a duplicate, always redacted.

Every test works on a copy of the project's real ``data/nlu`` and ``domain.yml``; Rasa's own
loader (``rasa.shared.nlu.training_data.loading.load_data``) reads the result, and one test
(marked e2e: ~20 s) runs ``scripts/validate-data.py`` (``rasa data validate``) on a copy.
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.trainers.inbox import InboxItem
from bot.trainers.labelling import LabellingError, label_example, label_item
from bot.trainers.nlu_files import (
    NEW_INTENTS_FILE,
    NluIndex,
    domain_intents,
    insert_example,
    normalise,
)
from tests.trainers.written import added_lines


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    return root


def label(project: Path, text: str, intent: str, **options):
    return label_example(
        text, intent, nlu_dir=project / "data" / "nlu", domain_path=project / "domain.yml",
        **options,
    )


def rasa_examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def test_an_example_goes_to_the_end_of_its_intents_block_and_nothing_else_changes(
    project: Path,
) -> None:
    path = project / "data" / "nlu" / "requests.yml"
    before = path.read_text(encoding="utf-8")
    result = label(project, "gimme everything u have got on me", "request_access")
    assert result.path == path and result.written
    after = path.read_text(encoding="utf-8")
    added = [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    assert added == ["+     - gimme everything u have got on me"]
    # inserted right after request_access's last example, before request_erasure
    lines = after.splitlines()
    position = lines.index("    - gimme everything u have got on me")
    next_intent = next(i for i, line in enumerate(lines) if line == "- intent: request_erasure")
    assert position < next_intent
    assert all(not line.strip() for line in lines[position + 1 : next_intent])
    assert ("gimme everything u have got on me", "request_access") in rasa_examples(path)


def test_rasa_loads_every_edited_file_with_one_more_example(project: Path) -> None:
    nlu_dir = project / "data" / "nlu"
    counts = {p.name: len(rasa_examples(p)) for p in nlu_dir.glob("*.yml")}
    label(project, "what does the council do with my [NAME] stuff", "ask_why_collect")
    label(project, "hiya hiya, anyone about", "greet")
    label(project, "my email is jane@example.com and I'd like it sent there", "inform")
    added = {"questions.yml": 1, "conversation.yml": 1, "form_answers.yml": 1}
    for name, expected in added.items():
        assert len(rasa_examples(nlu_dir / name)) == counts[name] + expected
    assert ("my email is [EMAIL] and I'd like it sent there", "inform") in rasa_examples(
        nlu_dir / "form_answers.yml"
    )


def test_duplicates_are_never_written_whatever_their_case_or_spacing(project: Path) -> None:
    path = project / "data" / "nlu" / "requests.yml"
    before = path.read_text(encoding="utf-8")
    result = label(project, "  Can I have a COPY of my   records? ", "request_access")
    assert not result.written
    assert path.read_text(encoding="utf-8") == before
    label(project, "gimme my stuff", "request_access")
    again = label(project, "GIMME my stuff!", "request_access")
    assert not again.written
    assert path.read_text(encoding="utf-8").count("gimme my stuff") == 1


def test_an_example_of_another_intent_is_refused(project: Path) -> None:
    with pytest.raises(LabellingError, match="already labelled 'request_access'"):
        label(project, "can I have a copy of my records", "request_erasure")


def test_unknown_intents_are_refused_with_a_suggestion(project: Path) -> None:
    with pytest.raises(LabellingError, match="did you mean request_access"):
        label(project, "show me my data", "request_acess")
    with pytest.raises(LabellingError, match="retrieval"):
        label(project, "show me my data", "faq/ask_cost")


def test_a_new_intent_goes_to_new_intents_yml(project: Path) -> None:
    nlu_dir = project / "data" / "nlu"
    first = label(project, "can I pay my council tax here", "ask_council_tax", new_intent=True)
    second = label(project, "where do I pay council tax", "ask_council_tax", new_intent=True)
    assert first.path == second.path == nlu_dir / NEW_INTENTS_FILE
    assert first.new_intent
    assert rasa_examples(nlu_dir / NEW_INTENTS_FILE) == [
        ("can I pay my council tax here", "ask_council_tax"),
        ("where do I pay council tax", "ask_council_tax"),
    ]
    text = (nlu_dir / NEW_INTENTS_FILE).read_text(encoding="utf-8")
    assert text.startswith('version: "3.1"') and "domain.yml" in text
    with pytest.raises(LabellingError, match="already in domain.yml"):
        label(project, "hello hello", "greet", new_intent=True)
    with pytest.raises(LabellingError, match="not a usable intent name"):
        label(project, "hello hello", "Ask Council-Tax", new_intent=True)
    with pytest.raises(LabellingError, match="not an intent in domain.yml"):
        label(project, "pay council tax online", "ask_council_tax")  # must say it is new


def test_what_is_written_is_redacted_even_when_a_trainer_edits_it(project: Path) -> None:
    item = InboxItem(id="x", text="I'm [NAME], send me my file", count=1, last_seen=0.0,
                     reasons=["fallback"], intent="request_access", confidence=0.4,
                     second_intent=None, second_confidence=None)
    requests_file = project / "data" / "nlu" / "requests.yml"
    before = requests_file.read_text(encoding="utf-8")
    result = label_item(item, "request_access", nlu_dir=project / "data" / "nlu",
                        domain_path=project / "domain.yml",
                        text="I'm Jane Smith (jane@example.com), send me my file")
    assert result.text == "I'm [NAME] ([EMAIL]), send me my file"
    added = added_lines(before, requests_file.read_text(encoding="utf-8"))
    assert "[NAME] ([EMAIL])" in added
    assert "Jane" not in added and "jane@" not in added


def test_brackets_rasa_would_read_as_entity_annotations_are_defused(project: Path) -> None:
    label(project, "see [my file](now) and [this]{x}", "request_access")
    path = project / "data" / "nlu" / "requests.yml"
    loaded = dict(rasa_examples(path))
    assert "see [my file] (now) and [this] {x}" in loaded


def test_insert_handles_files_without_a_final_newline_and_crlf() -> None:
    text = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello'
    assert insert_example(text, "greet", "hiya").endswith("    - hello\n    - hiya\n")
    crlf = 'nlu:\r\n- intent: greet\r\n  examples: |\r\n    - hi\r\n'
    assert insert_example(crlf, "greet", "hiya") == crlf + "    - hiya\r\n"


def test_insert_keeps_comments_and_the_files_own_indentation() -> None:
    text = (
        "nlu:\n"
        "  # greetings\n"
        "  - intent: greet  # the usual\n"
        "    examples: |\n"
        "      - hi\n"
        "\n"
        "  # goodbyes\n"
        "  - intent: goodbye\n"
        "    examples: |\n"
        "      - bye\n"
    )
    out = insert_example(text, "greet", "hiya")
    assert out == text.replace("      - hi\n", "      - hi\n      - hiya\n")
    new = insert_example(text, "thank", "ta")
    assert new.endswith("\n  - intent: thank\n    examples: |\n      - ta\n")


def test_index_knows_where_each_intent_lives() -> None:
    index = NluIndex.load(PROJECT_ROOT / "data" / "nlu")
    assert index.file_for("request_access").name == "requests.yml"
    assert index.file_for("greet").name == "conversation.yml"
    assert index.file_for("inform").name == "form_answers.yml"
    assert index.file_for("nope") is None
    # annotations are ignored when comparing: "[Jane Smith](person_name)" is "jane smith"
    assert index.known_intent_of("Jane Smith") == "inform"
    assert normalise("Can I  see it?!") == "can i see it"
    assert "request_access" in domain_intents(PROJECT_ROOT / "domain.yml")


@pytest.mark.e2e
def test_rasa_data_validate_accepts_labelled_data(tmp_path: Path) -> None:
    """scripts/validate-data.py (as `make validate` runs it) on a copy with new examples."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("domain.yml", "config.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    for name in ("data", "actions"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    (root / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "validate-data.py", root / "scripts")
    os.symlink(PROJECT_ROOT / ".venv", root / ".venv")
    for text, intent in [
        ("my name is Jane Smith and I want everything you hold", "request_access"),
        ("how much do u charge 4 a copy", "ask_cost"),
        ("07700 900123", "inform"),
        ("asdf ghjk", "out_of_scope"),
    ]:
        label(root, text, intent)
    result = subprocess.run(
        [sys.executable, "scripts/validate-data.py"], cwd=root, capture_output=True, text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "rasa data validate: OK" in result.stdout
