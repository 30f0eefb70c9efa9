"""``dpa inbox``: what the assistant misunderstood in real conversations, for trainers.

- ``dpa inbox list [--json] [--limit N]``: messages that fell back, had low confidence, were
  close between two intents or came before a handoff (redacted, duplicates grouped);
- ``dpa inbox label ITEM_ID INTENT [--new-intent] [--text TEXT]``: add the message to
  ``data/nlu/`` as an example of INTENT;
- ``dpa inbox dismiss ITEM_ID ...``: hide messages there is nothing to learn from;
- ``dpa inbox story CONVERSATION_ID [--out FILE]``: the conversation as a Rasa test story.

Each action is one call of :class:`bot.trainers.service.TrainerTools` (what the staff
console's trainer pages use too); this module parses arguments and prints. See
docs/trainers.md for the workflow.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands.arguments import command_with_actions

if TYPE_CHECKING:  # pragma: no cover
    from bot.trainers.inbox import InboxItem
    from bot.trainers.service import TrainerTools

TEXT_WIDTH = 100


def register(subparsers: argparse._SubParsersAction) -> None:
    _, actions = command_with_actions(
        subparsers, "inbox",
        help="review misunderstood messages from real conversations, label them, export stories",
        description="The trainers' inbox: resident messages the assistant probably "
        "misunderstood, redacted, ready to label as training data.",
        dest="inbox_command",
    )

    listing = actions.add_parser("list", help="list the messages to review, most frequent first")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.add_argument("--limit", type=_positive_int, default=50, metavar="N",
                         help="at most N items (default 50)")
    listing.add_argument("--sort", choices=("frequent", "newest"), default="frequent",
                         help="most frequent first (default) or newest first")
    listing.add_argument("--since", type=_positive_int, metavar="DAYS",
                         help="only messages from the last DAYS days")
    listing.add_argument("--min-confidence", type=float, metavar="X",
                         help="pick messages whose top confidence is below X "
                         "(default INBOX_MIN_CONFIDENCE, 0.7)")
    listing.add_argument("--min-margin", type=float, metavar="X",
                         help="pick messages whose top two intents are closer than X "
                         "(default INBOX_MIN_MARGIN, 0.1)")
    listing.set_defaults(handler=run_list)

    label = actions.add_parser("label", help="add a message to data/nlu/ as an example of INTENT")
    label.add_argument("item_id", metavar="ITEM_ID", help="an id from `dpa inbox list`")
    label.add_argument("intent", metavar="INTENT", help="an intent from domain.yml")
    label.add_argument("--new-intent", action="store_true",
                       help="INTENT is new: write it to data/nlu/new_intents.yml")
    label.add_argument("--holdout", action="store_true",
                       help="add it to the held-out test set (tests/nlu/holdout.yml) that "
                       "`dpa evaluate` scores models on, not to the training data")
    label.add_argument("--text", metavar="TEXT",
                       help="write this (edited) text instead of the message; it is redacted too")
    label.set_defaults(handler=run_label)

    dismiss = actions.add_parser("dismiss", help="hide messages there is nothing to learn from")
    dismiss.add_argument("item_ids", nargs="+", metavar="ITEM_ID")
    dismiss.set_defaults(handler=run_dismiss)

    story = actions.add_parser("story", help="write a conversation as a Rasa test story")
    story.add_argument("conversation_id", metavar="CONVERSATION_ID")
    story.add_argument("--out", type=Path, metavar="FILE",
                       help="append to this test-story file "
                       "(e.g. tests/test_from_transcripts.yml); default: print it")
    story.set_defaults(handler=run_story)


# -- shared ----------------------------------------------------------------------------------


def _paths() -> tuple[Path, Path, Path]:
    """data/nlu, domain.yml and the held-out test set (tests/nlu/holdout.yml)."""
    from bot.trainers.service import DOMAIN_PATH, HOLDOUT, NLU_DIR

    return NLU_DIR, DOMAIN_PATH, HOLDOUT


def _tools() -> TrainerTools:
    from bot.config import load_settings
    from bot.trainers.service import TrainerTools

    nlu_dir, domain_path, holdout = _paths()
    return TrainerTools(load_settings(), nlu_dir=nlu_dir, domain_path=domain_path,
                        holdout=holdout)


def _fail(message: str, status: int = 1) -> int:
    print(f"dpa inbox: {message}", file=sys.stderr)
    return status


# -- list ------------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    from bot.trainers.tracker_events import TrackerStoreMissing

    tools = _tools()
    options = tools.options(
        min_confidence=args.min_confidence, min_margin=args.min_margin,
        since=time.time() - args.since * 86400 if args.since else None, sort=args.sort,
    )
    try:
        items = tools.inbox(options)
    except TrackerStoreMissing as exc:
        return _fail(str(exc))
    shown = items[: args.limit]
    if args.json:
        json.dump([item.as_dict() for item in shown], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_items(shown, total=len(items)))
    return 0


def format_items(items: Sequence[InboxItem], *, total: int | None = None) -> str:
    """Each item on three lines: id, count, time and reasons; the text; the model's guess."""
    if not items:
        return "Nothing to review.\n"
    lines = []
    for item in items:
        when = item.last_seen_at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"{item.id}  x{item.count}  {when} UTC  {', '.join(item.reasons)}")
        text = item.text if len(item.text) <= TEXT_WIDTH else item.text[: TEXT_WIDTH - 1] + "…"
        lines.append(f"    {text}")
        guess = f"{item.intent or '?'} {_confidence(item.confidence)}"
        if item.second_intent:
            guess += f", then {item.second_intent} {_confidence(item.second_confidence)}"
        more = len(item.conversation_ids) - 1
        conversation = item.conversation_id + (f" (+{more} more)" if more > 0 else "")
        extra = f"  resident chose: {item.suggested_intent}" if item.suggested_intent else ""
        lines.append(f"    model: {guess}  conversation: {conversation}{extra}")
    total = len(items) if total is None else total
    footer = f"{len(items)} of {total} item{'s' if total != 1 else ''}"
    lines.append(footer + "; label with `dpa inbox label ID INTENT`, dismiss with "
                 "`dpa inbox dismiss ID`")
    return "\n".join(lines) + "\n"


