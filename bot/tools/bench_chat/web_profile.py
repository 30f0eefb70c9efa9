"""The web app under cProfile, for :mod:`bot.tools.bench_chat.turn_cost` (never in production).

``python -m bot.tools.bench_chat.web_profile --host H --port P`` serves ``python -m bot.web``
with two signals: SIGUSR1 starts a profile (of the event loop's thread and of the work run
on the hub's database thread, :class:`bot.db.offloop.HubDatabase`), SIGUSR2 stops it and
writes it to ``$DPA_WEB_PROFILE_DIR``: ``early.prof`` the first time, ``late.prof`` after.
"""
from __future__ import annotations

import cProfile
import functools
import os
import pstats
import signal
from pathlib import Path
from typing import Any

NAMES = ("early.prof", "late.prof")


class _Profiles:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.loop: cProfile.Profile | None = None
        self.db: cProfile.Profile | None = None
        self.written = 0

    def start(self, *_: Any) -> None:
        self.loop, self.db = cProfile.Profile(), cProfile.Profile()
        self.loop.enable()

    def stop(self, *_: Any) -> None:
        if self.loop is None or self.db is None:
            return
        self.loop.disable()
        stats = pstats.Stats(self.loop)
        if self.db.getstats():
            stats.add(self.db)
        name = NAMES[min(self.written, len(NAMES) - 1)]
        stats.dump_stats(str(self.out / name))
        self.written += 1
        self.loop = self.db = None


def main() -> None:
    from bot.db import offloop
    from bot.web.__main__ import main as web_main

    profiles = _Profiles(Path(os.environ["DPA_WEB_PROFILE_DIR"]))
    original = offloop.HubDatabase.run

    async def run(self: offloop.HubDatabase, work: Any, *args: Any, **kwargs: Any) -> Any:
        db = profiles.db
        if db is None:
            return await original(self, work, *args, **kwargs)
        return await original(self, functools.partial(db.runcall, work), *args, **kwargs)

    offloop.HubDatabase.run = run  # type: ignore[method-assign]
    signal.signal(signal.SIGUSR1, profiles.start)
    signal.signal(signal.SIGUSR2, profiles.stop)
    web_main()


if __name__ == "__main__":
    main()
