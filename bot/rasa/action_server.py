"""The action server: rasa-sdk's app, listening where the settings say, behind a shared secret.

``python -m rasa_sdk`` listens on every interface (``SANIC_HOST`` or 0.0.0.0) and runs any
action for anyone who can POST to ``/webhook``; one hand-written request could log a case.
This launcher serves the same app (the same ``actions`` package) but

- binds to ``ACTION_HOST`` (default: ``WEB_HOST``, loopback), and
- refuses, with 401 and a log line that names the path and the caller but never the body,
  every call but ``/health`` that lacks the action token Rasa sends (``ACTION_TOKEN_HEADER``,
  set in the endpoints file :mod:`bot.rasa.endpoints` renders).

The submitting action re-checks every field it stores as well (a caller holding the token
is still not trusted with the data: :mod:`actions.requests`). It also replays the outbox
in a background thread (:mod:`bot.cases.outbox_replay`).
"""
from __future__ import annotations

import argparse
import hmac
import logging
from typing import Any

from bot.config import load_settings

ACTION_TOKEN_HEADER = "X-DPA-Action-Token"
OPEN_PATHS = frozenset({"/health"})
logger = logging.getLogger("dpa.action_server")


def token_ok(given: str | None, token: str) -> bool:
    """Whether a request's header carries the token (compared in constant time)."""
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def create_action_app(token: str, actions: str = "actions") -> Any:
    """rasa-sdk's Sanic app for ``actions`` with the token check in front of it."""
    if not token:
        raise ValueError("the action server needs a token (ACTION_SERVER_TOKEN)")
    from rasa_sdk.endpoint import create_app
    from sanic import response

    app = create_app(actions, cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Any) -> Any:
        if request.path in OPEN_PATHS or token_ok(request.headers.get(ACTION_TOKEN_HEADER), token):
            return None
        logger.warning("refused %s %s from %s: no valid action token",
                       request.method, request.path, request.ip)
        return response.json({"error": "unauthorised"}, status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.action_server")
    parser.add_argument("--host", default=settings.action_host)
    parser.add_argument("--port", type=int, default=settings.action_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from bot.rasa.log_privacy import install

    install()
    app = create_action_app(settings.action_token)
    from bot.cases.outbox_replay import Replayer

    # The requests the database refused (the outbox) are written once it takes writes again.
    Replayer.from_settings(settings).start()
    logger.info("action server on http://%s:%d/webhook", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
