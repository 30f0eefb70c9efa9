"""Did retraining help? Compare the current model with one trained on today's data.

``dpa evaluate``:

1. trains a whole candidate model (NLU and dialogue, so it can be deployed) on ``data/``
   as it is now (``rasa train`` into ``results/evaluate/candidate/``; the assistant's own
   ``models/dpa.tar.gz`` is untouched);
2. scores both models with ``rasa test nlu`` on the same held-out data: by default
   ``tests/nlu/holdout.yml``, real residents' messages trainers set aside with
   ``dpa inbox label ID INTENT --holdout`` (never training data, so neither model has seen
   them);
3. prints per-intent F1 before and after, the confusion pairs that changed, and flags every
   intent whose F1 dropped by more than ``REGRESSION_TOLERANCE`` (exit status 3), and writes
   confusion-matrix images (``results/evaluate/confusion_matrix.png``, and ``..._before.png``);
4. with ``--cross-validation``, also compares 5-fold cross-validation of the current pipeline
   on today's data with the latest cached run on earlier data (``bot.trainers.crossval``, the
   same seeded folds and cache ``make evaluate-nlu`` uses).

Long steps run Rasa in child processes under ``nice`` and print their progress (a line
every 30 s with the elapsed time; the full log is named). Parsing and comparing are pure
functions over Rasa's report files, tested without Rasa.

The modules: :mod:`.comparison` (before and after, and the text for a terminal),
:mod:`.confusion` (confusion-matrix images), :mod:`.steps` (training and scoring with Rasa
in child processes), :mod:`.labelled` (the messages just labelled, scored with both
models), :mod:`.crossvalidate` (the ``--cross-validation`` comparison) and :mod:`.job`
(the whole ``dpa evaluate``: checks, steps, ``report.json``).
"""
