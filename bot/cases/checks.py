"""Checking and tidying values before the case store keeps them (the store's own rules).

Whatever calls the store (the assistant, the staff console, the CLI) gets the same checks:
text stripped of control characters and limited to its column, blank meaning not given, names
from the vocabulary, aware timestamps. Each refusal is an :class:`InvalidCaseData` saying why.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

from bot.cases.models import Case
from bot.cases.new_case import FLAG_FIELDS, TEXT_FIELDS
from bot.cases.records import InvalidCaseData
from bot.cases.vocabulary import REQUEST_TYPES, RESPONSE_FORMATS
from bot.conversation.plain_text import clean
from bot.rules.clock import Status

MAX_ACTOR_LENGTH = 100


def clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy requester/request fields (strip text, blank means not given)."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name in TEXT_FIELDS:
            cleaned[name] = text(value, name)
        elif name in FLAG_FIELDS:
            if not isinstance(value, bool):
                raise InvalidCaseData(f"{name} must be true or false")
            cleaned[name] = value
        elif name == "date_of_birth":
            if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
                raise InvalidCaseData("date_of_birth must be a date")
            cleaned[name] = value
        elif name == "answers":
            cleaned[name] = _answers(value)
        elif name == "request_type":
            cleaned[name] = request_type(value)
        else:
            raise InvalidCaseData(f"unknown field {name!r}")
    if cleaned.get("postcode"):
        cleaned["postcode"] = " ".join(cleaned["postcode"].upper().split())
    if cleaned.get("response_format") and cleaned["response_format"] not in RESPONSE_FORMATS:
        raise InvalidCaseData(
            f"unknown response format {cleaned['response_format']!r}: "
            f"expected one of {', '.join(RESPONSE_FORMATS)}"
        )
    return cleaned


def text(value: Any, name: str = "text") -> str | None:
    """Stripped text (None when blank), refused when longer than the column ``name``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidCaseData(f"{name} must be text")
    value = clean(value).strip()
    if not value:
        return None
    column = Case.__table__.columns.get(name)
    limit = getattr(column.type, "length", None) if column is not None else None
    if limit is not None and len(value) > limit:
        raise InvalidCaseData(f"{name} is longer than {limit} characters")
    return value


def _answers(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidCaseData("answers must be a mapping of question to answer")
    try:
        return json.loads(json.dumps(dict(value)))
    except (TypeError, ValueError) as exc:
        raise InvalidCaseData(f"answers must be JSON-serialisable: {exc}") from None


def status(value: str) -> str:
    try:
        return Status(value).value
    except ValueError:
        valid = ", ".join(status.value for status in Status)
        raise InvalidCaseData(f"unknown status {value!r}: expected one of {valid}") from None


def request_type(value: str) -> str:
    if value not in REQUEST_TYPES:
        raise InvalidCaseData(
            f"unknown request type {value!r}: expected one of {', '.join(REQUEST_TYPES)}"
        )
    return value


def actor(actor: str) -> str:
    """Who made a change: every change has one, so the history can say who."""
    if not isinstance(actor, str) or not actor.strip():
        raise InvalidCaseData("every change needs an actor (who made it)")
    actor = actor.strip()
    if len(actor) > MAX_ACTOR_LENGTH:
        raise InvalidCaseData(f"actor is longer than {MAX_ACTOR_LENGTH} characters")
    return actor


def aware(moment: datetime, name: str) -> datetime:
    """UTC-aware ``moment``; naive values are taken as UTC, as bot.rules.deadlines does."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    raise InvalidCaseData(f"{name} must be a datetime")
