"""Turning records into HTML for the console: the page frame, templates, case and transcript
rendering, plain-word labels."""
