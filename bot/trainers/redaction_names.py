"""People's names where no cue says "my name is": from name lists and the words around them.

Which lists: Faker's person providers (MIT licence, kept up to date, no dependencies, all
data inside the wheel so nothing is downloaded at run time). Between them its 80-odd
locales hold about 30,000 first names and 28,000 surnames, from en_GB, ga_IE and cy-style
Welsh names to yo_NG, ig_NG, ha_NG, tw_GH, en_PK, hi_IN, vi_VN, tr_TR, pl_PL, ro_RO, ar_*
and more: the spread of cultures a UK council's residents come from. Considered and not
chosen: ``gender-guesser`` (first names only, GPLv3, last released 2016) and
``names-dataset`` (millions of names, gigabytes of memory); Presidio and spaCy need
models downloaded at run time. The lists are read once per process, on first use
(Faker's import takes a second or two), then each look-up is a set membership.

Names that are also ordinary words ("Will", "May", "Grace", "Rose", "Frank", "Hall") are
only taken as names where the context says so: capitalised after a relationship ("my son
Will", "the officer Gareth"), or beside another name. A lower-case word is taken only when
it is on a list and not an English word (Faker's own English word list and
:data:`~bot.trainers.redaction_words.COMMON_WORDS`).
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from typing import NamedTuple

from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

NAME = "[NAME]"


class Lexicon(NamedTuple):
    first: frozenset[str]
    last: frozenset[str]
    english: frozenset[str]
    frequency: dict[str, int]


# An English word from pyspellchecker's dictionary counts as ordinary when it is frequent
# ("will", "hope", "jack") or, when it is not on a name list, seen at all often ("overdue",
# "forum"). Names that are also words are then decided by their context, as below.
_VERY_COMMON = 10_000
_COMMON_ENOUGH = 100


def _english_frequencies() -> dict[str, int]:
    """pyspellchecker's English word frequencies (MIT, shipped inside the wheel)."""
    import gzip
    import json
    from importlib import resources

    path = resources.files("spellchecker") / "resources" / "en.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return {str(word): int(count) for word, count in json.load(text).items()}


def _names(provider: type, part: str) -> set[str]:
    """Every list of names on the provider whose attribute says ``part`` ("first", "last";
    middle names count as first): ``last_names_female``, ``last_romanized_names``, ..."""
    out: set[str] = set()
    for klass in reversed(provider.__mro__):
        for attribute, value in vars(klass).items():
            wanted = part in attribute or (part == "first" and "middle" in attribute)
            if "name" in attribute and wanted and isinstance(value, (tuple, list, dict)):
                out.update(str(name).lower() for name in value if isinstance(name, str))
    return out


