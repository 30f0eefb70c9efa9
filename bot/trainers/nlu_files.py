"""Rasa's NLU training files, read and appended to as text so that people's layout survives.

The files in ``data/nlu/`` are written by people: topic comments, boundaries between
intents, blank lines. Loading them with a YAML library and dumping them back would lose all
of that, so a new example is inserted as one line (``    - text``) at the end of its
intent's ``examples: |`` block, with the block's own indentation, and the result is parsed
again before it is saved (an edit that would not load is refused, the file left alone).

Duplicates are judged on a normalised form (case, spacing, entity annotations and trailing
punctuation ignored): "Can I see my data?" is the same example as "can i see  my data".
"""
from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import yaml

NEW_INTENTS_FILE = "new_intents.yml"
NEW_INTENTS_HEADER = """\
version: "3.1"

# Examples of intents that trainers created from real conversations (dpa inbox label
# --new-intent). Each intent here must also be added to domain.yml (intents:, and a
# response, rule or story that handles it) before the assistant is retrained; until then
# `rasa data validate` reports it.

nlu:
"""
# libyaml's loader when PyYAML was built with it: ten times faster on ~2,000 examples.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HOLDOUT_HEADER = """\
version: "3.1"

# Held-out test set for `dpa evaluate`: real residents' messages (redacted) labelled by
# trainers with `dpa inbox label ID INTENT --holdout`. Never training data: the assistant
# is scored on these to see whether a retrained model understands real traffic better.

nlu:
"""
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)?$")

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
_GLUED_BRACKETS = re.compile(r"\](?=[\[({])")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")


class LabellingError(ValueError):
    """A label that cannot be written, with a message for the trainer."""


def strip_annotations(example: str) -> str:
    """``my name is [Jane](person_name)`` -> ``my name is Jane``."""
    return _ANNOTATION.sub(r"\1", example)


def normalise(text: str) -> str:
    """The form two examples are compared in (case, spacing, end punctuation ignored)."""
    plain = " ".join(strip_annotations(text).split()).casefold()
    return _TRAILING_PUNCTUATION.sub("", plain)


def example_line_text(text: str) -> str:
    """``text`` made safe as one example line: one line, and no bracket Rasa would read as
    an entity annotation (a resident who typed "[x](y)" did not mean one)."""
    single = " ".join(text.split())
    return _GLUED_BRACKETS.sub("] ", single)


def _examples(block: object) -> list[str]:
    if not isinstance(block, str):
        return []
    out = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("- "):
            out.append(stripped[2:].strip())
        elif stripped == "-":
            continue
    return out


@dataclass
class NluIndex:
    """Where every intent's examples live, and every example already written."""

    nlu_dir: Path
    files_by_intent: dict[str, list[tuple[Path, int]]] = field(default_factory=dict)
    intent_by_example: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, nlu_dir: Path, *also: Path) -> NluIndex:
        """Index ``nlu_dir`` (and any ``also`` files or directories, e.g. the held-out set)."""
        index = cls(nlu_dir=nlu_dir)
        paths: list[Path] = []
        for place in (nlu_dir, *also):
            if place.is_dir():
                paths += sorted(place.rglob("*.yml")) + sorted(place.rglob("*.yaml"))
            elif place.is_file():
                paths.append(place)
        for path in paths:
            try:
                document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
            except yaml.YAMLError as exc:
                raise LabellingError(f"{path}: not valid YAML: {exc}") from exc
            for item in document.get("nlu") or [] if isinstance(document, dict) else []:
                if not isinstance(item, dict) or "intent" not in item:
                    continue
                intent = str(item["intent"])
                examples = _examples(item.get("examples"))
                index.files_by_intent.setdefault(intent, []).append((path, len(examples)))
                for example in examples:
                    index.intent_by_example.setdefault(normalise(example), intent)
        return index

    def file_for(self, intent: str) -> Path | None:
        """The file holding most of ``intent``'s examples (where a person would look)."""
        files = self.files_by_intent.get(intent)
        if not files:
            return None
        return max(files, key=lambda item: item[1])[0]

    def known_intent_of(self, text: str) -> str | None:
        """The intent ``text`` is already an example of, if it is one."""
        return self.intent_by_example.get(normalise(text))

    def contains(self, text: str) -> bool:
        return normalise(text) in self.intent_by_example


def domain_intents(domain_path: Path) -> list[str]:
    """The intents domain.yml declares (names only, in order)."""
    document = yaml.load(domain_path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    names = []
    for entry in document.get("intents") or []:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict):
            names.extend(str(key) for key in entry)
    return names


# -- editing the text ----------------------------------------------------------------------

