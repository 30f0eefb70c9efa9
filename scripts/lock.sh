#!/usr/bin/env bash
# Re-resolve the dependencies in a scratch venv and write constraints.txt from it.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find-python.sh)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet "pip==24.0"
"$tmp/venv/bin/python" -m pip install --quiet '.[dev]'
"$tmp/venv/bin/python" -m pip check
{
  echo "# Locked versions, tested together (pip check clean). Regenerate with: make lock"
  "$tmp/venv/bin/python" -m pip freeze --all | grep -v '^pip==\|^dpa-assistant'
} > constraints.txt
echo "lock: wrote constraints.txt"
