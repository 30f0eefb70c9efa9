"""The case store: rights requests residents made, their audit trail and statutory clock.

Use :class:`CaseRepository` (one unit of work per call, plain records back); create or
upgrade the tables first with :func:`upgrade_database` (``dpa db upgrade``).
"""
from bot.cases.records import (
    CaseDetail,
    CaseError,
    CaseEventRecord,
    CaseNotFound,
    CaseSummary,
    InvalidCaseData,
    case_to_dict,
    event_to_dict,
)
from bot.cases.repository import CaseRepository, InvalidCaseEvent
from bot.db.schema import current_revision, head_revision, upgrade_database
from bot.cases.vocabulary import REQUEST_TYPES, RESPONSE_FORMATS

__all__ = [
    "CaseDetail",
    "CaseError",
    "CaseEventRecord",
    "CaseNotFound",
    "CaseRepository",
    "CaseSummary",
    "InvalidCaseData",
    "InvalidCaseEvent",
    "REQUEST_TYPES",
    "RESPONSE_FORMATS",
    "case_to_dict",
    "current_revision",
    "event_to_dict",
    "head_revision",
    "upgrade_database",
]
