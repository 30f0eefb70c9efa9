"""The RulePolicy bounded by its longest rule (bot.rasa.rule_history) predicts what Rasa's
unbounded one does, at every step of long conversations, with the trained model."""
from __future__ import annotations

import pytest

pytest.importorskip("rasa")

from bot.config import load_settings  # noqa: E402
from bot.rasa.training import model_path  # noqa: E402

# A long conversation: questions, a digression, a request form started and abandoned.
MESSAGES = [
    "hello", "how much does it cost to see my data?", "what ID do I need to send?",
    "I'd like a copy of all the records the council has about me", "myself",
    "how long do you have to answer?", "Jane Smith", "stop", "yes",
    "who do you share my data with?", "thanks",
] * 3


def _rule_policy(agent):
    from rasa.core.policies.rule_policy import RulePolicy

    for node in agent.processor.graph_runner._instantiated_nodes.values():
        component = getattr(node, "_component", None)
        if isinstance(component, RulePolicy):
            return component
    raise AssertionError("no RulePolicy in the model")


async def test_the_bounded_rule_policy_predicts_what_rasas_does():
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.rasa import rule_history

    model = model_path(load_settings().model_dir)
    if not model.exists():
        pytest.skip(f"no trained model at {model} (make model)")
    agent = Agent.load(str(model))  # no action server: custom actions fail, states stay real
    policy, domain = _rule_policy(agent), agent.domain
    longest = rule_history.longest_rule(policy)
    assert 1 < longest < 40
    for text in MESSAGES:
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), "bounded"))
    tracker = await agent.tracker_store.retrieve("bounded")
    steps = list(tracker.generate_all_prior_trackers())
    assert len(tracker.past_states(domain)) > 3 * longest  # long enough to be cut
    rasas = [[policy._find_action_from_rules(t, domain, text)[0] for text in (True, False)]
             for t, _ in steps]
    rule_history.install()
    ours = [[policy._find_action_from_rules(t, domain, text)[0] for text in (True, False)]
            for t, _ in steps]
    assert ours == rasas
    assert any(name for pair in rasas for name in pair)  # rules did apply along the way
    assert policy.featurizer.max_history is None  # only while predicting