def _confidence(value: float | None) -> str:
    return "(?)" if value is None else f"({value:.2f})"


# -- label / dismiss -------------------------------------------------------------------------


def run_label(args: argparse.Namespace) -> int:
    from bot.trainers.labelling import LabellingError, new_intent_advice
    from bot.trainers.service import UnknownItem
    from bot.trainers.tracker_events import TrackerStoreMissing

    try:
        result = _tools().label(args.item_id, args.intent, new_intent=args.new_intent,
                                text=args.text, holdout=args.holdout)
    except TrackerStoreMissing as exc:
        return _fail(str(exc))
    except UnknownItem:
        return _fail(f"no inbox item {args.item_id!r} (already labelled or dismissed? "
                     "see `dpa inbox list`)")
    except LabellingError as exc:
        return _fail(str(exc))
    if not result.written:
        print(f"Already an example of {result.intent}: {result.text}")
        return 0
    print(f"Added to {_relative(result.path)} as {result.intent}: {result.text}")
    if args.holdout:
        return 0
    if result.new_intent:
        print(new_intent_advice(result.intent))
    print("Retrain and compare with `dpa evaluate` (or `dpa train`) "
          "when you have labelled a batch.")
    return 0


def run_dismiss(args: argparse.Namespace) -> int:
    from bot.trainers.tracker_events import TrackerStoreMissing

    try:
        found, unknown = _tools().dismiss_many(args.item_ids)
    except TrackerStoreMissing as exc:
        return _fail(str(exc))
    if found:
        print(f"Dismissed {len(found)} item{'s' if len(found) != 1 else ''}: {', '.join(found)}")
    if unknown:
        return _fail(f"no inbox item {', '.join(repr(u) for u in unknown)}")
    return 0


# -- story -----------------------------------------------------------------------------------


def run_story(args: argparse.Namespace) -> int:
    from bot.trainers.service import UnknownConversation
    from bot.trainers.stories import append_story
    from bot.trainers.tracker_events import TrackerStoreMissing

    try:
        story = _tools().story(args.conversation_id)
    except TrackerStoreMissing as exc:
        return _fail(str(exc))
    except UnknownConversation:
        return _fail(f"no conversation {args.conversation_id!r} in the tracker store")
    except ValueError as exc:
        return _fail(str(exc))
    if args.out is None:
        sys.stdout.write('version: "3.1"\nstories:\n' + story)
        return 0
    try:
        append_story(args.out, story)
    except ValueError as exc:
        return _fail(str(exc))
    print(f"Added the story to {_relative(args.out)}: edit it into what the assistant should "
          "have done, then `make test` keeps it fixed.")
    return 0


def _relative(path: Path | None) -> str:
    from bot.config import PROJECT_ROOT

    if path is None:
        return "-"
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than zero")
    return value
