"""Rasa SDK actions and form validators: thin, each calls into ``bot/`` for the logic."""
