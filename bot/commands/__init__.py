"""Subcommands of ``dpa``; add a module here and to COMMAND_MODULES to add a command."""
from bot.commands import cases, db, deadline, run, train

COMMAND_MODULES = [deadline, cases, db, run, train]
