"""What Rasa sends the action server: the conversation's recent events, not all of them.

Rasa 3.6 (``RemoteAction._action_call_format``) sends, on every custom action, the tracker
with every event of the session (``EventVerbosity.ALL``); Rasa serialises each one and
rasa-sdk parses each one again, so the call grows with the conversation (13.3 -> 19.6 ms
a call from turn 10 to turn 120, docs/benchmarks.md). The state it sends beside the events
(``slots``, ``latest_message``, ``active_loop``, ``latest_action_name``, ``paused``,
``followup_action``) is what actions read; of the events themselves, the audit
(docs/benchmarks.md, "What still grew") found:

- ours: :func:`actions.handoff.handoff_reason` reads the last
  :data:`actions.handoff.RECENT_USER_TURNS` user events, :mod:`actions.status` the latest
  user event's metadata; nothing else in ``actions/`` or ``bot/`` reads ``tracker.events``;
- rasa-sdk's: ``Tracker.slots_to_validate`` (the slot events at the end, after the form's
  extraction), ``get_latest_input_channel`` (the latest user event), ``current_state``'s
  ``latest_event_time`` (the last event), ``get_last_event_for`` / ``applied_events`` (the
  recent ones, undoing a rewind back to the user event before it); ``latest_message``,
  ``slots`` and ``active_loop`` come from the state, not the events.

So :func:`install` (called by our Rasa launcher, :mod:`bot.rasa.server`) makes the call send
the events from the :data:`USER_TURNS_SENT`-th last user message on (twice what the audit
found, and the action listen before it, so a rewind undoes what Rasa's does): a bounded
payload however long the conversation. Everything else in the call (the domain, the
selective-domain setting, the state) is what Rasa builds.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

USER_TURNS_SENT = 8

_installed = False


def tail_start(events: Sequence[Any], user_turns: int = USER_TURNS_SENT) -> int:
    """Where the events sent begin: at the action listen before the ``user_turns``-th last
    user event (0 when the conversation has fewer user events than that)."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == user_turns:
                before = index - 1
                if before >= 0 and isinstance(events[before], ActionExecuted):
                    return before
                return index
    return 0


def recent_events(tracker: Any, user_turns: int = USER_TURNS_SENT) -> list[Any]:
    """The tracker's events from :func:`tail_start` on."""
    events = tracker.events  # a deque: index from the end, copy only the tail
    start = tail_start(events, user_turns)
    return [events[i] for i in range(start, len(events))]


def action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """Rasa 3.6's ``RemoteAction._action_call_format`` with the recent events only."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    tracker_state = tracker.current_state(EventVerbosity.NONE)
    tracker_state["events"] = [event.as_dict() for event in recent_events(tracker)]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker_state,
        "version": rasa.__version__,
    }
    if (
        not self._is_selective_domain_enabled()
        or domain.does_custom_action_explicitly_need_domain(self.name())
    ):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._action_call_format = action_call_format
    _installed = True
