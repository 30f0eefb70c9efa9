"""Subcommands of ``dpa``; add a module here and to COMMAND_MODULES to add a command."""
from bot.commands import (
    cases,
    db,
    deadline,
    evaluate,
    inbox,
    mail,
    purge,
    redact,
    run,
    staff,
    train,
)

COMMAND_MODULES = [deadline, cases, db, run, train, inbox, purge, evaluate, staff, redact, mail]
