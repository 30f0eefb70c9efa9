"""Labelling: a trainer confirms or corrects an inbox item's intent, and it becomes training data.

The example (redacted text, optionally edited by the trainer and redacted again) is added
to the file in ``data/nlu/`` where that intent's examples already live, by editing the
file's text (:mod:`bot.trainers.nlu_files`). An intent must be one domain.yml declares,
unless the trainer says it is new: new intents go to ``data/nlu/new_intents.yml`` and the
trainer is told what else the assistant needs (domain, response, rule) before retraining.

An example already present anywhere in ``data/nlu/`` is never written twice; one that is
already an example of *another* intent is refused, because two intents sharing an example
teaches the model nothing but confusion.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from bot.trainers.inbox import InboxItem
from bot.trainers.nlu_files import (
    HOLDOUT_HEADER,
    INTENT_NAME,
    NEW_INTENTS_FILE,
    NEW_INTENTS_HEADER,
    LabellingError,
    NluIndex,
    add_example,
    domain_intents,
)
from bot.trainers.redaction import redact

__all__ = ["LabelResult", "LabellingError", "label_example", "label_item"]


@dataclass(frozen=True)
class LabelResult:
    intent: str
    text: str  # what was written (redacted)
    path: Path | None  # None when the example was already there
    new_intent: bool = False

    @property
    def written(self) -> bool:
        return self.path is not None


def label_item(
    item: InboxItem,
    intent: str,
    *,
    nlu_dir: Path,
    domain_path: Path,
    new_intent: bool = False,
    text: str | None = None,
    holdout: Path | None = None,
) -> LabelResult:
    """Add ``item`` (or the trainer's edit of it, ``text``) as an example of ``intent``."""
    return label_example(
        item.text if text is None else text, intent,
        nlu_dir=nlu_dir, domain_path=domain_path, new_intent=new_intent, holdout=holdout,
    )


def label_example(
    text: str,
    intent: str,
    *,
    nlu_dir: Path,
    domain_path: Path,
    new_intent: bool = False,
    holdout: Path | None = None,
) -> LabelResult:
    """Add ``text`` as an example of ``intent``; see the module docstring for the rules.

    ``holdout``: write it to this held-out test file (for ``dpa evaluate``) instead of the
    training data; an example already in the training data cannot be held out.
    """
    example = " ".join(redact(text).split())  # redacted again: a trainer's edit may add data
    if not example:
        raise LabellingError("the example is empty")
    intent = intent.strip()
    if "/" in intent:
        raise LabellingError(
            "retrieval intents are not used here: give the intent's name without a '/'"
        )
    known = domain_intents(domain_path)
    if new_intent:
        if intent in known:
            raise LabellingError(f"{intent!r} is already in domain.yml: label without --new-intent")
        if not INTENT_NAME.match(intent):
            raise LabellingError(
                f"{intent!r} is not a usable intent name: lower case letters, digits and _"
            )
    elif intent not in known:
        close = difflib.get_close_matches(intent, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise LabellingError(
            f"{intent!r} is not an intent in domain.yml{hint}; for a new intent use --new-intent"
        )
    if holdout is not None:
        return _hold_out(example, intent, nlu_dir, holdout, new_intent)
    index = NluIndex.load(nlu_dir)
    existing = index.known_intent_of(example)
    if existing == intent:
        return LabelResult(intent=intent, text=example, path=None, new_intent=new_intent)
    if existing is not None:
        raise LabellingError(
            f"this example is already labelled {existing!r} in data/nlu; change it there if "
            "that label is wrong"
        )
    path = index.file_for(intent)
    header = ""
    if path is None:
        if not new_intent:
            raise LabellingError(
                f"no file in {nlu_dir} has examples of {intent!r} yet; add its first examples "
                "by hand, in the file for its topic"
            )
        path = nlu_dir / NEW_INTENTS_FILE
        header = NEW_INTENTS_HEADER
    add_example(path, intent, example, header=header)
    return LabelResult(intent=intent, text=example, path=path, new_intent=new_intent)


def _hold_out(
    example: str, intent: str, nlu_dir: Path, holdout: Path, new_intent: bool
) -> LabelResult:
    training = NluIndex.load(nlu_dir).known_intent_of(example)
    if training is not None:
        raise LabellingError(
            f"this example is already training data ({training!r}): a held-out example must "
            "be one the model has not learnt from"
        )
    held = NluIndex.load(holdout).known_intent_of(example) if holdout.exists() else None
    if held == intent:
        return LabelResult(intent=intent, text=example, path=None, new_intent=new_intent)
    if held is not None:
        raise LabellingError(f"this example is already held out as {held!r}")
    add_example(holdout, intent, example, header=HOLDOUT_HEADER)
    return LabelResult(intent=intent, text=example, path=holdout, new_intent=new_intent)


def new_intent_advice(intent: str) -> str:
    """What a trainer must do before a new intent can be trained."""
    return (
        f"{intent!r} is a new intent. Before retraining, add it to domain.yml (under intents:), "
        f"give it a response (data/responses/) and a rule or story that uses it (data/rules/), "
        f"and add it to docs/intents.md; `make validate` reports what is still missing."
    )
