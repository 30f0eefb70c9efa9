"""No resident's words in Rasa's logs.

Rasa 3.6 logs through structlog, and passes every event through ``_anonymizer`` in
``rasa.utils.log_utils``, which hands the fields that can hold what a person said (``text``,
``parse_data_text``, ``slot_values``, ``tracker_latest_message``, ``user_message`` and about
twenty more) to the "anonymization pipeline" a plugin provides. Rasa Pro ships one; open
source has none, so those fields were logged as they are (after a timed-out turn, the whole
message at ERROR). And its JSON tracebacks print every frame's local variables, the
message among them.

:func:`install`, called by our launchers before Rasa configures its logging, replaces
that anonymiser with :func:`withhold_fields` (every such field becomes ``[withheld]``) and
the traceback renderer with one that leaves locals out. (Registering a pipeline through
Rasa's plugin hook would do the first too, but Rasa then also re-reads the tracker from the
store on every message to run the pipeline over its new events: a cost per turn for
nothing.)

Standard-library log records from Rasa, rasa-sdk, Sanic and the libraries under them are
scrubbed as they are made (:func:`scrub`: formatting arguments dropped, a formatted message
kept only up to its first quote), because an f-string or ``%s`` there may carry a message
or a slot. The action server installs the same (:mod:`bot.rasa.action_server`).
"""
from __future__ import annotations

import logging
from typing import Any

WITHHELD = "[withheld]"
# The fields Rasa's own anonymiser treats as personal (rasa.utils.log_utils._anonymizer).
PERSONAL_FIELDS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text",
    "parse_data_entities", "prediction_events", "tracker_latest_message", "prefilled_slots",
    "message", "response", "slot_candidates", "rasa_event", "rasa_events", "tracker_states",
    "current_states", "old_states", "successes", "current_entity", "next_entity", "states",
    "entity", "token_text", "user_message", "json_message", "slots", "tracker", "events",
})


def withhold_fields(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: personal fields replaced, everything else kept."""
    for key in PERSONAL_FIELDS & event_dict.keys():
        event_dict[key] = WITHHELD
    return event_dict


THIRD_PARTY = frozenset({"rasa", "rasa_sdk", "sanic", "apscheduler", "urllib3", "aiohttp",
                         "tensorflow", "absl"})


def scrub(record: logging.LogRecord) -> None:
    """Keep a record's fixed text, never the values interpolated into it.

    ``%s`` arguments are dropped; an already-formatted message (an f-string) is kept up to
    its first quote, where Rasa's messages quote what a person said. structlog's JSON
    lines are left alone: the anonymiser above has withheld their personal fields.
    """
    if record.args:
        record.msg = f"{record.msg} [arguments withheld]"
        record.args = None
        return
    message = record.msg if isinstance(record.msg, str) else WITHHELD
    if not message.startswith("{"):
        quotes = [i for i in (message.find("'"), message.find('"')) if i >= 0]
        if quotes:
            message = message[:min(quotes)] + WITHHELD
    record.msg = message


_installed = False


def install() -> None:
    """Withhold personal fields from Rasa's structlog events, and scrub every third-party
    standard-library log record as it is made."""
    global _installed
    import rasa.utils.log_utils as rasa_logging
    import structlog

    rasa_logging._anonymizer = withhold_fields  # read by configure_structlog when it runs
    structlog.processors.dict_tracebacks = structlog.processors.ExceptionRenderer(
        structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
    )
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if record.name.split(".", 1)[0] in THIRD_PARTY:
            scrub(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    _installed = True
