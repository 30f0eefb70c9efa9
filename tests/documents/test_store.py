"""The document store on each real database (SQLite and PostgreSQL): encrypted bytes in,
the same bytes out, one decision, files deleted a set time after the case closed."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.db.engine import get_engine, make_session_factory
from bot.documents.crypto import DocumentCipher
from bot.documents.store import DocumentAlreadyDecided, DocumentNotFound, DocumentStore
from tests.documents.test_checks import PDF


def test_store_open_decide_and_purge(migrated_url: str, repo: CaseRepository, clock) -> None:
    store = DocumentStore(make_session_factory(get_engine(migrated_url)),
                          DocumentCipher("test secret"), now=clock)
    case = repo.create_case(NewCase(request_type="request_access", full_name="Ada Lovelace"),
                            received_at=clock())
    other = repo.create_case(NewCase(request_type="request_access", full_name="Ben Lovelace"),
                             received_at=clock())
    record = store.save(case.reference, "id", PDF, "application/pdf")
    assert record.received_on == date(2026, 3, 2) and record.size == len(PDF)
    with get_engine(migrated_url).connect() as connection:
        stored = connection.execute(text("SELECT ciphertext FROM dpa_case_documents")).scalar()
    assert bytes(stored) != PDF and b"JavaScript" not in bytes(stored)
    assert store.open(case.reference, record.id)[1] == PDF
    with pytest.raises(DocumentNotFound):
        store.open(other.reference, record.id)  # never through another case's page
    assert store.count_for_case(case.reference) == 1
    store.decide(case.reference, record.id, accepted=True, actor="sam", reason=None)
    with pytest.raises(DocumentAlreadyDecided):
        store.decide(case.reference, record.id, accepted=False, actor="sam", reason="blurred")

    repo.record_event(case.reference, "withdrawn", date(2026, 3, 2), "sam")
    assert store.purge_closed(date(2026, 3, 31), 30) == 0
    assert store.purge_closed(date(2026, 4, 1), 30) == 1
    [kept] = store.for_case(case.reference)
    assert kept.status == "accepted" and kept.deleted_at is not None
    with pytest.raises(DocumentNotFound):
        store.open(case.reference, record.id)
