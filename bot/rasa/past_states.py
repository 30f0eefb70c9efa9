"""A tracker's past states, carried on from the last turn instead of replayed each time.

To predict the next action, each policy asks the tracker for its past states
(``DialogueStateTracker.past_states``), and Rasa 3.6 computes them each time by replaying
the whole conversation from its first event: three policies, about 3.5 replays per
prediction, each growing with the conversation. Once the tracker store read only new rows
(:mod:`bot.rasa.tracker_store`) it was the part of a late turn that kept growing
(docs/benchmarks.md). :func:`install` (called by our Rasa launcher, :mod:`bot.rasa.server`)
changes two things, neither what the states are:

- within one prediction the policies are handed the same, unchanged tracker: the answer is
  kept on it, per set of arguments, and each caller gets its own list with its own copy of
  the last state, the one Rasa's featurizer edits (:func:`_handed_out`);
- across turns, :class:`IncrementalStates` keeps each conversation's replay (per worker:
  hash routing sends a conversation to one) and carries it on over the new events, as long
  as they only append to the history; anything that rewrites it (a restart, a new session,
  an undone utterance, a form's next step) is replayed from the start, as Rasa does.

tests/test_rasa_turn_cost.py checks the answers equal Rasa's after every event of a
conversation with each of those.
"""
from __future__ import annotations

import copy
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

_installed = False
MEMO = "_dpa_past_states"  # attribute on the tracker: {"at": ..., arguments: states}
CONVERSATIONS_KEPT = 500


def _arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The call's arguments as a key (the domain by identity: one per loaded model)."""
    domain = args[0] if args else kwargs.get("domain")
    rest = {"args": args[1:], **{k: v for k, v in kwargs.items() if k != "domain"}}
    return f"{id(domain)}:{json.dumps(rest, sort_keys=True, default=str)}"


@dataclass
class _Replay:
    """Rasa's replay of one conversation (``Domain.states_for_tracker_history``), stopped
    after ``consumed`` events: the states of every action so far, the loop's variables,
    and the replayed tracker."""

    consumed: int
    last_event: Any
    loop_names: frozenset[str]
    replayed: Any  # DialogueStateTracker
    states: list[Any] = field(default_factory=list)
    last_ml_action: Any = None
    turn_was_hidden: bool = False


