"""Special category data (UK GDPR Article 9 and 10) in a resident's message, by category.

Trainers may see none of it, yet they need to know that a message is *about* such data
(a request about care records from a mental health team is labelled differently from one
about bins). So each phrase becomes the placeholder of its category (``[HEALTH]``,
``[RELIGION]``, ...), not one ``[SPECIAL_CATEGORY]``: the trainer learns the topic, never
the condition, faith or offence.

Each category is a vocabulary (conditions, faiths, parties, unions, offences, ...), not a
list of messages: a term is matched with the small words that belong to it ("had a",
"on", "member of the") and the nouns that complete it ("positive", "member", "couple"), so
that no part of the phrase is left behind. Words that are also ordinary words ("black",
"white", "Green", "Unite", "church", "bi", "MS") are matched only in the shapes that make
them special category ("a black woman", "Green Party", "I'm bi", "I have MS").
"""
from __future__ import annotations

import re
from re import Pattern

from bot.trainers import redaction_special_terms as terms
from bot.trainers.redaction_special_topics import put_back_topics, set_aside_topics

HEALTH = "[HEALTH]"
ETHNICITY = "[ETHNICITY]"
RELIGION = "[RELIGION]"
SEXUALITY = "[SEXUALITY]"
GENDER_IDENTITY = "[GENDER_IDENTITY]"
POLITICS = "[POLITICS]"
TRADE_UNION = "[TRADE_UNION]"
OFFENCE = "[OFFENCE]"
BIOMETRIC = "[BIOMETRIC]"
SPECIAL_PLACEHOLDERS = (
    HEALTH, ETHNICITY, RELIGION, SEXUALITY, GENDER_IDENTITY, POLITICS, TRADE_UNION,
    OFFENCE, BIOMETRIC,
)


_FIRST_WORDS: dict[str, frozenset[str]] = {}
_TOKEN = re.compile(r"[a-z0-9+'’]+")


