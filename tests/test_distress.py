"""Distress is decided once, in the Rasa server's NLU (rasa_server/distress.py, listed in
config.yml): the vocabulary's phrases make a message the intent `distress`, and only they."""
import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from rasa_server import patches
from rasa_server.distress import DistressRecogniser

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "pht.tar.gz"


def recognised(text, *ranking):
    """The intent and ranking after the component, given what the classifier said."""
    message = Message(data={"text": text, "intent": ranking[0] if ranking else None, "intent_ranking": list(ranking)})
    DistressRecogniser().process([message])
    return message.get("intent"), message.get("intent_ranking")


def test_wording_about_suicide_is_the_distress_intent_whatever_the_classifier_said():
    intent, ranking = recognised("stop asking, I want to end it all", {"name": "stop", "confidence": 0.97},
                                 {"name": "distress", "confidence": 0.02})
    assert intent == {"name": "distress", "confidence": 1.0}
    assert ranking == [intent]  # alone: the FallbackClassifier after it finds nothing ambiguous


def test_other_messages_keep_the_classifiers_intent():
    assert recognised("stop", {"name": "stop", "confidence": 0.97})[0] == {"name": "stop", "confidence": 0.97}


def test_the_classifier_alone_calling_a_message_distress_gives_its_next_intent():
    intent, ranking = recognised("I can't feel it when I wipe", {"name": "distress", "confidence": 0.6},
                                 {"name": "inform", "confidence": 0.3}, {"name": "stop", "confidence": 0.1})
    assert intent == {"name": "inform", "confidence": 0.3}  # the fallback then judges it like any other
    assert [item["name"] for item in ranking] == ["inform", "stop"]
    assert recognised("I can't feel it when I wipe", {"name": "distress", "confidence": 0.9})[0]["name"] == "nlu_fallback"


def test_the_pipeline_lists_the_component_after_the_classifier_and_before_the_fallback():
    names = [step["name"] for step in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    position = names.index("rasa_server.distress.DistressRecogniser")
    assert names.index("rasa_server.classifiers.TfidfIntentClassifier") < position < names.index("FallbackClassifier")


def test_a_typed_payload_with_wording_about_suicide_is_still_distress():
    patches.apply()

    class Processor:
        domain = Domain.load(str(ROOT / "domain"))

    tracker = DialogueStateTracker("someone", [])
    parsed = MessageProcessor._parse_message_with_graph(Processor(), UserMessage("/I want to end it all"), tracker)
    assert parsed["intent"] == {"name": "distress", "confidence": 1.0}
    parsed = MessageProcessor._parse_message_with_graph(Processor(), UserMessage("/whatever"), tracker)
    assert parsed["intent"]["name"] == "nlu_fallback"


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


@pytest.mark.parametrize("text", ["stop asking, I want to end it all", "I just want to die", "i feel suicidal"])
def test_the_trained_models_pipeline_flags_distress(agent, text):
    parsed = asyncio.run(agent.parse_message(text))
    assert parsed["intent"] == {"name": "distress", "confidence": 1.0}


@pytest.mark.parametrize("text", ["stop", "it hurts at my sit bone when I sit", "I'm dying to get back to running"])
def test_the_trained_models_pipeline_leaves_other_messages_to_the_classifier(agent, text):
    assert asyncio.run(agent.parse_message(text))["intent"]["name"] != "distress"
