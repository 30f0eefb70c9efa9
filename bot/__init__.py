"""The data-protection assistant's own package; its folders are the architecture.

``rules`` (deadlines, clock, hours, references) and ``conversation`` are pure logic; ``db``,
``cases`` and ``chat`` store things; ``rasa``, ``web``, ``staff`` and ``trainers`` are the
parts people and processes talk to; ``commands`` is the ``dpa`` CLI. Importable without Rasa
running (and, except for the runner's training step, without Rasa imported), so its logic
is tested in milliseconds.
"""
