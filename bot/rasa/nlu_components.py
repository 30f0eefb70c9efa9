"""Custom NLU components (config.yml's pipeline names them by this module's path).

Loaded by Rasa only (training and the Rasa server); nothing else in ``bot`` imports this
module, which imports Rasa and scikit-learn.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class KnownFeaturesLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier, except for a message with no feature the model
    knows (a script or symbols never seen in training: "ффф жжж", "ꙮꙮꙮ"). Stock, such a
    message gets the classifier's intercepts alone, which ranked ``affirm`` first at 0.51
    (enough to confirm a request's summary). Here every intent ranks equally, so the
    FallbackClassifier falls back: nothing was read, so nothing is guessed.

    ``C`` (scikit-learn's inverse regularisation strength, 1.0 by default as in the stock
    component) is configurable here; the stock component does not expose it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def process(self, messages: list[Message]) -> list[Message]:
        features = self._create_X(messages)
        probabilities = self.clf.predict_proba(features)
        known = np.asarray(features.getnnz(axis=1)).ravel() > 0
        intents = self.clf.classes_
        for index, message in enumerate(messages):
            row = probabilities[index] if known[index] else np.full(len(intents),
                                                                      1.0 / len(intents))
            pairs = zip(intents, row, strict=True)
            ranking: list[dict[str, Any]] = sorted(
                ({"name": str(name), "confidence": float(p)} for name, p in pairs),
                key=lambda entry: -float(entry["confidence"]),
            )
            message.set("intent", ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
