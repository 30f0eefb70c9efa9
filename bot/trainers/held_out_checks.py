"""Is the trainers' held-out set (``tests/nlu/holdout.yml``) fit to judge a new model?

Checked before anything is trained, so a trainer is told in plain words what is missing
instead of meeting a traceback minutes later: ``rasa test nlu`` on a set that covers one
intent writes no intent report at all (Rasa 3.6, ``rasa/nlu/test.py``:
``should_eval_intents = len(intent_labels) >= 2``), and reading the missing report gave
``'list' object has no attribute 'items'``. Pure: it looks at the examples per intent only.

- **Blocking** (nothing is trained): no file, no examples, or only one intent (a
  comparison of intents needs at least two; with one, every wrong answer is "another
  intent" and F1 says nothing).
- **Warnings** (the job runs, the report carries them): fewer than
  :data:`MIN_EXAMPLES` examples in all, or intents with fewer than
  :data:`MIN_PER_INTENT` examples (one message then moves an intent's F1 by a third or
  more), and intents the assistant knows that the set does not cover at all.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MIN_INTENTS = 2
MIN_EXAMPLES = 50
MIN_PER_INTENT = 3
# How many names a message lists before it says "and N more".
NAMES_SHOWN = 6


@dataclass(frozen=True)
class HeldOutCheck:
    """What the held-out set holds and what is wrong with it, in plain words."""

    examples: int
    per_intent: Mapping[str, int]
    problems: tuple[str, ...] = ()  # blocking: no evaluation
    warnings: tuple[str, ...] = ()  # the evaluation runs but cannot judge much
    uncovered: tuple[str, ...] = field(default=())  # intents the set has no example of

    @property
    def usable(self) -> bool:
        return not self.problems

    @property
    def too_small(self) -> bool:
        return bool(self.warnings)

    def as_dict(self) -> dict:
        return {"examples": self.examples, "per_intent": dict(self.per_intent),
                "problems": list(self.problems), "warnings": list(self.warnings),
                "uncovered": list(self.uncovered)}


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def check_examples(
    intents_of_examples: Iterable[str],
    *,
    known_intents: Iterable[str] = (),
    where: str = "tests/nlu/holdout.yml",
) -> HeldOutCheck:
    """Check a held-out set given the intent of each of its examples (one per example)."""
    per_intent = Counter(intents_of_examples)
    total = sum(per_intent.values())
    known = [name for name in known_intents if name != "nlu_fallback"]
    uncovered = tuple(name for name in known if name not in per_intent)
    problems: list[str] = []
    warnings: list[str] = []
    how = ("Set real messages aside with Hold out for testing in the inbox "
           "(dpa inbox label ID INTENT --holdout).")
    if total == 0:
        problems.append(f"The held-out set ({where}) has no examples yet, so there is "
                        f"nothing to score the models on. {how}")
    elif len(per_intent) < MIN_INTENTS:
        (only,) = per_intent
        problems.append(
            f"The held-out set ({where}) covers only one intent ({only}, "
            f"{total} example{'s' if total != 1 else ''}). Scoring needs examples of at "
            f"least {MIN_INTENTS} intents; hold out messages of other intents too. {how}")
    if not problems:
        if total < MIN_EXAMPLES:
            warnings.append(
                f"The held-out set is small ({total} examples, fewer than {MIN_EXAMPLES}): "
                "one message changes the scores a lot, so treat better or worse as a hint, "
                "not a verdict.")
        thin = sorted(name for name, count in per_intent.items() if count < MIN_PER_INTENT)
        if thin:
            warnings.append(
                f"Fewer than {MIN_PER_INTENT} examples of {_names(thin)}: their scores "
                "can swing by a third on a single message.")
        if uncovered:
            warnings.append(f"No examples at all of {len(uncovered)} intents "
                            f"({_names(uncovered)}): changes to those cannot be seen.")
    return HeldOutCheck(examples=total, per_intent=dict(per_intent), problems=tuple(problems),
                        warnings=tuple(warnings), uncovered=uncovered)


def check_file(path: Path, *, known_intents: Iterable[str] = (),
               where: str | None = None) -> HeldOutCheck:
    """Check the held-out file at ``path`` (a missing file is a blocking problem)."""
    from bot.trainers.nlu_files import LabellingError, NluIndex

    shown = where or path.name
    if not path.is_file():
        return HeldOutCheck(examples=0, per_intent={}, problems=(
            f"There is no held-out set yet ({shown} does not exist), so there is nothing to "
            "score the models on. Set real messages aside with Hold out for testing in the "
            "inbox (dpa inbox label ID INTENT --holdout).",))
    try:
        index = NluIndex.load(path)
    except LabellingError:
        return HeldOutCheck(examples=0, per_intent={}, problems=(
            f"The held-out set ({shown}) is not valid YAML: fix or remove the broken lines "
            "by hand.",))
    return check_examples(index.intent_by_example.values(), known_intents=known_intents,
                          where=shown)
