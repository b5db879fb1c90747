"""Fixes to Rasa 3.6 for this project, applied in the Rasa server process at start.

Each fix keeps Rasa's behaviour and names the Rasa code it replaces; `apply()` fails loudly
if that code is not there (another Rasa version), rather than run unpatched without notice.

- Checking the action server's answers: Rasa validates every answer with
  `jsonschema.validate(answer, schema)`, which first checks the schema itself against the
  JSON Schema meta-schema, on every call. With three action calls a turn that was most of
  the Rasa server's time (profiled: 77% of its CPU, about 170 ms a turn). The schema never
  changes, so it is checked once and its validators kept. The schema says each event is
  `oneOf` some twenty kinds, each fixed by its `event` name, so jsonschema tried every kind on
  every event (still 9% of the CPU); each event is checked against its own kind only, which
  accepts and rejects exactly the same answers. An answer found invalid still goes through
  Rasa's own check, which raises Rasa's own error.
- Reading stored conversations: `Event.resolve_by_type` walked every subclass of `Event`
  (recursively, asking `inspect.isabstract` of each) for every event of every conversation
  read (7% of the CPU). The class found for each event name is remembered; a name not seen
  yet still goes through Rasa's own search.
- Calls to the action server: Rasa sends the whole conversation with each call (three a
  turn, up to 60 KB each), encoded by the standard library's `json`. They are encoded with
  `ujson` (already installed: Rasa and Sanic use it), about three times faster, falling back
  to `json` for anything ujson cannot encode. The session is otherwise Rasa's own.
- Distress (policy v2): a message with wording about suicide or self-harm gets the intent
  `distress` whatever the classifier said, so it is never taken for "stop" or off-topic. The
  phrases are the vocabulary's (`pht/language/distress.py`); this wraps
  `MessageProcessor.parse_message` and changes nothing else in its answer.
- Guards on every message (`rasa_server/guards.py`, its docstring says each): a turn is
  saved whole or not at all, and a failed action call or conversation store gets a calm
  "try again" instead of silence; action calls time out and carry the action server's
  secret; over-long messages and floods into one conversation are refused with a clear
  reply, and over-large request bodies with 413; intent payloads typed by a person
  (`/restart`, `/inform{...}`) set nothing.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, Optional, Tuple, Type

import aiohttp
import rasa
import ujson
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from . import guards

SUPPORTED_RASA = "3.6."
_applied = False


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


def apply() -> None:
    """Apply every fix once per process."""
    global _applied
    if _applied:
        return
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise RuntimeError(f"rasa_server/patches.py is written for Rasa {SUPPORTED_RASA}x, not {rasa.__version__}")
    rasa_validate = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if is_valid_action_answer(result):
            return True
        return rasa_validate(self, result)  # raises Rasa's ValidationError with its message

    RemoteAction._validate_action_result = validate_action_result
    _remember_event_classes()
    _encode_requests_with_ujson()
    _recognise_distress()
    guards.apply()
    _applied = True


def _remember_event_classes() -> None:
    rasa_resolve = Event.resolve_by_type
    known: Dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        if type_name in known:
            return known[type_name]
        found = rasa_resolve(type_name, default)  # raises Rasa's error for an unknown name
        if found is not None and getattr(found, "type_name", None) == type_name:
            known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def request_json(value: Any) -> str:
    """The JSON text of a request body: ujson, or the standard library for what ujson refuses."""
    try:
        return ujson.dumps(value)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)


def _encode_requests_with_ujson() -> None:
    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        """Rasa's `EndpointConfig.session`, with the request body encoded by `request_json`."""
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        return aiohttp.ClientSession(headers=self.headers, auth=auth, json_serialize=request_json,
                                     timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))

    EndpointConfig.session = session  # type: ignore[assignment]


def _recognise_distress() -> None:
    from pht.language.distress import DISTRESS_INTENT, suggests_distress

    rasa_parse = MessageProcessor.parse_message

    async def parse_message(self: MessageProcessor, message: Any, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        parse_data = await rasa_parse(self, message, *args, **kwargs)
        if suggests_distress(parse_data.get("text") or ""):
            parse_data["intent"] = {"name": DISTRESS_INTENT, "confidence": 1.0}
        return parse_data

    MessageProcessor.parse_message = parse_message
