"""The linear intent classifier and response selector (rasa_server/classifiers.py), trained
in-process on Rasa's own tokenizer and featurizers, as `rasa train` runs them."""
import numpy as np
import pytest
from rasa.core.actions.action import ActionRetrieveResponse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_server.classifiers import OldModelError, TfidfIntentClassifier, TfidfResponseSelector

EXAMPLES = {
    "greet": ["hello there", "hi", "good morning", "hey hey", "hiya"],
    "inform": ["my sit bone hurts when i sit", "sore at the top of my hamstring", "it hurts when sitting",
               "pain under my buttock when running hills", "about six weeks"],
}
FAQ = {
    "faq/sitting": ["can i sit on a cushion", "is sitting bad for it", "should i avoid sitting"],
    "faq/stretching": ["should i stretch my hamstring", "is stretching good", "can i do hamstring stretches"],
}
RESPONSES = {"utter_faq/sitting": [{"text": "Break up long sitting."}],
             "utter_faq/stretching": [{"text": "No hamstring stretching for now."}]}


def _training_data() -> TrainingData:
    messages = [Message(data={"text": text, "intent": intent}) for intent, texts in EXAMPLES.items() for text in texts]
    messages += [Message(data={"text": text, "intent": "faq", "intent_response_key": key})
                 for key, texts in FAQ.items() for text in texts]
    return TrainingData(training_examples=messages, responses=RESPONSES)


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def _context(node: str = "test") -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=node)


def _featurizers(storage):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    words = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config()},
                                          storage, Resource("words"), _context("run_words"))
    chars = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
                                           "min_ngram": 2, "max_ngram": 4}, storage, Resource("chars"), _context("run_chars"))
    return tokenizer, [words, chars]


def _featurized(storage):
    data = _training_data()
    tokenizer, featurizers = _featurizers(storage)
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)

    def featurize(text: str) -> Message:
        message = Message(data={"text": text})
        tokenizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        return message
    return data, featurize


def _trained(component_class, storage, config=None):
    data, featurize = _featurized(storage)
    component = component_class.create({**component_class.get_default_config(), **(config or {})},
                                       storage, Resource(component_class.__name__), _context())
    component.train(data)
    return component, featurize


def test_the_intent_classifier_ranks_the_likeliest_intent_first(storage):
    classifier, featurize = _trained(TfidfIntentClassifier, storage)
    message = featurize("my sit bone is sore when i sit")
    classifier.process([message])
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "inform"
    assert [entry["confidence"] for entry in ranking] == sorted((entry["confidence"] for entry in ranking), reverse=True)
    assert {entry["name"] for entry in ranking} == {"greet", "inform", "faq"}
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_a_saved_intent_classifier_predicts_the_same_after_loading(storage):
    classifier, featurize = _trained(TfidfIntentClassifier, storage, {"block_weights": {"chars": 0.5}})
    loaded = TfidfIntentClassifier.load(classifier.config, storage, Resource("TfidfIntentClassifier"), _context())
    for text in ["hello", "my sit bone is sore when i sit", "should i stretch", "zzz", ""]:
        before, after = featurize(text), featurize(text)
        classifier.process([before])
        loaded.process([after])
        assert [entry["name"] for entry in after.get("intent_ranking")] == [entry["name"] for entry in before.get("intent_ranking")]
        assert [entry["confidence"] for entry in after.get("intent_ranking")] == pytest.approx(
            [entry["confidence"] for entry in before.get("intent_ranking")])
    hello = featurize("hello")
    loaded.process([hello])
    assert hello.get("intent")["name"] == "greet"


def test_a_saved_classifier_is_plain_arrays_and_json_that_load_without_pickle(storage):
    classifier, _ = _trained(TfidfIntentClassifier, storage)
    with storage.read_from(Resource("TfidfIntentClassifier")) as directory:
        assert sorted(path.name for path in directory.iterdir()) == ["model.json", "model.npz"]
        with np.load(directory / "model.npz", allow_pickle=False) as saved:
            assert saved["labels"].tolist() == sorted(["faq", "greet", "inform"])
            assert saved["coef"].shape[1] == sum(saved[name].shape[0] for name in saved.files if name.startswith("idf"))


def test_a_model_saved_by_the_older_classifier_says_to_train_again(storage):
    with storage.write_to(Resource("TfidfIntentClassifier")) as directory:
        (directory / "model.skops").write_bytes(b"an older model")
    with pytest.raises(OldModelError, match="make train"):
        TfidfIntentClassifier.load(TfidfIntentClassifier.get_default_config(), storage,
                                   Resource("TfidfIntentClassifier"), _context())


def test_a_featurizer_weighted_zero_is_left_out(storage):
    classifier, _ = _trained(TfidfIntentClassifier, storage, {"block_weights": {"chars": 0}})
    assert list(classifier.model.blocks) == ["run_words"]


def test_the_response_selector_answers_the_way_rasa_retrieves_it(storage):
    selector, featurize = _trained(TfidfResponseSelector, storage, {"retrieval_intent": "faq"})
    message = featurize("should i stretch it")
    selector.process([message])
    tracker = DialogueStateTracker.from_events("someone", [
        UserUttered("should i stretch it", intent={"name": "faq", "confidence": 1.0}, parse_data=message.as_dict())])
    assert ActionRetrieveResponse("utter_faq").get_full_retrieval_name(tracker) == "utter_faq/stretching"
    selected = message.get("response_selector")
    assert selected["all_retrieval_intents"] == ["faq"]
    assert selected["faq"]["response"]["responses"] == RESPONSES["utter_faq/stretching"]
    assert selected["faq"]["ranking"][0]["intent_response_key"] == "faq/stretching"


def test_a_loaded_response_selector_keeps_its_answers(storage):
    selector, featurize = _trained(TfidfResponseSelector, storage, {"retrieval_intent": "faq"})
    loaded = TfidfResponseSelector.load(selector.config, storage, Resource("TfidfResponseSelector"), _context())
    message = featurize("is sitting bad")
    loaded.process([message])
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == "faq/sitting"
    assert message.get("response_selector")["faq"]["response"]["responses"] == RESPONSES["utter_faq/sitting"]


@pytest.mark.parametrize("component_class,config", [
    (TfidfIntentClassifier, {}), (TfidfResponseSelector, {"retrieval_intent": "faq"}),
    (TfidfIntentClassifier, {"block_weights": {"chars": 0.5}})])
def test_the_one_message_shortcut_gives_the_classifiers_own_probabilities(storage, component_class, config):
    component, featurize = _trained(component_class, storage, config)
    for text in ["hello there", "should i stretch", "my sit bone", "zzz", ""]:
        message = featurize(text)
        expected = component.model.classifier.predict_proba(component.model._matrix([message]))[0]
        assert component.model.probabilities(message) == pytest.approx(expected)