_LATIN = re.compile(r"[a-zß-öø-ÿĀ-ɏḀ-ỿ'’\-]+")


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The first names, surnames and English words, lower case (loaded once)."""
    import faker.providers.person as person
    from faker.providers.lorem.en_US import Provider as EnglishWords

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = getattr(
            importlib.import_module(f"faker.providers.person.{module.name}"), "Provider", None
        )
        if provider is None:
            continue
        first |= {n for n in _names(provider, "first") if _LATIN.fullmatch(n)}
        last |= {n for n in _names(provider, "last") if _LATIN.fullmatch(n)}
    english = {w.lower() for w in EnglishWords.word_list} | COMMON_WORDS | NOT_STREET_NAME
    english |= _MORE_ENGLISH
    frequency = _english_frequencies()
    english |= {
        word for word, count in frequency.items()
        if count >= _VERY_COMMON or (count >= _COMMON_ENOUGH and word not in first
                                     and word not in last)
    }
    return Lexicon(frozenset(first), frozenset(last), frozenset(english), frequency)


# Ordinary words residents use that are also on a name list (Faker's English list is short).
_MORE_ENGLISH = frozenset(
    """will may mark grace hope faith joy rose summer holly bill frank rob guy art page
    lane hall green long young king day white brown black gray grey wood field house
    mill moss bell hill ford bank park street road close court way view dale rich sunny
    penny ruby amber jade iris ivy dawn sky ray jack autumn april june august august june
    chase chester lincoln jordan victoria florence paris london sydney china india
    kerry carol lily poppy daisy honey angel precious blessing gift happy hunter cash
    stone storm river rain forest mercy patience prudence charity constance earnest
    ernest sue pat sandy dean major price cook parent carer son daughter husband wife
    brother sister mum dad mother father
    again also here there else yet still just even only never ever tell told said say
    delete request copy file records please thanks hello sorry
    """.split()
)

# Whom a resident names: "my son Will", "the officer Gareth", "my Unison rep Brenda".
RELATION = (
    r"(?:son|sons|daughter|daughters|child|kid|boy|girl|baby|grandson|granddaughter|"
    r"grandchild|husband|wife|partner|ex|fiance|fiancee|fiancé|fiancée|boyfriend|girlfriend|"
    r"mum|mom|mother|dad|father|parent|brother|sister|sibling|twin|aunt|auntie|uncle|"
    r"nephew|niece|cousin|gran|granny|grandma|nan|nana|grandad|grandpa|grandfather|"
    r"grandmother|stepson|stepdaughter|stepdad|stepmum|carer|carers|friend|neighbour|"
    r"neighbor|landlord|landlady|tenant|lodger|flatmate|housemate|lodger|employer|boss|"
    r"manager|colleague|solicitor|lawyer|advocate|rep|representative|steward|worker|"
    r"caseworker|officer|nurse|doctor|gp|teacher|headteacher|head|counsellor|therapist|"
    r"social\s+worker|case\s+worker|support\s+worker|key\s+worker|care\s+worker|"
    r"health\s+visitor|councillor|mp|client|patient|resident|foster\s+carers?|"
    r"foster\s+(?:mum|dad|parents?)|guardian|ward|step\w+|in-laws?|\w+-in-law)"
)
RELATION_CUE = re.compile(
    r"\b(?:my|his|her|our|their|your|the|a|dear)\s+(?:(?:\[[A-Z_]+\]|little|eldest|youngest|"
    r"oldest|older|younger|big|baby|late|new|old|former|ex|\d+\s*year\s*old|"
    r"\w+'s|case)\s+)?" + RELATION
    + r"s?(?:\s*[,(]\s*|\s+)(?:(?:is|are|was|were)\s+(?:called|named)\s+|"
    r"called\s+|named\s+)?(?!of\b)"
    # "the mother of tyler", "married to kevin", "c/o bethany ward", "FAO Joanne"
    r"|\b(?:(?:mother|father|mum|dad|parent|guardian|carer|wife|husband|son|daughter|"
    r"grandmother|grandfather|widow|widower|executor|next\s+of\s+kin)\s+of|married\s+to|"
    r"divorced\s+from|separated\s+from|engaged\s+to|living\s+with|lives\s+with|"
    r"c/o|care\s+of|fao|f\.a\.o\.|attn:?|for\s+the\s+attention\s+of)\s+",
    re.IGNORECASE,
)

_UP = "A-ZÀ-ÖØ-ÞĀ-ſ"
_WORD = re.compile(r"[\wÀ-ɏḀ-ỿ'’]+(?:-[\wÀ-ɏḀ-ỿ'’]+)*")
_NOT_A_NAME_ENDINGS = ("ing", "ed", "ly", "ful", "ous", "ive", "ble", "ment", "tion", "ness")


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@functools.lru_cache(maxsize=65536)
def is_known_name(word: str) -> bool:
    """On a first-name or surname list (any case)."""
    lex = lexicon()
    key = word.lower().replace("’", "'")
    key = re.sub(r"'s$", "", key)
    return key in lex.first or key in lex.last or (
        "-" in key and all(p in lex.first or p in lex.last for p in key.split("-"))
    )


@functools.lru_cache(maxsize=65536)
def is_ordinary(word: str) -> bool:
    """An English word that is rarely a name ("Trading", "Forum", "Park"), even when it is
    capitalised: a name list holds it only as a rare surname, if at all."""
    key = re.sub(r"'s$", "", word.lower().replace("’", "'"))
    if key in COMMON_WORDS:
        return True
    if not is_english(key):
        return False
    lex = lexicon()
    if key not in lex.first and key not in lex.last:
        return True
    return lex.frequency.get(key, 0) >= _VERY_COMMON


_WORD_MORE_THAN_NAME = 100_000


@functools.lru_cache(maxsize=65536)
def could_be_name(word: str) -> bool:
    """On a name list and not so common a word that it is seldom a name ("mark", "jack",
    "grace" can be; "will", "may", "hope" seldom are)."""
    key = re.sub(r"'s$", "", word.lower().replace("’", "'"))
    if key in COMMON_WORDS or key in NOT_STREET_NAME or key in _FUNCTION:
        return False
    return is_known_name(key) and lexicon().frequency.get(key, 0) < _WORD_MORE_THAN_NAME


@functools.lru_cache(maxsize=65536)
def is_english(word: str) -> bool:
    key = re.sub(r"'s$", "", word.lower().replace("’", "'"))
    if key in lexicon().english:
        return True
    return key.endswith(_NOT_A_NAME_ENDINGS) and not is_known_name(key)


_PARTICLES = frozenset(
    "van der den de da di du la le bin binti bint ibn al el ap von dos das del della".split()
)
_ACRONYMS = frozenset(
    """nhs gdpr dpo ico cctv dpa uk eu sar foi pcn dvla dbs gp hr it id pdf anpr hmrc dwp
    ehcp sen send asap faq rsvp ok fao cc ref tv bbc""".split()
)
_FUNCTION = frozenset(
    """is was has had and who he she they i it the a an to in on at for of with from can
    does did said told says wants needs lives works used keeps got gave wrote asked
    called rang reads handles deals set spoke went came will would should could""".split()
)
_INTRODUCTIONS = frozenset(
    """its it's im i'm name called regards thanks cheers love x by from me am is signed
    wishes sincerely faithfully dear hi hello hey xx xxx ta""".split()
)
_TITLE_WORDS = frozenset("mr mrs ms miss mx dr prof sir dame lady lord rev cllr".split())
_BRACKETED = re.compile(r"\[[A-Z_]+\]")
_SEPARATOR_AFTER_START = re.compile(r"\s*[-–—:,+&]")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    hidden = [(m.start(), m.end()) for m in _BRACKETED.finditer(text)]
    out = []
    for match in _WORD.finditer(text):
        if any(a <= match.start() < b for a, b in hidden):
            continue
        out.append((match.start(), match.end(), match.group(0)))
    return out


def _seed(word: str, after_relation: bool, after_title: bool, weak_ok: bool = False) -> bool:
    low = word.lower()
    if not word[0].isalpha() or low in NOT_STREET_NAME:
        return False
    if (after_relation or after_title) and _is_capitalised(word) and low not in _ACRONYMS:
        return True
    if low in _FUNCTION:
        return False
    if after_relation and low not in _ACRONYMS and len(word) >= 2 and (
            not is_english(word) or could_be_name(word)):
        return True  # "my daughter oyinkansola", "my partner is called jo"
    if low in _ACRONYMS or is_english(word) or len(word) < 3:
        return False
    if after_relation:
        return is_known_name(word) or _is_capitalised(word)
    # a lower-case word on a list is a name only beside another unknown word or a cue
    return is_known_name(word) and (not word.islower() or weak_ok)


@functools.lru_cache(maxsize=65536)
def _is_first_name(word: str) -> bool:
    return word.lower() in lexicon().first


def _extends(word: str, neighbour_is_lower: bool) -> bool:
    """A word beside a name that is part of it: capitalised and not an English word, or, in
    a lower-case name ("tunde adeyemi"), any word that is not English."""
    low = word.lower()
    if low in _ACRONYMS or low in _FUNCTION or not word[0].isalpha():
        return False
    if len(word) == 1:
        return word.isupper()
    if _is_capitalised(word) and low not in COMMON_WORDS and low not in NOT_STREET_NAME:
        return not word.isupper() or not is_english(word)
    if is_english(word):
        # a surname that is also a word, after a first name: "bethany ward"
        return neighbour_is_lower and word.lower() in lexicon().last and could_be_name(word)
    return neighbour_is_lower or is_known_name(word)


def redact_names(text: str) -> str:
    """Names found from the name lists, relationships and titles, each run as one [NAME]."""
    tokens = _tokens(text)
    if not tokens:
        return text
    relation_ends = {m.end() for m in RELATION_CUE.finditer(text)}
    is_name = [False] * len(tokens)
    shouting = sum(c.isupper() for c in text) > sum(c.islower() for c in text)
    for i, (start, _end, word) in enumerate(tokens):
        after_title = i > 0 and tokens[i - 1][2].lower().rstrip(".") in _TITLE_WORDS
        beside = [tokens[k][2] for k in (i - 1, i + 1) if 0 <= k < len(tokens)]
        weak_ok = (i > 0 and tokens[i - 1][2].lower() in _INTRODUCTIONS) or any(
            not is_english(b) and b[0].isalpha() and b.lower() not in _ACRONYMS for b in beside
        )
        is_name[i] = _seed(word, start in relation_ends, after_title, weak_ok)
        if (not is_name[i] and not shouting and word.isupper() and len(word) >= 3
                and word.lower() not in _ACRONYMS and not is_english(word)):
            neighbours = [tokens[k][2] for k in (i - 1, i + 1) if 0 <= k < len(tokens)]
            is_name[i] = any(n.isupper() and len(n) >= 2 and n.lower() not in _ACRONYMS
                             for n in neighbours)
    # a name typed first, before a dash or comma: "rumana akter - please stop ..."
    lead = []
    for i, (_start, end, word) in enumerate(tokens[:3]):
        if ((is_english(word) and not could_be_name(word)) or word.lower() in _ACRONYMS
                or not word[0].isalpha()):
            break
        lead.append(i)
        if _SEPARATOR_AFTER_START.match(text, end) and len(lead) >= 2:
            for j in lead:
                is_name[j] = True
            break

    def adjacent(i: int, j: int) -> bool:
        gap = text[tokens[min(i, j)][1] : tokens[max(i, j)][0]]
        return gap.strip(" .") == "" and len(gap) <= 3

    changed = True
    while changed:
        changed = False
        for i, (_s, _e, word) in enumerate(tokens):
            if is_name[i]:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(tokens) and is_name[j] and adjacent(i, j):
                    left_first_name = j == i + 1 and not word.islower() and _is_first_name(word)
                    if left_first_name or _extends(word, tokens[j][2].islower()
                                                   and word.islower()):
                        is_name[i] = changed = True
                        break
                # "Wiśniewski not Wisniewsky", "Jon or John": the other spelling of a name
                k = 2 * j - i if j < i else j + 1
                if (j < i and 0 <= k and is_name[k] and tokens[j][2].lower() in ("not", "or")
                        and _is_capitalised(word) and not is_english(word)):
                    is_name[i] = changed = True
                    break
                joined = 0 <= j < len(tokens) and is_name[j]
                gap = text[tokens[min(i, j)][1] : tokens[max(i, j)][0]] if joined else ""
                if joined and gap.strip() in ("+", "&") and _is_first_name(word):
                    is_name[i] = changed = True
                    break
                # "lily and freddie", "Jayden and Kai": a second name after "and"
                k = i - 2
                if (j == i - 1 and k >= 0 and is_name[k] and tokens[j][2].lower() == "and"
                        and (could_be_name(word) or (_is_capitalised(word)
                                                     and not is_english(word)))):
                    is_name[i] = changed = True
                    break
    # particles between two parts of a name: "Pieter van der Berg", "Yusuf bin Khalid"
    for i, (_s, _e, word) in enumerate(tokens):
        if not is_name[i] and word.lower() in _PARTICLES:
            left = i > 0 and is_name[i - 1]
            right = next((is_name[k] for k in range(i + 1, min(i + 3, len(tokens)))
                          if tokens[k][2].lower() not in _PARTICLES), False)
            if left and right:
                is_name[i] = True
    for i in range(len(tokens)):
        if is_name[i] and i + 1 < len(tokens) and tokens[i + 1][2].lower() in _PARTICLES:
            k = i + 1
            while k < len(tokens) and tokens[k][2].lower() in _PARTICLES:
                k += 1
            if k < len(tokens) and is_name[k]:
                for m in range(i + 1, k):
                    is_name[m] = True
    out: list[str] = []
    position = 0
    i = 0
    while i < len(tokens):
        if not is_name[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and is_name[j + 1] and adjacent(j, j + 1):
            j += 1
        start, end = tokens[i][0], tokens[j][1]
        out.append(text[position:start])
        out.append(NAME)
        position = end
        i = j + 1
    out.append(text[position:])
    return "".join(out)
