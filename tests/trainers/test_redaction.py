"""Redaction: every kind of personal data is replaced, ordinary messages are left alone.

The messages are the kind residents type (invented people: 07700 900xxx numbers, Ofcom's
drama ranges, example.com addresses). Each test asserts both that the placeholder appears
and that no fragment of the personal data survives.
"""
from __future__ import annotations

import re

import pytest

from bot.trainers.redaction import PLACEHOLDERS, redact, redact_by_rules, redact_value

CASES = {
    "[NAME]": [
        ("my name is Jane Smith and I want my records", "Jane Smith"),
        ("my name is jane smith", "jane smith"),
        ("Hi, I'm Ali Hassan, can you help me", "Ali Hassan"),
        ("hi i'm jane, can I see my file", "jane"),
        ("this is Zofia Kowalczyk speaking", "Zofia Kowalczyk"),
        ("I am Rhiannon Parry", "Rhiannon Parry"),
        ("my son is called Tom and he wants his records", "Tom"),
        ("records under my old name, formerly Jane Brown", "Jane Brown"),
        ("my maiden name was brown", "brown"),
        ("née Thornton", "Thornton"),
        ("my full name is Emma Louise Fitzgerald", "Emma Louise Fitzgerald"),
        ("can Joseph Nkemelu see his file", "Joseph Nkemelu"),
        ("I'm Sean McAllister", "McAllister"),
        ("my son Joe O'Connor needs his records", "O'Connor"),
        ("please ask Mrs Davies-Hughes to call me", "Davies-Hughes"),
        ("I want to speak to Dr Kwame Mensah", "Kwame Mensah"),
        ("Kind regards, Gemma Thornton", "Gemma Thornton"),
    ],
    "[EMAIL]": [
        ("my email is jane.smith@example.com", "jane.smith@example.com"),
        ("send it to J.O'Neill+council@mail.example.co.uk please", "example.co.uk"),
        ("email me at jane dot smith at example dot com", "smith"),
        ("contact: ben_okafor99(at)example(dot)org", "okafor99"),
    ],
    "[PHONE]": [
        ("call me on 07700 900123", "900123"),
        ("my mobile is 07700900123", "07700900123"),
        ("my number is +44 7700 900 123", "7700"),
        ("ring +447700900123", "447700900123"),
        ("+44 (0)20 7946 0958 is my work number", "7946"),
        ("0044 20 7946 0958", "7946"),
        ("ring 0161 496 0000 please", "496"),
        ("my landline is (01632) 960123", "960123"),
        ("call 020-7946-0958", "7946"),
        ("0800 123 4567", "4567"),
        ("phone: 7700 900 123", "900"),
        ("you can reach me on 01632 960 123 after 5", "960"),
    ],
    "[POSTCODE]": [
        ("my postcode is CH1 4BJ", "CH1"),
        ("postcode ch14bj", "ch14bj"),
        ("I moved from SW1A 1AA last year", "SW1A"),
        ("it's M1 1AE", "1AE"),
        ("postcode is CH1", "CH1"),
        ("B33 8TH", "8TH"),
    ],
    "[DATE]": [
        ("born 3rd March 1984", "1984"),
        ("my date of birth is 03/03/1984", "1984"),
        ("dob 1984-03-03", "1984"),
        ("DOB: 3.3.84", "3.84"),
        ("I was born on March 3rd, 1984", "1984"),
        ("born in 1984", "1984"),
        ("date of birth 12 december 1990", "december"),
        ("dob 03031984", "03031984"),
        ("the letter dated 14/02/2024 was wrong", "14/02"),
        ("I sent it on the 5th of June", "June"),
        ("my birthday is 1 Jan 70", "Jan"),
        ("born 03 03 1984", "1984"),
    ],
    "[REFERENCE]": [
        ("my reference is DPA-7KQ4-M2XP", "7KQ4"),
        ("my case ref is dpa 7kq4 m2xp", "7kq4"),
        ("what's happening with 7KQ4-M2XP", "M2XP"),
        ("DPA7KQ4M2XP status?", "M2XP"),
        ("case number 123456", "123456"),
        ("ref: HB/2024/55321", "55321"),
    ],
    "[ADDRESS]": [
        ("I live at 12 Acacia Avenue, Chester", "Acacia"),
        ("my address is 4 mill lane", "mill"),
        ("flat 3, 4 Mill Lane", "Mill"),
        ("I moved to 221b Baker Street last year", "Baker"),
        ("my old address was Rose Cottage, Little Snoring", "Snoring"),
        ("10-12 High St", "High"),
        ("post it to 7 Station Road please", "Station"),
    ],
    "[NI_NUMBER]": [
        ("my NI number is QQ 12 34 56 C", "34 56"),
        ("AB123456C", "AB123456C"),
        ("national insurance number: JG 10 37 62 A", "37 62"),
    ],
    "[NUMBER]": [
        ("my council tax account number is 12345678", "12345678"),
        ("NHS number 9434765919", "9434765919"),
    ],
}


