"""The classifier falls back on a message it has no feature for, and is otherwise Rasa's."""
from __future__ import annotations

import numpy as np
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from bot.rasa.nlu_components import KnownFeaturesLogisticRegressionClassifier


def _message(row: list[float]) -> Message:
    message = Message(data={"text": "x"})
    message.add_features(Features(csr_matrix([row]), "sentence", "text", "count_vectors"))
    return message


def _classifier(tmp_path) -> KnownFeaturesLogisticRegressionClassifier:
    classifier = KnownFeaturesLogisticRegressionClassifier(
        KnownFeaturesLogisticRegressionClassifier.get_default_config(), "classifier",
        LocalModelStorage(tmp_path), Resource("classifier"))
    # "affirm" has most examples, so the intercepts alone favour it, as in the real model
    features = np.array([[1, 0, 0]] * 6 + [[0, 1, 0]] * 2 + [[0, 0, 1]] * 2)
    labels = ["affirm"] * 6 + ["ask_cost"] * 2 + ["deny"] * 2
    classifier.clf = LogisticRegression(random_state=42).fit(features, labels)
    return classifier


def test_a_message_with_no_known_feature_ranks_every_intent_equally(tmp_path):
    [message] = _classifier(tmp_path).process([_message([0, 0, 0])])
    confidences = [entry["confidence"] for entry in message.get("intent_ranking")]
    assert confidences == [1 / 3] * 3
    assert message.get("intent")["confidence"] == 1 / 3


def test_a_message_with_known_features_is_classified_as_usual(tmp_path):
    classifier = _classifier(tmp_path)
    [message] = classifier.process([_message([0, 1, 0])])
    assert message.get("intent")["name"] == "ask_cost"
    expected = classifier.clf.predict_proba(csr_matrix([[0, 1, 0]]))[0].max()
    assert message.get("intent")["confidence"] == expected
    ranking = message.get("intent_ranking")
    assert [e["confidence"] for e in ranking] == sorted(
        (e["confidence"] for e in ranking), reverse=True)
