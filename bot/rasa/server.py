"""The Rasa server, started without its secret on the command line.

``rasa run --auth-token TOKEN`` shows the token to anyone who can run ``ps``. This launcher
takes the same arguments as ``rasa run`` but reads the token from ``RASA_TOKEN`` (the
runner passes it in the child's environment, readable only by its owner) and hands it to
Rasa's own command line inside the process, so ``/proc/<pid>/cmdline`` never holds it.
"""
from __future__ import annotations

import os
import sys


def install_patches() -> None:
    """Our changes to how Rasa computes a turn (each module says what and why; none changes
    what Rasa answers). Also used by the in-process profiler, bot/tools/bench_chat/parts.py."""
    from bot.rasa import (
        action_payload,
        action_validation,
        past_states,
        rule_history,
        tracker_replays,
    )
    from bot.rasa.log_privacy import install

    install()
    action_validation.install()  # the schema checked once, not on every action call
    action_payload.install()  # the action server gets the recent events, not all of them
    past_states.install()  # a conversation's states computed once per prediction
    tracker_replays.install()  # applied events carried on, copies without a replay
    rule_history.install()  # the RulePolicy reads as many states as its longest rule


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    token = os.environ.get("RASA_TOKEN", "")
    if not token:
        sys.exit("rasa server: RASA_TOKEN is not set")
    from rasa.__main__ import main as rasa_main

    install_patches()

    # "=" form: a token may start with "-", which argparse would take for an option.
    sys.argv = ["rasa", "run", *args, "--enable-api", f"--auth-token={token}"]
    rasa_main()


if __name__ == "__main__":
    main()
