"""The assistant's answers stay grounded in the council's published texts.

Residents act on what the chat tells them (who to write to, what it costs, which ID to send),
so every contact detail must be copied from the council's own pages, never invented, and the
conditions the pages attach to each right must survive the rewrite into plain English.
Pure Python + PyYAML: no Rasa import, runs in well under a second.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ANSWERS = REPO / "data" / "responses" / "answers.yml"
POLICY_FILES = ("data-protection-rights.txt", "privacy-policy.txt")

QUESTION_INTENTS = [
    "ask_rights", "ask_cost", "ask_id_requirements", "ask_response_format", "ask_on_behalf",
    "ask_what_data_held", "ask_why_collect", "ask_lawful_basis", "ask_data_sharing",
    "ask_international_transfer", "ask_retention", "ask_security", "ask_exemptions",
    "ask_cookies", "make_complaint", "contact_dpo",
]
REQUEST_INTENTS = [
    "request_access", "request_erasure", "request_rectification", "request_restriction",
    "object_processing", "request_portability", "object_automated_decision",
    "stop_direct_marketing",
]
REQUIRED = (
    [f"utter_answer_{i}" for i in QUESTION_INTENTS]
    + ["utter_answer_ask_deadline", "utter_answer_ask_deadline_general"]
    + [f"utter_label_{i}" for i in REQUEST_INTENTS]
    + ["utter_answer_out_of_scope", "utter_greet", "utter_goodbye", "utter_you_are_welcome",
       "utter_iamabot", "utter_default"]
)
DEADLINE_PLACEHOLDERS = {"received_on", "due_on", "extended_due_on"}
MAX_WORDS = 120

# Things a resident could act on; each must be copied verbatim from a policy text.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)[^\s)\"']+", re.IGNORECASE)
DOMAIN = re.compile(r"(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|io)\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\d])(?:\+44\s?|0)\d(?:[ -]?\d){8,10}(?![\d])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")


def _policy_dir() -> Path:
    """Where the council's texts live: $DPA_POLICY_DIR, a copy in the repo, or the shared folder."""
    candidates = [os.environ.get("DPA_POLICY_DIR"), REPO / "policy", REPO / "docs" / "policy",
                  "/work/shared/policy"]
    for candidate in candidates:
        if candidate and all((Path(candidate) / name).is_file() for name in POLICY_FILES):
            return Path(candidate)
    raise FileNotFoundError(
        f"policy texts {POLICY_FILES} not found; set DPA_POLICY_DIR (looked in {candidates})")


@pytest.fixture(scope="module")
def policy() -> str:
    return "\n".join((_policy_dir() / name).read_text(encoding="utf-8") for name in POLICY_FILES)


@pytest.fixture(scope="module")
def doc() -> dict:
    return yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(doc) -> dict[str, list[str]]:
    """Response name -> the text of each of its variations."""
    return {name: [v.get("text", "") for v in variations]
            for name, variations in doc["responses"].items()}


def _one(texts: dict[str, list[str]], name: str) -> str:
    """All variations of a response joined, lower-cased, for 'mentions X' checks."""
    return "\n".join(texts[name]).lower()


def _all_texts(texts):
    for name, variations in texts.items():
        for text in variations:
            yield name, text


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


# --- shape -----------------------------------------------------------------------------------

def test_file_is_rasa_3_training_data(doc):
    assert doc["version"] == "3.1"
    assert set(doc) == {"version", "responses"}
    assert isinstance(doc["responses"], dict)
    for name, variations in doc["responses"].items():
        assert name.startswith("utter_"), name
        assert isinstance(variations, list) and variations, name
        for variation in variations:
            assert isinstance(variation, dict) and isinstance(variation.get("text"), str), name


@pytest.mark.parametrize("name", REQUIRED)
def test_required_response_exists_and_has_text(texts, name):
    assert name in texts, f"missing response {name}"
    assert all(t.strip() for t in texts[name]), f"{name} has an empty variation"


def test_no_answers_for_form_handled_intents(texts):
    for intent in ("check_case_status", "request_human"):
        assert f"utter_answer_{intent}" not in texts


