"""The web app: the chat hub and its parts, the widget's endpoints, static files, health."""
