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


def _alt(words: str) -> str:
    """A regex alternation of the ``|``-separated phrases, longest first; spaces match any
    run of spaces or a hyphen ("self harm", "self-harm")."""
    phrases = sorted({w.strip() for w in words.split("|") if w.strip()}, key=len, reverse=True)
    regex = "(?:" + "|".join(re.escape(p).replace(r"\ ", r"[\s\-]*") for p in phrases) + ")"
    _FIRST_WORDS[regex] = frozenset(_TOKEN.findall(p.lower())[0] for p in phrases)
    return regex


# Small words that open such a phrase ("had a miscarriage", "on a psychiatric ward").
_LEAD = (
    r"(?:(?:had|on|in|a|an|the|of|from|(?:a\s+)?member\s+of|use|uses|using|type\s*[12]|"
    r"british|suffer(?:s|ing)?\s+from|diagnosed\s+with|"
    r"severe|mild|chronic|acute|long[\s\-]term|registered|partially|terminally|practising|"
    r"devout|observant|lapsed|non[\s\-]practising|born[\s\-]again|\d+\s+(?:weeks?|months?))\s+)*"
)

_HEALTH_TERMS = _alt(
    """hiv|aids|cancer|leukaemia|leukemia|lymphoma|tumour|tumor|chemo|chemotherapy|
    radiotherapy|diabetes|diabetic|epilepsy|epileptic|seizures|asthma|asthmatic|autism|
    autistic|asperger's|aspergers|adhd|dyslexia|dyslexic|dyspraxia|dyscalculia|dementia|
    alzheimer's|alzheimers|parkinson's|parkinsons|huntington's|huntingtons|
    multiple sclerosis|motor neurone disease|cerebral palsy|sickle cell|cystic fibrosis|
    crohn's|crohns|colitis|lupus|arthritis|fibromyalgia|chronic fatigue|long covid|covid|
    stroke|heart attack|heart condition|heart failure|angina|copd|kidney failure|dialysis|
    transplant|hepatitis|tuberculosis|chlamydia|herpes|syphilis|gonorrhoea|
    depression|depressed|anxiety|panic attacks|ptsd|ocd|bipolar|schizophrenia|schizophrenic|
    psychosis|psychotic|personality disorder|eating disorder|anorexia|anorexic|bulimia|
    bulimic|self harm|self harming|self harmed|suicidal|suicide attempt|attempted suicide|
    overdose|overdosed|breakdown|nervous breakdown|mental health|mental illness|mentally ill|
    sectioned|psychiatric|psychiatrist|antidepressants|antidepressant|antipsychotics|
    lithium|methadone|subutex|heroin|cocaine|crack|addiction|addicted|addict|alcoholic|
    alcoholism|rehab|recovery from|pregnant|pregnancy|miscarriage|miscarried|stillbirth|
    stillborn|abortion|ivf|hysterectomy|mastectomy|vasectomy|menopause|disabled|disability|
    disabilities|learning disability|learning disabilities|wheelchair|wheelchair user|blind|
    visually impaired|partially sighted|deaf|hard of hearing|hearing impaired|non verbal|
    terminally ill|terminal illness|palliative care|hospice|amputee|incontinence|
    incontinent|down's syndrome|downs syndrome|down syndrome|tourette's|tourettes|
    stammer|stutter|brain injury|spina bifida|muscular dystrophy|sti|std|hiv+"""
)
_HEALTH_TAIL = (
    r"(?:[\s\-]+(?:positive|negative|status|diagnosis|treatment|disease|disorder|condition|"
    r"spectrum|ward|unit|clinic|user|medication|meds|tablets|problems?|issues?|"
    r"episode|services?|team|support))*"
)
# Ordinary words in other senses: only in the shape that says a condition.
_HEALTH_SHAPES = [
    r"\b(?:have|has|had|with|got)\s+(?:MS|ME|M\.E\.|IBS|MND|BPD|CFS|TB)\b",
    r"\bHIV\+",
]

