"""How console pages are drawn: Jinja2 templates, their environment and the page frame."""
