"""The staff access log: who looked at what personal data, and account events, with when.

Case changes are not repeated here: they are the case's own events (``dpa_case_events``,
with the staff member as actor). Targets are handoff ids, case references, inbox item ids
and conversation references (hashes), never a conversation id (it is the resident's key to
their chat) nor free text a resident wrote.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.engine import session_scope
from bot.staff.models import AccessLogEntry

# What is logged (action names).
LOGIN, LOGIN_FAILED, LOGIN_LOCKED, LOGOUT = "login", "login_failed", "login_locked", "logout"
CASE_LIST, CASE_VIEW, CASE_EXPORT_JSON, CASE_PRINT, CASE_LIST_CSV = (
    "case_list", "case_view", "case_export_json", "case_print", "case_list_csv"
)
CASE_PREVIEW = "case_preview"
# Emails to the requester from the case page: a draft shown for review, one queued, a failed
# one queued again (target: the case reference; never the text or the address).
CASE_MAIL_DRAFT, CASE_MAIL_SEND, CASE_MAIL_RETRY = (
    "case_mail_draft", "case_mail_send", "case_mail_retry"
)
# A document a resident sent in the chat: opened (decrypted, downloaded) or decided about.
DOCUMENT_VIEW, DOCUMENT_DECIDE = "document_view", "document_decide"
HANDOFF_VIEW, HANDOFF_CLAIM, HANDOFF_RELEASE = "handoff_view", "handoff_claim", "handoff_release"
HANDOFF_HAND_BACK, HANDOFF_CLOSE, HANDOFF_MESSAGE = (
    "handoff_hand_back", "handoff_close", "handoff_message"
)
# Staff logged (detail: the case reference) or cancelled the resident's request in a chat.
HANDOFF_REQUEST_LOGGED, HANDOFF_REQUEST_CANCELLED = (
    "handoff_request_logged", "handoff_request_cancelled"
)
# Complaints made in chat: a complaint viewed, its state changed (target complaint:ID).
COMPLAINT_LIST, COMPLAINT_VIEW, COMPLAINT_CHANGE = (
    "complaint_list", "complaint_view", "complaint_change"
)
ACCOUNT_CREATED, ACCOUNT_DISABLED, ACCOUNT_ENABLED, ACCOUNT_UNLOCKED = (
    "account_created", "account_disabled", "account_enabled", "account_unlocked"
)
# Trainer pages: targets are inbox item ids (a hash of the redacted text) and conversation
# references (a keyed hash of the conversation id), never the text or the id itself.
TRAINING_INBOX, TRAINING_LABEL, TRAINING_DISMISS = (
    "training_inbox", "training_label", "training_dismiss"
)
TRAINING_STORY_VIEW, TRAINING_STORY_SAVE = "training_story_view", "training_story_save"
# The assistant refused a status check: too many failed checks for a case reference (target:
# the reference, if a case has it) or from one client address (no target: no address kept).
STATUS_CHECK_LOCKED, STATUS_CHECK_ADDRESS_LOCKED = (
    "status_check_locked", "status_check_address_locked"
)
# "Train a candidate and compare" (dpa evaluate) started from the console, and how it ended.
TRAINING_EVALUATE_START, TRAINING_EVALUATE_END = "training_evaluate_start", "training_evaluate_end"
# A trainer undid a batch of labels or dismissals; deployed a model to the running assistant
# (target: the model's file name; detail: from which, to which servers, or why it failed);
# restored the previous one.
TRAINING_UNDO = "training_undo"
TRAINING_EVALUATE_VIEW = "training_evaluate_view"
TRAINING_DEPLOY, TRAINING_RESTORE = "training_deploy", "training_restore"


@dataclass(frozen=True)
class AccessRecord:
    at: datetime
    username: str
    action: str
    target: str | None
    detail: str | None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AccessLog:
    def __init__(self, sessions: sessionmaker, now: Callable[[], datetime] = _utcnow) -> None:
        self._sessions = sessions
        self._now = now

    def record(
        self, username: str, action: str, target: str | None = None, detail: str | None = None
    ) -> None:
        with session_scope(self._sessions, write=True) as session:
            session.add(AccessLogEntry(
                at=self._now(), username=username[:80], action=action[:40],
                target=target[:120] if target else None, detail=detail,
            ))

    def for_target(self, target: str, limit: int = 200) -> list[AccessRecord]:
        with session_scope(self._sessions) as session:
            rows = session.scalars(
                select(AccessLogEntry).where(AccessLogEntry.target == target)
                .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
            ).all()
            return [_record(row) for row in rows]

    def recent(self, limit: int = 200) -> list[AccessRecord]:
        with session_scope(self._sessions) as session:
            rows = session.scalars(
                select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                .limit(limit)
            ).all()
            return [_record(row) for row in rows]


def _record(row: AccessLogEntry) -> AccessRecord:
    return AccessRecord(row.at, row.username, row.action, row.target, row.detail)
