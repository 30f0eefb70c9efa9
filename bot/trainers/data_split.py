"""Held-out data cut from the training data itself, for comparing two versions of it.

Until trainers have set real messages aside (``tests/nlu/holdout.yml``), ``dpa evaluate
--split`` compares the training data at a git revision (the baseline, ``HEAD`` by default:
what was last committed) with ``data/nlu`` as it is now (with the trainers' new labels).
Both are trained without the same held-out examples and scored on them.

An example is held out when the hash of its normalised text says so (one in
``HOLDOUT_ONE_IN``), not by position or random draw: the same sentence is held out in every
version of the data, so adding examples never moves old ones between train and test.
"""
from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.trainers.nlu_files import _examples, _Loader, normalise

HOLDOUT_ONE_IN = 5


def is_held_out(example: str, one_in: int = HOLDOUT_ONE_IN) -> bool:
    digest = hashlib.sha256(normalise(example).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % one_in == 0


@dataclass
class NluData:
    """Intent examples (raw lines, annotations kept) and the other NLU items (regexes,
    lookups, synonyms), from one version of data/nlu."""

    examples: dict[str, list[str]] = field(default_factory=dict)
    other_items: list[dict] = field(default_factory=list)

    def add_document(self, text: str) -> None:
        document = yaml.load(text, Loader=_Loader) or {}
        for item in document.get("nlu") or []:
            if not isinstance(item, dict):
                continue
            if "intent" in item:
                self.examples.setdefault(str(item["intent"]), []).extend(
                    _examples(item.get("examples"))
                )
            else:
                self.other_items.append(item)

    @classmethod
    def from_directory(cls, nlu_dir: Path) -> NluData:
        data = cls()
        for path in sorted(nlu_dir.rglob("*.yml")):
            data.add_document(path.read_text(encoding="utf-8"))
        return data

    @classmethod
    def from_git(cls, root: Path, revision: str, nlu_path: str = "data/nlu") -> NluData:
        """data/nlu as committed at ``revision`` (``git show``; nothing checked out)."""
        listing = _git(root, "ls-tree", "-r", "--name-only", revision, "--", nlu_path)
        data = cls()
        for name in sorted(line for line in listing.splitlines() if line.endswith(".yml")):
            data.add_document(_git(root, "show", f"{revision}:{name}"))
        return data

    def digest(self) -> str:
        """Changes with any example, label, regex, lookup or synonym (not with comments)."""
        canonical = sorted((intent, sorted(normalise(e) for e in examples))
                           for intent, examples in self.examples.items())
        others = sorted(yaml.safe_dump(item, sort_keys=True) for item in self.other_items)
        return hashlib.sha256(repr((canonical, others)).encode("utf-8")).hexdigest()


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def _document(examples: dict[str, list[str]], other_items: list[dict]) -> str:
    items: list[dict] = []
    for intent in sorted(examples):
        if examples[intent]:
            block = "".join(f"- {example}\n" for example in examples[intent])
            items.append({"intent": intent, "examples": block})
    items.extend(other_items)
    return yaml.safe_dump({"version": "3.1", "nlu": items}, sort_keys=False,
                          allow_unicode=True, width=10_000)


@dataclass(frozen=True)
class Split:
    before_train: Path
    after_train: Path
    held_out: Path
    n_held_out: int


def write_split(before: NluData, after: NluData, out_dir: Path) -> Split:
    """Training files for both versions without the held-out examples, and the held-out file
    (the newer version's examples and labels)."""
    held_out_texts = {
        normalise(example)
        for examples in after.examples.values() for example in examples if is_held_out(example)
    }

    def train(data: NluData) -> dict[str, list[str]]:
        return {
            intent: [e for e in examples if normalise(e) not in held_out_texts]
            for intent, examples in data.examples.items()
        }

    held = {
        intent: [e for e in examples if normalise(e) in held_out_texts]
        for intent, examples in after.examples.items()
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = Split(out_dir / "before_train.yml", out_dir / "after_train.yml",
                  out_dir / "held_out.yml", sum(len(v) for v in held.values()))
    paths.before_train.write_text(_document(train(before), before.other_items), encoding="utf-8")
    paths.after_train.write_text(_document(train(after), after.other_items), encoding="utf-8")
    paths.held_out.write_text(_document(held, []), encoding="utf-8")
    return paths