def _trie(phrases: list[str]) -> str:
    """The phrases as one regex shaped like a trie ("hiv", "hiv status" share "hiv"), which
    the regex engine tries in a few steps instead of one phrase after another. Longer
    phrases are tried before the shorter ones they extend."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [
            (r"[\s\-]*" if char == " " else "['’]?" if char == "'" else re.escape(char))
            + emit(child)
            for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return emit(root)


def _alt(words: str) -> str:
    """A regex alternation of the ``|``-separated phrases, longest first; spaces match any
    run of spaces or a hyphen ("self harm", "self-harm")."""
    phrases = sorted({" ".join(w.split()) for w in words.split("|") if w.strip()})
    regex = "(?:" + _trie(phrases) + ")"
    _FIRST_WORDS[regex] = frozenset(
        max(_TOKEN.findall(p.lower()), key=len) for p in phrases if _TOKEN.findall(p.lower())
    )
    return regex


# Small words that open such a phrase ("had a miscarriage", "on a psychiatric ward").
_LEAD = (
    r"(?:(?:had|(?:on|in)(?:\s+the)?|a|an|(?:a\s+)?member\s+of(?:\s+the)?|use|uses|using|type\s*[12]|"
    r"british|suffer(?:s|ing)?\s+from|diagnosed\s+with|"
    r"severe|mild|chronic|acute|long[\s\-]term|registered|partially|terminally|practising|"
    r"devout|observant|lapsed|non[\s\-]practising|born[\s\-]again|\d+\s+(?:weeks?|months?)|"
    # possessives and articles, and who says it ("my synagogue", "we're Hindu", "I was
    # arrested"), and the verbs that tie a person to the category ("wear a hijab",
    # "converted to", "canvass for", "under the gender clinic", "aelod o" = member of)
    r"half|recovering|former|ex|openly|proud|"
    r"(?:i'?m|i\s+am|we'?re|we\s+are|he'?s|she'?s|they'?re|(?:i|he|she|we|they)\s+"
    r"(?:was|were|got|have\s+been|had\s+been|'ve\s+been|'d\s+been))|"
    r"refused(?:\s+the)?|wear(?:s|ing)?|converted\s+to|reverted\s+to|under(?:\s+the)?|since\s+(?:i|my)|before\s+(?:i|my)|"
    r"after\s+(?:i|my)|organi[sz]ed(?:\s+the)?|chair(?:s|ed)?\s+the(?:\s+local)?|"
    r"(?:the\s+)?local|canvass(?:ed|ing)?\s+for|volunteer(?:ed|s)?\s+for|met\s+on|"
    r"aelod\s+o|attend(?:s|ed|ing)?|go(?:es)?\s+to|at(?:\s+the)?|"
    r"(?:got|came|come|just|been|was)\s+out\s+of|released\s+from|discussed\s+at(?:\s+an?)?|"
    r"carr(?:y|ies|ying)(?:\s+the)?|whole|"
    # a treatment or a service one is under ("treated for", "seeing the memory clinic")
    r"treated\s+for|seeing(?:\s+the)?|undergoing|referred\s+to(?:\s+the)?)\s+)*"
)
# Nouns and phrases that complete a phrase of any category ("lesbian mums", "colostomy
# bag", "restraining order against me", "PCS branch sec", "hormone clinic").
_COMMON_TAIL = (
    r"(?:[\s\-]+(?:clinic|group|groups|meeting|meetings|volunteer|volunteers|wife|husband|"
    r"partner|mums?|dads?|parents|girl|boy|teen|membership|deductions|branch(?:\s+sec(?:retary)?)?|"
    r"sec|postie|marker|pronouns|scanning|scans?(?:\s+of\s+me)?|mutation|bag|toilet|script|"
    r"plan|campaign|stall|association|carrier|on\s+me|against\s+(?:me|him|her|us)|of\s+me|at\s+home|"
    r"on\s+(?:a\s+)?(?:fridays?|saturdays?|sundays?)|youth\s+group|support\s+group|service|"
    r"from\s+(?:me|him|her|us|them)|came\s+back\s+(?:positive|negative|clear)|attendance))*"
)

_HEALTH_TERMS = _alt(terms.HEALTH)
_HEALTH_TAIL = (
    r"(?:[\s\-]+(?:positive|negative|status|diagnosis|treatment|disease|disorder|condition|carrier|"
    r"spectrum|ward|unit|clinic|user|medication|meds|tablets|problems?|issues?|"
    r"episode))*"
)
# Ordinary words in other senses: only in the shape that says a condition.
_POSSESSIVE = r"(?i:(?<=\bmy\s)|(?<=\bhis\s)|(?<=\bher\s)|(?<=\bour\s))"
_HEALTH_SHAPES = [
    _POSSESSIVE + r"(?i:nerves|operation|medication|meds|prescription|diagnosis|condition|"
    r"illness|surgery)\b(?!\s+(?i:records?|letter|form))",
    r"(?i:\b(?:surgery|operation)\s+on\s+(?:my|his|her)\s+(?:\w+))\b",
    r"\b(?:have|has|had|with|got)\s+(?:MS|ME|M\.E\.|IBS|MND|BPD|CFS|TB)\b",
    r"\bHIV\+",
    r"\bPrEP\b",
    r"\b(?:have|has|had|got|with|diagnosed\s+with)\s+ms\b(?!\s+[A-Z])",
    r"\b(?:she|wife|partner|girlfriend|daughter|i|we)\s*(?:'s|\s+is|\s+am|'m|\s+are|'re)\s+expecting\b(?!\s+(?:a\s+(?:reply|response|letter|call)|to|you|your|the|an?\s+\w+\s+from))",
]

_RELIGION_TERMS = _alt(terms.RELIGION)
_RELIGION_TAIL = (r"(?:[\s\-]+(?:celebrant|meals?|food|diet|leader|imam|priest|man|men|woman|women|"
                  r"boy|girl|family|families))*")
_RELIGION_SHAPES = [
    _POSSESSIVE + r"(?:beliefs|religious\s+beliefs)\b",
    r"\b(?:my|our|his|her|their|local)\s+church\b(?!\s+(?:road|street|lane|st|rd|way|"
    r"close|view|walk|hill|green|avenue|terrace|hall|car\s+park)\b)",
    r"\bfasting\s+for\s+ramadan\b",
    r"\b(?:attend|attends|attending|go\s+to|goes\s+to|going\s+to|at|from)\s+(?:the\s+)?"
    r"(?:(?:st\.?|saint)\s+\w+(?:'s)?\s+)?church\b(?!\s+(?:hall|road|street|lane|st|rd|way|close|view|walk|car\s+park))",
    r"\b(?:st\.?|saint)\s+\w+(?:'s)?\s+(?:church|chapel|cathedral|mosque)\b",
    r"\bchurch\s+(?:of|on)\s+[A-Z]\w+",
]

_ETHNICITY_TERMS = _alt(terms.ETHNICITY)
_ETHNICITY_TAIL = (
    r"(?:[\s\-]+(?:family|families|woman|women|man|men|person|people|background|"
    r"heritage|origin|descent|boy|girl|lad|mother|father))*"
)
# "a Polish passport" says a nationality, which is not special category data.
_NOT_NATIONALITY = (
    r"(?![\s\-]+(?:passport|citizen|citizenship|national|embassy|consulate|id|language|"
    r"translation|translator|interpreter|speaker|version|food|restaurant|takeaway|shop|"
    r"lessons?|class|classes|sea|cuisine))"
)
_ETHNICITY_SHAPES = [
    r"\b(?:black|white|brown|asian)[\s\-]+(?:woman|women|man|men|person|people|family|"
    r"families|british|african|caribbean|irish|other|european|scottish|community|boy|girl|lad|mother|father|mum|dad|"
    r"heritage|background)\b",
    r"(?<=\bas\s)(?:White|Black|Asian)\b",
    r"(?<=\bas\sa\s)(?:White|Black|Asian)\b",
    r"(?<=\bI'm\s)(?:White|Black|Asian)\b",
    r"(?i:\b(?=(?:black|white|brown|asian)\b))(?i:(?<=\bi'm\s)|(?<=\bim\s)|(?<=\bi\sam\s)|(?<=\bwe're\s)|(?<=\bwe\sare\s)|(?<=\bhe's\s)|"
    r"(?<=\bshe's\s)|(?<=\bbeing\s)|(?<=\bbecause\sof\smy\s)|(?<=\bas\sa\s))(?i:black|white|brown|asian)\b"
    r"(?!\s+(?:bin|bins|bag|bags|car|van|door|box|form|belt|paper|card|list))",
    r"\b(?:ethnic\s+origin|ethnicity|race)\s+(?:is|was|as)\s+\w+",
    r"\bAsian\b",
]

_SEXUALITY_TERMS = _alt(terms.SEXUALITY)
_SEXUALITY_TAIL = (
    r"(?:[\s\-]+(?:couple|man|men|woman|women|partner|partners|relationship|relationships|"
    r"son|daughter|people|person|marriage|wife|husband))*"
)
_SEXUALITY_SHAPES = [
    _POSSESSIVE + r"sexuality\b",r"\b(?:i'm|i\s+am|he's|she's|is|am|being|as)\s+bi\b",
                     r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|we'?re|we\s+are|they'?re)\s+(?:not\s+)?straight\b(?!\s+(?:away|after|back|to|into|from|through|up|home|forward|out|on|off))"]

_GENDER_TERMS = _alt(terms.GENDER)
_GENDER_TAIL = r"(?:[\s\-]+(?:woman|women|man|men|person|people|child|kid|son|daughter|status))*"
_GENDER_SHAPES = [
    _POSSESSIVE + r"(?:transition|pronouns)\b",
    r"\bGRC\b",
    r"\b(?:grc|gender\s+x|x\s+gender\s+marker)\b",
]

_POLITICS_TERMS = _alt(terms.POLITICS)
_POLITICS_TAIL = (
    r"(?:[\s\-]+(?:party|member|members|membership|voter|voters|supporter|supporters|"
    r"activist|activists|councillor's|councillor|candidate|campaigner|protest|protests|"
    r"march|marches|rally|demo|demonstration))*"
)
_POLITICS_SHAPES = [
    r"\b(?:Labour|Green|Reform|Liberal)(?:\s+UK)?[\s\-]+(?:party|member|members|voter|"
    r"supporter|activist|councillor's|councillor|candidate|campaigner)\b",
    r"\b(?:voted?|voting|support(?:ed)?|campaigned\s+for|member\s+of)\s+(?:the\s+)?"
    r"(?:(?:Labour|Reform(?:\s+UK)?|Green|Brexit)(?:\s+(?i:party))?|Leave|Remain|[A-Z][A-Za-z]+\s+Party)\b",
    r"\bcampaigned\s+for\s+\[[A-Z_]+\]",
    r"\bstood\s+as\s+(?:an?\s+)?\w+\s+candidate\b",
    r"\b(?:voted?|voting|support(?:ed|s)?|campaign(?:ed|s)?\s+for|member\s+of|joined)\s+(?:the\s+)?"
    r"(?:labour|reform(?:\s+uk)?|greens?|tories|tory|conservatives?|lib\s*dems?)(?:\s+party)?\b",
]

_UNION_TERMS = _alt(terms.UNION)
_UNION_TAIL = (
    r"(?:[\s\-]+(?:rep|reps|representative|member|members|membership|steward|shop\s+steward|"
    r"branch|official|officer|officers|organi[sz]er|convenor|chair|secretary|treasurer|lodge|"
    r"subs|number))*"
)
_UNION_SHAPES = [
    r"\b(?:(?:a\s+)?member\s+)?(?:in|joined|of|left|quit|rejoined)\s+(?:the\s+)?"
    r"(?:Unite|GMB|Unison|RMT|CWU|FBU|NEU|RCN)\b",
    r"\b(?:union\s+rep\s+for|member\s+of|rep\s+for)\s+the\s+[A-Z]{2,6}\b",
    r"\bUnite\s+(?:member|rep|steward|shop\s+steward)s?\b",
    r"\bas\s+a\s+Unite\b",
    r"\b(?:(?:a\s+)?member\s+of|in|joined|left|quit|rejoined|rep\s+for|with)\s+(?:the\s+)?"
    r"(?:unite|unison|gmb|rmt|cwu|fbu|neu|rcn|nasuwt|ucu|pcs|bma|usdaw)\b",
    r"\b(?:unite|unison|gmb|rmt|cwu|fbu|neu|rcn|nasuwt|ucu|pcs|bma|usdaw)\s+(?:member|rep|steward|branch|official|membership)s?\b",
]

# The acts themselves (redaction_special_terms.CRIMES), only ever matched after a cue.
_CRIMES = (
    r"(?:possession\s+of\s+(?:cannabis|drugs|heroin|cocaine|a\s+\w+|an\s+\w+)|"
    r"possession\s+of\s+\w+|" + _alt(terms.CRIMES) + r")"
)
_OFFENCE_TERMS = _alt(terms.OFFENCE)
_OFFENCE_TAIL = (
    r"(?:[\s\-]+(?:for|of|with)\s+" + _CRIMES + r"|[\s\-]+(?:record|register|officer|"
    r"sentence|conviction|orders?|inside|pending\s+(?:an?\s+)?(?:investigation|trial|charge|"
    r"enquiries|inquiries)))*"
)
_OFFENCE_SHAPES = [
    r"\b(?:(?:(?:got|came|just|been|was)\s+out\s+of|released\s+from|in|at)\s+)?HMP\s+[A-Z][a-z]+\b",
    r"\b(?:served|did|doing|sentenced\s+to)\s+(?:\d+|a|an|two|three|four|five|six|ten|eighteen)\s+(?:months?|years?|weeks?)(?:\s+inside)?\b",
    r"\b(?:\w+\s+)?(?:months?|years?|weeks?)\s+for\s+" + _CRIMES + r"\b",
    r"\b" + _CRIMES + r"\s+(?:conviction|charge|caution|offence)\b",
    r"\b(?:for|of)\s+" + _CRIMES + r"\b(?=.{0,40}\b(?:conviction|convicted|caution|prison|"
    r"sentence|court|arrested|charged)\b)",
]

_BIOMETRIC_TERMS = _alt(terms.BIOMETRIC)
_BIOMETRIC_TAIL = (
    r"(?:[\s\-]+(?:test|tests|testing|sample|samples|results?|profile|data|match|template|"
    r"sequencing|condition|screening|scan|face\s+template|templates?|maps?|"
    r"(?:of|from)\s+(?:my|his|her|our)\s+(?:face|hands?|eyes?|fingers?|voice)|letters?|reports?))*"
)
_BIOMETRIC_SHAPES = [
    r"\b[A-Z]{2,5}\d\s+gene\b",
    r"\b(?:carr(?:y|ies|ying)\s+)?(?:the\s+)?[a-z]+\s+[a-z]+\s+gene\b",
    r"\bcarrier\s+of\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\b",
]


# Families by their shape, whatever the word: "Lynch syndrome", "Addison's disease", any
# "-itis" or "-ectomy", a blood group with its value.
_NOT_MEDICAL = (
    r"(?!(?:diploma|aroma|academia|nostalgia|sympathy|empathy|apathy|antipathy|telepathy|"
    r"oklahoma|stigmata)s?\b)"
)
_MORE_HEALTH_SHAPES = [
    r"\b(?:[A-Za-z][\w\-]+(?:['’]s)?\s+){1,2}(?:syndrome|disease)\b",
    r"\b" + _NOT_MEDICAL + r"[a-z]{3,}(?:itis|ectomy|ostomy|otomy|plegia|plegic|aemia|emia|"
    r"pathy|osis)\b",
    r"\bblood\s+(?:group|type)\s*(?:is\s+)?(?:AB|A|B|O)?\s*(?:positive|negative|pos|neg|[+\-])?",
]
_MORE_GENDER_SHAPES = [
    r"\b(?:(?:since|before|after|during)\s+)?(?:my|his|her|their)\s+(?:transition|pronouns)\b",
    # "they/them", "she/her"; "he/she" only as pronouns ("can he/she ask" is no identity)
    r"\b(?:he|she|they|xe|ze|fae)\s*/\s*(?:him|her|them|xem|xir|zir|hir|faer)\b(?:\s+pronouns)?",
    r"\b(?:she|he|they)\s*/\s*(?:they|she|he)\s+pronouns\b",
    r"\b(?:my|his|her|their)\s+(?:old|previous|birth|former|legal|real|assigned)\s+"
    r"(?:gender|sex)\b",
]
_MORE_OFFENCE_SHAPES = [
    r"\bfined\s+(?:(?:me|him|her|us|them)\s+)?for\s+" + _CRIMES + r"\b",
    # "done for possession", "nicked for shoplifting", "pulled in for affray"
    r"\b(?:done|nicked|pulled\s+in|picked\s+up|lifted|busted|put\s+away)\s+for\s+" + _CRIMES
    + r"\b",
    r"\brecord\s+for\s+" + _CRIMES + r"\b",
    # the act after a word that makes it someone's: "caught drink driving", "committed tax
    # evasion", "pleaded guilty to careless driving" (redaction_special_terms.OFFENCE_CUES)
    r"\b" + _alt(terms.OFFENCE_CUES) + r"\s+(?:(?:a|an)\s+)?" + _CRIMES + r"\b",
    # a penalty given for it: "got a fine for littering", "given a fixed penalty for
    # fly-tipping", "my caution for possession"; "is there a fine for littering?" is a
    # question, so the word before says it was given (kept outside the placeholder)
    r"(?:(?<=\bgot\s)|(?<=\bgiven\s)|(?<=\bissued\s)|(?<=\breceived\s)|(?<=\bhanded\s)|"
    r"(?<=\bhad\s)|(?<=\bpaid\s)|(?<=\bme\s)|(?<=\bhim\s)|(?<=\bher\s)|(?<=\bus\s)|"
    r"(?<=\bthem\s)|(?<=\bmy\s)|(?<=\bhis\s)|(?<=\btheir\s)|(?<=\bour\s))"
    r"(?:(?:a|an)\s+)?(?:[£\w]+\s+)?" + _alt(terms.PENALTIES) + r"s?\s+for\s+"
    r"(?:(?:a|an)\s+)?" + _CRIMES + r"\b",
    r"\b\d+\s+(?:penalty\s+)?points\s+(?:on\s+(?:my|his|her)\s+licen[cs]e\s+)?for\s+\w+",
    r"\b(?:interviewed|questioned|arrested|charged|cautioned)\s+(?:me|him|her|us)\s+"
    r"(?:under\s+caution\s+)?(?:about|for|with|over)\s+" + _CRIMES + r"\b",
]
_MORE_BIOMETRIC_SHAPES = [
    r"\b(?:analysed|analyzed|recorded|measured|tracked|mapped|scanned|read)\s+(?:my|his|her|our)"
    r"\s+(?:gait|walk|face|irises|iris|veins|palms?|hands?|voice)(?:\s+to\s+(?:identify|"
    r"recogni[sz]e|track|verify)\s+(?:me|him|her|us))?\b",
    r"\b(?:matched|match|scanned|scan|recognised|recognized|captured|took|taken|stored|kept)\s+"
    r"(?:my|his|her|our)\s+(?:face|faces|fingerprints?|thumbprints?|iris|irises|retinas?|"
    r"voice|dna)\b",
]
_MORE_POLITICS_SHAPES = [
    r"\banti[\s\-]\w+\s+(?:protest|campaign|march|rally|demo|group|movement)s?\b",
]
_MORE_UNION_SHAPES = [
    r"\b(?:an?\s+)?(?:Equity|Unite|Community|Prospect|Accord|Unity)\s+(?:member|rep|steward|"
    r"branch|membership)s?\b",
]

def _words(text: str) -> frozenset[str]:
    """The message's words, each also without a plural "s" ("buddhists" finds "buddhist")."""
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    tokens += [t[:-2] for t in tokens if t.endswith("'s")]
    return frozenset(tokens) | {t[:-1] for t in tokens if t.endswith("s")}


