"""What the request form asks, in which order, and how answers become canonical values.

Pure logic (no Rasa import): the action server's form validator asks this module which
questions a request needs and how to read an answer, so the whole plan is unit-tested in
milliseconds. The wording of each question lives in the domain (``utter_ask_<slot>``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# The questions that depend on the kind of request (after who it is about and who you are).
DETAIL_SLOTS: Mapping[str, tuple[str, ...]] = {
    "request_access": ("access_what", "access_period"),
    "request_erasure": ("erasure_what", "erasure_ground"),
    "request_rectification": ("rectification_wrong", "rectification_correct"),
    "request_restriction": ("restriction_what", "restriction_reason"),
    "object_processing": ("objection_what", "objection_grounds"),
    "request_portability": ("portability_what", "portability_destination"),
    "object_automated_decision": ("decision_what", "decision_concern"),
    "stop_direct_marketing": ("marketing_channels",),
}

ON_BEHALF_SLOTS = ("relationship", "authority", "subject_name")
REQUESTER_SLOTS = ("full_name", "previous_names", "date_of_birth", "address", "postcode",
                   "email", "phone")
DOCUMENT_SLOTS = ("id_document", "address_document")

# Every slot the form may fill, so a new request starts from a clean sheet.
ALL_FORM_SLOTS: tuple[str, ...] = (
    "subject", *ON_BEHALF_SLOTS, *REQUESTER_SLOTS, "previous_addresses",
    *sorted({slot for slots in DETAIL_SLOTS.values() for slot in slots}),
    "response_format", *DOCUMENT_SLOTS, "confirmed", "change_field",
)

# Answers that may be skipped outright (the resident types "none" or "skip").
OPTIONAL_SLOTS = frozenset({"previous_names", "previous_addresses", "access_period"})


def required_slots(
    request_type: str | None, slots: Mapping[str, object]
) -> list[str]:
    """The questions this request needs, in the order they are asked.

    Depends on the answers so far: someone acting for another person is asked about
    their relationship and authority; the details depend on the request type; marketing
    objections need no ID (the council must stop as soon as it receives one) nor a
    response format; portability is always answered in a portable format.
    """
    if request_type is None or request_type not in DETAIL_SLOTS:
        return []
    plan: list[str] = ["subject"]
    if slots.get("subject") == "other":
        plan += ON_BEHALF_SLOTS
    plan += REQUESTER_SLOTS
    if request_type == "request_access":
        plan.append("previous_addresses")
    plan += DETAIL_SLOTS[request_type]
    if request_type not in ("stop_direct_marketing", "request_portability"):
        plan.append("response_format")
    if needs_id(request_type):
        plan += DOCUMENT_SLOTS
    plan.append("confirmed")
    if slots.get("confirmed") is False:
        plan.append("change_field")
    return plan


def needs_id(request_type: str) -> bool:
    """Whether the clock waits for proof of identity (not for stopping direct marketing)."""
    return request_type != "stop_direct_marketing"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    patterns: tuple[str, ...]


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value, label, tuple(p.split("|"))) for value, label, p in items)


# Order matters: the first choice with a matching word wins ("council tax bill" before "bill").
CHOICES: Mapping[str, tuple[Choice, ...]] = {
    "subject": _choices(
        ("other", "Someone else",
         "someone else|somebody else|other person|another person|on behalf|behalf|for my|"
         "child|son|daughter|mum|mother|dad|father|client|relative|partner|wife|husband|"
         "not me|not for me|them|other"),
        ("self", "Myself", "myself|me|my own|mine|self|i am|i'm|about me|for me|my"),
    ),
    "relationship": _choices(
        ("child", "My child", "child|son|daughter|kid|stepson|stepdaughter|baby|teenager"),
        ("parent", "My parent", "parent|mum|mom|mother|dad|father"),
        ("partner", "My partner", "partner|wife|husband|spouse|girlfriend|boyfriend"),
        ("client", "My client", "client|solicitor|customer|advocate|social worker|represent"),
        ("relative", "A relative",
         "relative|brother|sister|aunt|uncle|gran|grandmother|grandfather|grandad|nan|cousin|"
         "nephew|niece|family|in-law"),
        ("other", "Someone else", "friend|neighbour|carer|someone|other|else"),
    ),
    "authority": _choices(
        ("power_of_attorney", "Power of attorney",
         "attorney|lpa|poa|deputy|court of protection|deputyship"),
        ("parental_responsibility", "Parental responsibility",
         "parental|parent|guardian|mother|father|mum|dad|birth certificate"),
        ("signed_consent", "Their signed consent",
         "consent|permission|signed|authority form|letter of authority|authorisation|agreed"),
        ("other_legal", "Another legal document", "court order|order|legal|other|document"),
    ),
    "response_format": _choices(
        ("portable", "Portable (machine-readable)",
         "portable|machine|csv|json|spreadsheet|xml|structured"),
        ("in_person", "In person at an office",
         "in person|person|office|visit|come in|collect|face to face|pop in"),
        ("paper", "Paper copy by post",
         "paper|post|posted|letter|printed|print|hard copy|hardcopy|mail it"),
        ("electronic", "Electronic copy (usually PDF)",
         "email|e-mail|electronic|pdf|online|digital|digitally|electronically|emailed"),
    ),
    "id_document": _choices(
        ("passport", "Passport", "passport"),
        ("driving_licence", "Photo driving licence", "driving|licence|license|dvla"),
        ("national_id", "National identity card", "national|identity card|id card"),
        ("birth_certificate", "Birth certificate", "birth"),
    ),
    "address_document": _choices(
        ("council_tax_bill", "Council tax bill (up to 1 year old)",
         "council tax|local authority tax|ctax"),
        ("hmrc_document", "HMRC tax document (up to 1 year old)",
         "hmrc|tax document|p60|tax return|inland revenue"),
        ("tv_licence", "Current TV licence", "tv|television"),
        ("credit_card_statement", "Credit card statement (up to 3 months old)", "credit card"),
        ("bank_statement", "Bank statement (up to 3 months old)", "bank|building society"),
        ("driving_licence", "Current driving licence", "driving|licence|license"),
        ("utility_bill", "Utility bill (up to 3 months old)",
         "utility|gas|electric|electricity|water|broadband|phone bill|energy|bill"),
    ),
    "erasure_ground": _choices(
        ("consent_withdrawn", "I withdraw my consent", "withdraw|consent|took back|revoke"),
        ("unlawful", "It was used unlawfully", "unlawful|illegal|unlawfully|against the law"),
        ("legal_obligation", "The law requires it to be erased",
         "legal obligation|law requires|required by law|court"),
        ("objection", "I object and there is no overriding reason", "object|objection"),
        ("no_longer_needed", "You no longer need it",
         "no longer|not needed|don't need|dont need|finished|closed|old|unnecessary|no need"),
        ("not_sure", "I'm not sure", "not sure|unsure|don't know|dont know|no idea|dunno"),
    ),
    "restriction_reason": _choices(
        ("accuracy_contested", "The data is wrong and should be checked",
         "wrong|inaccurate|incorrect|accuracy|accurate|mistake|error|check"),
        ("objection_pending", "I've objected and you're considering it",
         "objected|objection|object|considering|reviewing"),
        ("unlawful_keep", "It was used unlawfully but I don't want it deleted",
         "unlawful|illegal|don't want it deleted|dont want it deleted|not deleted"),
        ("legal_claim", "I need it kept for a legal claim",
         "legal claim|claim|court|tribunal|solicitor|lawyer|case"),
        ("not_sure", "I'm not sure", "not sure|unsure|don't know|dont know|no idea"),
    ),
}

FIELD_LABELS: Mapping[str, str] = {
    "subject": "Who the request is about",
    "relationship": "Their relationship to you",
    "authority": "Your authority to act for them",
    "subject_name": "Their full name",
    "full_name": "Your full name",
    "previous_names": "Previous names",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "email": "Email",
    "phone": "Phone",
    "previous_addresses": "Previous addresses",
    "access_what": "Information wanted",
    "access_period": "Period",
    "erasure_what": "What to erase",
    "erasure_ground": "Grounds for erasure",
    "rectification_wrong": "What is wrong",
    "rectification_correct": "What it should say",
    "restriction_what": "What to restrict",
    "restriction_reason": "Why restrict it",
    "objection_what": "What you object to",
    "objection_grounds": "Your reasons",
    "portability_what": "Information to transfer",
    "portability_destination": "Send it to",
    "decision_what": "The decision",
    "decision_concern": "Your concern",
    "marketing_channels": "Marketing to stop",
    "response_format": "How you'd like the response",
    "id_document": "Proof of identity you'll send",
    "address_document": "Proof of address you'll send",
}



def _normalise(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9'-]+", text.lower().replace("’", "'"))) + " "


def read_choice(slot: str, text: str) -> str | None:
    """The canonical value a free-text or button answer means, or None if unclear.

    Button payloads send the canonical value itself (e.g. "paper"), so that is accepted
    first; otherwise the first choice with a whole-word match wins.
    """
    choices = CHOICES[slot]
    cleaned = text.strip().lower()
    for choice in choices:
        if cleaned in (choice.value, choice.label.lower()):
            return choice.value
    padded = _normalise(text)
    for choice in choices:
        for pattern in choice.patterns:
            if f" {pattern} " in padded:
                return choice.value
    return None


def choice_label(slot: str, value: object) -> str:
    for choice in CHOICES.get(slot, ()):
        if choice.value == value:
            return choice.label
    return str(value)


def display_value(slot: str, value: object) -> str:
    """A slot value as the resident should read it back in the summary."""
    if value is None or value == "":
        return "not given"
    if slot in CHOICES:
        return choice_label(slot, value)
    if slot == "date_of_birth":
        from datetime import date

        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.day} {day:%B %Y}"
    return str(value)


def summary_lines(request_label: str, request_type: str, slots: Mapping[str, object]) -> list[str]:
    """The answers to read back before the case is logged, one line each."""
    lines = [f"Request: {request_label}"]
    for slot in required_slots(request_type, slots):
        if slot in ("confirmed", "change_field"):
            continue
        lines.append(f"{FIELD_LABELS[slot]}: {display_value(slot, slots.get(slot))}")
    return lines


def changeable_fields(request_type: str, slots: Mapping[str, object]) -> list[str]:
    """Answers the resident may change at the summary (everything they were asked)."""
    asked = required_slots(request_type, slots)
    return [s for s in asked if s not in ("confirmed", "change_field")]


_FIELD_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "full_name": ("name", "my name"),
    "subject_name": ("their name",),
    "date_of_birth": ("birth", "dob", "birthday", "date of birth"),
    "email": ("email", "e-mail", "email address"),
    "phone": ("phone", "mobile", "phone number", "telephone"),
    "postcode": ("postcode", "post code"),
    "address": ("address", "home address"),
    "previous_addresses": ("previous address", "previous addresses", "old address"),
    "previous_names": ("previous name", "previous names", "maiden name", "old name"),
    "response_format": ("format", "pdf", "paper"),
    "id_document": ("identity", "id", "passport", "proof of identity"),
    "address_document": ("proof of address", "bill", "statement"),
}


def read_field_choice(text: str, fields: list[str]) -> str | None:
    """Which answer the resident wants to change: a slot name (button) or words.

    Every field's label, name and keywords are matched as whole words and the longest
    match wins, so "change my email address" means the email, not the postal address.
    """
    cleaned = text.strip().lower()
    if cleaned in fields:
        return cleaned
    padded = _normalise(text)
    best: tuple[int, str] | None = None
    for field in fields:
        phrases = {FIELD_LABELS[field].lower(), field.replace("_", " "),
                   *_FIELD_KEYWORDS.get(field, ())}
        for phrase in phrases:
            if f" {_normalise(phrase).strip()} " in padded:
                length = len(phrase)
                if best is None or length > best[0]:
                    best = (length, field)
    return best[1] if best else None


AUTHORITY_EVIDENCE: Mapping[str, str] = {
    "parental_responsibility": "the child's birth certificate or other official documents "
    "confirming your parental or guardianship rights",
    "power_of_attorney": "the power of attorney",
    "signed_consent": "their signed permission for you to act for them",
    "other_legal": "the legal document that lets you act for them",
}


def documents_to_send(request_type: str, slots: Mapping[str, object]) -> list[str]:
    """The documents the resident must send before the clock starts, in plain words."""
    documents: list[str] = []
    if needs_id(request_type):
        for slot in DOCUMENT_SLOTS:
            value = slots.get(slot)
            if value and value != "not given":
                documents.append("your " + choice_label(slot, value)[0].lower()
                                 + choice_label(slot, value)[1:])
            else:
                documents.append("proof of your identity" if slot == "id_document"
                                 else "proof of your address")
    if slots.get("subject") == "other":
        documents.append(AUTHORITY_EVIDENCE.get(str(slots.get("authority")),
                                                "evidence that you may act for them"))
    return documents


def type_specific_answers(request_type: str, slots: Mapping[str, object]) -> dict[str, object]:
    """The detail answers of this request type, for the case's ``answers`` record."""
    return {slot: slots.get(slot) for slot in DETAIL_SLOTS.get(request_type, ())}
