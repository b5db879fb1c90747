"""The Rasa server's fixes (rasa_server/): same behaviour as Rasa's own code, less work."""
import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from rasa_server.patches import apply, is_valid_action_answer
from pht.domain import read_domain
from rasa_server.tracker_store import ConversationStore

apply()
ACTION = RemoteAction("action_extract_findings", None)


@pytest.fixture(autouse=True)
def embedded_default(monkeypatch):
    """The stores here are the embedded SQLite default, whatever the shell has set."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_a_valid_action_server_answer_is_accepted():
    answer = {"events": [{"event": "slot", "name": "onset", "value": "gradual"}],
              "responses": [{"text": "How did it start?", "buttons": []}]}
    assert ACTION._validate_action_result(answer) is True


def test_an_invalid_action_server_answer_still_raises_rasas_error():
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        ACTION._validate_action_result({"events": [{"event": "slot", "name": 3}]})


SCHEMA = RemoteAction.action_response_format_spec()
RASAS_CHECK = validator_for(SCHEMA)(SCHEMA)  # what jsonschema.validate(answer, SCHEMA) uses
KINDS = [kind["properties"]["event"]["const"] for kind in SCHEMA["properties"]["events"]["items"]["oneOf"]]
ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                      st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["name", "x"]), st.integers(), max_size=2))
FIELDS = ["name", "value", "text", "timestamp", "metadata", "policy", "confidence", "entities", "parse_data", "buttons"]
EVENT = st.fixed_dictionaries({"event": st.one_of(st.sampled_from(KINDS + ["no_such_event"]), ANY_VALUE)},
                              optional={field: ANY_VALUE for field in FIELDS})
ANSWER = st.one_of(st.fixed_dictionaries({}, optional={"events": st.one_of(st.lists(EVENT, max_size=4), ANY_VALUE),
                                                       "responses": st.one_of(st.lists(st.fixed_dictionaries({}, optional={"text": ANY_VALUE}), max_size=2), ANY_VALUE)}),
                   ANY_VALUE)


@settings(max_examples=400, deadline=None)
@given(ANSWER)
def test_checking_each_event_against_its_own_kind_accepts_exactly_what_rasas_schema_accepts(answer):
    assert is_valid_action_answer(answer) == RASAS_CHECK.is_valid(answer)


def test_each_event_name_finds_the_class_rasas_own_search_finds():
    for name in {kind.type_name for kind in all_subclasses(Event)}:
        assert Event.resolve_by_type(name) is next(kind for kind in all_subclasses(Event) if kind.type_name == name)
        assert Event.resolve_by_type(name) is Event.resolve_by_type(name)  # remembered, still the same
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet


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


DOMAIN = Domain.from_dict({"slots": {"onset": {"type": "any", "mappings": []}}})


def _types(tracker):
    return [event.type_name for event in tracker.events]


def _conversation(sender, sessions):
    """`sessions` conversations of a few turns each, every one opened by `session_started`."""
    events, clock = [], 1000.0
    for number in range(sessions):
        for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                      UserUttered(f"hello {number}"), SlotSet("onset", "gradual"), BotUttered("hi")):
            clock += 1
            event.timestamp = clock
            events.append(event)
    return DialogueStateTracker.from_events(sender, events)


def test_the_store_reads_and_writes_the_same_rows_as_rasas_own_sql_store(tmp_path):
    db = str(tmp_path / "tracker.db")
    ours, rasas = ConversationStore(DOMAIN, dialect="sqlite", db=db), SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    asyncio.run(ours.save(_conversation("written-by-ours", sessions=2)))
    asyncio.run(rasas.save(_conversation("written-by-rasa", sessions=2)))
    for sender in ("written-by-ours", "written-by-rasa"):
        mine, theirs = asyncio.run(ours.retrieve(sender)), asyncio.run(rasas.retrieve(sender))
        assert _types(mine) == _types(theirs) == ["session_started", "action", "user", "slot", "bot"]
        assert mine.latest_message.text == theirs.latest_message.text == "hello 1"  # the latest session only
    assert asyncio.run(ours.retrieve("nobody")) is None


def test_saving_again_appends_only_the_new_events_of_the_latest_session(tmp_path):
    store = ConversationStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = _conversation("someone", sessions=2)
    asyncio.run(store.save(tracker))
    tracker = asyncio.run(store.retrieve("someone"))  # the latest session, as Rasa reads it each turn
    asyncio.run(store.save(tracker))  # nothing new: nothing written
    tracker.update(UserUttered("my sit bone hurts", timestamp=5000.0))
    asyncio.run(store.save(tracker))
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT type_name FROM events WHERE sender_id = 'someone' ORDER BY id").all()
    assert [row[0] for row in rows] == 2 * ["action", "session_started", "action", "user", "slot", "bot"] + ["user"]
    assert asyncio.run(store.retrieve("someone")).latest_message.text == "my sit bone hurts"


def test_the_forget_action_and_the_store_name_the_same_slot_which_the_domain_declares():
    # two processes, two constants (the action server does not import Rasa): kept equal here
    from actions import prescreen
    from rasa_server import tracker_store

    assert prescreen.FORGET_SLOT == tracker_store.FORGET_SLOT
    assert tracker_store.FORGET_SLOT in read_domain()["slots"]
