"""Every table of the product on one metadata (what Alembic compares and migrates)."""
from bot.cases import (
    complaints,  # noqa: F401  (registers dpa_complaints, dpa_complaint_events)
    status_limits,  # noqa: F401  (registers dpa_status_check_attempts on Base)
)
from bot.chat import (
    handoffs,  # noqa: F401  (registers dpa_handoffs on Base)
    placements,  # noqa: F401  (registers dpa_conversation_servers on Base)
    transcripts,  # noqa: F401  (registers dpa_transcript_messages on Base)
)
from bot.db.base import Base
from bot.documents import models as document_models  # noqa: F401  (registers dpa_case_documents)
from bot.mail import models as mail_models  # noqa: F401  (registers dpa_mail_outbox on Base)
from bot.staff import models as staff_models  # noqa: F401  (registers dpa_staff_* on Base)

metadata = Base.metadata
__all__ = ["Base", "metadata"]
