"""The chat fixtures of tests/web (a real web app on a real SQLite file, a stand-in Rasa)."""
from tests.web.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    chat,
    db_url,
    make_chat,
    migrated_template,
    rasa,
    settings,
)
