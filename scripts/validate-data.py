"""Run `rasa data validate` and fail on any warning we have not explained.

Rasa warns that a response "is not used in any story or rule" when only a custom action or
a form uses it; those are expected for the families below, which the action server utters
by name (utter_ask_<slot> by the forms, utter_why_<slot> and utter_answer_<intent> by the
form validator, utter_explain_/utter_label_<request> by the request actions). Every other
warning fails the check, so data mistakes never slip through as noise.

Intents named ``EXTERNAL_*`` are injected by the chat hub (Rasa's ``trigger_intent``), never
typed, so they have no NLU examples on purpose: Rasa's warning that they are "not found in
the NLU training data" is expected too.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USED_BY_ACTIONS = re.compile(
    r"The utterance '(utter_(ask|why|answer|explain|label)_\w+|utter_\w+)' "
    r"is not used in any story or rule"
)
EXTERNAL_INTENT = re.compile(
    r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found in the NLU"
)
NOISE = ("DeprecationWarning", "MovedIn20Warning", "declare_namespace", "pkg_resources")


def response_names_in_python() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "actions").rglob("*.py"):
        names.update(re.findall(r"\"(utter_\w+)\"", path.read_text()))
    return names


def main() -> int:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "data", "validate"],
        cwd=ROOT, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    in_python = response_names_in_python()
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line or any(n in line for n in NOISE):
            continue
        if EXTERNAL_INTENT.search(line):
            continue
        match = USED_BY_ACTIONS.search(line)
        if match:
            name = match.group(1)
            family = match.group(2)
            if family or name in in_python:
                continue
        problems.append(line.split("UserWarning: ", 1)[-1])
    if result.returncode != 0:
        print(output[-4000:])
        print("rasa data validate: FAILED (errors above)")
        return 1
    if problems:
        print("rasa data validate: unexplained warnings:")
        print("\n".join(f"  - {p}" for p in problems))
        return 1
    print("rasa data validate: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
