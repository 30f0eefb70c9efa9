"""``python -m bot.trainers.crossval`` (``make evaluate-nlu``)."""
import sys

from bot.trainers.crossval.cli import main

sys.exit(main())
