#!/usr/bin/env bash
# Services the tests start for themselves besides PostgreSQL (tests/fixtures/services.py):
#   - Debian's redis-server at /usr/bin/redis-server: Rasa's lock store and the hubs' shared
#     channel when REDIS_URL is set (docs/deployment.md). The tests run their own server on a
#     free port in a temporary directory; the service Debian starts on installing it is stopped
#     again, so nothing listens on 6379 because of this script.
# Idempotent: does nothing when redis-server is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  echo "setup-services: installing Debian's redis-server"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends redis-server >/dev/null
  # Debian starts the packaged service where an init system runs; the tests need none.
  "${as_root[@]}" service redis-server stop >/dev/null 2>&1 || true
fi
