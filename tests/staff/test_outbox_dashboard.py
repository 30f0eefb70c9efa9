"""Staff see what waits in the outbox: the dashboard's notice and /health's count."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.cases.new_case import NewCase
from bot.cases.outbox import Outbox, OutboxStatus, outbox_overdue
from tests.staff.conftest import Console

NOTICE = "waiting to be logged (database unavailable)"


def keep_two(console: Console) -> Outbox:
    outbox = Outbox.from_settings(console.settings)
    outbox.add_case(NewCase(request_type="request_access", full_name="Ada Lovelace",
                            conversation_id="conv-1"),
                    reference="DPA-7KQ4-M2XP", received_at=datetime.now(timezone.utc))
    outbox.add_handoff("conv-2", "complaint")
    return outbox


async def test_the_dashboard_says_nothing_while_the_outbox_is_empty(signed_in: Console):
    assert NOTICE not in await signed_in.page("/staff")


async def test_the_dashboard_counts_what_waits_in_the_outbox(signed_in: Console):
    outbox = keep_two(signed_in)
    dashboard = await signed_in.page("/staff")
    assert f"2 requests {NOTICE}" in dashboard
    assert "Ada Lovelace" not in dashboard  # a count, not the personal data
    for record in outbox.pending():
        outbox.mark_done(record.id)
    assert NOTICE not in await signed_in.page("/staff")


async def test_health_reports_the_outbox(signed_in: Console):
    empty = await (await signed_in.client.get("/health")).json()
    assert empty["outbox"] == {"pending": 0, "oldest": None}
    keep_two(signed_in)
    payload = await (await signed_in.client.get("/health")).json()
    assert payload["outbox"]["pending"] == 2 and payload["outbox"]["oldest"]


def test_a_record_waiting_past_the_limit_degrades_health(signed_in: Console):
    limit = signed_in.settings.outbox_degraded_after_seconds
    now = datetime.now(timezone.utc)
    assert not outbox_overdue(OutboxStatus(0, None), signed_in.settings)
    assert not outbox_overdue(OutboxStatus(1, now), signed_in.settings)
    assert outbox_overdue(OutboxStatus(1, now - timedelta(seconds=limit + 1)),
                          signed_in.settings)
