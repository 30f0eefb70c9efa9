"""Who may use the console: accounts and passwords, sessions, CSRF, roles and the login gate."""
