"""The widget's document upload: ``GET`` and ``POST /chat/documents?resident=``.

Once the assistant has logged a request in a conversation, the resident can send the
documents the case waits for (proof of identity, of address, of authority) from the chat.
The resident id is the key, as for the chat itself; the case is the latest one logged in
that conversation. Each file is checked by its content (bot/documents/checks.py), size and
count, encrypted and stored (bot/documents/store.py); nothing of it reaches the tracker
store, the transcript or a log. Every refusal is a sentence the widget shows as it is.
"""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import BodyPartReader, web

from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.documents.checks import (
    ALLOWED_WORDS,
    EXTENSIONS,
    check_upload,
    megabytes,
    too_large,
)
from bot.documents.store import PURPOSE_LABELS, DocumentRecord, DocumentStore, awaited_purposes
from bot.web.chat import _check_origin, _conversation_id, _cors, _require_database
from bot.web.keys import DATABASE_KEY, DOCUMENTS_KEY, SETTINGS_KEY

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
STATUS_WORDS = {"received": "Received: waiting for a member of staff to check it",
                "accepted": "Checked and accepted", "rejected": "Not accepted"}


def _latest_case(request: web.Request, conversation_id: str) -> CaseSummary | None:
    settings = request.app[SETTINGS_KEY]
    cases = CaseRepository(request.app[DATABASE_KEY].sessions, nation=settings.council_nation)
    found = cases.list_cases(conversation_id=conversation_id)
    return max(found, key=lambda case: case.received_at) if found else None


def _sent(record: DocumentRecord) -> dict[str, Any]:
    return {"id": record.id, "purpose": record.purpose, "label": record.label,
            "status": record.status, "status_text": STATUS_WORDS.get(record.status, ""),
            "received_on": record.received_on.isoformat()}


def _state(request: web.Request, conversation_id: str) -> dict[str, Any]:
    """What the widget shows: the case, what it still waits for, what was sent, the limits."""
    settings = request.app[SETTINGS_KEY]
    case = _latest_case(request, conversation_id)
    if case is None:
        return {"reference": None, "awaiting": [], "sent": []}
    sent = request.app[DOCUMENTS_KEY].for_case(case.reference)
    awaiting = [] if case.closed_on is not None else awaited_purposes(case.waiting_for)
    return {
        "reference": case.reference,
        "awaiting": [{"purpose": p, "label": PURPOSE_LABELS[p]} for p in awaiting],
        "sent": [_sent(record) for record in sent],
        "max_bytes": settings.document_max_bytes,
        "max_size_text": megabytes(settings.document_max_bytes),
        "max_count": settings.document_max_count,
        "remaining": max(settings.document_max_count - len(sent), 0),
        "accept": ",".join(f"{t},.{e}" for t, e in EXTENSIONS.items()),
        "allowed_text": ALLOWED_WORDS,
    }


def _refuse(origin: str | None, status: int, text: str) -> web.Response:
    return web.json_response({"ok": False, "text": text}, status=status, headers=_cors(origin))


async def documents_state(request: web.Request) -> web.Response:
    origin = _check_origin(request, required=False)
    conversation_id = _conversation_id(request, origin)
    await _require_database(request)
    state = await request.app[DATABASE_KEY].run(_state, request, conversation_id)
    return web.json_response(state, headers=_cors(origin))


async def _read_upload(request: web.Request, limit: int) -> tuple[str, bytes, bool]:
    """The ``purpose`` field and the ``document`` file (at most ``limit`` + 1 bytes kept;
    ``too_big`` once more arrived). Streams, so a huge upload never sits in memory."""
    purpose, data, too_big = "", b"", False
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "purpose":
            purpose = (await part.read(decode=True)).decode("utf-8", "replace")[:20].strip()
        elif part.name == "document":
            chunks, size = [], 0
            while True:
                chunk = await part.read_chunk(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    too_big = True
                    continue  # drain the rest, keep nothing
                chunks.append(chunk)
            data = b"" if too_big else b"".join(chunks)
    return purpose, data, too_big


async def upload_document(request: web.Request) -> web.Response:
    """``POST /chat/documents?resident=`` (multipart: ``purpose``, ``document``)."""
    origin = _check_origin(request, required=True)
    conversation_id = _conversation_id(request, origin)
    await _require_database(request)
    settings = request.app[SETTINGS_KEY]
    database = request.app[DATABASE_KEY]
    if not request.content_type.startswith("multipart/"):
        return _refuse(origin, 400, "Choose a file to send.")
    try:
        purpose, data, too_big = await _read_upload(request, settings.document_max_bytes)
    except ValueError:
        return _refuse(origin, 400, "That upload could not be read. Please try again.")
    if too_big:
        return _refuse(origin, 413, too_large(settings.document_max_bytes + 1,
                                              settings.document_max_bytes))
    state = await database.run(_state, request, conversation_id)
    if state["reference"] is None:
        return _refuse(origin, 409, "There is no request in this chat yet: once the assistant "
                                    "has logged your request you can send documents here.")
    awaiting = [item["purpose"] for item in state["awaiting"]]
    if not awaiting:
        return _refuse(origin, 409, f"Request {state['reference']} is not waiting for any "
                                    "documents, so nothing was stored.")
    if purpose not in awaiting:
        purpose = awaiting[0] if len(awaiting) == 1 else ""
    if not purpose:
        return _refuse(origin, 400, "Say which document this is: "
                       + " or ".join(item["label"].lower() for item in state["awaiting"]) + ".")
    checked = check_upload(data, max_bytes=settings.document_max_bytes,
                           already=len(state["sent"]), max_count=settings.document_max_count)
    if not checked.ok or checked.content_type is None:
        return _refuse(origin, 400, checked.problem or "That file could not be accepted.")
    store: DocumentStore = request.app[DOCUMENTS_KEY]
    record = await database.run(store.save, state["reference"], purpose, data,
                                checked.content_type)
    log.info("case %s: document #%d received (%s, %s, %d bytes)", record.case_reference,
             record.id, record.purpose, record.content_type, record.size)
    return web.json_response(
        {"ok": True, "document": _sent(record), "reference": record.case_reference,
         "text": f"Thank you: your {record.label.lower()} is stored safely with request "
                 f"{record.case_reference}. A member of staff will check it, and we will tell "
                 "you here and by email."},
        headers=_cors(origin))


def add_document_routes(app: web.Application) -> None:
    app.router.add_get("/chat/documents", documents_state)
    app.router.add_post("/chat/documents", upload_document)
