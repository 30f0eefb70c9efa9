"""``python -m bot`` is the same as the ``dpa`` console script."""
import sys

from bot.cli import main

sys.exit(main())
