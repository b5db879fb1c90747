"""Linear NLU classifiers: TF-IDF weighted sentence features and logistic regression.

They replace DIET and the ResponseSelector (docs/performance.md has the measurements):
with a dozen intents and a few thousand short messages, a linear model over the same
featurizers' sentence features is as accurate on held-out messages and trains in seconds
instead of a quarter of an hour; the model is a few MB instead of 145 MB.

- `TfidfIntentClassifier`: intents (and the retrieval intent `faq` as one intent).
- `TfidfResponseSelector`: picks the answer within a retrieval intent (`faq/<topic>`), and
  puts it in the message exactly as Rasa's ResponseSelector does, so `utter_faq` and
  `rasa test nlu` work unchanged.

Both read every featurizer's sparse sentence features (word and character n-gram counts,
the vocabulary's lookup-table and question-form matches), weight them by TF-IDF (sublinear
counts) and fit a class-balanced logistic regression. What prediction needs is saved as plain
arrays (NumPy's .npz, read without pickle) and JSON: loading it is instant and runs no code from
the file. (It was saved with skops, like Rasa's own LogisticRegressionClassifier; importing skops
alone scanned every loaded module for each NumPy and SciPy function, a third of the Rasa
server's start, docs/performance.md round 7.)
"""
from __future__ import annotations

import json
import logging
import zlib
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

OLD_FILE = "model.skops"  # what the classifiers saved before the twenty-fourth session


class OldModelError(RuntimeError):
    """A model saved in a form this code no longer reads: it must be trained again."""


ARRAYS_FILE = "model.npz"  # the weights: coef, intercept, labels, one idf per block
SETTINGS_FILE = "model.json"  # the blocks' names and weights, and what the component adds


def sentence_features(message: Message) -> Dict[Text, Any]:
    """A message's sparse sentence features (one row), by the featurizer's node name."""
    return {features.origin: features.features for features in message.features
            if features.attribute == TEXT and features.type == FEATURE_TYPE_SENTENCE and features.is_sparse()}


def feature_blocks(messages: List[Message]) -> Dict[Text, csr_matrix]:
    """Each featurizer's sparse sentence features, one row per message, by the featurizer's node name."""
    rows: Dict[Text, List[csr_matrix]] = {}
    for message in messages:
        for origin, row in sentence_features(message).items():
            rows.setdefault(origin, []).append(csr_matrix(row))
    return {origin: vstack(block).tocsr() for origin, block in sorted(rows.items())}