@pytest.mark.parametrize(
    "placeholder,message,secret",
    [(p, m, s) for p, cases in CASES.items() for m, s in cases],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_personal_data_is_replaced(placeholder: str, message: str, secret: str) -> None:
    redacted = redact(message)
    assert secret.lower() not in redacted.lower(), redacted
    assert any(p in redacted for p in PLACEHOLDERS), redacted
    # the expected kind, allowing a more specific neighbour (an address that contains a name)
    assert placeholder in redacted or (
        placeholder == "[ADDRESS]" and "[NAME]" in redacted
    ) or (placeholder == "[NUMBER]" and "[REFERENCE]" in redacted), redacted


ORDINARY = [
    "can I see my data",
    "I want my council tax records from 2019",
    "I want to see my data from 2019-2020",
    "what records have you got about me",
    "how long do you have to reply",
    "I moved in March 2019",
    "what is a Subject Access Request",
    "Can I Talk To Someone",
    "I want to contact Cheshire West Council",
    "I called you yesterday",
    "I'm looking for my data",
    "I'm not happy with your response",
    "I waited 6 months for a reply",
    "I have 2 questions about the way you use my data",
    "I have called 3 times on the road to get this",
    "you may send 2 copies",
    "what are my rights under GDPR",
    "delete my data please",
    "how much does it cost",
    "wipe my details",
    "is my data stored outside the UK",
    "what ID do I need",
    "I object to my data being used for research",
    "I want a copy of my social care records from 2015 to 2019",
    "can I have my file by email",
    "who is the Data Protection Officer",
    "asdfgh qwerty",
    "it's been 30 days",
    "The Council Tax team",
    "no more newsletters",
]


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_are_left_alone(message: str) -> None:
    assert redact(message) == message


def test_several_kinds_in_one_message() -> None:
    message = (
        "Hi, my name is Jane Smith, born 03/03/1984, I live at 12 Acacia Avenue CH1 4BJ, "
        "email jane@example.com or 07700 900123, reference DPA-7KQ4-M2XP"
    )
    redacted = redact(message)
    for secret in ("Jane", "Smith", "1984", "Acacia", "CH1", "jane@", "900123", "7KQ4"):
        assert secret not in redacted
    for placeholder in ("[NAME]", "[DATE]", "[ADDRESS]", "[EMAIL]", "[PHONE]", "[REFERENCE]"):
        assert placeholder in redacted


def test_placeholders_are_never_glued_to_a_bracket_rasa_would_read_as_an_entity() -> None:
    redacted = redact("Jane Smith(jane@example.com)[07700 900123]")
    assert not re.search(r"\][\[({]", redacted)


def test_redaction_is_idempotent() -> None:
    once = redact("my name is Jane Smith, call 07700 900123")
    assert redact(once) == once


def test_redact_value_walks_slot_values() -> None:
    assert redact_value({"who": ["Jane Smith", 3, True], "email": "jane@example.com"}) == {
        "who": ["[NAME]", 3, True], "email": "[EMAIL]",
    }
    assert redact_value(None) is None


def _annotated_form_answers() -> list[tuple[str, str, str]]:
    """(entity, value, example text) for every entity annotated in form_answers.yml."""
    import yaml

    from bot.config import PROJECT_ROOT
    from bot.trainers.nlu_files import strip_annotations

    annotation = re.compile(r"\[([^\]]+)\]\((\w+)\)")
    document = yaml.safe_load((PROJECT_ROOT / "data/nlu/form_answers.yml").read_text())
    out = []
    for item in document["nlu"]:
        for line in (item.get("examples") or "").splitlines():
            example = line.strip()[2:]
            for value, entity in annotation.findall(example):
                if entity != "relationship":
                    out.append((entity, value, strip_annotations(example)))
    return out


def test_every_annotated_form_answer_in_the_training_data_is_redacted() -> None:
    """The form answers the model is trained on (names, dates of birth, postcodes, emails,
    phone numbers, references), redacted as the inbox redacts them: a name-like answer
    typed when the form asked for a name is read expecting one."""
    answers = _annotated_form_answers()
    assert len(answers) > 200
    leaks = []
    for entity, value, text in answers:
        redacted = redact(text, expecting="name" if entity == "person_name" else None)
        if value.lower() in redacted.lower():
            leaks.append((entity, text, redacted))
    assert leaks == []


@pytest.mark.parametrize(
    "message,expecting,expected",
    [
        ("kwame mensah", "name", "[NAME]"),
        ("liam o'connor", "name", "[NAME]"),
        ("it's bartosz wiśniewski", "name", "it's [NAME]"),
        ("why do you need my name", "name", "why do you need my name"),
        ("skip", "name", "skip"),
        ("rose cottage, little snoring", "address", "[ADDRESS]"),
        ("why do you need my address", "address", "why do you need my address"),
    ],
)
def test_answers_to_a_name_or_address_question(message: str, expecting: str, expected: str) -> None:
    assert redact(message, expecting=expecting) == expected


# -- generated: every layout of each kind, inside an ordinary sentence ------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_digits = st.text("0123456789", min_size=1, max_size=1)
_separator = st.sampled_from(["", " ", "-"])
_letters = "ABCDEFGHJKLMNPRSTUWXYZ"


@st.composite
def uk_phone_numbers(draw) -> str:
    kind = draw(st.sampled_from(["mobile", "london", "geographic", "freephone"]))
    sep = draw(_separator)
    body = "".join(draw(_digits) for _ in range(9 if kind != "london" else 8))
    if kind == "mobile":
        national = f"07{body[:3]}{sep}{body[3:9]}"
    elif kind == "london":
        national = f"020{sep}{body[:4]}{sep}{body[4:8]}"
    elif kind == "geographic":
        national = f"01{body[:3]}{sep}{body[3:9]}"
    else:
        national = f"0800{sep}{body[:3]}{sep}{body[3:7]}"
    prefix = draw(st.sampled_from(["national", "+44", "+44 (0)", "0044"]))
    if prefix == "national":
        return national
    rest = national[1:].lstrip("-")
    return f"{prefix} {rest}" if prefix != "+44 (0)" else f"+44 (0){rest}"


@st.composite
def uk_postcodes(draw) -> str:
    area = draw(st.text(_letters, min_size=1, max_size=2))
    district = str(draw(st.integers(1, 99)))
    unit = draw(st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2))
    inward = str(draw(st.integers(0, 9))) + unit
    code = f"{area}{district}{draw(st.sampled_from([' ', '']))}{inward}"
    return code.lower() if draw(st.booleans()) else code


