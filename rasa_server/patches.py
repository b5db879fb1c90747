"""Fixes to Rasa 3.6 for this project, applied in the Rasa server process at start.

Each fix keeps Rasa's behaviour and names the Rasa code it replaces; `apply()` fails loudly
if that code is not there (another Rasa version), rather than run unpatched without notice.

- Checking the action server's answers: Rasa validates every answer with
  `jsonschema.validate(answer, schema)`, which first checks the schema itself against the
  JSON Schema meta-schema, on every call. With three action calls a turn that was most of
  the Rasa server's time (profiled: 77% of its CPU, about 170 ms a turn). The schema never
  changes, so it is checked once and its validator kept; an answer it finds invalid still
  goes through Rasa's own check, which raises Rasa's own error.
- Distress (policy v2): a message with wording about suicide or self-harm gets the intent
  `distress` whatever the classifier said, so it is never taken for "stop" or off-topic. The
  phrases are the vocabulary's (`actions/language/distress.py`); this wraps
  `MessageProcessor.parse_message` and changes nothing else in its answer.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import rasa
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor

SUPPORTED_RASA = "3.6."
_applied = False


@lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    """The validator for action server answers, built once from Rasa's own schema."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def apply() -> None:
    """Apply every fix once per process."""
    global _applied
    if _applied:
        return
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise RuntimeError(f"rasa_server/patches.py is written for Rasa {SUPPORTED_RASA}x, not {rasa.__version__}")
    rasa_validate = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if action_response_validator().is_valid(result):
            return True
        return rasa_validate(self, result)  # raises Rasa's ValidationError with its message

    RemoteAction._validate_action_result = validate_action_result
    _recognise_distress()
    _applied = True


def _recognise_distress() -> None:
    from actions.language.distress import DISTRESS_INTENT, suggests_distress

    rasa_parse = MessageProcessor.parse_message

    async def parse_message(self: MessageProcessor, message: Any, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        parse_data = await rasa_parse(self, message, *args, **kwargs)
        if suggests_distress(parse_data.get("text") or ""):
            parse_data["intent"] = {"name": DISTRESS_INTENT, "confidence": 1.0}
        return parse_data

    MessageProcessor.parse_message = parse_message
