"""Hostile input at the chat socket gets a clear answer and stores nothing harmful (issue 12).

Against the real web app (tests/web's fixtures: a real SQLite file, a stand-in Rasa).
"""
from __future__ import annotations

from bot.chat.transcripts import TranscriptStore
from bot.conversation.plain_text import clean
from tests.web.conftest import ChatApp, new_resident


def test_clean_drops_control_characters_and_keeps_line_breaks():
    assert clean("a\x00b\x1b[31mc\x7f\x85d") == "ab[31mcd"
    assert clean("line one\r\nline two\rthree\tfour") == "line one\nline two\nthree four"
    assert clean("evil\u202egnp.exe") == "evilgnp.exe"
    assert clean("Zoë 👍 O'Neill") == "Zoë 👍 O'Neill"


async def test_a_nul_byte_is_not_stored_or_relayed(chat: ChatApp):
    resident = new_resident()
    tab = await chat.open(resident)
    await tab.say("my name is Jo\x00 Bloggs\x1b")
    echoed = await tab.next("message", role="resident")
    assert echoed["text"] == "my name is Jo Bloggs"
    await tab.next("message", role="assistant")
    stored = TranscriptStore.from_url(chat.settings.database_url).history(resident)
    assert all("\x00" not in m.text and "\x1b" not in m.text for m in stored)
    assert "my name is Jo Bloggs" in [m.text for m in stored]


async def test_a_deeply_nested_frame_gets_the_bad_frame_answer_and_the_socket_stays(chat: ChatApp):
    tab = await chat.open(new_resident())
    await tab.ws.send_str("[" * 100_000 + "]" * 100_000)
    answer = await tab.next()
    assert answer == {"type": "error", "text": "not a JSON object"}
    await tab.ws.send_json({"type": "ping"})
    assert await tab.next() == {"type": "pong"}


def test_a_case_field_is_stored_without_control_characters():
    from bot.cases.checks import clean_fields

    cleaned = clean_fields({"full_name": "Jo\x00 Bloggs\x1b[2J",
                            "address": "1 Mill Lane\r\nChester"})
    assert cleaned == {"full_name": "Jo Bloggs[2J", "address": "1 Mill Lane\nChester"}
