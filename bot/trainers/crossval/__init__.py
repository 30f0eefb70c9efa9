"""Choose the NLU pipeline by measurement: 5-fold cross-validation of candidate pipelines.

``docs/nlu-candidates/*.yml`` are the candidates (NLU pipeline only, :mod:`.candidates`).
``current.yml`` is generated from ``config.yml`` at every run, so it always measures the
pipeline in use. For each candidate :mod:`.measure`, in child processes run under ``nice -n 15``:

1. runs Rasa's own ``rasa test nlu --nlu <data> --config <candidate> --cross-validation
   --folds 5 --out <dir> --successes --no-plot`` (in :mod:`.worker`, with three hooks:
   seeded folds from :mod:`.folds`, recorded confidences, no re-scoring of the training
   folds), and times it;
2. times one full ``rasa train nlu`` of the candidate on all the data;

then reads Rasa's ``intent_report.json`` / ``intent_errors.json`` and the recorded
confidences (:mod:`.metrics`), picks the best candidate (:mod:`.choice`) and writes
``docs/nlu-evaluation.md`` (:mod:`.report`).

Every run of a candidate is cached under ``results/nlu-evaluation/<candidate>/<key>/``
(:mod:`.cache`), keyed by a hash of the candidate's pipeline, the contents of ``data/nlu``
(snapshotted once per invocation, so every candidate sees the same data even while others
edit it), the folds, the seed and the Rasa version. Only what changed is recomputed.

Nothing here imports anything heavy at import time; Rasa is only imported inside the child
process. Entry point: :func:`.cli.main` (``python -m bot.trainers.crossval``).
"""
