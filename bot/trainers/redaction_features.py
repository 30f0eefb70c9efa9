"""What the learned recogniser sees of each word: tokens, their features, and their labels.

The recogniser (:mod:`bot.trainers.redaction_learned`) is a token-level CRF. Each token of
a message is described by its shape and affixes, its neighbours, whether it is on one of
the lists the rules use (Faker's first names and surnames, English words, street types,
the special category vocabularies of :mod:`bot.trainers.redaction_special_terms`), and
what the rules did to it: the placeholder that replaced it, or nothing. So the model learns
where the rules are right and where the words around a kept token look like those around
a replaced one.

One home for the alignment of a message with the rules' output too, since the recogniser
needs it twice: as a feature, and to add its own placeholders to the rules' output.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from bot.trainers import redaction_special_terms as terms
from bot.trainers.redaction_names import lexicon
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME, STREET_TYPES

# Letters and digits in runs, every other visible character on its own.
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_PLACEHOLDER = re.compile(r"\[([A-Z_]+)\]")
_STREET_TYPE = re.compile(STREET_TYPES, re.IGNORECASE)
_TITLES = frozenset("mr mrs ms miss mx dr prof sir dame lady lord rev cllr".split())
OUTSIDE = "O"
KEPT = "-"

# Which placeholder each annotated kind of the corpora is written as (the rules' own).
KIND_LABEL = {
    "name": "NAME", "email": "EMAIL", "phone": "PHONE", "postcode": "POSTCODE",
    "address": "ADDRESS", "date_of_birth": "DATE", "case_reference": "REFERENCE",
    "ni_number": "NI_NUMBER", "nhs_number": "NUMBER", "account_number": "NUMBER",
    "passport_number": "NUMBER", "ip_address": "IP_ADDRESS", "card_number": "CARD_NUMBER",
    "bank_account": "BANK_DETAILS", "vehicle_registration": "VEHICLE_REG",
    "driving_licence_number": "LICENCE_NUMBER", "health": "HEALTH", "ethnicity": "ETHNICITY",
    "religion": "RELIGION", "sexuality": "SEXUALITY", "gender_identity": "GENDER_IDENTITY",
    "politics": "POLITICS", "trade_union": "TRADE_UNION", "criminal_offence": "OFFENCE",
    "genetic_biometric": "BIOMETRIC",
}


class Token(NamedTuple):
    start: int
    end: int
    text: str


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=1)
def _special_words() -> dict[str, str]:
    """Each word of a special category phrase, with the category it first appears in."""
    vocabularies = {
        "HEALTH": terms.HEALTH, "RELIGION": terms.RELIGION, "ETHNICITY": terms.ETHNICITY,
        "SEXUALITY": terms.SEXUALITY, "GENDER": terms.GENDER, "POLITICS": terms.POLITICS,
        "UNION": terms.UNION, "OFFENCE": terms.OFFENCE, "BIOMETRIC": terms.BIOMETRIC,
    }
    out: dict[str, str] = {}
    for category, phrases in vocabularies.items():
        for phrase in phrases.split("|"):
            for word in re.findall(r"[a-z0-9]+", phrase.lower()):
                if word not in NOT_STREET_NAME and word not in COMMON_WORDS and len(word) > 2:
                    out.setdefault(word, category)
    return out


class Alignment(NamedTuple):
    """A message against the rules' output: for each character of the message, ``-`` when
    the rules kept it, else the name of the placeholder that took its place (``NAME``), or
    ``O`` when it went without one; and :class:`difflib.SequenceMatcher`'s opcodes."""

    labels: list[str]
    opcodes: list[tuple[str, int, int, int, int]]


def align(text: str, redacted: str) -> Alignment:
    """Which characters of ``text`` the rules replaced in ``redacted``, and by what."""
    # The placeholders' own letters must not be paired with the resident's (as in scoring).
    owner = [""] * len(redacted)
    for match in _PLACEHOLDER.finditer(redacted):
        for i in range(match.start(), match.end()):
            owner[i] = match.group(1)
    masked = _PLACEHOLDER.sub(lambda m: "\0" * len(m.group(0)), redacted)
    labels = [KEPT] * len(text)
    matcher = difflib.SequenceMatcher(None, text, masked, autojunk=False)
    opcodes: list[tuple[str, int, int, int, int]] = list(matcher.get_opcodes())
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        label = next((owner[j] for j in range(j1, j2) if owner[j]), OUTSIDE)
        for i in range(i1, i2):
            labels[i] = label
    return Alignment(labels, opcodes)


