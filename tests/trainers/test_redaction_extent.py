"""The classes of miss found on the third corpus (tests/redaction/corpus_third.yml), each in
wordings that corpus does not have, and the topic phrases that must stay readable."""
from __future__ import annotations

import pytest

from bot.trainers.redaction import redact

SECRETS = [
    # how far an address goes: before and after a part found, and on the next line
    ("I'm in the attic flat, 12 Dee Road and the letters go downstairs", "attic"),
    ("Pitch 7, Riverside Park is where we live", "Riverside"),
    ("it's number 41 on Hough Green, can you update it", "number 41"),
    ("Granary Flat, 3 Parkgate Road please", "Granary"),
    ("send it to 14 Bridge Street\nFarndon by Chester\nthanks", "Farndon"),
    ("my address is 2 Hall Lane Pulford - when will you reply?", "Pulford"),
    ("we're at 7 Kingsway North, can you change it", "North"),
    ("forty one mill lane, hoole, please update", "forty one"),
    ("the house name is Brackenhurst, no number", "Brackenhurst"),
    ("we live on the narrowboat Silver Heron on the canal", "Heron"),
    ("the address is 9 Oak Drive, Tilston. Can I see it?", "Tilston"),
    # case references read out, or only part of one; postcodes in part
    ("my ref is echo kilo four two, tango mike nine one", "tango mike"),
    ("I only have DPA 7K2Q, the rest is torn off", "7K2Q"),
    ("the reference number ends -M4P7 I think", "M4P7"),
    ("it's CH3 5 LW for the council tax", "LW"),
    ("my postcode is something like SY14 8 I can't remember the rest", "SY14"),
    # dates of birth with the month as a number word
    ("born on the 9th of the 11th 1987", "11th"),
    ("my DOB is 2nd of June in 1979", "1979"),
    # names where a signature goes, lower case at the start, after an initial
    ("when will I hear back?\nGrace", "Grace"),
    ("thanks for your help - Mark", "Mark"),
    ("priyanka here, I sent the form last week", "priyanka"),
    ("Yours sincerely,\nK. Adebayo-Okafor", "Adebayo"),
    # offences and genetic data said indirectly
    ("since he got out of HMP Styal he has been rehoused", "got out of"),
    ("my son was nicked for shoplifting and the school knows", "shoplifting"),
    ("the magistrates fined him for affray, is that on your file", "affray"),
    ("she's bailed pending trial and social services have notes", "pending"),
    ("I carry the sickle cell gene and the midwife wrote it down", "carry"),
    ("the gym scanned my palm to identify me at the door", "palm"),
]


@pytest.mark.parametrize(("message", "secret"), SECRETS)
def test_the_third_corpus_classes_are_redacted(message: str, secret: str) -> None:
    assert secret.lower() not in redact(message).lower(), redact(message)


KEPT = [
    "Does the council collect data about ethnicity?",
    "why do you record religion on the housing form",
    "what is the lawful basis for criminal offence data",
    "Is trade union membership special category data?",
    "do you use facial recognition in the car parks",
    "Can a prisoner ask for their records?",
    "I want my care leaver file",
    "is Easter Monday a working day for the deadline",
    "what is the difference between the DPA 2018 and GDPR",
]


@pytest.mark.parametrize("message", KEPT)
def test_special_categories_named_as_a_topic_are_kept(message: str) -> None:
    assert redact(message) == message


@pytest.mark.parametrize(("message", "secret"), [
    ("my trade union membership should not be on the file", "trade union"),
    ("my biometric data was passed on", "biometric"),
    ("the shop used facial recognition on me", "facial"),
])
def test_someones_own_special_category_data_is_still_redacted(message: str, secret: str) -> None:
    assert secret not in redact(message), redact(message)
