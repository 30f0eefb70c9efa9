"""What Rasa recomputes from a conversation's whole history on every turn, done once instead.

After the tracker store (:mod:`bot.rasa.tracker_store`) and the policies' past states
(:mod:`bot.rasa.past_states`), a profile of turns 111-120 of one conversation against turns
2-11 (docs/benchmarks.md) showed three more costs that grow with the number of events, all
in Rasa's bookkeeping around the policies. :func:`install` (called by our Rasa launcher,
:mod:`bot.rasa.server`) changes how each is computed, not what it is:

- ``DialogueStateTracker.applied_events`` (the events not undone) walks every event each
  time it is asked, and Rasa asks several times a turn (whether a session has started or
  expired, the last user message). :class:`IncrementalApplied` keeps each conversation's
  answer (per worker: hash routing sends a conversation to one) and carries it on over new
  events that only append, by the same test as the past states; anything that rewrites the
  history (a restart, a new session, an undone utterance, a form's next step) is computed
  from the start, as Rasa does.
- ``DialogueStateTracker.copy``, which Rasa takes before running each action, replays every
  event into a new tracker. The copy now takes the tracker's state as it is: the same
  events (shared, as the replay shares them), its slots copied as Rasa copies them, the
  loop's state copied, the rest as the replay sets it. For a tracker that keeps only its
  last events (``max_event_history``, which we do not set) the replay would differ, so it
  is used there.
- The RulePolicy formats every past state into a string for a debug log line on each
  prediction (user text included). It is formatted only when that debug logging is on.

tests/test_rasa_turn_cost.py checks that both answers equal Rasa's after every event of a
conversation with each kind of event that rewrites the history.
"""
from __future__ import annotations

import copy
import dataclasses
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bot.rasa import past_states

_installed = False
CONVERSATIONS_KEPT = 500
RULE_POLICY_LOGGER = "rasa.core.policies.rule_policy"


@dataclass
class _Applied:
    """One conversation's applied events after its first ``consumed`` events (the fields
    :func:`bot.rasa.past_states.carries_on` checks)."""

    consumed: int
    last_event: Any
    loop_names: frozenset[str]
    applied: list[Any]


class IncrementalApplied:
    """``applied_events`` of each conversation, carried on from the last call."""

    def __init__(self, compute: Any, kept: int = CONVERSATIONS_KEPT) -> None:
        self._compute = compute  # Rasa's own applied_events
        self._known: OrderedDict[str, _Applied] = OrderedDict()
        self._kept = kept

    def applied(self, tracker: Any) -> list[Any]:
        events = list(tracker.events)
        known = self._known.pop(tracker.sender_id, None)
        if known is not None and past_states.carries_on(known, events):
            known.applied.extend(events[known.consumed:])
        else:
            known = _Applied(0, None, past_states.loop_names(events), self._compute(tracker))
        known.consumed, known.last_event = len(events), events[-1] if events else None
        self._known[tracker.sender_id] = known
        while len(self._known) > self._kept:
            self._known.popitem(last=False)
        return list(known.applied)  # the caller's own list


def copy_without_replay(tracker: Any) -> Any:
    """A duplicate of ``tracker`` equal to Rasa's ``copy`` (a replay of every event), built
    from its current state; None where that would differ (Rasa's copy is used then)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if tracker._max_event_history is not None or type(tracker.slots) is not dict:
        return None  # a tracker keeping only its last events; slots of any name (AnySlotDict)
    duplicate = DialogueStateTracker.__new__(type(tracker))
    state = dict(vars(tracker))
    state.pop(past_states.MEMO, None)  # the past states' memo belongs to one tracker
    # What the replay into ``init_copy`` sets: the same event objects, the current slots
    # (copied as ``__init__`` copies them), the loop's state in a new object.
    state["events"] = tracker._create_events(list(tracker.events))
    state["slots"] = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    if tracker.active_loop is not None:
        state["active_loop"] = dataclasses.replace(tracker.active_loop)
    if tracker.latest_action is not None:
        state["latest_action"] = dict(tracker.latest_action)
    state["sender_id"] = tracker.sender_id or _default_sender_id()
    state["sender_source"] = None  # init_copy does not pass these on
    state["model_id"] = None
    state["assistant_id"] = None
    duplicate.__dict__.update(state)
    return duplicate


def _default_sender_id() -> str:
    from rasa.shared.constants import DEFAULT_SENDER_ID

    return str(DEFAULT_SENDER_ID)


def install() -> None:
    """Make ``applied_events`` carry on from its last call, ``copy`` skip the replay, and
    the RulePolicy format its states only for a debug log that is on."""
    global _installed
    if _installed:
        return
    from rasa.core.policies.policy import Policy
    from rasa.shared.core.trackers import DialogueStateTracker

    past_states.install()  # binds Rasa's event classes the carry-on test uses
    incremental = IncrementalApplied(DialogueStateTracker.applied_events)
    rasas_copy = DialogueStateTracker.copy
    rasas_format = Policy.format_tracker_states

    def applied_events(self: DialogueStateTracker) -> list[Any]:
        return incremental.applied(self)

    def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
        duplicate = copy_without_replay(self)
        return duplicate if duplicate is not None else rasas_copy(self)

    def format_tracker_states(states: list[dict]) -> str:
        if not logging.getLogger(RULE_POLICY_LOGGER).isEnabledFor(logging.DEBUG):
            return ""
        return rasas_format(states)

    DialogueStateTracker.applied_events = applied_events
    DialogueStateTracker.copy = copy_tracker
    Policy.format_tracker_states = staticmethod(format_tracker_states)
    _installed = True