class _Rule:
    """A vocabulary with its lead-in words and tail, tried only when the message holds the
    first word of one of its terms: most hold none, and the full pattern is slow to try at
    every position."""

    def __init__(self, terms: str, tail: str, lead: str = "") -> None:
        self.first_words = _FIRST_WORDS[terms]
        self.pattern = re.compile(
            r"(?<![\w\[])" + (lead or _LEAD) + terms + r"(?:s|es)?(?:['’]s)?(?!\w)" + tail
            + _COMMON_TAIL + r"(?![\w\]])", re.I
        )

    def sub(self, placeholder: str, text: str, words: frozenset[str] | None = None) -> str:
        if words is None:
            words = _words(text)
        return self.pattern.sub(placeholder, text) if words & self.first_words else text


def _rule(terms: str, tail: str, lead: str = "") -> _Rule:
    return _Rule(terms, tail, lead)


# A language is not an ethnicity: "my data in Portuguese", "I speak Polish".
_ETHNICITY_LEAD = (
    r"(?<!\bin\s)(?<!\binto\s)(?<!\bspeak\s)(?<!\bspeaks\s)"
    + _LEAD.replace("(?:on|in)(?:\\s+the)?|a|an", "on|a|an", 1)
)


def _shapes(shapes: list[str], case_sensitive: bool = False) -> list[Pattern[str]]:
    return [re.compile(s) if case_sensitive else re.compile(s, re.I) for s in shapes]


