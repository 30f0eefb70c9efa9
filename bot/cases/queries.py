"""Finding cases: by reference, by the staff console's filters and search, by what a resident knows.

Pure query building over an open session; the repository opens the session and turns what
is found into records.
"""
from __future__ import annotations

import hmac
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.cases import checks
from bot.cases.models import Case
from bot.cases.records import CaseNotFound, InvalidCaseData
from bot.rules import references


def load(session: Session, reference: str, *, for_update: bool = False) -> Case:
    """The case with ``reference`` however it was typed; raises CaseNotFound."""
    canonical = references.normalise_reference(reference)
    if canonical is None:
        raise CaseNotFound(reference)
    query = select(Case).where(Case.reference == canonical)
    if for_update:  # PostgreSQL: serialise writers on this case (SQLite: BEGIN IMMEDIATE)
        query = query.with_for_update()
    case = session.scalars(query).first()
    if case is None:
        raise CaseNotFound(reference)
    return case


def reference_taken(session: Session, reference: str) -> bool:
    return session.scalar(select(Case.id).where(Case.reference == reference)) is not None


def resident_case(
    session: Session, reference: str, email: str | None, date_of_birth: date | None
) -> Case | None:
    """The case with ``reference`` if every detail given matches it, else None.

    A missing reference and a wrong detail look the same, and the email is compared in
    constant time, so the answer does not reveal which references exist or what they hold.
    """
    canonical = references.normalise_reference(reference) or ""
    case = session.scalars(select(Case).where(Case.reference == canonical)).first()
    matches = case is not None
    if email is not None:
        stored = (case.email or "") if case is not None else ""
        matches &= bool(stored) and _same_text(stored, email)
    if date_of_birth is not None:
        stored_dob = case.date_of_birth if case is not None else None
        matches &= stored_dob is not None and stored_dob == date_of_birth
    return case if matches else None


def cases_matching(
    today: date,
    status: str | None = None,
    request_type: str | None = None,
    due_within_days: int | None = None,
    overdue: bool = False,
    awaiting_id: bool = False,
    search: str | None = None,
    conversation_id: str | None = None,
) -> Select:
    """The query behind :meth:`CaseRepository.list_cases` (which says what each filter means)."""
    query = select(Case)
    if status is not None:
        query = query.where(Case.status == checks.status(status))
    if request_type is not None:
        query = query.where(Case.request_type == checks.request_type(request_type))
    if conversation_id is not None:
        query = query.where(Case.conversation_id == conversation_id)
    open_with_due_date = and_(Case.closed_on.is_(None), Case.due_on.is_not(None))
    if due_within_days is not None:
        if due_within_days < 0:
            raise InvalidCaseData("due_within_days cannot be negative")
        horizon = today + timedelta(days=due_within_days)
        query = query.where(open_with_due_date, Case.due_on >= today, Case.due_on <= horizon)
    if overdue:
        query = query.where(open_with_due_date, Case.due_on < today)
    if awaiting_id:
        query = query.where(_waiting_for_clause("id"))
    if search is not None and search.strip():
        query = query.where(_search_clause(search))
    return query.order_by(Case.due_on.is_(None), Case.due_on, Case.received_on, Case.id)


def _waiting_for_clause(item: str) -> Any:
    """SQL for "``item`` is one of the comma-separated waiting_for values"."""
    column = Case.waiting_for
    return or_(
        column == item,
        column.like(f"{item},%"),
        column.like(f"%,{item}"),
        column.like(f"%,{item},%"),
    )


def _search_clause(search: str) -> Any:
    term = search.strip().lower()
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clauses = [
        func.lower(column).like(pattern, escape="\\")
        for column in (Case.reference, Case.full_name, Case.subject_name, Case.previous_names)
    ]
    canonical = references.normalise_reference(search)
    if canonical is not None:
        clauses.append(Case.reference == canonical)
    return or_(*clauses)


def _same_text(stored: str, given: str) -> bool:
    """Case-insensitive comparison in constant time (no timing hint about the stored value)."""
    return hmac.compare_digest(
        stored.strip().casefold().encode("utf-8"), given.strip().casefold().encode("utf-8")
    )
