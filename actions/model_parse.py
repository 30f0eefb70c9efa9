"""Classify short texts with the model Rasa is serving (its ``/model/parse`` API).

Used to read the second question in a message that asks two things. Rasa is started with
``--enable-api`` and a token by ``dpa run``; anywhere it is not (``rasa shell``), or if the
call fails, the caller gets nothing back and answers the first question only.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp

logger = logging.getLogger(__name__)

PARSE_TIMEOUT_SECONDS = 3.0  # the resident is waiting for the first answer too


async def classify(
    texts: Sequence[str], *, rasa_url: str, token: str, timeout: float = PARSE_TIMEOUT_SECONDS
) -> list[tuple[str | None, float]]:
    """(intent, confidence) for each text, or [] if Rasa could not be asked."""
    results: list[tuple[str | None, float]] = []
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout)
        ) as session:
            for text in texts:
                async with session.post(
                    f"{rasa_url.rstrip('/')}/model/parse",
                    params={"token": token},
                    json={"text": text},
                ) as response:
                    if response.status != 200:
                        logger.warning("model/parse answered HTTP %s", response.status)
                        return []
                    intent = (await response.json()).get("intent") or {}
                    results.append((intent.get("name"), float(intent.get("confidence") or 0.0)))
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        # never the resident's words in the log: only what went wrong
        logger.warning("model/parse unavailable: %s", type(error).__name__)
        return []
    return results
