"""Names found by the words around them, after the list- and cue-based passes.

These are the shapes in which a resident names someone without "my name is": a name that is
also an ordinary word ("Grace here", "tell Penny", "the warden, Pat,", "my mum is Angel",
"Grace (my carer)", "a guy called Rich Young"), a sign-off after a dash or comma ("thanks
hun - bex", "only email me, Carys", "Diolch, Siân"), a name before "is my name" or "here",
and the rest of a name a first pass left beside its placeholder ("[NAME]-hoon",
"[NAME]. mahmood", "[NAME] an t-Saoir", "ruby and [NAME]", "[NAME], j-a-n, not jane").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from re import Match

from bot.trainers.redaction_names import (
    RELATION,
    could_be_name,
    is_english,
    is_known_name,
    lexicon,
)
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

NAME = "[NAME]"
_CAP = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+(?:-[A-Za-zß-öø-ÿ]+)?"
_LOWER = r"[a-zß-öø-ÿ][a-zß-öø-ÿ'’]+(?:-[a-zß-öø-ÿ]+)?"
_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zß-öø-ÿ'’]*(?:-[A-Za-zß-öø-ÿ]+)?"
_MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
_ROLE = (
    r"(?:" + RELATION + r"|warden|caretaker|inspector|assessor|receptionist|advisor|adviser|"
    r"guy|man|woman|lady|bloke|girl|chap|fella|person|lad)"
)


# Farewells and text-speak that end a message: no signature.
_FAREWELLS = frozenset("ta-ra tara tarra ttfn cya bye byee laters cheerio pls plz thx ty asap "
                       "hun xx xxx".split())


def _plain(word: str) -> bool:
    """An ordinary word that is no name here."""
    low = word.lower().strip("'’")
    return (low in COMMON_WORDS or low in NOT_STREET_NAME or low in _MONTHS_AND_DAYS
            or (is_english(low) and not could_be_name(low)))


def _named(word: str) -> bool:
    """A word that is a name here: on a name list, or no English word."""
    low = word.lower()
    if low in COMMON_WORDS or low in NOT_STREET_NAME or low in _MONTHS_AND_DAYS:
        return False
    return is_known_name(word) or not is_english(word)


def _all_named(words: str) -> bool:
    parts = re.findall(_WORD, words)
    return bool(parts) and all(_named(w) for w in parts)


def _replace_group(pattern: re.Pattern[str], test: Callable[[str], bool],
                   group: int = 1) -> Callable[[str], str]:
    """A pass replacing ``group`` of each match of ``pattern`` with [NAME] when ``test``
    says the words there are a name."""

    def replace(match: Match[str]) -> str:
        if not test(match.group(group)):
            return match.group(0)
        start, end = match.span(group)
        whole = match.group(0)
        return whole[: start - match.start()] + NAME + whole[end - match.start():]
    return lambda text: pattern.sub(replace, text)


_HERE = re.compile(r"(?:^|(?<=[.!?]\s)|(?i:(?<=^hi,\s)|(?<=^hi\s)|(?<=^hello,\s)|(?<=^hiya\s)))("
                   + _CAP + r"(?:\s+" + _CAP + r"){0,2})\s+here\b")
_IS_MY_NAME = re.compile(r"^(" + _WORD + r"(?:\s+" + _WORD + r"){0,2})\s+(?:is|'s)\s+my\s+"
                         r"(?:full\s+)?name\b", re.I)
_HERE_APPOSITION = re.compile(r"\[NAME\]\s+here,\s+(" + _WORD + r"(?:\s+" + _WORD + r")?),")
_VERB_CUE = re.compile(r"\b(?i:tell|let|ask|thank|email|e-mail|ring|phone|cc|inform|told|"
                       r"remind|message|text)\s+(" + _CAP + r"(?:\s+" + _CAP + r")?)\b")
_ROLE_CUE = re.compile(
    r"\b(?i:the|my|our|a|his|her)\s+(?i:" + _ROLE + r")(?:,\s+|\s+(?i:was|is)\s+)("
    + _CAP + r"(?:\s+" + _CAP + r")?)\b")
_CALLED = re.compile(r"\b(?i:a|the|my|some)\s+(?i:" + _ROLE + r")\s+(?i:called|named)\s+("
                     + _WORD + r"(?:\s+" + _CAP + r")?)\b")
_PARENTHESIS = re.compile(r"\b(" + _CAP + r")\s*\((?i:my|our|his|her|their)\s+(?i:" + _ROLE
                          + r")\)")
_TRAILING = re.compile(r"(?:[,\-–—]|\b(?i:diolch|hwyl|ta|hun))\s*(" + _WORD + r")\s*[.!x]*\s*$")
_ACCENTED = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]*[à-öø-ÿ][a-zß-öø-ÿ]*\b")
_INTRO = re.compile(r"\b(?i:it'?s|i'?m|this\s+is|i\s+am)\s+((?:" + _CAP + r"\s+)?" + _CAP + r")\b")
_GLUED = re.compile(r"\[NAME\]-[A-Za-zß-öø-ÿ]+|[A-Za-zß-öø-ÿ]+-\[NAME\]")
_AFTER_NAME = re.compile(r"\[NAME\](?:\.?\s+)(" + _LOWER + r")\b(?=(\s*(?:[.,;:!?)]|$))?)")
_GAELIC = re.compile(r"\[NAME\]\s+(?i:an\s+t-|mac\s+|nic\s+|ó\s+|ui\s+|ní\s+|ap\s+)"
                     r"[A-Za-zß-öø-ÿ'’\-]+")
_AND_NAME = re.compile(r"\b(" + _WORD + r")\s+(?:and|&)\s+\[NAME\]|\[NAME\]\s+(?:and|&)\s+("
                       + _WORD + r")\b")
_SPELT = re.compile(r"(\[NAME\],?\s+)[a-z](?:-[a-z]){2,}\b")
_NOT_NAME = re.compile(r"(\[NAME\][^.!?\n]{0,30}?\bnot\s+)(" + _WORD + r")\b")
_O_NAME = re.compile(r"\b(?:(" + _WORD + r")\s+)?[oO]['’](?!clock)[A-Za-z]{3,}\b")


def _and_name(match: Match[str]) -> str:
    word = match.group(1) or match.group(2)
    if not could_be_name(word) and (is_english(word) or not word[0].isalpha()):
        return match.group(0)
    return match.group(0).replace(word, NAME, 1)


def _o_name(match: Match[str]) -> str:
    first = match.group(1)
    if first and could_be_name(first):
        return NAME
    return (match.group(0)[: match.start(0) - match.start(0) + len(first) + 1] + NAME
            if first else NAME)


def _after_name(match: Match[str]) -> str:
    """The rest of a name beside its placeholder: a word on a name list, or a non-English
    word that ends the clause ("[NAME] mahmood."), not text-speak that carries on the
    sentence ("[NAME] pls send me my data")."""
    word = match.group(1)
    if _plain(word) or is_english(word) or word.lower() in _FAREWELLS:
        return match.group(0)
    ends_clause = match.group(2) is not None
    if not (is_known_name(word) or ends_clause):
        return match.group(0)
    return NAME


# A first name alone at the very end, where a signature goes: on its own line, after a dash
# or after a question ("- Will", "What ID do you accept?\nMark", "Is it free? Dawn"). There a
# name that is also an ordinary word ("Will", "Mark", "Dawn") is a name.
_LAST_WORD_SIGNED = re.compile(r"(?:\n|[?!]\s+|\s[-–—]\s*)(" + _CAP + r")\s*[.!x]*\s*$")
# A lower-case first name opening the message before "here", "speaking", "at the", "from
# the" ("frankie here again", "nicola at the food bank told me ...").
_LOWER_OPENING = re.compile(r"^(" + _LOWER + r")\s+(?=here\b|speaking\b|(?:at|from)\s+the\b)")
# The capitalised rest of a name after an initial ("[NAME]. Oyelaran" at the end of a line).
_AFTER_INITIAL = re.compile(r"\[NAME\]\.?\s+(" + _CAP + r")(?=\s*(?:[.,;:!?)\n]|$))")


def _signed_first_name(word: str) -> bool:
    low = word.lower()
    return (low in lexicon().first and low not in _MONTHS_AND_DAYS and low not in _FAREWELLS
            and low not in NOT_STREET_NAME)


def _opening_name(word: str) -> bool:
    """No English word (a name on no list too: "priyanka here"), and no text-speak."""
    return not is_english(word) and not _plain(word) and word not in _FAREWELLS


_PASSES = [
    _replace_group(_IS_MY_NAME, lambda w: all(not _plain(p) for p in w.split())),
    _replace_group(_HERE, lambda w: not all(_plain(p) for p in w.split())
                   and not _plain(w.split()[-1]) or all(_named(p) for p in w.split())),
    _replace_group(_HERE_APPOSITION, lambda w: all(could_be_name(p) or not is_english(p)
                                                   for p in re.findall(_WORD, w))),
    _replace_group(_VERB_CUE, lambda w: _all_named(w) and is_known_name(w.split()[0])),
    _replace_group(_ROLE_CUE, lambda w: _all_named(w)),
    _replace_group(_CALLED, lambda w: _all_named(w) or could_be_name(w.split()[0])),
    _replace_group(_PARENTHESIS, lambda w: _named(w)),
    _replace_group(_INTRO, lambda w: not is_english(w.split()[-1])
                   and w.split()[-1].lower() not in COMMON_WORDS),
    _replace_group(_ACCENTED, lambda w: not is_english(w), group=0),
    _replace_group(_TRAILING, lambda w: _named(w) and len(w) >= 3
                   and w.lower() not in _FAREWELLS),
    _replace_group(_LAST_WORD_SIGNED, _signed_first_name),
    _replace_group(_LOWER_OPENING, _opening_name),
]


def redact_names_by_context(text: str) -> str:
    """``text`` with the names above replaced by [NAME]."""
    for apply in _PASSES:
        text = apply(text)
    text = _O_NAME.sub(_o_name, text)
    if NAME not in text:
        return text
    for _ in range(2):
        text = _GLUED.sub(NAME, text)
        text = _GAELIC.sub(NAME, text)
        text = _AFTER_NAME.sub(_after_name, text)
        text = _AFTER_INITIAL.sub(lambda m: NAME if not _plain(m.group(1))
                                  and not is_english(m.group(1)) else m.group(0), text)
        text = _AND_NAME.sub(_and_name, text)
        text = _SPELT.sub(lambda m: m.group(1) + NAME, text)
        text = _NOT_NAME.sub(lambda m: m.group(1) + NAME if could_be_name(m.group(2))
                             or not is_english(m.group(2)) else m.group(0), text)
    return text
