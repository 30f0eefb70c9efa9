"""Tests of bot.conversation.validation, one file per kind of answer."""
