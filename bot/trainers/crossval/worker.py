"""The ``_cv-worker`` child process: Rasa's ``rasa test nlu --cross-validation`` run in this
process with seeded folds, recorded confidences and no re-scoring of the training folds.

Rasa is imported here only, inside :func:`cv_worker`, so the rest of the package stays light."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.trainers.crossval.folds import FOLDS, SEED, SeededFolds
from bot.trainers.crossval.metrics import FALLBACK_INTENT


# Not covered by the unit tests: it runs Rasa, and `make evaluate-nlu` exercises it.
def cv_worker(argv: Sequence[str]) -> int:  # pragma: no cover
    """Run ``rasa test nlu --cross-validation`` in this process, with three hooks:

    * folds: ``rasa.nlu.test.generate_folds`` is Rasa 3.6's own code with
      ``StratifiedKFold(random_state=seed)`` (Rasa passes none), so every candidate sees the
      same split; the split is written to ``<record>/folds.json``;
    * confidences: the held-out messages' intent rankings (top 3, nlu_fallback removed) are
      written to ``<record>/predictions.json`` so the fallback can be replayed offline;
    * the training folds are not re-scored (Rasa does it only to log train accuracy).
    """
    parser = argparse.ArgumentParser(prog="python -m bot.trainers.crossval _cv-worker")
    parser.add_argument("--config", required=True)
    parser.add_argument("--nlu", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--record", required=True)
    args = parser.parse_args(argv)

    import rasa.__main__
    import rasa.nlu.test as nlu_test

    record_dir = Path(args.record)
    folds = SeededFolds(args.seed)
    predictions: list[dict] = []

    original_combine = nlu_test.combine_result
    original_get_eval_data = nlu_test.get_eval_data

    async def combine_result(
        intent_metrics, entity_metrics, response_metrics, processor, data, *rest, **kw
    ):
        if folds.is_training_fold(data):
            return intent_metrics, entity_metrics, response_metrics
        return await original_combine(
            intent_metrics, entity_metrics, response_metrics, processor, data, *rest, **kw
        )

    async def get_eval_data(processor, test_data):
        fold = folds.held_out_fold(test_data)
        if fold is None:
            return await original_get_eval_data(processor, test_data)
        captured: list[dict] = []
        original_parse = processor.parse_message

        async def parse_message(message, tracker=None, only_output_properties=True):
            result = await original_parse(
                message, tracker=tracker, only_output_properties=only_output_properties
            )
            captured.append(result)
            return result

        processor.parse_message = parse_message
        try:
            out = await original_get_eval_data(processor, test_data)
        finally:
            del processor.parse_message
        for example, result in zip(test_data.nlu_examples, captured, strict=True):
            ranking = [
                [r.get("name"), round(float(r.get("confidence") or 0.0), 6)]
                for r in result.get("intent_ranking") or []
                if r.get("name") != FALLBACK_INTENT
            ][:3]
            if not ranking and (result.get("intent") or {}).get("name"):
                intent = result["intent"]
                ranking = [[intent.get("name"), round(float(intent.get("confidence") or 0.0), 6)]]
            predictions.append(
                {"fold": fold, "text": example.get("text"), "intent": example.get("intent"),
                 "ranking": ranking}
            )
        return out

    nlu_test.generate_folds = folds
    nlu_test.combine_result = combine_result
    nlu_test.get_eval_data = get_eval_data

    sys.argv = [
        "rasa", "test", "nlu", "--nlu", args.nlu, "--config", args.config,
        "--cross-validation", "--folds", str(args.folds), "--out", args.out,
        "--successes", "--no-plot",
    ]
    rasa.__main__.main()
    if not predictions:
        print("no predictions were recorded", file=sys.stderr)
        return 1
    (record_dir / "predictions.json").write_text(json.dumps(predictions), encoding="utf-8")
    (record_dir / "folds.json").write_text(json.dumps(sorted(folds.rows)), encoding="utf-8")
    return 0
