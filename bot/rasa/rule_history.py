"""The RulePolicy looks at as many past states as its longest rule, not the whole history.

Rasa's RulePolicy has no ``max_history`` (it sets it to None, and ``config.yml`` cannot
change that): on each prediction its featurizer hands it every state of the conversation,
removes the user text from each, and the policy checks each remaining rule against each
state from the latest back, to the first. At turn 120 that was the largest part of the
policies' time that grew with the conversation (docs/benchmarks.md).

A rule only constrains as many states as it has: ``RulePolicy._is_rule_applicable`` holds
for every turn further back than the rule's length. So at prediction the answer from the
last N states, N the length of the longest rule (of the rules and the loops' unhappy paths),
is the answer from all of them. :func:`install` (called by our Rasa launcher,
:mod:`bot.rasa.server`, only when serving: training's checks for contradicting rules still
see everything) gives the loaded RulePolicy's featurizer that ``max_history`` while it
predicts. What it returns besides the action (the key of the states when no rule applied)
is discarded at prediction by Rasa.
"""
from __future__ import annotations

from typing import Any

_installed = False
_LONGEST = "_dpa_longest_rule"


def longest_rule(policy: Any) -> int:
    """The number of states in the policy's longest rule (at least 1)."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
    return max([1, *(len(policy._rule_key_to_state(key)) for key in keys)])


def install() -> None:
    """Bound the loaded RulePolicy's prediction states by its longest rule."""
    global _installed
    if _installed:
        return
    from rasa.core.policies.rule_policy import RulePolicy

    rasas = RulePolicy._prediction_states

    def _prediction_states(self: RulePolicy, *args: Any, **kwargs: Any) -> Any:
        longest = getattr(self, _LONGEST, None)
        if longest is None:
            longest = longest_rule(self)
            setattr(self, _LONGEST, longest)
        featurizer = self.featurizer
        unbounded = featurizer.max_history
        featurizer.max_history = longest
        try:
            return rasas(self, *args, **kwargs)
        finally:
            featurizer.max_history = unbounded

    RulePolicy._prediction_states = _prediction_states
    _installed = True
