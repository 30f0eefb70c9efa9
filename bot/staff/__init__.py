"""The staff console at ``/staff``: cases, live chats, trainers' pages and accounts.

``add_staff_console(app)`` (:mod:`bot.staff.console`) plugs it into the web app. ``auth/``
decides who may do what, ``views/`` are the pages, ``render/`` turns records into HTML;
beside them, the services the pages share: the tables (``models``), the access log
(``audit``), live updates (``sse``), telling residents when nobody can answer
(``callbacks``) and the trainers' background evaluation (``evaluate_job``).
"""
