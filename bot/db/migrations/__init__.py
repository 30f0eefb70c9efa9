"""Alembic migrations for the case tables (run them with ``dpa db upgrade``)."""
