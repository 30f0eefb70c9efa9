"""The trained model finds the entities the forms and the status check need.

Parsed by the real model through Rasa's HTTP API (`/model/parse`), so these prove the
regexes, lookup tables and synonyms in `data/nlu/lookups.yml` reach the running assistant,
not only that the training data contains them.
"""
from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _parse(stack_settings, text: str) -> dict:
    request = urllib.request.Request(
        f"{stack_settings.rasa_url}/model/parse?token={stack_settings.rasa_token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _entities(parsed: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entity in parsed.get("entities", []):
        found.setdefault(entity["entity"], set()).add(str(entity["value"]))
    return found


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("my email is jo.bloggs+council@example.co.uk", "email", "jo.bloggs+council@example.co.uk"),
        ("you can ring me on 07700 900123", "phone", "07700 900123"),
        ("call +44 161 496 0000 after five", "phone", "+44 161 496 0000"),
        ("my postcode is CH65 0BE", "postcode", "CH65 0BE"),
        ("born on 3rd March 1984", "date", "3rd March 1984"),
        ("my date of birth is 03/03/84", "date", "03/03/84"),
        ("what's the status of DPA-7KQ4-M2XP", "case_reference", "DPA-7KQ4-M2XP"),
        ("it's about my daughter", "relationship", "child"),
        ("I'm asking for my grandad", "relationship", "relative"),
        ("any update on my subject access request", "request_type", "request_access"),
        ("I'm chasing my right to be forgotten request", "request_type", "request_erasure"),
    ],
)
def test_the_model_extracts_each_entity(stack, stack_settings, text, entity, value):
    found = _entities(_parse(stack_settings, text))
    assert value in found.get(entity, set()), f"{entity}={value!r} not in {found}"


def test_a_name_is_found_in_a_typical_answer(stack, stack_settings):
    found = _entities(_parse(stack_settings, "my name is Priya Sharma"))
    assert any("Priya" in name for name in found.get("person_name", set())), found