# Order: the more specific categories first (a "DNA sample" is biometric before "sample" is
# anything else; "sickle cell" is health before "cell" could be an offence).
SPECIAL_RULES: list[tuple[Pattern[str] | _Rule, str]] = [
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[:1], case_sensitive=True)],
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[1:] + _MORE_BIOMETRIC_SHAPES)],
    *[(p, HEALTH) for p in _shapes(_MORE_HEALTH_SHAPES[:1] + _MORE_HEALTH_SHAPES[2:])],
    (_rule(_BIOMETRIC_TERMS, _BIOMETRIC_TAIL), BIOMETRIC),
    (_rule(_HEALTH_TERMS, _HEALTH_TAIL), HEALTH),
    *[(p, HEALTH) for p in _shapes(_HEALTH_SHAPES, case_sensitive=True)],
    *[(p, HEALTH) for p in _shapes(_MORE_HEALTH_SHAPES[1:2])],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[:1])],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[1:] + _MORE_OFFENCE_SHAPES)],
    (_rule(_OFFENCE_TERMS, _OFFENCE_TAIL), OFFENCE),
    (_rule(_GENDER_TERMS, _GENDER_TAIL), GENDER_IDENTITY),
    *[(p, GENDER_IDENTITY) for p in _shapes(_MORE_GENDER_SHAPES + _GENDER_SHAPES[:1])],
    *[(p, GENDER_IDENTITY) for p in _shapes(_GENDER_SHAPES[1:], case_sensitive=True)],
    (_rule(_SEXUALITY_TERMS, _SEXUALITY_TAIL), SEXUALITY),
    *[(p, SEXUALITY) for p in _shapes(_SEXUALITY_SHAPES)],
    *[(p, RELIGION) for p in _shapes(_RELIGION_SHAPES)],
    (_rule(_RELIGION_TERMS, _RELIGION_TAIL), RELIGION),
    *[(p, POLITICS) for p in _shapes(_POLITICS_SHAPES, case_sensitive=True)],
    (_rule(_POLITICS_TERMS, _POLITICS_TAIL), POLITICS),
    *[(p, POLITICS) for p in _shapes(_MORE_POLITICS_SHAPES)],
    *[(p, TRADE_UNION) for p in _shapes(_UNION_SHAPES + _MORE_UNION_SHAPES, case_sensitive=True)],
    (_rule(_UNION_TERMS, _UNION_TAIL), TRADE_UNION),
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[:1])],
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[1:], case_sensitive=True)],
    (_rule(_ETHNICITY_TERMS, _ETHNICITY_TAIL + _NOT_NATIONALITY, _ETHNICITY_LEAD), ETHNICITY),
]


