"""Finding cases: by reference, by the staff console's filters and search, by what a resident knows.

Pure query building over an open session; the repository opens the session and turns what
is found into records.
"""
from __future__ import annotations

import hmac
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.cases import checks
from bot.cases.models import Case
from bot.cases.records import CaseNotFound, InvalidCaseData
from bot.conversation.validation.dates import check_date_of_birth
from bot.rules import references

if TYPE_CHECKING:  # annotations only (Python 3.10 has no typing.Unpack)
    from typing_extensions import Unpack


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


class CaseFilters(TypedDict, total=False):
    """The staff console's filters of the case list (:meth:`CaseRepository.list_cases` says
    what each one means); every one given must match."""

    status: str | None
    request_type: str | None
    due_within_days: int | None
    overdue: bool
    awaiting_id: bool
    search: str | None
    conversation_id: str | None
    assigned_to: str | None


def cases_matching(today: date, **filters: Unpack[CaseFilters]) -> Select:
    """The query behind :meth:`CaseRepository.list_cases`."""
    unknown = set(filters) - CaseFilters.__optional_keys__
    if unknown:
        raise TypeError(f"unknown case filters: {', '.join(sorted(unknown))}")
    status, request_type = filters.get("status"), filters.get("request_type")
    conversation_id, assigned_to = filters.get("conversation_id"), filters.get("assigned_to")
    due_within_days, search = filters.get("due_within_days"), filters.get("search")
    query = select(Case)
    if status is not None:
        query = query.where(Case.status == checks.status(status))
    if request_type is not None:
        query = query.where(Case.request_type == checks.request_type(request_type))
    if conversation_id is not None:
        query = query.where(Case.conversation_id == conversation_id)
    if assigned_to is not None:
        query = query.where(Case.assigned_to == assigned_to)
    open_with_due_date = and_(Case.closed_on.is_(None), Case.due_on.is_not(None))
    if due_within_days is not None:
        if due_within_days < 0:
            raise InvalidCaseData("due_within_days cannot be negative")
        horizon = today + timedelta(days=due_within_days)
        query = query.where(open_with_due_date, Case.due_on >= today, Case.due_on <= horizon)
    if filters.get("overdue", False):
        query = query.where(open_with_due_date, Case.due_on < today)
    if filters.get("awaiting_id", False):
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
    """Any detail a resident gives on the phone: a reference, a name (now or before), an
    email, a postcode or phone number however spaced, a date of birth as typed, an address."""
    term = search.strip().lower()
    clauses = [
        func.lower(column).like(_contains(term), escape="\\")
        for column in (Case.reference, Case.full_name, Case.subject_name, Case.previous_names,
                       Case.email, Case.address, Case.previous_addresses)
    ]
    canonical = references.normalise_reference(search)
    if canonical is not None:
        clauses.append(Case.reference == canonical)
    squashed = "".join(term.split())
    if len(squashed) >= 2 and squashed.isalnum():  # a postcode, whole or its outward part
        clauses.append(func.replace(func.lower(Case.postcode), " ", "").like(
            _contains(squashed), escape="\\"))
    digits = _phone_digits(term)
    if digits is not None:
        stored = Case.phone
        for separator in (" ", "-", "(", ")", "+", "."):
            stored = func.replace(stored, separator, "")
        clauses.append(stored.like(f"%{digits}"))
    born = _date_of_birth(search)
    if born is not None:
        clauses.append(Case.date_of_birth == born)
    return or_(*clauses)


def _contains(term: str) -> str:
    """A LIKE pattern for ``term`` anywhere, its wildcards escaped."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


MIN_PHONE_DIGITS = 6


def _phone_digits(term: str) -> str | None:
    """A phone number's digits without the trunk 0 or the +44, or None if it is not one."""
    if not term or any(ch not in "0123456789 +-().\t" for ch in term):
        return None
    digits = "".join(ch for ch in term if ch.isdigit())
    if digits.startswith("44"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def _date_of_birth(search: str) -> date | None:
    """The date a search means, read as the form reads a date of birth (day first)."""
    if not any(ch.isdigit() for ch in search):
        return None
    checked = check_date_of_birth(search, min_age=0, max_age=130)
    return checked.value if checked.ok else None


def workload(session: Session) -> list[tuple[str | None, int]]:
    """Open cases per assignee (None: unassigned), most loaded first."""
    query = (
        select(Case.assigned_to, func.count(Case.id))
        .where(Case.closed_on.is_(None))
        .group_by(Case.assigned_to)
        .order_by(func.count(Case.id).desc(), Case.assigned_to)
    )
    return [(assignee, count) for assignee, count in session.execute(query)]


def _same_text(stored: str, given: str) -> bool:
    """Case-insensitive comparison in constant time (no timing hint about the stored value)."""
    return hmac.compare_digest(
        stored.strip().casefold().encode("utf-8"), given.strip().casefold().encode("utf-8")
    )
