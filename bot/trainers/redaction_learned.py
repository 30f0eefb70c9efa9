"""A learned recogniser beside the redaction rules: a token-level CRF over the corpora's spans.

Four rounds of hand-written rules each fitted the corpus they were tuned on and carried over
only partly to the next one written apart (docs/trainers.md, "How well redaction works").
This recogniser learns from every span the development corpora annotate instead: a linear
chain CRF (python-crfsuite, which Rasa already installs with sklearn-crfsuite) over the
features of :mod:`bot.trainers.redaction_features`, the rules' own output among them.
Redaction is the rules' output plus whatever the CRF marks that the rules kept (a union), so
recall can only rise; what it costs is in precision and the labelling phrases kept.

**Where the model lives.** ``redaction_crf.crfsuite`` beside this module (committed; a few
hundred kilobytes, read in milliseconds), with
``redaction_crf.json``: the parameters, the corpora it was trained on, and the SHA-256 of
the training data as the trainer saw it (every token's features and label, so the corpora,
the feature code and the rules' output all count). ``tests/trainers/test_redaction_learned.py``
fails when that hash no longer matches, so a change to a corpus, a feature or a rule that
the model would see differently says so, and::

    python -m bot.trainers.redaction_learned            # rebuild the model (about a minute)
    python -m bot.trainers.redaction_learned --check    # is the shipped model up to date?

rebuilds it. Training is deterministic: L-BFGS with fixed parameters and no sampling, on the
messages in file order, so the same data gives the same weights. Trained at build time
instead, every install would need the corpora and a minute of CPU, and the web app could
not redact before it finished. No model file (a checkout without one) means the rules alone.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from bot.trainers.redaction_features import (
    KEPT,
    OUTSIDE,
    Alignment,
    align,
    crfsuite_items,
    features,
    token_labels,
    tokens,
)
from bot.trainers.redaction_published import published_spans

MODEL_PATH = Path(__file__).with_name("redaction_crf.crfsuite")
META_PATH = MODEL_PATH.with_suffix(".json")
# Chosen by cross-validation on corpora 1-3 (docs/trainers.md).
PARAMS: dict[str, object] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 200,
    "feature.possible_transitions": True,
}
# A token the rules kept is replaced when the CRF gives its label at least this probability.
THRESHOLD = 0.35
# UK identifiers written in Latin letters and digits, or spelt out in English ("see aitch
# one"): a token with neither an ASCII letter nor a digit is never one of them, whatever its
# shape ("жжж ффф ыыы" is not a postcode).
DIGIT_KINDS = frozenset({"POSTCODE", "PHONE", "NI_NUMBER", "NUMBER", "CARD_NUMBER",
                         "VEHICLE_REG", "IP_ADDRESS", "LICENCE_NUMBER"})
# Languages a resident asks for or speaks ("I speak Urdu", "in Punjabi please"): never a
# name, however name-like their shape (the CRF retrained on five corpora took "Urdu" for one).
LANGUAGE_WORDS = frozenset({
    "albanian", "amharic", "arabic", "bengali", "bsl", "cantonese", "chinese", "czech",
    "dari", "english", "farsi", "french", "german", "greek", "gujarati", "hindi", "hungarian",
    "italian", "kurdish", "latvian", "lithuanian", "makaton", "mandarin", "nepali", "pashto",
    "persian", "polish", "portuguese", "punjabi", "romanian", "russian", "slovak", "somali",
    "spanish", "sylheti", "tamil", "tigrinya", "turkish", "twi", "ukrainian", "urdu",
    "vietnamese", "welsh", "yoruba",
})
# Share of training messages shown without the rules' output (1.0: none shown it).
RULE_DROPOUT = 1.0
SEED = 12
_GLUED_BRACKETS = re.compile(r"\](?=[\[({])")

RulesFn = Callable[[str], str]


def _rules() -> RulesFn:
    from bot.trainers.redaction import redact_by_rules

    return redact_by_rules


def training_corpora() -> list[Path]:
    """The six development corpora. The fourth, the fifth and the sixth were each added
    after the model trained on the ones before had been measured on it once
    (docs/trainers.md); the sixth after its annotation was trimmed to the data itself."""
    from bot.trainers.redaction_score import (
        CORPUS,
        FIFTH_CORPUS,
        FOURTH_CORPUS,
        FRESH_CORPUS,
        SIXTH_CORPUS,
        THIRD_CORPUS,
    )

    return [CORPUS, FRESH_CORPUS, THIRD_CORPUS, FOURTH_CORPUS, FIFTH_CORPUS, SIXTH_CORPUS]


NEGATIVES_PATH = Path(__file__).resolve().parents[2] / "tests" / "redaction" / "kept_examples.txt"
_NEGATIVE_FILES = ("conversation", "questions", "requests", "out_of_scope")


def write_negatives() -> int:
    """Snapshot ``data/nlu``'s examples that carry no entity annotation and that the rules
    leave unchanged into :data:`NEGATIVES_PATH`: messages in residents' register with no
    personal data, which the CRF learns to keep (the corpora alone have too few look-alikes,
    and a CRF trained on them took "faith", "meeting" and "Urdu"). A snapshot, not read
    live, so that adding an NLU example does not make the shipped model stale."""
    import yaml

    from bot.trainers.nlu_files import _examples

    rules = _rules()
    nlu = NEGATIVES_PATH.parents[2] / "data" / "nlu"
    seen: set[str] = set()
    out: list[str] = []
    for name in _NEGATIVE_FILES:
        data = yaml.safe_load((nlu / f"{name}.yml").read_text(encoding="utf-8"))
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for example in _examples(block.get("examples")):
                if "](" in example or "]{" in example or example in seen:
                    continue
                seen.add(example)
                if rules(example) == example:
                    out.append(example)
    header = ("# Messages with no personal data that redaction must keep: data/nlu's examples\n"
              "# without entity annotations that the rules leave unchanged, one a line.\n"
              "# Written by: python -m bot.trainers.redaction_learned --negatives\n")
    NEGATIVES_PATH.write_text(header + "\n".join(out) + "\n", encoding="utf-8")
    return len(out)


def negatives() -> list[str]:
    if not NEGATIVES_PATH.exists():
        return []
    lines = NEGATIVES_PATH.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _without_rules(feats: list[dict[str, str | bool]]) -> list[dict[str, str | bool]]:
    return [{k: v for k, v in f.items() if "rule" not in k} for f in feats]


def sequences(corpora: Iterable[Path], rules: RulesFn | None = None,
              with_negatives: bool = True) -> list[tuple[list[dict[str, float]], list[str]]]:
    """Every message of ``corpora`` as the trainer sees it: token features and labels.

    The rules were tuned on these corpora, so on them their output is nearly always right;
    a CRF shown it on every message learns only to copy it, and copies its misses on text
    written apart too. So a share of messages (``RULE_DROPOUT``, chosen by a seeded
    generator: the same messages every time) is shown without it. Cross-validation chose
    1.0 (never shown: docs/trainers.md), so the CRF learns from the words alone; the
    kept examples (:func:`negatives`) follow the corpora, every token "none"."""
    from bot.trainers.redaction_score import load_corpus

    rules = rules or _rules()
    chooser = random.Random(SEED)
    out = []
    for path in corpora:
        for message in load_corpus(path):
            text = message.text
            feats = features(text, align(text, rules(text)).labels, published_spans(text))
            if chooser.random() < RULE_DROPOUT:
                feats = _without_rules(feats)
            labels = token_labels(text, tokens(text),
                                  [(item.kind, item.text) for item in message.items])
            out.append((crfsuite_items(feats), labels))
    if with_negatives:
        for text in negatives():
            feats = _without_rules(features(text, align(text, text).labels,
                                            published_spans(text)))
            out.append((crfsuite_items(feats), [OUTSIDE] * len(feats)))
    return out


def data_hash(data: Sequence[tuple[list[dict[str, float]], list[str]]]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([PARAMS, RULE_DROPOUT, SEED], sort_keys=True).encode())
    for items, labels in data:
        digest.update(json.dumps([sorted(item) for item in items]).encode())
        digest.update(json.dumps(labels).encode())
    return digest.hexdigest()


def train(data: Sequence[tuple[list[dict[str, float]], list[str]]], model_path: Path) -> None:
    """Fit the CRF to ``data`` and write it to ``model_path`` (deterministic)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(PARAMS)
    for items, labels in data:
        trainer.append(pycrfsuite.ItemSequence(items), labels)
    trainer.train(str(model_path))