# A placeholder takes in the tail words a shape left after it ("[POLITICS] wife", "[HEALTH]
# bag"), not the words before it (they are the resident's request: "please stop using",
# "correct my"), and two of the same category in a row are one.
_PLACEHOLDER = r"\[(?:" + "|".join(p.strip("[]") for p in SPECIAL_PLACEHOLDERS) + r")\]"
_AROUND = re.compile(r"(" + _PLACEHOLDER + r")" + _COMMON_TAIL + r"(?![\w\]])", re.I)
_REPEATED = re.compile(r"(" + _PLACEHOLDER + r")(?:[\s,]+\1)+")
# What an offence was: "[OFFENCE] for not sending my kids to school", up to the clause's end.
_OFFENCE_FOR = re.compile(r"\[OFFENCE\]\s+for\s+(?:not\s+)?[a-z]+ing\b(?:\s+[a-z'’]+){0,5}?"
                          r"(?=\s*(?:[,.;:!?\n]|$))", re.I)
# Whom or where it was against, the act after a cue already taken, and an acquittal:
# "[OFFENCE] on my partner", "[OFFENCE] for robbery", "[OFFENCE] to careless driving",
# "[OFFENCE] but acquitted".
_OFFENCE_AFTER = re.compile(
    r"\[OFFENCE\](?:\s+(?:for|of|with|to)\s+(?:(?:a|an)\s+)?" + _CRIMES + r"(?![\w\-])"
    r"|[\s\-]+(?:on|against|of|from|at|towards?)\s+(?:(?:my|his|her|their|our|a|the)\s+)?"
    + _alt(terms.OFFENCE_AGAINST) + r"(?![\w\-])"
    r"|,?\s+(?:but|and|then)\s+(?:was\s+|got\s+|been\s+)?(?:acquitted|cleared|"
    r"found\s+not\s+guilty)\b)+", re.I)
