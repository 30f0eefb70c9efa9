"""What each role may do. Checked on every route (``security.require``), not only hidden in menus.

- ``staff``: cases (view and change), live handoffs, the dashboard;
- ``admin``: everything staff can, and managing accounts and reading the access log;
- ``trainer``: the trainer pages (the inbox of misunderstood messages, labelling, test
  stories, retraining and evaluating a candidate model), which only ever show redacted
  text; no cases or live chats: residents' personal data is only shown to those who work
  the requests. Admins may use the trainer pages too.
"""
from __future__ import annotations

from bot.staff.models import ADMIN, STAFF, TRAINER

CASES = "cases"
HANDOFFS = "handoffs"
ACCOUNTS = "accounts"
TRAINING = "training"
SIGNED_IN = "signed_in"

PERMISSIONS: dict[str, frozenset[str]] = {
    STAFF: frozenset({SIGNED_IN, CASES, HANDOFFS}),
    ADMIN: frozenset({SIGNED_IN, CASES, HANDOFFS, ACCOUNTS, TRAINING}),
    TRAINER: frozenset({SIGNED_IN, TRAINING}),
}


def allowed(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
