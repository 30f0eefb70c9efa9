"""The web app: chat hub for the widget, staff console, JSON API, health."""