class Recogniser:
    """A trained model: which tokens of a message it marks, and the message with them
    replaced in the rules' output."""

    def __init__(self, model_path: Path, threshold: float = THRESHOLD,
                 see_rules: bool = True) -> None:
        import pycrfsuite

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.threshold = threshold
        self.see_rules = see_rules
        self._labels = [name for name in self._tagger.labels() if name != OUTSIDE]

    def marks(self, text: str, alignment: Alignment) -> list[str]:
        """The label of each of ``tokens(text)``: a placeholder's name where the CRF marks
        a token the rules kept, else ``O``."""
        published = published_spans(text)
        feats = features(text, alignment.labels, published)
        if not self.see_rules:
            feats = _without_rules(feats)
        if not feats:
            return []
        tagger = self._tagger
        tagger.set(pycrfsuite_items(feats))
        tagger.tag()  # computes the marginals
        out = []
        for i, token in enumerate(tokens(text)):
            label = OUTSIDE
            rules_kept = all(alignment.labels[c] == KEPT for c in range(token.start, token.end))
            if (rules_kept and not feats[i]["published"]
                    and tagger.marginal(OUTSIDE, i) <= 1 - self.threshold):
                label = max(self._labels, key=lambda name: tagger.marginal(name, i))
                latin = any(ch.isascii() and ch.isalnum() for ch in token.text)
                if tagger.marginal(label, i) < self.threshold or (
                        label in DIGIT_KINDS and not latin) or (
                        label == "NAME" and token.text.lower() in LANGUAGE_WORDS):
                    label = OUTSIDE
            out.append(label)
        return out

    def redact(self, text: str, redacted: str) -> str:
        """``redacted`` (the rules' output for ``text``) with what the CRF marks replaced too."""
        alignment = align(text, redacted)
        marks = self.marks(text, alignment)
        if all(mark == OUTSIDE for mark in marks):
            return redacted
        return _merge(text, redacted, alignment, tokens(text), marks)


