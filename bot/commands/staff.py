"""``dpa staff``: staff console accounts (the first admin is made here).

``dpa staff add USERNAME [--role staff|admin|trainer] [--name "Sam Jones"]`` asks for the
password twice (or reads one line from stdin with ``--password-stdin``, for scripts);
``dpa staff list``; ``dpa staff disable USERNAME``; ``dpa staff unlock USERNAME``;
``dpa staff password USERNAME``. The case tables are migrated first.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from bot.commands.arguments import command_with_actions


def register(subparsers: argparse._SubParsersAction) -> None:
    parser, actions = command_with_actions(
        subparsers, "staff", help="manage staff console accounts",
        description="Create and manage accounts for the staff console at /staff.",
        dest="staff_action",
    )
    add = actions.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=("staff", "admin", "trainer"), default="staff")
    add.add_argument("--name", dest="display_name",
                     help="the name residents see when this person joins a chat")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (for scripts)")
    password = actions.add_parser("password", help="set a new password (asks for it)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    actions.add_parser("list", help="list the accounts")
    for name, text in (("disable", "disable an account and end its sessions"),
                       ("enable", "enable a disabled account"),
                       ("unlock", "unlock an account locked after failed sign-ins")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("username")
    parser.set_defaults(handler=run)


def _password(args: argparse.Namespace) -> str:
    from bot.staff.auth.accounts import check_new_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise ValueError("the two passwords differ")
    check_new_password(password)
    return password


def run(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.db.engine import get_engine, make_session_factory
    from bot.db.schema import upgrade_database
    from bot.staff.audit import ACCOUNT_CREATED, AccessLog
    from bot.staff.auth.accounts import AccountError, AccountStore, hash_password
    from bot.staff.auth.sessions import SessionStore

    settings = load_settings()
    upgrade_database(settings.database_url)
    sessions = make_session_factory(get_engine(settings.database_url))
    store = AccountStore(sessions)
    action = args.staff_action
    try:
        if action == "add":
            account = store.create(args.username, hash_password(_password(args)),
                                   role=args.role, display_name=args.display_name)
            AccessLog(sessions).record("cli", ACCOUNT_CREATED, target=f"account:{account.username}")
            print(f"created {account.role} account {account.username!r} "
                  f"(shown to residents as {account.display_name!r})")
        elif action == "password":
            account = store.set_password(args.username, hash_password(_password(args)))
            SessionStore(sessions, settings.session_secret).end_all_for(account.id)
            print(f"password changed for {account.username!r}; its sessions were ended")
        elif action == "list":
            for account in store.all():
                state = "active" if account.active else "disabled"
                print(f"{account.username}\t{account.role}\t{state}\t{account.display_name}")
        elif action in ("disable", "enable"):
            account = store.set_active(args.username, action == "enable")
            if action == "disable":
                SessionStore(sessions, settings.session_secret).end_all_for(account.id)
            print(f"{account.username!r} {action}d")
        elif action == "unlock":
            store.unlock(args.username)
            print(f"{args.username!r} unlocked")
    except (AccountError, ValueError) as exc:
        print(f"dpa staff {action}: {exc}", file=sys.stderr)
        return 2
    return 0