@st.composite
def dates(draw) -> str:
    day, month = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    year = draw(st.integers(1930, 2025))
    names = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
    layout = draw(st.integers(0, 5))
    ordinal = {1: "st", 2: "nd", 3: "rd"}.get(day, "th")
    return [
        f"{day:02d}/{month:02d}/{year}",
        f"{day}.{month}.{year % 100:02d}",
        f"{year}-{month:02d}-{day:02d}",
        f"{day}{ordinal} {names[month - 1]} {year}",
        f"{names[month - 1]} {day}, {year}",
        f"{day} {names[month - 1][:3].lower()} {year}",
    ][layout]


SENTENCES = ["you can reach me on {}", "{} is my number", "my details: {} thanks"]


@settings(max_examples=200, deadline=None)
@given(uk_phone_numbers(), st.sampled_from(SENTENCES))
def test_generated_phone_numbers(number: str, sentence: str) -> None:
    redacted = redact(sentence.format(number))
    assert "[PHONE]" in redacted and not any(c.isdigit() for c in redacted), redacted


@settings(max_examples=200, deadline=None)
@given(uk_postcodes(), st.sampled_from(["it is {} if you need it", "{}", "postcode {} please"]))
def test_generated_postcodes(postcode: str, sentence: str) -> None:
    redacted = redact(sentence.format(postcode))
    assert "[POSTCODE]" in redacted and not any(c.isdigit() for c in redacted), redacted