@pytest.mark.parametrize("intent", REQUEST_INTENTS)
def test_request_labels_are_one_line(texts, intent):
    for text in texts[f"utter_label_{intent}"]:
        assert "\n" not in text.strip() and len(text.split()) <= 16, text


def test_short_plain_text(texts):
    for name, text in _all_texts(texts):
        assert len(text.split()) <= MAX_WORDS, f"{name}: {len(text.split())} words"
        assert not re.search(r"</?[a-zA-Z][^>]*>", text), f"{name}: HTML tag"
        assert not re.search(r"^\s*#", text, re.MULTILINE), f"{name}: markdown heading"
        assert "**" not in text and "__" not in text, f"{name}: markdown emphasis"


# The answers an action fills in with utter_message(response=..., **values): exactly these.
FILLED_BY_ACTIONS = {
    "utter_answer_ask_deadline": DEADLINE_PLACEHOLDERS,
    "utter_offer_request": {"request_label"},
}


def test_only_templates_filled_by_actions_have_placeholders(texts):
    """Rasa fills {name} from slots or utter_message kwargs; a stray brace would leak."""
    for name, text in _all_texts(texts):
        found = set(re.findall(r"\{(\w*)\}", text))
        if name in FILLED_BY_ACTIONS:
            assert found == FILLED_BY_ACTIONS[name], found
        else:
            assert "{" not in text and "}" not in text, f"{name}: brace in text"


# --- grounding: nothing a resident could act on is invented ---------------------------------

@pytest.mark.parametrize("pattern", [EMAIL, URL, DOMAIN, PHONE, POSTCODE],
                         ids=["email", "url", "domain", "phone", "postcode"])
def test_contact_details_are_verbatim_from_policy(texts, policy, pattern):
    squashed_policy = _squash(policy)
    for name, text in _all_texts(texts):
        for match in pattern.findall(text):
            assert _squash(match) in squashed_policy, (
                f"{name}: {match!r} is not in the policy texts"
            )


def test_bare_domains_are_published_as_such(texts, policy):
    """A web address must be published as one: the domain inside an email address is not a site."""
    published = {d.lower() for d in DOMAIN.findall(policy)}
    for name, text in _all_texts(texts):
        for match in DOMAIN.findall(text):
            assert match.lower() in published, f"{name}: web address {match!r} is not in the texts"


def test_phone_numbers_are_found_by_the_checker(texts):
    """Guard the guard: the phone regex must see the numbers we do publish."""
    found = {m for _, t in _all_texts(texts) for m in PHONE.findall(t)}
    assert {"0752 3515 474", "0303 123 1113", "01625 545 745"} <= found


def test_dpo_postal_address_is_the_individual_rights_one(texts):
    """The texts give three DPO addresses; we use the 'Making an individual rights request' one."""
    dpo = _one(texts, "utter_answer_contact_dpo")
    assert "dpo@cheshirewestandchester.gov.uk" in dpo
    assert "0752 3515 474" in dpo
    assert "4 civic way, ellesmere port, ch65 0be" in dpo
    for name, text in _all_texts(texts):
        for other in ("CH1 2NP", "CH65 0BA", "Nicholas Street", "The Portal"):
            assert other not in text, f"{name} uses another DPO address ({other})"


# --- the conditions the texts attach survive ------------------------------------------------

def _assert_mentions(texts, name, *phrases):
    body = _squash(_one(texts, name))
    missing = [p for p in phrases if p.lower() not in body]
    assert not missing, f"{name} does not mention {missing}"


def test_cost_conditions(texts):
    _assert_mentions(texts, "utter_answer_ask_cost", "free", "administration fee", "further copies",
                     "excessive", "unfounded", "approximate cost", "agree",
                     "Information Commissioner")


def test_deadline_rules(texts):
    for name in ("utter_answer_ask_deadline", "utter_answer_ask_deadline_general"):
        _assert_mentions(texts, name, "one calendar month", "clock starts", "ID", "weekend",
                         "bank holiday", "next working day", "complex", "number of requests",
                         "two further months", "within the first month", "why")
    _assert_mentions(texts, "utter_answer_ask_deadline", "({received_on})", "by {due_on}",
                     "{extended_due_on}")