_RELIGION_TERMS = _alt(
    """muslim|muslims|islam|islamic|christian|christians|christianity|catholic|catholics|
    roman catholic|protestant|anglican|methodist|baptist church|evangelical|pentecostal|
    jehovah's witness|jehovah's witnesses|jehovahs witness|mormon|latter day saints|jewish|
    jew|judaism|hindu|hinduism|sikh|sikhism|buddhist|buddhism|jain|rastafarian|rastafari|
    pagan|wiccan|druid|quaker|quakers|atheist|agnostic|humanist|scientologist|
    mosque|synagogue|gurdwara|mandir|madrasa|madrassa|ramadan|eid|passover|diwali|
    yom kippur|hanukkah|halal|kosher|hijab|niqab|burqa|kippah|my faith|our faith|
    religious beliefs|my religion's|church of england|greek orthodox|russian orthodox"""
)
_RELIGION_TAIL = r"(?:[\s\-]+(?:celebrant|community|meals?|food|diet|school|leader|imam|priest))*"
_RELIGION_SHAPES = [
    r"\b(?:my|our|his|her|their|the|local)\s+church\b(?!\s+(?:road|street|lane|st|rd|way|"
    r"close|view|walk|hill|green|avenue|terrace)\b)",
    r"\bfasting\s+for\s+ramadan\b",
]

_ETHNICITY_TERMS = _alt(
    """mixed race|mixed heritage|dual heritage|biracial|pakistani|bangladeshi|indian|chinese|
    african|caribbean|nigerian|ghanaian|somali|eritrean|ethiopian|sudanese|kurdish|kurd|
    turkish|arab|iranian|persian|afghan|iraqi|syrian|yemeni|roma|romany|romani|gypsy|
    traveller|travellers|irish traveller|latino|latina|hispanic|filipino|vietnamese|
    bengali|punjabi|gujarati|tamil|sri lankan|nepali|white british|black british|
    british asian|ethnic minority|ashkenazi|sephardi|sephardic|mizrahi|bame|bme|polish|
    romanian|lithuanian|ukrainian|
    zimbabwean|congolese|jamaican|kenyan|ugandan"""
)
_ETHNICITY_TAIL = (
    r"(?:[\s\-]+(?:family|families|woman|women|man|men|person|people|community|background|"
    r"heritage|origin|descent|boy|girl|lad|mother|father))*"
)
# "a Polish passport" says a nationality, which is not special category data.
_NOT_NATIONALITY = r"(?![\s\-]+(?:passport|citizen|citizenship|national|embassy|consulate|id))"
_ETHNICITY_SHAPES = [
    r"\b(?:black|white|brown|asian)[\s\-]+(?:woman|women|man|men|person|people|family|"
    r"families|british|african|caribbean|community|boy|girl|lad|mother|father|mum|dad|"
    r"heritage|background)\b",
    r"(?<=\bas\s)(?:White|Black|Asian)\b",
    r"(?<=\bas\sa\s)(?:White|Black|Asian)\b",
    r"(?<=\bI'm\s)(?:White|Black|Asian)\b",
    r"\b(?:ethnic\s+origin|ethnicity|race)\s+(?:is|was|as)\s+\w+",
    r"\bAsian\b",
]

_SEXUALITY_TERMS = _alt(
    """gay|lesbian|lesbians|bisexual|queer|homosexual|pansexual|asexual|lgbt|lgbtq|lgbtq+|
    lgbtqia|same sex|sexual orientation|sexuality|sex life|sex worker|sex work|
    sexual relationships|came out"""
)
_SEXUALITY_TAIL = (
    r"(?:[\s\-]+(?:couple|man|men|woman|women|partner|partners|relationship|relationships|"
    r"son|daughter|people|person|marriage|wife|husband))*"
)
_SEXUALITY_SHAPES = [r"\b(?:i'm|i\s+am|he's|she's|is|am|being|as)\s+bi\b"]

_GENDER_TERMS = _alt(
    """transgender|transsexual|transitioned|transitioning|socially transitioning|
    non binary|nonbinary|enby|genderqueer|gender fluid|genderfluid|deadname|dead name|
    gender recognition certificate|gender reassignment|gender dysphoria|gender identity|
    previous gender|trans"""
)
_GENDER_TAIL = r"(?:[\s\-]+(?:woman|women|man|men|person|people|child|kid|son|daughter|status))*"
_GENDER_SHAPES = [r"\bGRC\b"]