@settings(max_examples=200, deadline=None)
@given(dates(), st.sampled_from(["born {}", "the letter of {} was wrong", "dob {}"]))
def test_generated_dates(date_text: str, sentence: str) -> None:
    redacted = redact(sentence.format(date_text))
    assert "[DATE]" in redacted and not any(c.isdigit() for c in redacted), redacted


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.(com|org|co\.uk|gov\.uk|net)",
                     fullmatch=True))
def test_generated_emails(address: str) -> None:
    redacted = redact(f"email {address} please")
    assert redacted == "email [EMAIL] please", redacted


# Issue 12, generalisation: the classes behind the corpora's misses, in wordings neither
# corpus has (so a rule written for one corpus string would not pass them).
GENERAL_CASES = [
    ("it's the flat above Greggs, can you send the form", "Greggs"),
    ("we live in the cottage at the end of sandy lane, near tattenhall", "sandy lane"),
    ("I'm at no. 27 now, please update it", "27"),
    ("new addy is 9 plover wlk, frodsham", "plover"),
    ("Rhif 14, Heol y Dderwen, Caernarfon", "Dderwen"),
    ("I live in CW8 (near the station), can I drop ID off", "CW8"),
    ("s k 1 0 4 q t is the postcode", "4 q t"),
    ("my email is t o m . h @ e x a m p l e . c o m", "e x a m"),
    ("ref ends 4QX7, is it with you", "4QX7"),
    ("the IP was 203[.]0[.]113[.]7", "113"),
    ("Olamide here, I need my file", "Olamide"),
    ("could you tell Hope in housing I called", "Hope"),
    ("thanks so much - tegwen", "tegwen"),
    ("my sister is Blessing and she has my permission", "Blessing"),
    ("he has Tourette syndrome and the school told everyone", "Tourette"),
    ("my tendonitis flared up so I missed the appointment", "tendonitis"),
    ("we're both on the hormone clinic list, they/them pronouns", "they/them"),
    ("I was prosecuted for littering last year", "littering"),
    ("our gurdwara asked for the list", "gurdwara"),
]


@pytest.mark.parametrize(("message", "secret"), GENERAL_CASES)
def test_the_classes_behind_the_corpus_misses_are_redacted(message: str, secret: str) -> None:
    assert secret.lower() not in redact(message).lower(), redact(message)


def test_the_councils_published_contact_details_are_kept() -> None:
    from bot.rules import council

    for text in (f"is {council.DPO_EMAIL} the right address?",
                 f"can I post it to {council.DPO_POSTAL_ADDRESS}?",
                 f"is {council.ICO_PHONE} the ICO's number?",
                 f"ICO address: {council.ICO_POSTAL_ADDRESS}, is that right?"):
        assert redact(text) == text
    # ... but a resident's own postcode that happens to be the council's is still redacted
    assert redact("my postcode is CH65 0BE") == "my postcode is [POSTCODE]"


def test_a_published_street_with_a_house_number_is_a_residents_address() -> None:
    # The sixth corpus: "9 Wellington Road" is a home on the street where the council's
    # Portal stands; the street and the postcode are the resident's, and are removed.
    for text in ("send it to 9 Wellington Road, Ellesmere Port, CH65 0BA pls",
                 "I live at 14a Wellington Road, CH65 0BA"):
        output = redact(text)
        assert "Wellington" not in output and "0BA" not in output, output
    kept = "is The Portal, Wellington Road, Ellesmere Port, CH65 0BA still right?"
    assert redact(kept) == kept


