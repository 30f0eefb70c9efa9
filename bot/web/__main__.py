"""``python -m bot.web``: serve the web app (started for you by ``dpa run``)."""
from __future__ import annotations

import argparse
import sys

from aiohttp import web

from bot.config import ConfigError, load_settings
from bot.web.app import create_app


def main() -> None:
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.exit(f"web app: configuration: {exc}")
    parser = argparse.ArgumentParser(prog="python -m bot.web")
    parser.add_argument("--host", default=settings.web_host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    args = parser.parse_args()
    # No access log: its request lines carry the resident id, the key to a conversation.
    web.run_app(
        create_app(settings), host=args.host, port=args.port, print=None, access_log=None
    )


if __name__ == "__main__":
    main()
