"""What each patch in rasa_server/patches.py corrects, shown on Rasa's own code.

Each test runs the installed Rasa's unpatched code (`rasa_server.upstream.upstream`) and
asserts the fault its patch corrects is still there. When one fails after a Rasa upgrade,
Rasa no longer behaves so: delete that patch from `PATCHES` (and this test). The last tests
keep the registry honest: every entry names a test here, and docs/patches.md is its table.
"""
import ast
import asyncio
from pathlib import Path

import pytest
import rasa.core.actions.action as rasa_actions
import rasa.core.run as rasa_run
import rasa.shared.utils.common
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from rasa_server import patches
from rasa_server.upstream import upstream

ROOT = Path(__file__).resolve().parent.parent
patches.apply()  # as in the Rasa server: what follows must reach past the patches


def test_rasa_checks_the_action_answer_schema_itself_on_every_call(monkeypatch):
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    checks = []
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, checked, *_, **__: checks.append(1)))
    rasa_validate = upstream(RemoteAction, "_validate_action_result")
    action = RemoteAction("action_extract_findings", None)
    for _ in range(3):
        assert rasa_validate(action, {"events": [], "responses": []}) is True
    assert len(checks) == 3  # the schema, which never changes, checked again for each answer


def test_rasa_searches_every_event_class_for_each_event_it_reads(monkeypatch):
    searches = []
    all_subclasses = rasa.shared.utils.common.all_subclasses
    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses", lambda cls: searches.append(cls) or all_subclasses(cls))
    rasa_resolve = upstream(Event, "resolve_by_type")
    for _ in range(3):
        assert rasa_resolve("user") is UserUttered
    assert searches.count(Event) == 3 and len(searches) > 3 * 20  # the whole tree, again for each event


class _FailingAction(RemoteAction):
    async def run(self, *args, **kwargs):
        raise ConnectionError("the action server is down")


def test_rasa_goes_on_without_the_events_of_an_action_whose_call_failed():
    from rasa.core.policies.policy import PolicyPrediction

    processor = MessageProcessor.__new__(MessageProcessor)  # only what _run_action uses
    processor.domain = Domain.empty()
    processor.tracker_store = InMemoryTrackerStore(processor.domain)
    tracker = DialogueStateTracker("someone", [])
    prediction = PolicyPrediction([], "RulePolicy")
    run_action = upstream(MessageProcessor, "_run_action")
    asyncio.run(run_action(processor, _FailingAction("action_extract_findings", None), tracker,
                           CollectingOutputChannel(), None, prediction))  # no error: the turn goes on
    assert [event.action_name for event in tracker.events if isinstance(event, ActionExecuted)] == [
        "action_extract_findings"]  # logged as run, with none of its events


class _BrokenStore(TrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("the database is down")

    async def save(self, tracker):
        raise ConnectionError("the database is down")


def test_rasa_reads_a_conversation_as_new_when_its_store_fails():
    store = FailSafeTrackerStore(_BrokenStore(Domain.empty()))
    assert asyncio.run(upstream(FailSafeTrackerStore, "retrieve")(store, "someone")) is None  # "new"
    asyncio.run(upstream(FailSafeTrackerStore, "save")(store, DialogueStateTracker("someone", [])))
    assert asyncio.run(store.fallback_tracker_store.retrieve("someone")) is not None  # kept in memory only


def test_rasa_reads_request_bodies_of_up_to_100_mb(monkeypatch):
    from sanic import Sanic

    monkeypatch.setattr(Sanic, "test_mode", True)  # another app of the same name may exist in this process
    app = upstream(rasa_run, "configure_app")(enable_api=False, use_uvloop=False)
    assert app.config.REQUEST_MAX_SIZE == 100_000_000


def test_rasa_waits_five_minutes_for_the_action_server():
    assert upstream(rasa_actions, "DEFAULT_REQUEST_TIMEOUT") == 300


def test_rasa_takes_any_typed_payload_as_its_intent():
    domain = Domain.load(str(ROOT / "domain"))
    typed = ["/restart", '/inform{"red_flags": []}', "/session_start"]
    messages = RegexMessageHandler().process([Message(data={"text": text}) for text in typed], domain)
    assert [(message.get("intent")["name"], message.get("intent")["confidence"]) for message in messages] == [
        ("restart", 1.0), ("inform", 1.0), ("session_start", 1.0)]  # whoever typed it, on any channel


# -- the registry -----------------------------------------------------------------------------------

def _tests_in(path: Path) -> set:
    return {node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda patch: patch.install.__name__)
def test_every_patch_names_why_upstream_and_an_existing_test_that_pins_it(patch):
    assert patch.what and patch.why and patch.upstream and patch.replaces
    file, _, name = patch.pinned_by.partition("::")
    assert (ROOT / file).is_file() and name in _tests_in(ROOT / file), patch.pinned_by


def test_the_registry_lists_exactly_what_the_patches_replace():
    from rasa_server import upstream as upstream_module

    assert patches.missing_targets() == []
    listed = set()
    for patch in patches.PATCHES:
        for path in patch.replaces:
            module, _, attributes = path.partition(":")
            owner_path, _, name = attributes.rpartition(".")
            owner = patches._resolve(f"{module}:{owner_path}") if owner_path else patches._resolve(module)
            listed.add((id(owner), name))
    assert set(upstream_module._replaced) == listed  # nothing patched unlisted, nothing listed unpatched


def test_docs_patches_md_is_the_registry():
    assert (ROOT / "docs" / "patches.md").read_text() == patches.markdown(), \
        "run: python -m rasa_server.patches > docs/patches.md"