# A few words in brackets straight after a condition or an offence say what it was:
# "[HEALTH] (stress)", "[OFFENCE] (theft, 2013)"; after the other categories they are more
# often a job or a role ("[TRADE_UNION] (junior doctor)"), which is kept.
_BRACKETED = re.compile(r"(\[(?:HEALTH|OFFENCE)\])\s*\((?:[^()\s]+(?:[\s,]+[^()\s]+){0,2})\)")
_GENETIC_PAIR = re.compile(r"\[BIOMETRIC\]\s+\[HEALTH\]|\[HEALTH\]\s+\[BIOMETRIC\]")
_BIOMETRIC_AROUND = re.compile(r"\[BIOMETRIC\]" + _BIOMETRIC_TAIL + r"(?![\w\]])", re.I)


def redact_special_categories(text: str) -> str:
    """``text`` with every special category phrase replaced by its category's placeholder."""
    text, topics = set_aside_topics(text)
    words = _words(text)
    before = text
    for pattern, placeholder in SPECIAL_RULES:
        if isinstance(pattern, _Rule):
            text = pattern.sub(placeholder, text, words)
        else:
            text = pattern.sub(placeholder, text)
    if text is not before and text != before:
        text = _AROUND.sub(r"\1", text)
        text = _REPEATED.sub(r"\1", text)
        text = _OFFENCE_FOR.sub(OFFENCE, text)
        text = _OFFENCE_AFTER.sub(OFFENCE, text)
        text = _BRACKETED.sub(r"\1", text)
        text = _REPEATED.sub(r"\1", text)
        text = _BIOMETRIC_AROUND.sub(BIOMETRIC, _GENETIC_PAIR.sub(BIOMETRIC, text))
    return put_back_topics(text, topics) if topics else text
