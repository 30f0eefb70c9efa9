"""``python -m bot.tools.bench_chat`` (``make bench-chat``): capacity; ``... overhead``: the
chat hub's overhead over Rasa (the earlier benchmark, :mod:`bot.tools.bench_chat.cli`)."""
import sys

if sys.argv[1:2] == ["overhead"]:
    from bot.tools.bench_chat.cli import main

    sys.exit(main(sys.argv[2:]))

from bot.tools.bench_chat.capacity_cli import main  # noqa: E402

sys.exit(main())
