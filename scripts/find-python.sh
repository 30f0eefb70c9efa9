#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10; we use 3.10).
# Looks at, in order: $PYTHON, python3.10 on PATH, pyenv's versions. Fails with a clear
# message naming what it looked for.
set -u

is_310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

tried=()
if [ -n "${PYTHON:-}" ]; then
  if is_310 "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  tried+=("\$PYTHON=$PYTHON (not a working Python 3.10)")
fi

if command -v python3.10 >/dev/null 2>&1 && is_310 "$(command -v python3.10)"; then
  command -v python3.10; exit 0
fi
tried+=("python3.10 on PATH")

roots=()
if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root 2>/dev/null)"); fi
roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv")
for root in "${roots[@]}"; do
  [ -n "$root" ] || continue
  if [ ! -d "$root/versions" ]; then tried+=("$root/versions/3.10* (no such directory)"); continue; fi
  for candidate in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do
    if is_310 "$candidate"; then echo "$candidate"; exit 0; fi
  done
  tried+=("$root/versions/3.10*/bin/python3.10")
done

{
  echo "error: no Python 3.10 found (Rasa 3.6 needs Python 3.8-3.10; this project uses 3.10)."
  echo "Looked for:"
  printf '  - %s\n' "${tried[@]}"
  echo "Install one (e.g. 'pyenv install 3.10') or point PYTHON at it: make test PYTHON=/path/to/python3.10"
} >&2
exit 1
