"""Rendering the email templates: a plain-text and an HTML part from one pair of files.

The templates are Jinja2 files in ``bot/mail/templates`` (or a council's own copies in
``MAIL_TEMPLATE_DIR``, searched first) that a council may edit; docs/mail.md says how. The
first line of each ``.txt`` template is ``Subject: ...``. Both environments use
StrictUndefined, so a misspelt value fails loudly instead of sending a blank; the HTML one
autoescapes, so a resident's own words (their name, what they asked) can never inject markup.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    UndefinedError,
    select_autoescape,
)

from bot.mail.outbox import Draft
from bot.rules import council

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# What each message needs beyond the case (required) or may have (optional, default None).
REQUIRED_VALUES: Mapping[str, tuple[str, ...]] = {
    "confirmation": (),
    "id_chase": (),
    "clarification": ("question",),
    "extension": ("reason",),
    "fee": ("amount", "reason"),
    "completion": (),
    "refusal": ("reason",),
    "digest": ("today", "working_days", "overdue", "due_soon"),
    # Sent when staff decide about a document the resident sent in the chat.
    "document_accepted": ("document", "arrived_on"),
    "document_rejected": ("document", "arrived_on", "reason"),
}
OPTIONAL_VALUES: Mapping[str, tuple[str, ...]] = {"completion": ("message",)}
MESSAGE_KINDS = tuple(REQUIRED_VALUES)


class MailTemplateError(ValueError):
    """A template is missing, broken, or was not given a value it needs; says which."""


def council_details() -> dict[str, str]:
    """The council's (and the ICO's) published details, from their one home."""
    return {
        "name": council.COUNCIL_NAME,
        "dpo_email": council.DPO_EMAIL,
        "dpo_phone": council.DPO_PHONE,
        "dpo_postal_address": council.DPO_POSTAL_ADDRESS,
        "ico_name": council.ICO_NAME,
        "ico_postal_address": council.ICO_POSTAL_ADDRESS,
        "ico_phone": council.ICO_PHONE,
        "ico_phone_national_rate": council.ICO_PHONE_NATIONAL_RATE,
        "ico_email": council.ICO_EMAIL,
    }


@dataclass(frozen=True)
class Environments:
    text: Environment
    html: Environment


@lru_cache(maxsize=8)
def environments(template_dir: Path | None = None) -> Environments:
    """The text and HTML environments, a council's directory searched before ours."""
    dirs = [str(template_dir)] if template_dir is not None else []
    loader = FileSystemLoader([*dirs, str(TEMPLATES_DIR)])
    common: dict[str, Any] = {
        "loader": loader,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    return Environments(
        text=Environment(autoescape=False, **common),
        html=Environment(autoescape=select_autoescape(default=True), **common),
    )


def render(kind: str, values: Mapping[str, Any], template_dir: Path | None = None) -> Draft:
    """Both parts of the ``kind`` message, with ``values`` plus ``council``.

    Raises MailTemplateError if a required value is missing or a template fails.
    """
    if kind not in REQUIRED_VALUES:
        raise MailTemplateError(f"no email template {kind!r} (one of {', '.join(MESSAGE_KINDS)})")
    missing = [name for name in REQUIRED_VALUES[kind]
               if values.get(name) is None or values.get(name) == ""]
    if missing:
        raise MailTemplateError(f"the {kind} email needs: {', '.join(missing)}")
    context: dict[str, Any] = {name: None for name in OPTIONAL_VALUES.get(kind, ())}
    context.update(values)
    context["council"] = council_details()
    envs = environments(template_dir)
    try:
        subject, text = split_subject(envs.text.get_template(f"{kind}.txt").render(context))
        html = envs.html.get_template(f"{kind}.html").render({**context, "subject": subject})
    except UndefinedError as exc:
        raise MailTemplateError(f"the {kind} email template uses an unknown value: {exc}") from exc
    except TemplateError as exc:
        raise MailTemplateError(f"the {kind} email template cannot be used: {exc}") from exc
    return Draft(template=kind, subject=subject, text=text, html=html)


def render_edited(kind: str, subject: str, text: str,
                  template_dir: Path | None = None) -> Draft:
    """A message staff edited: their text as the plain part, the same text (escaped) as HTML."""
    paragraphs = [block.splitlines() for block in text.strip().split("\n\n") if block.strip()]
    html = environments(template_dir).html.get_template("_edited.html").render(
        subject=subject, paragraphs=paragraphs, council=council_details()
    )
    return Draft(template=kind, subject=subject, text=text.strip() + "\n", html=html)


def split_subject(rendered: str) -> tuple[str, str]:
    """``Subject: ...`` from the first line of a text template, and the body after it."""
    first, _, body = rendered.lstrip().partition("\n")
    label, colon, subject = first.partition(":")
    if not colon or label.strip().lower() != "subject" or not subject.strip():
        raise MailTemplateError("the first line of a .txt email template must be 'Subject: ...'")
    return " ".join(subject.split()), body.strip() + "\n"
