"""The console's one Jinja2 environment: the templates in ``templates/``, their filters, and
:func:`render`.

Autoescaping is on for ``.html``, so everything a resident or a member of staff typed is
shown as text (a ``<script>`` arrives as ``&lt;script&gt;``); views pass plain data, never
pre-built HTML. Every code a page shows goes through a filter from ``bot.cases.labels``.
``StrictUndefined`` turns a misspelt variable into an error instead of an empty string.
No inline scripts or styles: the Content-Security-Policy forbids them.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.cases import labels
from bot.staff.auth.security import PREFIX
from bot.staff.render.case_words import due_words, urgency

TEMPLATES = Path(__file__).resolve().parent / "templates"
LONDON = ZoneInfo("Europe/London")


def fmt_time(moment: datetime | None, empty: str = "—") -> str:
    """A UTC timestamp shown in the council's local time."""
    if moment is None:
        return empty
    return moment.astimezone(LONDON).strftime("%d %b %Y %H:%M").lstrip("0")


def percent(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``1 case``, ``2 cases``."""
    return f"{count} {word if count == 1 else plural_word or word + 's'}"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        date=labels.day_label, time=fmt_time, percent=percent, plural=plural,
        status_label=labels.status_label, request_label=labels.request_label,
        event_label=labels.event_label, waiting_words=labels.waiting_words,
        choice=lambda value, slot: labels.choice_label(slot, value),
        answer_label=labels.answer_label, answer_value=labels.answer_value,
        intent_label=labels.intent_label, handoff_reason=labels.handoff_reason,
        handoff_status=labels.handoff_status, yes_no=labels.yes_no,
        complaint_status=labels.complaint_status,
        urgency=urgency, due_words=due_words,
    )
    environment.globals.update(PREFIX=PREFIX)
    return environment


ENVIRONMENT = _environment()


def render(template: str, /, **context: Any) -> str:
    """``templates/<template>`` filled with ``context`` (escaped)."""
    return ENVIRONMENT.get_template(template).render(**context)