# Issue 12, item 2: the classes of miss found on the sixth corpus (tests/redaction/
# corpus_sixth.yml), each in wordings that corpus does not have.
SIXTH_CORPUS_CLASSES = {
    # a minor offence written as the act, after a word that says it was someone's
    "offence_as_an_act": [
        ("he got caught drink driving last year", "caught", "[OFFENCE]"),
        ("I was caught shoplifting when I was 16", "caught", "[OFFENCE]"),
        ("I got a fixed penalty notice for fly tipping and want it off my file", "tipping",
         "[OFFENCE]"),
        ("she was given a fine for littering outside the shop", "littering", "[OFFENCE]"),
        ("they say I committed tax evasion", "evasion", "[OFFENCE]"),
        ("he pleaded guilty to careless driving", "careless", "[OFFENCE]"),
        ("my brother was convicted of violent disorder after the match", "disorder",
         "[OFFENCE]"),
        ("he was convicted of assault on his ex-partner", "ex-partner", "[OFFENCE]"),
        ("I served two years for robbery and now rent from you", "robbery", "[OFFENCE]"),
    ],
    # a union by its full name or initials, a role in one, leaving one
    "trade_union": [
        ("I'm in the Fire Brigades Union", "Fire Brigades", "[TRADE_UNION]"),
        ("I'm a member of the Communication Workers Union", "Communication Workers",
         "[TRADE_UNION]"),
        ("my dad was an NUM member during the strike", "NUM", "[TRADE_UNION]"),
        ("I quit Unite last year", "Unite", "[TRADE_UNION]"),
        ("I'm the Unison branch officer for social care", "officer", "[TRADE_UNION]"),
    ],
    # a health service or a treatment, rather than the condition
    "health_service_or_treatment": [
        ("my mum is under the memory clinic at the Countess", "memory", "[HEALTH]"),
        ("I'm on PrEP and the letter said so", "PrEP", "[HEALTH]"),
        ("she's seeing the community mental health team weekly", "community", "[HEALTH]"),
        ("he's being treated for hepatitis", "treated", "[HEALTH]"),
        ("I'm on haemodialysis three days a week", "haemodialysis", "[HEALTH]"),
        ("my sickness absence (stress) was shared", "stress", "[HEALTH]"),
    ],
    # gender identity and sexuality said without a trans or gay word
    "gender_identity_or_sexuality": [
        ("I'm a cis woman and the form says male", "cis", "[GENDER_IDENTITY]"),
        ("as a cisgender man I was misfiled", "cisgender", "[GENDER_IDENTITY]"),
        ("I'm a straight woman, take me off the list", "straight", "[SEXUALITY]"),
        ("I was registered male at birth", "registered male", "[GENDER_IDENTITY]"),
    ],
    # a town after a home, where in the building in brackets after an address
    "address_around_a_part": [
        ("the letter went to our old house in Frodsham", "Frodsham", "[ADDRESS]"),
        ("my home in Saighton has damp", "Saighton", "[ADDRESS]"),
        ("send it to 4 Mill Lane (upstairs) please", "upstairs", "[ADDRESS]"),
    ],
    # a philosophical belief, special category with religion
    "belief": [
        ("I'm a pacifist and won't do the cadets event", "pacifist", "[RELIGION]"),
        ("as an ethical vegan I object to the school menu note", "vegan", "[RELIGION]"),
    ],
}


@pytest.mark.parametrize(("message", "secret", "placeholder"), [
    pytest.param(*case, id=f"{kind}-{i}")
    for kind, cases in SIXTH_CORPUS_CLASSES.items() for i, case in enumerate(cases)
])
def test_the_sixth_corpus_miss_classes_are_redacted(message: str, secret: str,
                                                    placeholder: str) -> None:
    # By the rules' word lists, not left to the learned recogniser: before these were added
    # the CRF caught some of them, but under another category ("I'm a [ETHNICITY]" for "I'm
    # a cis woman") or as two placeholders for one phrase.
    by_rules = redact_by_rules(message)
    assert secret.lower() not in by_rules.lower() and placeholder in by_rules, by_rules
    assert secret.lower() not in redact(message).lower(), redact(message)
