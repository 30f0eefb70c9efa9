"""Subcommands of ``dpa``, one module each; ``bot.cli.COMMAND_MODULES`` lists them."""
