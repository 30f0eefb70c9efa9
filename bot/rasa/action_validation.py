"""Check the action server's answers against Rasa's schema without re-checking the schema.

Rasa 3.6 validates every action server response with ``jsonschema.validate``, which first
checks the *schema* itself against the JSON Schema meta-schema: about as much work again as
the rest of the turn's Python (docs/benchmarks.md), every time, for a schema that is a
constant of Rasa's code. :func:`install` (called by our Rasa launcher,
:mod:`bot.rasa.server`) makes the check build its validator once and reuse it; what is
accepted and what is refused (the same ``ValidationError``, with Rasa's hint added) do not
change.
"""
from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    original = RemoteAction._validate_action_result
    validators: dict[int, Any] = {}

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        schema = self.action_response_format_spec()
        key = id(type(self).action_response_format_spec)
        validator = validators.get(key)
        if validator is None:
            cls = validator_for(schema)
            cls.check_schema(schema)  # once
            validator = validators[key] = cls(schema)
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        if not isinstance(error, ValidationError):  # pragma: no cover - as jsonschema raises
            return bool(original(self, result))
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result
    _installed = True
