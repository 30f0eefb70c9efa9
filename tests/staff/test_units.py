"""Pure parts of the console: staffed hours, CSRF tokens, passwords, roles, the CLI."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from bot.cli import main
from bot.config import ConfigError
from bot.rules.hours import StaffedHours
from bot.staff.auth import roles
from bot.staff.auth.accounts import AccountError, check_username, verify_password
from bot.staff.auth.csrf import CsrfTokens
from bot.staff.render.templating import ENVIRONMENT, render


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, open_", [
    (london(2026, 11, 23, 9, 0), True),     # Monday 09:00 GMT
    (london(2026, 11, 23, 16, 59), True),
    (london(2026, 11, 23, 17, 0), False),
    (london(2026, 11, 22, 12, 0), False),   # Sunday
    (london(2026, 12, 25, 12, 0), False),   # Christmas Day: a bank holiday
    (london(2026, 7, 6, 8, 30), True),      # 09:30 BST
    (london(2026, 7, 6, 7, 30), False),     # 08:30 BST
])
def test_staffed_hours_in_london_time(moment: datetime, open_: bool):
    assert StaffedHours.parse("Mon-Fri 09:00-17:00").is_open(moment) is open_


def test_staffed_hours_forms():
    hours = StaffedHours.parse("Mon-Thu 08:30-17:00; Fri 08:30-16:30, Sat 10:00-12:00")
    assert hours.is_open(london(2026, 11, 28, 11, 0))  # Saturday
    assert not hours.is_open(london(2026, 11, 27, 16, 45))  # Friday after 16:30
    assert StaffedHours.parse("always").is_open(london(2026, 12, 25, 3, 0))
    assert not StaffedHours.parse("never").is_open(london(2026, 11, 23, 10, 0))
    for bad in ("", "Mon-Fri", "Mon-Fri 17:00-09:00", "Funday 09:00-10:00", "Mon 25:00-26:00"):
        with pytest.raises(ValueError):
            StaffedHours.parse(bad)


def test_bad_staff_hours_stop_the_settings(monkeypatch, tmp_path):
    from bot.config import load_settings

    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("STAFF_HOURS", "weekdays")
    with pytest.raises(ConfigError, match="STAFF_HOURS"):
        load_settings()


def test_csrf_tokens_are_bound_to_their_session():
    tokens = CsrfTokens("secret")
    token = tokens.token_for("session-a")
    assert tokens.valid("session-a", token)
    assert not tokens.valid("session-b", token)
    assert not tokens.valid("session-a", None) and not tokens.valid(None, token)
    assert not CsrfTokens("other secret").valid("session-a", token)


def test_usernames_and_roles():
    assert check_username(" Sam.Jones ") == "sam.jones"
    for bad in ("s", "-sam", "sam jones", "sam/../x"):
        with pytest.raises(AccountError):
            check_username(bad)
    assert roles.allowed("admin", roles.ACCOUNTS) and not roles.allowed("staff", roles.ACCOUNTS)
    assert not roles.allowed("trainer", roles.CASES) and not roles.allowed("nobody", roles.CASES)


def test_templates_escape_values():
    """Autoescaping is on: a resident's ``<script>`` is text, in content and attributes."""
    template = ENVIRONMENT.from_string('<p title="{{ title }}">{{ text }}</p>')
    assert template.render(title='"x"', text="<b>") == '<p title="&#34;x&#34;">&lt;b&gt;</p>'
    html = render("message.html", title="<script>alert(1)</script>", text="<script>x</script>",
                  link={"label": "<b>", "href": '"><script>'}, csrf="t", account=None,
                  nav=[], flash=None, error=None, refresh_seconds=None)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert '"><script>' not in html and "&lt;b&gt;" in html


def test_an_undefined_template_variable_fails_loudly():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError, match="csrf"):
        render("message.html", title="t", text="x", link=None)  # no csrf, account, nav...
    with pytest.raises(UndefinedError):
        ENVIRONMENT.from_string("{{ misspelt }}").render()


def test_dpa_staff_add_from_stdin(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["staff", "add", "Ada", "--role", "admin", "--name", "Ada L",
                 "--password-stdin"]) == 0
    assert "created admin account 'ada'" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["staff", "add", "bob", "--password-stdin"]) == 2
    assert "at least 12" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["staff", "add", "ada", "--password-stdin"]) == 2
    assert main(["staff", "list"]) == 0
    assert "ada\tadmin\tactive\tAda L" in capsys.readouterr().out

    from bot.db.engine import get_engine, make_session_factory
    from bot.staff.auth.accounts import AccountStore

    store = AccountStore(make_session_factory(get_engine(f"sqlite:///{tmp_path / 'dpa.sqlite3'}")))
    candidate = store.load_for_login("ada")
    assert candidate.password_hash.startswith("$argon2id$")
    assert verify_password(candidate.password_hash, "a long enough password")
    assert main(["staff", "disable", "ada"]) == 0
    assert store.get("ada").active is False
