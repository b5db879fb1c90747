"""The Rasa server's fixes (rasa_server/): same behaviour as Rasa's own code, less work."""
import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.patches import apply
from rasa_server.tracker_store import ConversationStore

apply()
ACTION = RemoteAction("action_extract_findings", None)


def test_a_valid_action_server_answer_is_accepted():
    answer = {"events": [{"event": "slot", "name": "onset", "value": "gradual"}],
              "responses": [{"text": "How did it start?", "buttons": []}]}
    assert ACTION._validate_action_result(answer) is True


def test_an_invalid_action_server_answer_still_raises_rasas_error():
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        ACTION._validate_action_result({"events": [{"event": "slot", "name": 3}]})


def test_applying_the_fixes_twice_changes_nothing():
    patched = RemoteAction._validate_action_result
    apply()
    assert RemoteAction._validate_action_result is patched


def test_the_sqlite_conversation_store_keeps_conversations_in_write_ahead_log_mode(tmp_path):
    store = ConversationStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hi"), SlotSet("onset", "gradual")])
    asyncio.run(store.save(tracker))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    again = asyncio.run(ConversationStore(dialect="sqlite", db=str(tmp_path / "tracker.db")).retrieve("someone"))
    assert [event.as_dict()["event"] for event in again.events] == ["user", "slot"]


class _Classifier:
    """Stands in for Rasa's NLU: always says "stop", as a classifier might for "stop, I want to die"."""

    http_interpreter = None

    def _parse_message_with_graph(self, message, tracker, only_output_properties):
        return {"text": message.text, "intent": {"name": "stop", "confidence": 0.97}, "entities": []}

    def _update_full_retrieval_intent(self, parse_data):
        pass

    def _check_for_unseen_features(self, parse_data):
        pass


def parse(text):
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor

    return asyncio.run(MessageProcessor.parse_message(_Classifier(), UserMessage(text, sender_id="someone")))


def test_wording_about_suicide_is_the_distress_intent_never_stop():
    assert parse("stop asking, I want to end it all")["intent"] == {"name": "distress", "confidence": 1.0}


def test_other_messages_keep_the_classifiers_intent():
    assert parse("stop")["intent"]["name"] == "stop"