class IncrementalStates:
    """The states of a conversation's history, carried on from the last call.

    Rasa replays the whole history on each call. Most new events only append to it; some
    rewrite it (a restart or new session, an undone utterance or action, a form's next
    step, which folds the form's earlier steps away, a form starting). Carried on only
    when the new events are all of the first kind and the tracker's earlier events are the
    events replayed before (the last one replayed is still there, equal and at the same
    time); otherwise replayed from the start, as Rasa does.
    """

    def __init__(self, kept: int = CONVERSATIONS_KEPT) -> None:
        self._replays: OrderedDict[tuple[str, str], _Replay] = OrderedDict()
        self._kept = kept

    def states(self, domain: Any, tracker: Any, omit_unset_slots: bool,
               ignore_rule_only_turns: bool, rule_only_data: Any) -> list[Any]:
        key = (tracker.sender_id, _arguments((domain, omit_unset_slots, ignore_rule_only_turns,
                                               rule_only_data), {}))
        events = list(tracker.events)
        replay = self._replays.pop(key, None)
        if replay is not None and carries_on(replay, events):
            new_events = events[replay.consumed:]  # only appended: applied as they are
        else:  # from the start, over the events Rasa applies (reverted ones left out)
            replay = _Replay(0, None, loop_names(events), tracker.init_copy())
            new_events = tracker.applied_events()
        step = _Step(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        for event in new_events:
            if isinstance(event, ActionExecuted):
                step.take(replay, event.hide_rule_turn, commit=True)
            replay.replayed.update(event)
        replay.consumed, replay.last_event = len(events), events[-1] if events else None
        final = step.take(replay, False, commit=False)
        self._replays[key] = replay
        while len(self._replays) > self._kept:
            self._replays.popitem(last=False)
        return [*replay.states, *final]


def _same_event(event: Any, other: Any) -> bool:
    """The same event of the conversation: the same object, or (read again from the tracker
    store, a new object each time) equal, of the same type, at the same time."""
    return event is other or (type(event) is type(other) and event.timestamp == other.timestamp
                              and event == other)


def loop_names(events: list[Any]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def carries_on(replay: Any, events: list[Any]) -> bool:
    """Whether ``events`` only append to those ``replay`` was computed from (its
    ``consumed``, ``last_event`` and ``loop_names``), with nothing that rewrites them."""
    if replay.consumed == 0 or len(events) < replay.consumed:
        return False
    if not _same_event(events[replay.consumed - 1], replay.last_event):
        return False
    for event in events[replay.consumed:]:
        if isinstance(event, REWRITING_EVENTS):
            return False
        if isinstance(event, ActionExecuted) and event.action_name in replay.loop_names:
            return False
    return True


@dataclass
class _Step:
    """One pass of the loop body of ``Domain.states_for_tracker_history`` (Rasa 3.6)."""

    domain: Any
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: Any

    def take(self, replay: _Replay, hide_rule_turn: bool, *, commit: bool) -> list[Any]:
        tr, domain = replay.replayed, self.domain
        last_ml, hidden = replay.last_ml_action, replay.turn_was_hidden
        if self.ignore_rule_only_turns:
            if not hidden:
                last_ml = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                hidden = hide_rule_turn
            if hidden:
                if commit:
                    replay.last_ml_action, replay.turn_was_hidden = last_ml, hidden
                return []
        state = domain.get_active_state(tr, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if replay.states:
                domain._substitute_rule_only_user_input(state, replay.states[-1])
            if last_ml:
                state[PREVIOUS_ACTION] = last_ml
        cleaned = domain._clean_state(state)
        if commit:
            replay.last_ml_action, replay.turn_was_hidden = last_ml, hidden
            replay.states.append(cleaned)
        return [cleaned]


def _handed_out(states: list[Any]) -> list[Any]:
    """A caller's own list: the last state a deep copy (Rasa's featurizer edits it: text or
    intent removed), the earlier ones shared. Copying them all would cost what replaying
    them did; the only edit Rasa makes to earlier states is removing a state's text where it
    has an intent (``_remove_user_text_if_intent``), which every featurizer call does
    first anyway, so sharing them changes no answer."""
    if not states:
        return []
    return [*states[:-1], copy.deepcopy(states[-1])]


def install() -> None:
    """Make ``DialogueStateTracker.past_states`` carry on from its last call and answer
    repeated calls within a prediction from a memo (each caller gets its own copy)."""
    global _installed, ActionExecuted, ActiveLoop, PREVIOUS_ACTION, REWRITING_EVENTS
    if _installed:
        return
    from rasa.shared.core import events as rasa_events
    from rasa.shared.core.constants import PREVIOUS_ACTION as previous_action
    from rasa.shared.core.trackers import DialogueStateTracker

    ActionExecuted, ActiveLoop = rasa_events.ActionExecuted, rasa_events.ActiveLoop
    PREVIOUS_ACTION = previous_action
    REWRITING_EVENTS = (rasa_events.Restarted, rasa_events.SessionStarted,
                        rasa_events.ActionReverted, rasa_events.UserUtteranceReverted,
                        rasa_events.ActiveLoop)
    incremental = IncrementalStates()

    def past_states(self: DialogueStateTracker, domain: Any, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: dict[str, Any] | None = None) -> Any:
        events = self.events
        at = (len(events), id(events[-1]) if events else None)
        memo = getattr(self, MEMO, None)
        if memo is None or memo["at"] != at:  # new events since: start again
            memo = {"at": at}
            setattr(self, MEMO, memo)
        key = _arguments((domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data), {})
        if key not in memo:
            memo[key] = incremental.states(domain, self, omit_unset_slots,
                                           ignore_rule_only_turns, rule_only_data)
        return _handed_out(memo[key])

    DialogueStateTracker.past_states = past_states
    _installed = True


# Rasa's classes, bound by install() (this module must not import Rasa before it is asked).
ActionExecuted: Any = None
ActiveLoop: Any = None
PREVIOUS_ACTION: Any = None
REWRITING_EVENTS: Any = ()
