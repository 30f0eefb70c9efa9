"""``python -m bot.tools.bench_chat`` (``make bench-chat``)."""
import sys

from bot.tools.bench_chat.cli import main

sys.exit(main())
