"""Compute a tracker's past states once per prediction, not once per policy.

To predict the next action, each policy asks the tracker for its past states
(``DialogueStateTracker.past_states``), and Rasa 3.6 computes them each time by replaying
the whole conversation from its first event: three policies, about 3.5 replays a
prediction, each growing with the conversation. It was the part of a late turn that kept
growing once the tracker store read only new rows (docs/benchmarks.md). The states are a
pure function of the tracker's events and the arguments, and the policies are handed the
same tracker, unchanged, within one prediction; :func:`install` (called by our Rasa
launcher, :mod:`bot.rasa.server`) keeps the last answer on the tracker object, keyed by
the arguments, the number of events and the last event, and hands each caller its own deep
copy (callers edit the states they get).
"""
from __future__ import annotations

import copy
import json
from typing import Any

_installed = False
_MEMO = "_dpa_past_states"  # attribute on the tracker: {"at": ..., arguments: states}


def _arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The call's arguments as a key (the domain by identity: one per loaded model)."""
    domain = args[0] if args else kwargs.get("domain")
    rest = {"args": args[1:], **{k: v for k, v in kwargs.items() if k != "domain"}}
    return f"{id(domain)}:{json.dumps(rest, sort_keys=True, default=str)}"


def install() -> None:
    global _installed
    if _installed:
        return
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.past_states

    def past_states(self: DialogueStateTracker, *args: Any, **kwargs: Any) -> Any:
        events = self.events
        at = (len(events), id(events[-1]) if events else None)
        memo = getattr(self, _MEMO, None)
        if memo is None or memo["at"] != at:  # new events since: start again
            memo = {"at": at}
            setattr(self, _MEMO, memo)
        key = _arguments(args, kwargs)
        if key not in memo:
            memo[key] = original(self, *args, **kwargs)
        return copy.deepcopy(memo[key])

    DialogueStateTracker.past_states = past_states
    _installed = True
