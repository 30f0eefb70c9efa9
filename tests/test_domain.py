"""The Rasa project keeps the contract: every intent name, every answer, every question."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.digressions import QUESTION_INTENTS
from bot.conversation.request_form import ALL_FORM_SLOTS, CHOICES
from tests.contract import contract_intents

ROOT = Path(__file__).resolve().parents[1]


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _responses() -> dict:
    responses: dict = {}
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        responses.update(_yaml(path)["responses"])
    return responses


def test_domain_declares_every_contract_intent():
    domain = _yaml(ROOT / "domain.yml")
    assert contract_intents() <= set(domain["intents"])


def test_every_contract_intent_has_training_examples():
    examples: dict[str, int] = {}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in _yaml(path).get("nlu", []):
            if "intent" in block:
                count = sum(1 for line in block["examples"].splitlines() if line.strip().startswith("- "))
                examples[block["intent"]] = examples.get(block["intent"], 0) + count
    for intent in contract_intents():
        assert examples.get(intent, 0) >= 25, (intent, examples.get(intent, 0))
    for intent in REQUEST_TYPES:
        assert examples[intent] >= 40, (intent, examples[intent])


def test_every_question_intent_has_an_answer():
    responses = _responses()
    for intent in QUESTION_INTENTS:
        assert f"utter_answer_{intent}" in responses, intent
    for request_type in REQUEST_TYPES:
        assert f"utter_explain_{request_type}" in responses
        assert f"utter_label_{request_type}" in responses


def test_every_form_question_can_be_asked():
    domain = _yaml(ROOT / "domain.yml")
    responses = _responses()
    for slot in ALL_FORM_SLOTS:
        assert slot in domain["slots"], slot
        asked = f"utter_ask_{slot}" in responses or f"action_ask_{slot}" in domain["actions"]
        assert asked, f"nothing asks for {slot}"
    assert set(domain["forms"]["request_form"]["required_slots"]) == set(ALL_FORM_SLOTS)


def test_choice_questions_offer_buttons_the_validator_reads():
    from bot.conversation.request_form import read_choice

    responses = _responses()
    for slot in CHOICES:
        for variant in responses[f"utter_ask_{slot}"]:
            assert variant.get("buttons"), slot
            for button in variant["buttons"]:
                assert read_choice(slot, button["payload"]) is not None, (slot, button)