_POLITICS_TERMS = _alt(
    """labour party|conservative party|conservatives|conservative|tory|tories|lib dems|
    lib dem|liberal democrats|liberal democrat|green party|snp|plaid cymru|plaid|reform uk|
    ukip|brexit party|sinn fein|sinn féin|dup|socialist|socialists|communist|anarchist|
    marxist|trotskyist|extinction rebellion|just stop oil|momentum|stop the war|
    palestine solidarity|pro palestine|pro israel|anti austerity|political views|
    political opinions|political beliefs|political party|independent candidate"""
)
_POLITICS_TAIL = (
    r"(?:[\s\-]+(?:party|member|members|membership|voter|voters|supporter|supporters|"
    r"activist|activists|councillor's|councillor|candidate|campaigner|protest|protests|"
    r"march|marches|rally|demo|demonstration|meeting|leaflets?))*"
)
_POLITICS_SHAPES = [
    r"\b(?:Labour|Green|Reform|Liberal)(?:\s+UK)?[\s\-]+(?:party|member|members|voter|"
    r"supporter|activist|councillor's|councillor|candidate|campaigner)\b",
    r"\b(?:voted?|voting|support(?:ed)?|campaigned\s+for|member\s+of)\s+(?:the\s+)?"
    r"(?:Labour|Reform(?:\s+UK)?|Green(?:\s+Party)?|Brexit|Leave|Remain|[A-Z][A-Za-z]+\s+Party)\b",
    r"\bcampaigned\s+for\s+\[[A-Z_]+\]",
    r"\bstood\s+as\s+(?:an?\s+)?\w+\s+candidate\b",
]

_UNION_TERMS = _alt(
    """unison|gmb|neu|nasuwt|naht|rcn|rmt|cwu|usdaw|fbu|ucu|bma|pcs|aslef|eis|nut|prospect|
    trade union|trades union|union rep|shop steward|
    my union|our union|the union|union subs"""
)
_UNION_TAIL = (
    r"(?:[\s\-]+(?:rep|reps|representative|member|members|membership|steward|shop\s+steward|"
    r"branch|official|subs|number))*"
)
_UNION_SHAPES = [
    r"\b(?:(?:a\s+)?member\s+)?(?:in|joined|of)\s+(?:the\s+)?(?:Unite|GMB|Unison|RMT|CWU|FBU|NEU|RCN)\b",
    r"\b(?:union\s+rep\s+for|member\s+of|rep\s+for)\s+the\s+[A-Z]{2,6}\b",
    r"\bUnite\s+(?:member|rep|steward|shop\s+steward)s?\b",
    r"\bas\s+a\s+Unite\b",
]

_CRIMES = (
    r"(?:assault|theft|burglary|shoplifting|robbery|fraud|drugs|drug\s+dealing|possession|"
    r"drink[\s\-]+driving|criminal\s+damage|domestic\s+(?:abuse|violence)|harassment|stalking|"
    r"affray|gbh|abh|arson|manslaughter|murder|rape|sexual\s+assault|indecent\s+exposure|"
    r"dangerous\s+driving|handling\s+stolen\s+goods|benefit\s+fraud|a\s+sexual\s+offence)"
)
_OFFENCE_TERMS = _alt(
    """prison|jail|gaol|young offenders institution|young offender institution|yoi|
    probation|parole|bail|remand|tagged|electronic tag|conviction|convictions|convicted|
    criminal record|caution|cautioned|arrested|charged with|served time|suspended sentence|
    community sentence|community service|community order|ex offender|ex con|offender|
    sex offenders register|sex offender's register|sex offender|locked up|inside for|
    spent conviction|custodial sentence|criminal damage|drink driving conviction"""
)
_OFFENCE_TAIL = (
    r"(?:[\s\-]+(?:for|of|with)\s+" + _CRIMES + r"|[\s\-]+(?:record|register|officer|"
    r"sentence|conviction))*"
)
_OFFENCE_SHAPES = [
    r"\bHMP\s+[A-Z][a-z]+\b",
    r"\b(?:\w+\s+)?(?:months?|years?|weeks?)\s+for\s+" + _CRIMES + r"\b",
    r"\b" + _CRIMES + r"\s+(?:conviction|charge|caution|offence)\b",
    r"\b(?:for|of)\s+" + _CRIMES + r"\b(?=.{0,40}\b(?:conviction|convicted|caution|prison|"
    r"sentence|court|arrested|charged)\b)",
]

