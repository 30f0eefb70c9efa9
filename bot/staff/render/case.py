"""What the case page shows besides the case itself: the actions staff can take (and which
are offered now) and the documents the requester must send."""
from __future__ import annotations

from bot.cases.records import CaseSummary

# The actions staff can take, in the order they usually happen: (kind, button, reason?)
# reason: "required", "optional" or None (no reason field).
ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("id_received", "Record ID received", None),
    ("authority_received", "Record authority received", None),
    ("clarification_requested", "Ask for clarification (stops the clock)", "optional"),
    ("clarification_received", "Record clarification received (restarts the clock)", None),
    ("fee_requested", "Record fee asked for", "optional"),
    ("fee_received", "Record fee received", None),
    ("extended", "Extend by two months", "required"),
    ("completed", "Complete", "optional"),
    ("refused", "Refuse", "required"),
    ("withdrawn", "Record withdrawn", "optional"),
)
ACTION_KINDS = {kind: (label, reason) for kind, label, reason in ACTIONS}


def _offered(case: CaseSummary, kind: str) -> bool:
    waiting = case.waiting_for
    return {
        "id_received": "id" in waiting,
        "authority_received": "authority" in waiting,
        "clarification_requested": "clarification" not in waiting,
        "clarification_received": "clarification" in waiting,
        "fee_requested": "fee" not in waiting,
        "fee_received": "fee" in waiting,
        "extended": not case.extended and case.clock_started_on is not None,
    }.get(kind, True)


def offered_actions(case: CaseSummary) -> list[dict[str, str | None]]:
    """The actions that make sense for the case as it is now (none once it is closed)."""
    if case.closed_on is not None:
        return []
    return [{"kind": kind, "label": label, "reason": reason}
            for kind, label, reason in ACTIONS if _offered(case, kind)]


def document_rows(case: CaseSummary) -> list[list[str]]:
    """(document, type, state) of each document the requester must send."""
    rows = []
    if case.requires_id:
        state = "Outstanding" if "id" in case.waiting_for else "Received"
        rows.append(["Proof of identity", case.id_document or "not stated", state])
        rows.append(["Proof of address", case.address_document or "not stated", state])
    if case.requires_authority:
        state = "Outstanding" if "authority" in case.waiting_for else "Received"
        rows.append(["Evidence of authority", case.authority or "not stated", state])
    if "fee" in case.waiting_for:
        rows.append(["Fee", "asked for", "Outstanding"])
    return rows
