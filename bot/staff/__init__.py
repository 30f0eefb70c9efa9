"""The staff console at ``/staff``: accounts, sessions, cases and live handoffs.

``add_staff_console(app)`` plugs it into the web app (``bot.web.app.create_app``). Modules:
``models`` (tables), ``accounts`` (users, passwords, lockout), ``sessions`` (server-side
sessions), ``csrf``, ``security`` (middleware: login, CSRF, headers), ``audit`` (the access
log), ``html`` (templates with autoescaping), ``views_*`` (the pages), ``hours`` (staffed
hours), ``callbacks`` (telling residents when nobody can answer).
"""
