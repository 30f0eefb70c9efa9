"""One Alembic revision per file, applied in order by ``dpa db upgrade``."""
