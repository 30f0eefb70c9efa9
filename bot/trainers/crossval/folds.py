"""Seeded stratified folds: the same split of data/nlu for every candidate.

Rasa 3.6's ``rasa.nlu.test.generate_folds`` shuffles without a seed, so two runs would not
see the same split; :class:`SeededFolds` is its code with a seed, and remembers which
``TrainingData`` is a training fold and which held-out fold is which."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FOLDS = 5
SEED = 42


class SeededFolds:
    """``rasa.nlu.test.generate_folds`` seeded: ``StratifiedKFold(random_state=seed)``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rows: list[list[Any]] = []  # [fold, text, intent] of every held-out message
        self._train_ids: set[int] = set()
        self._test_folds: dict[int, int] = {}
        self._keep_alive: list[Any] = []  # so the ids above stay unique

    def __call__(self, n: int, training_data: Any) -> Iterator[tuple[Any, Any]]:
        from rasa.shared.nlu.training_data.training_data import TrainingData
        from sklearn.model_selection import StratifiedKFold

        skf = StratifiedKFold(n_splits=n, shuffle=True, random_state=self.seed)
        x = training_data.intent_examples
        y = [example.get_full_intent() for example in x]
        for i_fold, (train_index, test_index) in enumerate(skf.split(x, y)):
            train = [x[i] for i in train_index]
            test = [x[i] for i in test_index]
            common = dict(
                entity_synonyms=training_data.entity_synonyms,
                regex_features=training_data.regex_features,
                lookup_tables=training_data.lookup_tables,
                responses=training_data.responses,
            )
            train_data = TrainingData(training_examples=train, **common)
            test_data = TrainingData(training_examples=test, **common)
            self._keep_alive.extend([train_data, test_data])
            self._train_ids.add(id(train_data))
            self._test_folds[id(test_data)] = i_fold
            self.rows.extend([i_fold, e.get("text"), e.get_full_intent()] for e in test)
            yield train_data, test_data

    def is_training_fold(self, data: Any) -> bool:
        return id(data) in self._train_ids

    def held_out_fold(self, data: Any) -> int | None:
        """The fold number of a held-out ``TrainingData``, None for any other data."""
        return self._test_folds.get(id(data))


def fold_digest(folds_path: Path) -> str:
    """Hash of a recorded fold assignment (folds.json), '' if none was recorded."""
    return hashlib.sha256(folds_path.read_bytes()).hexdigest() if folds_path.exists() else ""
