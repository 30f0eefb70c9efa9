#!/usr/bin/env bash
# Every test: pytest (unit, integration, end-to-end with the real stack), Rasa's data
# validation, and Rasa test stories against the trained model. Fails when pytest ran
# nothing (its exit status 5), so "no tests" never passes.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0

echo "== rasa data validate"
if ! $PY scripts/validate-data.py; then
  echo "FAILED: rasa data validate"; status=1
fi

if ls tests/test_*.yml >/dev/null 2>&1; then
  echo "== rasa test stories (tests/test_*.yml)"
  rm -rf results/stories
  if ! .venv/bin/rasa test core --model models/dpa.tar.gz --stories tests \
        --fail-on-prediction-errors --out results/stories --quiet; then
    echo "FAILED: rasa test stories (see results/stories/failed_test_stories.yml)"; status=1
  fi
fi

echo "== pytest"
$PY -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "FAILED: pytest collected no tests"; rc=1
fi
[ $rc -eq 0 ] || status=1

exit $status