class _LinearTextModel:
    """TF-IDF + logistic regression over sentence features, saved in the model storage.

    Each featurizer's block is weighted and normalised on its own: thousands of character
    n-grams would otherwise drown the word n-grams and the ten lookup-table features
    (5-fold cross-validation of intents: macro-F1 0.898 with one block, 0.910 with one per
    featurizer). `block_weights` scales a featurizer's block by its component name.
    """

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.blocks: Dict[Text, Tuple[TfidfTransformer, float]] = {}
        self.classifier: Optional[LogisticRegression] = None
        # (featurizer, IDF weights, block weight) per block, for `probabilities`; sklearn
        # recomputes `idf_` on every access, so it is read once after training or loading
        self._idf: List[Tuple[Text, np.ndarray, float]] = []

    def _blocks_ready(self) -> None:
        self._idf = [(origin, np.asarray(tfidf.idf_), weight) for origin, (tfidf, weight) in self.blocks.items()]

    def _weight(self, origin: Text) -> float:
        for component, weight in (self.config["block_weights"] or {}).items():
            if component in origin:
                return float(weight)
        return 1.0

    def _matrix(self, messages: List[Message]) -> csr_matrix:
        found = feature_blocks(messages)
        parts = []
        for origin, (tfidf, weight) in self.blocks.items():
            block = found.get(origin)
            if block is None:  # a featurizer that gave this message nothing
                block = csr_matrix((len(messages), tfidf.idf_.shape[0]))
            parts.append(weight * tfidf.transform(block))
        return hstack(parts).tocsr()

    def fit(self, messages: List[Message], labels: List[Text]) -> None:
        if len(set(labels)) < 2:
            logger.debug("Fewer than two labels to learn; nothing trained.")
            return
        self.blocks = {origin: (TfidfTransformer(sublinear_tf=True).fit(block), self._weight(origin))
                       for origin, block in feature_blocks(messages).items() if self._weight(origin) > 0}
        self.classifier = LogisticRegression(
            C=self.config["C"], class_weight="balanced", max_iter=self.config["max_iter"],
            random_state=self.config["random_seed"])
        self.classifier.fit(self._matrix(messages), labels)
        self._blocks_ready()

    def probabilities(self, message: Message) -> np.ndarray:
        """The classifier's `predict_proba` for one message, worked out directly from the
        message's few non-zero features: scipy's and sklearn's checks and conversions took
        most of the time of a turn's NLU for a one-row matrix."""
        assert self.classifier is not None
        coef, scores = self.classifier.coef_, self.classifier.intercept_.copy()
        found = sentence_features(message)
        offset = 0
        for origin, idf, weight in self._idf:
            row = found.get(origin)
            if row is not None and row.nnz:
                row = row.tocsr()  # sums any repeated entries, as the training matrix did
                values = (np.log(row.data) + 1) * idf[row.indices]  # sublinear TF-IDF
                values *= weight / np.linalg.norm(values)
                scores += coef[:, offset + row.indices] @ values
            offset += idf.shape[0]
        if len(scores) == 1:  # two labels: one logistic score for the second
            second = 1 / (1 + np.exp(-scores[0]))
            return np.array([1 - second, second])
        exponentials = np.exp(scores - scores.max())
        return exponentials / exponentials.sum()

    def rankings(self, messages: List[Message]) -> List[List[Tuple[Text, float]]]:
        """Labels with their probabilities, most likely first, for each message."""
        if self.classifier is None:
            return [[] for _ in messages]
        labels = self.classifier.classes_
        ranked = []
        for message in messages:
            row = self.probabilities(message)
            ranked.append([(str(labels[i]), float(row[i])) for i in np.argsort(-row)])
        return ranked

    def persist(self, extra: Optional[Dict[Text, Any]] = None) -> None:
        """Saves what `probabilities` and `rankings` need, and `extra` (JSON) beside it."""
        arrays: Dict[Text, np.ndarray] = {}
        if self.classifier is not None:
            arrays = {"coef": self.classifier.coef_, "intercept": self.classifier.intercept_,
                      "labels": np.asarray([str(label) for label in self.classifier.classes_])}
            arrays.update({f"idf{number}": idf for number, (_, idf, _) in enumerate(self._idf)})
        settings = {"blocks": [[origin, weight] for origin, _, weight in self._idf], "extra": extra or {}}
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / ARRAYS_FILE, **arrays)
            (directory / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")

    def load(self) -> Dict[Text, Any]:
        """What `persist` saved (the weights are set on this model, the `extra` returned);
        {} if nothing was."""
        try:
            with self._model_storage.read_from(self._resource) as directory:
                if not (directory / SETTINGS_FILE).exists() and (directory / OLD_FILE).exists():
                    raise OldModelError(f"{self._resource.name}: this model was trained by an older version of "
                                        f"rasa_server/classifiers.py ({OLD_FILE}); train it again (`make train`)")
                settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
                with np.load(directory / ARRAYS_FILE, allow_pickle=False) as saved:
                    arrays = {name: saved[name] for name in saved.files}
        except ValueError:  # nothing was trained (no data), Rasa's own convention
            return {}
        if "coef" in arrays:
            self.classifier = LogisticRegression()
            self.classifier.coef_, self.classifier.intercept_ = arrays["coef"], arrays["intercept"]
            self.classifier.classes_ = arrays["labels"]
            self._idf = [(origin, arrays[f"idf{number}"], float(weight))
                         for number, (origin, weight) in enumerate(settings["blocks"])]
        return settings["extra"]


class _LinearComponent(GraphComponent):
    """Shared plumbing: config, creation, loading."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 30.0, "max_iter": 3000, "random_seed": 4242, "ranking_length": 10, "block_weights": {}}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model = _LinearTextModel(self.config, model_storage, resource)
        self._resource = resource

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "_LinearComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "_LinearComponent":
        component = cls(config, model_storage, resource)
        component.restore(component.model.load())
        return component

    def restore(self, saved: Dict[Text, Any]) -> None:
        """Takes back what `train` saved besides the classifier and its TF-IDF weights."""

    def _top(self, ranking: List[Tuple[Text, float]]) -> List[Dict[Text, Any]]:
        return [{"name": name, PREDICTED_CONFIDENCE_KEY: confidence}
                for name, confidence in ranking[: self.config["ranking_length"]]]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(_LinearComponent, IntentClassifier):
    """The intent of each message, with a ranking of the likeliest intents."""

    def train(self, training_data: TrainingData) -> Resource:
        examples = [example for example in training_data.intent_examples
                    if example.get(INTENT) and example.get(TEXT)]
        self.model.fit(examples, [example.get(INTENT) for example in examples])
        self.model.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message, ranking in zip(messages, self.model.rankings(messages)):
            if not ranking:
                continue
            top = self._top(ranking)
            message.set(INTENT, top[0], add_to_output=True)
            message.set("intent_ranking", top, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfResponseSelector(_LinearComponent):
    """Which answer of a retrieval intent (`faq/<topic>`) fits the message.

    Like Rasa's ResponseSelector it predicts for every message and leaves to the dialogue
    whether the answer is used (only when the intent is the retrieval intent).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**_LinearComponent.get_default_config(), "retrieval_intent": None}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self.responses: Dict[Text, List[Dict[Text, Any]]] = {}
        self.all_retrieval_intents: List[Text] = []

    @property
    def selector_key(self) -> Text:
        return self.config["retrieval_intent"] or RESPONSE_SELECTOR_DEFAULT_INTENT

    def train(self, training_data: TrainingData) -> Resource:
        wanted = self.config["retrieval_intent"]
        examples = [example for example in training_data.intent_examples
                    if example.get(INTENT_RESPONSE_KEY) and example.get(TEXT)
                    and (wanted is None or example.get(INTENT) == wanted)]
        self.responses = dict(training_data.responses)
        self.all_retrieval_intents = sorted(training_data.retrieval_intents)
        self.model.fit(examples, [example.get(INTENT_RESPONSE_KEY) for example in examples])
        self.model.persist({"responses": self.responses, "retrieval_intents": self.all_retrieval_intents})
        return self._resource

    def restore(self, saved: Dict[Text, Any]) -> None:
        self.responses = saved.get("responses", {})
        self.all_retrieval_intents = saved.get("retrieval_intents", [])

    def process(self, messages: List[Message]) -> List[Message]:
        for message, ranking in zip(messages, self.model.rankings(messages)):
            if not ranking:
                continue
            key, confidence = ranking[0]
            utter_action = f"utter_{key}"
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(utter_action, [{TEXT: key}]),
                    PREDICTED_CONFIDENCE_KEY: confidence,
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {"id": zlib.crc32(name.encode()), INTENT_RESPONSE_KEY: name, PREDICTED_CONFIDENCE_KEY: value}
                    for name, value in ranking[: self.config["ranking_length"]]],
            }
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
            properties[self.selector_key] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
