"""Every patch of Rasa 3.6 in this project, in one registry: `PATCHES`.

Rasa is extended where it invites it (registered NLU components, channels, stores, the
endpoints file); what Rasa offers no place for is patched here, at the Rasa server's start
(`python -m rasa_server`). Each entry of `PATCHES` says what it changes, why, the upstream
issue, and the test (tests/test_upstream.py) that runs Rasa's own code and shows the fault
is still there: when that test fails after an upgrade, the patch can go. `apply()` installs
them all, and fails loudly, installing nothing, when Rasa lacks any code they replace.
`python -m rasa_server.patches` prints the registry as a table (docs/patches.md).
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import rasa
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from . import guards
from .upstream import replace, upstream

SUPPORTED_RASA = "3.6."
_applied = False


@dataclass(frozen=True)
class Patch:
    """One patch of Rasa: what it changes, why, upstream's word on it, and the pinning test."""

    install: Callable[[], None]
    replaces: Tuple[str, ...]  # the Rasa code it replaces, as module:attribute paths
    what: str
    why: str
    upstream: str  # the Rasa issue or pull request; "none found" says it was looked for
    pinned_by: str  # tests/<file>.py::<test> that shows Rasa 3.6 still behaves so


@lru_cache(maxsize=1)
def action_response_validators() -> Tuple[Validator, Dict[str, Validator]]:
    """From Rasa's own schema, built once: a validator for the answer with each event checked
    only as an object with an `event` name, and one validator per event kind (the `oneOf`
    branches, each fixed to one `event` name by `const`)."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    events = schema["properties"]["events"]
    kinds = events["items"]["oneOf"]
    any_event = {key: value for key, value in events["items"].items() if key != "oneOf"}
    answer = {**schema, "properties": {**schema["properties"], "events": {**events, "items": any_event}}}
    by_kind = {kind["properties"]["event"]["const"]: validator_class(kind) for kind in kinds}
    if len(by_kind) != len(kinds):
        raise RuntimeError("Rasa's action response schema no longer has one `oneOf` branch per event name")
    return validator_class(answer), by_kind


def is_valid_action_answer(result: Any) -> bool:
    """What `jsonschema.validate(result, RemoteAction.action_response_format_spec())` says,
    with each event checked against its own kind only."""
    answer, by_kind = action_response_validators()
    if not answer.is_valid(result):
        return False
    return all(event["event"] in by_kind and by_kind[event["event"]].is_valid(event)
               for event in result.get("events") or [])


def _check_action_answers_fast() -> None:
    rasa_validate = upstream(RemoteAction, "_validate_action_result")

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if is_valid_action_answer(result):
            return True
        return rasa_validate(self, result)  # raises Rasa's ValidationError with its message

    replace(RemoteAction, "_validate_action_result", validate_action_result)


def _remember_event_classes() -> None:
    rasa_resolve = upstream(Event, "resolve_by_type")
    known: Dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        if type_name in known:
            return known[type_name]
        found = rasa_resolve(type_name, default)  # raises Rasa's error for an unknown name
        if found is not None and getattr(found, "type_name", None) == type_name:
            known[type_name] = found
        return found

    replace(Event, "resolve_by_type", staticmethod(resolve_by_type))


ISSUES = "https://github.com/RasaHQ/rasa/issues/"
PATCHES: Tuple[Patch, ...] = (
    Patch(_check_action_answers_fast, ("rasa.core.actions.action:RemoteAction._validate_action_result",),
          "Checks the action server's answers against Rasa's schema with validators built once, each "
          "event against its own kind only; an invalid answer still gets Rasa's own check and error.",
          "jsonschema.validate() checks the schema itself against the meta-schema on every call, and "
          "tries every `oneOf` event kind on every event: profiled, 77% of the Rasa server's CPU, about "
          "170 ms a turn (docs/performance.md).",
          "none found (searched RasaHQ/rasa issues, 2026-12)",
          "tests/test_upstream.py::test_rasa_checks_the_action_answer_schema_itself_on_every_call"),
    Patch(_remember_event_classes, ("rasa.shared.core.events:Event.resolve_by_type",),
          "Remembers the Event class found for each event name; a name not seen yet goes through Rasa's search.",
          "Rasa walks every subclass of Event for every event of every conversation it reads: about "
          "3.3 ms of the Rasa server's CPU a turn in a classic pre-screen, 0.1 ms with the patch "
          "(docs/performance.md, round 4).",
          "none found (searched RasaHQ/rasa issues, 2026-12)",
          "tests/test_upstream.py::test_rasa_searches_every_event_class_for_each_event_it_reads"),
    Patch(guards.whole_turns, ("rasa.core.processor:MessageProcessor.handle_message",
                               "rasa.core.processor:MessageProcessor.save_tracker",
                               "rasa.core.processor:MessageProcessor._run_action",
                               "rasa.core.actions.action:RemoteAction.run"),
          "A turn is saved whole or not at all; a failed action call or store gets utter_try_again_later; "
          "over-long messages and floods into one conversation are refused with a reply (guards.py).",
          "Rasa logs a failed action call and goes on without its events: the person gets silence or "
          "half a turn, and the half-done turn is saved.",
          f"{ISSUES}3075, {ISSUES}5588",
          "tests/test_upstream.py::test_rasa_goes_on_without_the_events_of_an_action_whose_call_failed"),
    Patch(guards.no_silent_fallback_store, ("rasa.core.tracker_store:FailSafeTrackerStore.retrieve",
                                            "rasa.core.tracker_store:FailSafeTrackerStore.retrieve_full_tracker",
                                            "rasa.core.tracker_store:FailSafeTrackerStore.save",
                                            "rasa.core.tracker_store:FailSafeTrackerStore.keys"),
          "A conversation store error fails the turn (above) instead of falling back to memory.",
          "Rasa reads the conversation as new when its store fails (the person is welcomed again) and "
          "saves the turn in memory, lost at the next restart; it logs the failed SQL with the message.",
          f"{ISSUES}3243 (the fallback's origin, and a 2025 report of the lost messages), "
          "https://github.com/RasaHQ/rasa/pull/4699",
          "tests/test_upstream.py::test_rasa_reads_a_conversation_as_new_when_its_store_fails"),
    Patch(guards.store_unavailable_is_503, ("rasa.core.run:configure_app",),
          "The HTTP API answers 503 while the conversation store is down, and the server reads at most "
          "max_request_bytes of a request (413 beyond).",
          "Rasa answers an internal error with the failed SQL, and reads request bodies of up to Sanic's "
          "100 MB.",
          "none found (searched RasaHQ/rasa issues, 2026-12)",
          "tests/test_upstream.py::test_rasa_reads_request_bodies_of_up_to_100_mb"),
    Patch(guards.time_out_action_calls, ("rasa.core.actions.action:DEFAULT_REQUEST_TIMEOUT",),
          "Action calls time out after action_timeout_seconds (pht/settings.yml).",
          "Rasa waits five minutes for the action server, a constant with no setting.",
          f"{ISSUES}9789, https://github.com/RasaHQ/rasa/pull/13015 (open)",
          "tests/test_upstream.py::test_rasa_waits_five_minutes_for_the_action_server"),
    Patch(guards.read_typed_payloads_as_words, ("rasa.core.processor:MessageProcessor._parse_message_with_graph",),
          "Only the payloads the assistant offered are intents; /start, /stop, /restart mean what they "
          "say; any other typed /payload is not understood, without entities.",
          "Rasa takes any message written /intent{\"entity\": value} as that intent (with those entities "
          "when the domain declares them), on every channel: a person could type /restart or /session_start.",
          f"{ISSUES}5075, {ISSUES}11021",
          "tests/test_upstream.py::test_rasa_takes_any_typed_payload_as_its_intent"),
)


def _resolve(path: str) -> Any:
    module_name, _, attributes = path.partition(":")
    found: Any = importlib.import_module(module_name)
    for attribute in filter(None, attributes.split(".")):
        found = getattr(found, attribute)
    return found


def missing_targets() -> List[str]:
    """The Rasa code some patch replaces that this Rasa does not have."""
    missing = []
    for patch in PATCHES:
        for path in patch.replaces:
            try:
                _resolve(path)
            except (ImportError, AttributeError):
                missing.append(path)
    return missing


def apply() -> None:
    """Install every patch once per process, or none when Rasa is not the one they are for."""
    global _applied
    if _applied:
        return
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise RuntimeError(f"rasa_server/patches.py is written for Rasa {SUPPORTED_RASA}x, not {rasa.__version__}")
    missing = missing_targets()
    if missing:
        raise RuntimeError(f"rasa_server/patches.py: Rasa has no {', '.join(missing)} to patch")
    for patch in PATCHES:
        patch.install()
    _applied = True


def markdown() -> str:
    """The registry as the table in docs/patches.md."""
    lines = ["# Patches of Rasa", "",
             "Generated by `python -m rasa_server.patches > docs/patches.md` from `PATCHES` in",
             "rasa_server/patches.py (tests/test_upstream.py checks it is current). Rasa is extended",
             "through its extension points everywhere else: the action server's secret is a `headers:` of",
             "endpoints.yml's action endpoint, the REST and widget channels are subclasses named in",
             "credentials.yml, distress is an NLU component in config.yml, the stores are named in",
             "endpoints.yml. Each patch below has a test that runs Rasa's own code and shows the fault it",
             "corrects is still there; when it fails after an upgrade, delete the patch.", "",
             "| patch | replaces | what | why | upstream | pinned by |", "|---|---|---|---|---|---|"]
    for patch in PATCHES:
        cells = [patch.install.__name__.lstrip("_"), "<br>".join(f"`{path}`" for path in patch.replaces),
                 patch.what, patch.why, patch.upstream, f"`{patch.pinned_by}`"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