def _shape(word: str) -> str:
    shape = re.sub(r"[A-ZÀ-Þ]", "X", word)
    shape = re.sub(r"[a-zß-ÿ]", "x", shape)
    return re.sub(r"\d", "d", shape)


def _short_shape(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", _shape(word))


@functools.lru_cache(maxsize=65536)
def _word_features(word: str) -> dict[str, str | bool]:
    """What a word is by itself (cached: shared, never to be changed by a caller)."""
    lower = word.lower()
    lex = lexicon()
    return {
        "w": lower,
        "shape": _short_shape(word),
        "title": word[:1].isupper() and word[1:].islower(),
        "upper": word.isupper() and len(word) > 1,
        "digit": word.isdigit(),
        "first": lower in lex.first,
        "last": lower in lex.last,
        "english": lower in lex.english,
        "common": lower in COMMON_WORDS or lower in NOT_STREET_NAME,
        "street": bool(_STREET_TYPE.fullmatch(lower)),
        "special": _special_words().get(lower, ""),
        "titleword": lower in _TITLES,
    }


def _token_rule(labels: list[str], token: Token) -> str:
    seen = [labels[i] for i in range(token.start, token.end) if labels[i] != KEPT]
    return seen[0] if seen else KEPT


def features(text: str, labels: list[str],
             published: Iterable[tuple[int, int]] = ()) -> list[dict[str, str | bool]]:
    """The features of each of ``tokens(text)``, given what the rules did to each character
    (:attr:`Alignment.labels`) and where the council's published details stand."""
    toks = tokens(text)
    set_aside = [False] * len(text)
    for start, end in published:
        for i in range(start, end):
            set_aside[i] = True
    words = [_word_features(t.text) for t in toks]
    rules = [_token_rule(labels, t) for t in toks]
    out: list[dict[str, str | bool]] = []
    for i, token in enumerate(toks):
        word = token.text
        # Not the token's own rule output: on the corpora the rules were tuned on it is
        # nearly always right, and a CRF given it learns to copy the rules' misses too.
        f: dict[str, str | bool] = {"bias": True, **words[i]}
        f["published"] = set_aside[token.start]
        f["len"] = str(min(len(word), 8))
        f["p2"], f["p3"] = word[:2].lower(), word[:3].lower()
        f["s2"], f["s3"] = word[-2:].lower(), word[-3:].lower()
        f["fullshape"] = _shape(word)[:10]
        f["newline_before"] = "\n" in text[toks[i - 1].end if i else 0:token.start]
        if i == 0:
            f["BOS"] = True
        if i == len(toks) - 1:
            f["EOS"] = True
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if not 0 <= j < len(toks):
                continue
            other = words[j]
            f[f"{offset}:w"] = str(other["w"])
            f[f"{offset}:rule"] = rules[j]
            if abs(offset) == 1:
                for key in ("title", "first", "last", "english", "street", "special",
                            "shape", "titleword", "digit"):
                    f[f"{offset}:{key}"] = other[key]
        f["-1:w|w"] = f"{f.get('-1:w', '^')}|{f['w']}"
        f["w|+1:w"] = f"{f['w']}|{f.get('1:w', '$')}"
        out.append(f)
    return out


def crfsuite_items(feats: Iterable[dict[str, str | bool]]) -> list[dict[str, float]]:
    """Features as python-crfsuite takes them: one name each, true ones only."""
    out: list[dict[str, float]] = []
    for f in feats:
        item: dict[str, float] = {}
        for key, value in f.items():
            if value is True:
                item[key] = 1.0
            elif value:
                item[f"{key}={value}"] = 1.0
        out.append(item)
    return out


def token_labels(text: str, toks: list[Token], items: Iterable[tuple[str, str]]) -> list[str]:
    """The label of each token from a message's annotated ``(kind, text)`` items: every
    place the item's text occurs (any case), the shorter item first where two overlap."""
    chars = [OUTSIDE] * len(text)
    lowered = text.lower()
    for kind, item in sorted(items, key=lambda pair: -len(pair[1])):
        target = item.lower()
        start = lowered.find(target)
        while start >= 0 and target:
            for i in range(start, start + len(target)):
                chars[i] = KIND_LABEL[kind]
            start = lowered.find(target, start + 1)
    out = []
    for token in toks:
        inside = [chars[i] for i in range(token.start, token.end) if chars[i] != OUTSIDE]
        out.append(inside[0] if inside else OUTSIDE)
    return out
