#!/usr/bin/env bash
# What the browser tests (tests/browser, pytest marker `browser`) need besides .venv:
#   - Debian's Chromium at /usr/bin/chromium (Playwright drives it; never `playwright install`);
#   - axe-core, pinned in package.json / package-lock.json, in node_modules/.
# Idempotent: does nothing when both are already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

if ! command -v chromium >/dev/null 2>&1; then
  echo "setup-browser: installing Debian's chromium"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "setup-browser: installing Debian's nodejs and npm"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

want=$(node -p 'require("./package.json").devDependencies["axe-core"]')
have=$(node -p 'try { require("./node_modules/axe-core/package.json").version } catch (e) { "" }' 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup-browser: installing axe-core $want into node_modules/"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
fi
