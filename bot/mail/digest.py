"""The staff daily digest: open cases overdue, and due within five working days.

References, request types, statuses and dates only: no names or other personal data goes
to a team mailbox. ``dpa mail digest`` queues (and sends) it; run it each working morning
from cron or a systemd timer (docs/mail.md).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.conversation.intent_labels import INTENT_LABELS
from bot.conversation.wording import long_date
from bot.mail.case_mail import MailContext
from bot.mail.outbox import Draft, MailRecord
from bot.mail.rendering import render
from bot.rules.deadlines import is_working_day
from bot.staff.render.case_words import STATUS_LABELS

DIGEST_WORKING_DAYS = 5
DIGEST_ACTOR = "digest"


def working_days_ahead(today: date, count: int, nation: str) -> date:
    """The date ``count`` working days after ``today`` (weekends and bank holidays skipped)."""
    day, left = today, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            left -= 1
    return day


def _line(case: CaseSummary) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "request_label": INTENT_LABELS.get(case.request_type, case.request_type),
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "due_on": long_date(case.due_on) if case.due_on else "",
    }


def digest_draft(repo: CaseRepository, *, today: date | None = None,
                 context: MailContext | None = None) -> Draft:
    """The digest as of ``today`` (the council's date by default)."""
    today = today or repo.today()
    horizon = working_days_ahead(today, DIGEST_WORKING_DAYS, repo.nation)
    overdue = repo.list_cases(overdue=True, today=today)
    due_soon = repo.list_cases(due_within_days=(horizon - today).days, today=today)
    template_dir = context.settings.mail_template_dir if context else None
    return render("digest", {
        "today": long_date(today),
        "working_days": DIGEST_WORKING_DAYS,
        "overdue": [_line(case) for case in overdue],
        "due_soon": [_line(case) for case in due_soon],
    }, template_dir)


def queue_digest(to_address: str, *, repo: CaseRepository, context: MailContext,
                 today: date | None = None) -> MailRecord:
    draft = digest_draft(repo, today=today, context=context)
    return context.outbox.enqueue(draft, to_address=to_address,
                                  from_address=context.from_address, actor=DIGEST_ACTOR)
