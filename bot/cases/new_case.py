"""A request about to be logged: every field of a new case, listed once.

The assistant's submitting action builds one from the form's answers and the case store
stores it (:meth:`bot.cases.repository.CaseRepository.create_case`), so adding a field means
adding it here (and to the model), not to four lists. The store checks and tidies the
values; this record only says which there are. No SQLAlchemy here: the conversation code
can build one without the database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, get_type_hints


@dataclass(frozen=True)
class NewCase:
    """The requester's details and the request, as the resident gave them."""

    request_type: str
    full_name: str
    conversation_id: str | None = None
    previous_names: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    postcode: str | None = None
    previous_addresses: str | None = None
    email: str | None = None
    phone: str | None = None
    on_behalf: bool = False
    subject_name: str | None = None
    relationship: str | None = None
    authority: str | None = None
    details: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    period: str | None = None
    services: str | None = None
    response_format: str | None = None
    id_document: str | None = None
    address_document: str | None = None
    requires_id: bool = True
    # Proof of address recorded apart from proof of identity (the form asks for both).
    requires_address: bool = False
    # None: evidence of authority is needed exactly when someone asks on another's behalf.
    requires_authority: bool | None = None

    def stored_values(self) -> dict[str, Any]:
        """The values as the case's columns take them (the authority default resolved)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.requires_authority is None:
            values["requires_authority"] = self.on_behalf
        return values


FIELDS = tuple(f.name for f in fields(NewCase))
_HINTS = get_type_hints(NewCase)
# Free text the store strips and limits to its column's length (the request type is a name
# from the vocabulary, not free text).
TEXT_FIELDS = tuple(
    name for name in FIELDS if name != "request_type" and _HINTS[name] in (str, str | None)
)
FLAG_FIELDS = tuple(name for name in FIELDS if _HINTS[name] in (bool, bool | None))