_INTENT_LINE = r"^(?P<indent>[ \t]*)-[ \t]+intent:[ \t]*(?P<q>['\"]?){name}(?P=q)[ \t]*(?:#.*)?$"
_EXAMPLES_LINE = re.compile(r"^(?P<indent>[ \t]*)examples:[ \t]*\|[-+]?[ \t]*(?:#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def insert_example(text: str, intent: str, example: str) -> str:
    """``text`` (a Rasa NLU YAML file) with ``example`` added to ``intent``'s examples.

    The example goes after the block's last example, indented like the others; an intent
    the file lacks gets a new ``- intent:`` item at the end, laid out like the file's others.
    """
    lines = text.splitlines(keepends=True)
    intent_line = re.compile(_INTENT_LINE.format(name=re.escape(intent)))
    for number, line in enumerate(lines):
        match = intent_line.match(line.rstrip("\r\n"))
        if match is None:
            continue
        item_indent = len(match.group("indent"))
        position = number + 1
        while position < len(lines):
            current = lines[position].rstrip("\r\n")
            is_content = current.strip() and not current.lstrip().startswith("#")
            if is_content and _indent(current) <= item_indent:
                break  # the next item: this one has no examples block
            examples = _EXAMPLES_LINE.match(current)
            if examples:
                return _append_to_block(lines, position, len(examples.group("indent")), example)
            position += 1
        raise LabellingError(
            f"intent {intent!r} has no 'examples: |' block to add to; add the example by hand"
        )
    return _append_item(text, intent, example)


def _append_to_block(lines: list[str], key_line: int, key_indent: int, example: str) -> str:
    last_content = key_line
    example_indent = None
    position = key_line + 1
    while position < len(lines):
        current = lines[position].rstrip("\r\n")
        if current.strip():
            if _indent(current) <= key_indent:
                break
            last_content = position
            if example_indent is None and current.lstrip().startswith("-"):
                example_indent = current[: _indent(current)]
        position += 1
    if example_indent is None:
        example_indent = " " * (key_indent + 2)
    newline = "\r\n" if lines[key_line].endswith("\r\n") else "\n"
    if not lines[last_content].endswith(("\n", "\r\n")):
        lines[last_content] += newline
    lines.insert(last_content + 1, f"{example_indent}- {example_line_text(example)}{newline}")
    return "".join(lines)


def _append_item(text: str, intent: str, example: str) -> str:
    item_indent, key_indent, example_indent = _layout_of(text)
    if text and not text.endswith("\n"):
        text += "\n"
    if "nlu:" not in text:
        text += "nlu:\n"
    if text and not text.endswith("\n\n") and not text.endswith("nlu:\n"):
        text += "\n"
    return text + (
        f"{' ' * item_indent}- intent: {intent}\n"
        f"{' ' * key_indent}examples: |\n"
        f"{' ' * example_indent}- {example_line_text(example)}\n"
    )


def _layout_of(text: str) -> tuple[int, int, int]:
    """(item, key, example) indentation used by the file's existing items."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = re.match(r"^([ \t]*)-[ \t]+intent:", line)
        if not match:
            continue
        item = len(match.group(1))
        for follow in lines[number + 1 : number + 4]:
            examples = _EXAMPLES_LINE.match(follow)
            if examples:
                key = len(examples.group("indent"))
                index = lines.index(follow, number + 1)
                for example_line in lines[index + 1 : index + 3]:
                    if example_line.strip().startswith("-"):
                        return item, key, _indent(example_line)
                return item, key, key + 2
        return item, item + 2, item + 4
    return 0, 2, 4


def _check_loads(text: str, path: Path, intent: str, example: str) -> None:
    """Refuse an edit that would not load, or would not hold the example where expected."""
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise LabellingError(f"adding the example would break {path.name}: {exc}") from exc
    wanted = normalise(example)
    for item in (document or {}).get("nlu") or []:
        if isinstance(item, dict) and str(item.get("intent")) == intent:
            if any(normalise(found) == wanted for found in _examples(item.get("examples"))):
                return
    raise LabellingError(f"could not add the example to {path.name} cleanly; add it by hand")


def add_example(path: Path, intent: str, example: str, *, header: str = "") -> None:
    """Append ``example`` to ``intent`` in ``path`` (created with ``header`` if missing),
    under an exclusive lock so two trainers labelling at once do not lose an edit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8", newline="") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            before = handle.read() or header
            after = insert_example(before, intent, example)
            _check_loads(after, path, intent, example)
            _replace_contents(handle, after)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _replace_contents(handle: TextIO, text: str) -> None:
    """Overwrite the open, locked file with ``text`` and make it durable before unlocking."""
    handle.seek(0)
    handle.truncate()
    handle.write(text)
    handle.flush()
    os.fsync(handle.fileno())


def drop_example(text: str, intent: str, example: str) -> str:
    """``text`` without ``intent``'s last example line equal (normalised) to ``example``;
    unchanged when there is none. Other lines, comments and layout are kept."""
    lines = text.splitlines(keepends=True)
    intent_line = re.compile(_INTENT_LINE.format(name=re.escape(intent)))
    wanted = normalise(example)
    found = None
    inside, item_indent = False, 0
    for number, line in enumerate(lines):
        current = line.rstrip("\r\n")
        match = intent_line.match(current)
        if match is not None:
            inside, item_indent = True, len(match.group("indent"))
            continue
        if not inside:
            continue
        is_content = current.strip() and not current.lstrip().startswith("#")
        if is_content and _indent(current) <= item_indent:
            inside = False
            continue
        stripped = current.strip()
        if stripped.startswith("- ") and normalise(stripped[2:]) == wanted:
            found = number
    if found is None:
        return text
    del lines[found]
    return "".join(lines)


def remove_example(path: Path, intent: str, example: str) -> bool:
    """Take ``example`` out of ``intent`` in ``path`` (undoing a label), under the same lock
    as :func:`add_example`; False when it is not there."""
    if not path.is_file():
        return False
    with open(path, "r+", encoding="utf-8", newline="") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            before = handle.read()
            after = drop_example(before, intent, example)
            if after == before:
                return False
            try:
                yaml.load(after, Loader=_Loader)
            except yaml.YAMLError as exc:
                raise LabellingError(f"undoing would break {path.name}: {exc}") from exc
            _replace_contents(handle, after)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return True
