"""What the case page shows besides the case itself: the actions staff can take (and which
are offered now) and the documents the requester must send."""
from __future__ import annotations

from bot.cases.labels import choice_label, day_label
from bot.cases.records import CaseDetail, CaseSummary

# The actions staff can take, in the order they usually happen: (kind, button, reason?)
# reason: "required", "optional" or None (no reason field).
ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("id_received", "Record proof of identity checked", None),
    ("address_received", "Record proof of address checked", None),
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
# Cases logged before proof of address was recorded apart: one event stands for both.
LEGACY_ID_LABEL = "Record ID received (identity and address)"


def _offered(case: CaseSummary, kind: str) -> bool:
    waiting = case.waiting_for
    return {
        "id_received": "id" in waiting,
        "address_received": "address" in waiting,
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
    return [{"kind": kind, "reason": reason, "label": action_label(case, kind)}
            for kind, _label, reason in ACTIONS if _offered(case, kind)]


def action_label(case: CaseSummary, kind: str) -> str:
    """The action's button; "ID received" stands for both proofs on older cases."""
    if kind == "id_received" and not case.requires_address:
        return LEGACY_ID_LABEL
    return ACTION_KINDS[kind][0]


def _arrival(case: CaseDetail, kind: str, waiting: str) -> str:
    """"Outstanding", or when it arrived and who checked it (the first event counts)."""
    if waiting in case.waiting_for:
        return "Outstanding"
    for event in case.events:
        if event.kind == kind and event.on is not None:
            return f"Received {day_label(event.on)}, checked by {event.actor}"
    return "Received"


def document_rows(case: CaseDetail) -> list[list[str]]:
    """(document, type, state) of each document the requester must send."""
    rows = []
    if case.requires_id:
        identity = _arrival(case, "id_received", "id")
        address = (_arrival(case, "address_received", "address") if case.requires_address
                   else identity)
        rows.append(["Proof of identity",
                     choice_label("id_document", case.id_document) or "not stated", identity])
        rows.append(["Proof of address",
                     choice_label("address_document", case.address_document) or "not stated",
                     address])
    if case.requires_authority:
        rows.append(["Evidence of authority",
                     choice_label("authority", case.authority) or "not stated",
                     _arrival(case, "authority_received", "authority")])
    if "fee" in case.waiting_for:
        rows.append(["Fee", "asked for", "Outstanding"])
    return rows
