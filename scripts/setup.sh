#!/usr/bin/env bash
# Create .venv from a Python 3.10 and install the project with the locked versions.
# Idempotent: when pyproject.toml and constraints.txt are unchanged since the last
# successful install, it does nothing (the stamp is .venv/.dpa-installed).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.dpa-installed"
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] \
   && "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
  python=$(scripts/find-python.sh)
  echo "setup: creating $VENV with $python ($("$python" --version 2>&1))"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
fi

echo "setup: installing the project and its locked dependencies into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.0"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -c constraints.txt -e '.[dev]'
"$VENV/bin/python" -m pip check
"$VENV/bin/python" -c 'import rasa; assert rasa.__version__ == "3.6.21", rasa.__version__'
echo "$want" > "$STAMP"
echo "setup: done"
