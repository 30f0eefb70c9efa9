"""The data-protection assistant's own package: deadlines, cases, web app, runner, CLI.

Importable without Rasa running (and, except for the runner's training step, without Rasa
imported), so its logic is tested in milliseconds.
"""
