"""The staff console at ``/staff``: accounts, sessions, cases, live handoffs and training.

``add_staff_console(app)`` plugs it into the web app (``bot.web.app.create_app``). Folders:
``auth/`` (accounts, sessions, CSRF, roles, the security middleware), ``views/`` (the pages),
``render/`` (Jinja2 templates with autoescaping, and the page frame); beside them ``models``
(tables), ``audit`` (the access log), ``callbacks`` (telling residents when nobody can
answer), ``sse`` (live updates) and ``evaluate_job`` (``dpa evaluate`` from the console).
"""