def test_deadline_template_renders(texts):
    dates = dict(received_on="Friday 4 December 2026", due_on="Monday 4 January 2027",
                 extended_due_on="Thursday 4 March 2027")
    for text in texts["utter_answer_ask_deadline"]:
        rendered = text.format(**dates)
        assert "{" not in rendered and all(d in rendered for d in dates.values())


def test_id_documents(texts):
    _assert_mentions(texts, "utter_answer_ask_id_requirements",
                     "proof of identity", "passport", "photo driving licence",
                     "national identity card", "birth certificate",
                     "proof of address", "utility bill", "bank statement",
                     "credit card statement", "3 months", "current driving licence",
                     "current tv licence", "council tax bill", "hmrc tax document", "1 year",
                     "confirm who you are")


def test_response_formats(texts):
    _assert_mentions(texts, "utter_answer_ask_response_format", "electronic", "pdf", "paper",
                     "offices", "portable", "only covers information you gave us", "disability")


def test_acting_for_someone_else(texts):
    _assert_mentions(texts, "utter_answer_ask_on_behalf", "signed permission",
                     "power of attorney", "child", "birth certificate", "parental",
                     "guardianship")


def test_exemptions(texts):
    _assert_mentions(texts, "utter_answer_ask_exemptions", "confidential reference",
                     "in confidence", "crime", "already public", "management forecasting",
                     "planning", "serious harm", "not absolute")


def test_complaint_route(texts):
    _assert_mentions(texts, "utter_answer_make_complaint", "officer", "internal review",
                     "data protection officer", "information commissioner",
                     "wycliffe house, water lane, wilmslow, cheshire sk9 5af",
                     "0303 123 1113", "01625 545 745", "casework@ico.org.uk")
    body = _one(texts, "utter_answer_make_complaint")
    assert body.index("officer") < body.index("internal review") < body.index("commissioner")


def test_erasure_is_not_absolute(texts):
    """Any text offering erasure says it is not absolute (or, in a list, 'in some cases')."""
    offering = re.compile(r"\berasure\b|\bdelete (?:it|your|data)\b", re.IGNORECASE)
    hits = [n for n, t in _all_texts(texts)
            if offering.search(t) and not n.startswith("utter_label_")]
    assert "utter_explain_request_erasure" in hits
    for name in hits:
        body = _one(texts, name)
        assert "not absolute" in body or "in some cases" in body, name
    _assert_mentions(texts, "utter_explain_request_erasure", "not absolute", "no longer need",
                     "withdraw your consent", "object", "unlawfully", "law says",
                     "refuse", "public health", "archiving", "legal claims")
    _assert_mentions(texts, "utter_answer_ask_exemptions", "erasure is not absolute")


def test_restriction_circumstances(texts):
    _assert_mentions(texts, "utter_explain_request_restriction", "wrong", "object",
                     "unlawful", "legal claim", "store it but do not use it")


def test_portability_conditions(texts):
    _assert_mentions(texts, "utter_explain_request_portability", "machine-readable",
                     "information you gave us", "consent", "contract", "automated means",
                     "where feasible", "another organisation")


def test_rights_answers_offer_to_start_a_request(texts):
    assert _one(texts, "utter_answer_ask_rights").rstrip().endswith(
        "i can start a request for you now.")
    for intent in REQUEST_INTENTS:
        name = f"utter_explain_{intent}"
        if name in texts:
            # shown when the request form opens: it says how to cancel or ask along the way
            assert "let's start your request" in _one(texts, name), name
            assert "cancel" in _one(texts, name), name


def test_conversation_messages(texts):
    _assert_mentions(texts, "utter_greet", "automated assistant", "person", "any time",
                     "privacy notice")
    _assert_mentions(texts, "utter_iamabot", "automated assistant", "member of staff")
    _assert_mentions(texts, "utter_default", "didn't understand", "person")
    _assert_mentions(texts, "utter_answer_out_of_scope", "personal information",
                     "data protection", "website", "customer services")