_BIOMETRIC_TERMS = _alt(
    """fingerprint|fingerprints|thumbprint|thumbprints|thumb print|palm print|palm prints|
    voice print|voiceprint|iris scan|retina scan|retinal scan|facial recognition|face scan|
    face template|biometric|biometrics|dna|genetic|genetics|gene|genome|genome sequencing|
    23andme|ancestry dna|paternity test|carrier of"""
)
_BIOMETRIC_TAIL = (
    r"(?:[\s\-]+(?:test|tests|testing|sample|samples|results?|profile|data|match|template|"
    r"sequencing|condition|screening|scan|face\s+template))*"
)
_BIOMETRIC_SHAPES = [
    r"\b[A-Z]{2,5}\d\s+gene\b",
    r"\b(?:the\s+)?[a-z]+\s+[a-z]+\s+gene\b",
    r"\bcarrier\s+of\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\b",
]


class _Rule:
    """A vocabulary with its lead-in words and tail, tried only when the message holds the
    first word of one of its terms: most hold none, and the full pattern is slow to try at
    every position."""

    def __init__(self, terms: str, tail: str) -> None:
        self.first_words = _FIRST_WORDS[terms]
        self.pattern = re.compile(
            r"(?<![\w\[])" + _LEAD + terms + r"\b" + tail + r"(?![\w\]])", re.I
        )

    def sub(self, placeholder: str, text: str, words: frozenset[str] | None = None) -> str:
        if words is None:
            words = frozenset(_TOKEN.findall(text.lower()))
        return self.pattern.sub(placeholder, text) if words & self.first_words else text


def _rule(terms: str, tail: str) -> _Rule:
    return _Rule(terms, tail)


def _shapes(shapes: list[str], case_sensitive: bool = False) -> list[Pattern[str]]:
    return [re.compile(s) if case_sensitive else re.compile(s, re.I) for s in shapes]


# Order: the more specific categories first (a "DNA sample" is biometric before "sample" is
# anything else; "sickle cell" is health before "cell" could be an offence).
SPECIAL_RULES: list[tuple[Pattern[str] | _Rule, str]] = [
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[:1], case_sensitive=True)],
    *[(p, BIOMETRIC) for p in _shapes(_BIOMETRIC_SHAPES[1:])],
    (_rule(_BIOMETRIC_TERMS, _BIOMETRIC_TAIL), BIOMETRIC),
    (_rule(_HEALTH_TERMS, _HEALTH_TAIL), HEALTH),
    *[(p, HEALTH) for p in _shapes(_HEALTH_SHAPES, case_sensitive=True)],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[:1], case_sensitive=True)],
    *[(p, OFFENCE) for p in _shapes(_OFFENCE_SHAPES[1:])],
    (_rule(_OFFENCE_TERMS, _OFFENCE_TAIL), OFFENCE),
    (_rule(_GENDER_TERMS, _GENDER_TAIL), GENDER_IDENTITY),
    *[(p, GENDER_IDENTITY) for p in _shapes(_GENDER_SHAPES, case_sensitive=True)],
    (_rule(_SEXUALITY_TERMS, _SEXUALITY_TAIL), SEXUALITY),
    *[(p, SEXUALITY) for p in _shapes(_SEXUALITY_SHAPES)],
    *[(p, RELIGION) for p in _shapes(_RELIGION_SHAPES)],
    (_rule(_RELIGION_TERMS, _RELIGION_TAIL), RELIGION),
    *[(p, POLITICS) for p in _shapes(_POLITICS_SHAPES, case_sensitive=True)],
    (_rule(_POLITICS_TERMS, _POLITICS_TAIL), POLITICS),
    *[(p, TRADE_UNION) for p in _shapes(_UNION_SHAPES, case_sensitive=True)],
    (_rule(_UNION_TERMS, _UNION_TAIL), TRADE_UNION),
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[:1])],
    *[(p, ETHNICITY) for p in _shapes(_ETHNICITY_SHAPES[1:], case_sensitive=True)],
    (_rule(_ETHNICITY_TERMS, _ETHNICITY_TAIL + _NOT_NATIONALITY), ETHNICITY),
]


def redact_special_categories(text: str) -> str:
    """``text`` with every special category phrase replaced by its category's placeholder."""
    words = frozenset(_TOKEN.findall(text.lower()))
    for pattern, placeholder in SPECIAL_RULES:
        if isinstance(pattern, _Rule):
            text = pattern.sub(placeholder, text, words)
        else:
            text = pattern.sub(placeholder, text)
    return text
