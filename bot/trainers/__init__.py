"""Trainer tools: turn real conversations into better training data, safely.

- :mod:`bot.trainers.redaction` replaces personal data with placeholders (pure, no Rasa);
- :mod:`bot.trainers.tracker_events` reads Rasa's SQL tracker store, redacting as it reads;
- :mod:`bot.trainers.inbox` picks the messages worth a trainer's time;
- :mod:`bot.trainers.nlu_files` and :mod:`bot.trainers.labelling` add labelled examples to
  ``data/nlu/`` by editing the text of the files (comments and layout survive);
- :mod:`bot.trainers.stories` turns a conversation into a Rasa test story;
- :mod:`bot.trainers.retention` purges old conversations and erases one on request;
- :mod:`bot.trainers.evaluation` (a package, one module per step) compares a retrained
  model with the current one
  (:mod:`bot.trainers.data_split` cuts held-out data from two versions of the data);
- :mod:`bot.trainers.service` offers all of it to the staff console, off the event loop.

Nothing here imports Rasa at module level; the CLI is ``dpa inbox``, ``dpa purge`` and
``dpa evaluate`` (``bot/commands/``), and the staff console calls the same functions
(they block: run them in a worker thread from the event loop).
"""
