"""Training-time spelling noise: noisy copies of the training messages, so that the character
n-gram features also learn the misspellings and text-speak residents type.

``SpellingNoiseAugmenter`` goes first in config.yml's pipeline. During training it adds, for
every intent example without entities, ``copies`` deterministic noisy copies (a letter
dropped, doubled or two letters swapped in a few words; common text-speak such as "u", "pls",
"cos"), labelled with the same intent. At inference it does nothing: a resident's message is
classified as typed. Loaded by Rasa only, like ``bot.rasa.nlu_components``.
"""
from __future__ import annotations

import random
import re
import zlib
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Whole-word text-speak, as residents write it (lower case; the featurizers lowercase too).
TEXT_SPEAK: dict[str, str] = {
    "you": "u", "your": "ur", "you're": "ur", "are": "r", "please": "pls",
    "thanks": "thx", "because": "cos", "before": "b4", "people": "ppl", "message": "msg",
    "information": "info", "what": "wat", "okay": "ok", "really": "rly", "i'm": "im",
    "don't": "dont", "can't": "cant", "won't": "wont", "didn't": "didnt", "isn't": "isnt",
    "doesn't": "doesnt", "tomorrow": "tmrw", "someone": "some1", "anyone": "any1",
    "with": "wiv", "about": "bout", "going": "goin", "know": "kno",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_MIN_TYPO_LENGTH = 4  # shorter words are left alone: "to" -> "o" is not a typo, it is noise


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip inside ``word`` (first letter kept): drop, double or swap."""
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:position] + word[position + 1:]
    if kind == 1:
        return word[:position] + word[position] + word[position:]
    return word[:position] + word[position + 1] + word[position] + word[position + 2:]


def noisy_copy(text: str, rng: random.Random, rate: float) -> str:
    """``text`` with text-speak for some of the words that have one and a typo in about
    ``rate`` of the longer words (at least one when there is a longer word)."""
    words = text.lower().split()
    for index, word in enumerate(words):
        if word in TEXT_SPEAK and rng.random() < 0.5:
            words[index] = TEXT_SPEAK[word]
    candidates = [i for i, w in enumerate(words)
                  if _WORD.fullmatch(w) and len(w) >= _MIN_TYPO_LENGTH]
    if candidates:
        count = max(1, round(rate * len(candidates)))
        for index in rng.sample(candidates, min(count, len(candidates))):
            words[index] = _typo(words[index], rng)
    return " ".join(words)


def noisy_copies(text: str, copies: int, rate: float) -> list[str]:
    """Up to ``copies`` distinct noisy versions of ``text``, none equal to it. The same text
    always gets the same copies (seeded by the text), so training stays reproducible."""
    rng = random.Random(zlib.crc32(text.encode("utf-8")))
    original = " ".join(text.lower().split())
    found: list[str] = []
    for _ in range(copies * 3):
        if len(found) == copies:
            break
        candidate = noisy_copy(text, rng, rate)
        if candidate != original and candidate not in found:
            found.append(candidate)
    return found


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SpellingNoiseAugmenter(GraphComponent):
    """Adds noisy copies of the intent examples to the training data (see the module)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # copies per example; rate: the share of words of 4+ letters given a typo;
        # max_words: only examples of at most this many words are copied (0: all).
        return {"copies": 1, "rate": 0.2, "max_words": 0}

    def __init__(self, config: dict[str, Any]) -> None:
        self.copies = int(config["copies"])
        self.rate = float(config["rate"])
        self.max_words = int(config["max_words"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SpellingNoiseAugmenter:
        return cls({**cls.get_default_config(), **config})

    def _copyable(self, message: Message) -> bool:
        text = message.get(TEXT)
        return bool(text and message.get(INTENT) and not message.get(ENTITIES)
                    and (self.max_words <= 0 or len(text.split()) <= self.max_words))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        known = {" ".join(str(m.get(TEXT) or "").lower().split())
                 for m in training_data.training_examples}
        added: list[Message] = []
        for message in training_data.training_examples:
            if not self._copyable(message):
                continue
            for text in noisy_copies(message.get(TEXT), self.copies, self.rate):
                if text not in known:
                    known.add(text)
                    added.append(Message(data={TEXT: text, INTENT: message.get(INTENT)}))
        if not added:
            return training_data
        return TrainingData(
            training_examples=training_data.training_examples + added,
            entity_synonyms=training_data.entity_synonyms,
            regex_features=training_data.regex_features,
            lookup_tables=training_data.lookup_tables,
            responses=training_data.responses,
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Nothing at inference: messages are classified as the resident typed them."""
        return messages
