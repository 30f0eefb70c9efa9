"""``python -m bot.web``: serve the web app (started for you by ``dpa run``)."""
from __future__ import annotations

import argparse

from aiohttp import web

from bot.config import load_settings
from bot.web.app import create_app


def main() -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.web")
    parser.add_argument("--host", default=settings.web_host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    args = parser.parse_args()
    web.run_app(create_app(settings), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