def pycrfsuite_items(feats: list[dict[str, str | bool]]) -> object:
    import pycrfsuite

    return pycrfsuite.ItemSequence(crfsuite_items(feats))


def _merge(text: str, redacted: str, alignment: Alignment, toks: list, marks: list[str]) -> str:
    """The rules' output, with each run of marked tokens in a kept stretch replaced by one
    placeholder (the characters between two tokens of one run go with them)."""
    marked: list[str | None] = [None] * len(text)
    run_start: int | None = None
    for i, token in enumerate(toks):
        label = marks[i]
        if label == OUTSIDE:
            continue
        same_as_next = i + 1 < len(toks) and marks[i + 1] == label
        if run_start is None:
            run_start = token.start
        if not same_as_next:
            for c in range(run_start, token.end):
                marked[c] = label
            run_start = None
    out: list[str] = []
    for tag, i1, i2, j1, j2 in alignment.opcodes:
        if tag != "equal":
            out.append(redacted[j1:j2])
            continue
        i = i1
        while i < i2:
            mark = marked[i]
            if mark is None:
                out.append(text[i])
                i += 1
                continue
            while i < i2 and marked[i] == mark:
                i += 1
            out.append(f"[{mark}]")
    return _GLUED_BRACKETS.sub("] ", "".join(out))


@functools.lru_cache(maxsize=1)
def shipped() -> Recogniser | None:
    """The committed model, opened once per process; ``None`` when there is none."""
    return Recogniser(MODEL_PATH) if MODEL_PATH.exists() else None


def metadata() -> dict[str, object]:
    return json.loads(META_PATH.read_text(encoding="utf-8"))


def rebuild(corpora: list[Path] | None = None) -> dict[str, object]:
    corpora = corpora or training_corpora()
    data = sequences(corpora)
    train(data, MODEL_PATH)
    from bot.config import PROJECT_ROOT

    meta: dict[str, object] = {
        "trained_on": [str(p.relative_to(PROJECT_ROOT)) for p in corpora],
        "messages": len(data),
        "kept_examples": len(negatives()),
        "params": PARAMS,
        "threshold": THRESHOLD,
        "data_sha256": data_hash(data),
        "model_sha256": hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest(),
    }
    META_PATH.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    shipped.cache_clear()
    return meta


def is_current() -> bool:
    """Whether the shipped model was trained on the data the corpora give today."""
    from bot.config import PROJECT_ROOT

    meta = metadata()
    corpora = [PROJECT_ROOT / str(p) for p in meta["trained_on"]]  # type: ignore[attr-defined]
    model = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    return meta["data_sha256"] == data_hash(sequences(corpora)) and meta["model_sha256"] == model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.trainers.redaction_learned")
    parser.add_argument("--negatives", action="store_true",
                        help="rewrite the snapshot of NLU examples the CRF learns to keep")
    parser.add_argument("--check", action="store_true",
                        help="only say whether the shipped model matches its training data")
    args = parser.parse_args(argv)
    if args.negatives:
        print(f"{write_negatives()} examples written to {NEGATIVES_PATH.name}")
        return 0
    if args.check:
        current = is_current()
        print("up to date" if current else "stale: run python -m bot.trainers.redaction_learned")
        return 0 if current else 1
    meta = rebuild()
    print(f"trained on {meta['messages']} messages: {MODEL_PATH.name} "
          f"({MODEL_PATH.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
