"""Checks a findings object against the vocabulary (the public contract of field names).

A missing field, or one set to null, means "not asked / unknown". An empty list means
"asked, none present".

Beside the fields, three keys give the states of the safety screens (policy v3, rules.yml
`screens`): `unsure` ({screen: [values]}: asked, and the person could not say after the
re-ask), `incomplete` ([screens]: asked, and no usable answer after three tries) and
`partly_asked` ([screens]: the list holds only what was mentioned in passing; the other
items were not asked). Every other item of an answered screen is absent.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from .knowledge import Knowledge

Findings = Dict[str, Any]


class FindingsError(ValueError):
    """The findings do not fit the vocabulary; `problems` lists every reason."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_findings(raw: Any, knowledge: Knowledge) -> Findings:
    """Return a clean copy of `raw`, or raise `FindingsError` naming every problem."""
    if not isinstance(raw, Mapping):
        raise FindingsError([f"findings must be a JSON object, not {type(raw).__name__}"])
    problems: List[str] = []
    clean: Findings = {}
    screens = list(knowledge.rules["screens"]["fields"])
    for field, value in raw.items():
        if field in STATE_KEYS:
            if value:
                try:
                    clean[field] = _validate_state(field, value, screens, knowledge)
                except ValueError as error:
                    problems.append(str(error))
            continue
        spec = knowledge.fields.get(field)
        if spec is None:
            known = ", ".join(knowledge.fields)
            problems.append(f"unknown field '{field}' (known fields: {known})")
            continue
        if value is None:
            continue
        try:
            clean[field] = _validate_value(field, value, spec)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise FindingsError(problems)
    return clean


STATE_KEYS = ("unsure", "incomplete", "partly_asked")


def _validate_state(key: str, value: Any, screens: List[str], knowledge: Knowledge) -> Any:
    """`unsure` maps screens to their unsure values; `incomplete` and `partly_asked` list screens."""
    if key != "unsure":
        if not isinstance(value, list) or any(item not in screens for item in value):
            raise ValueError(f"'{key}' must be a list of safety screens {screens}, got {value!r}")
        return list(dict.fromkeys(value))
    if not isinstance(value, Mapping):
        raise ValueError(f"'unsure' must map safety screens {screens} to values, got {value!r}")
    clean: Dict[str, List[str]] = {}
    for screen, items in value.items():
        allowed = knowledge.values(screen) if screen in screens else []
        if not allowed or not isinstance(items, list) or any(item not in allowed for item in items):
            raise ValueError(f"'unsure' {screen!r}: must be a safety screen with a list of its values, got {items!r}")
        if items:
            clean[screen] = list(dict.fromkeys(items))
    return clean


def _validate_value(field: str, value: Any, spec: Mapping[str, Any]) -> Any:
    kind = spec["kind"]
    allowed = list(spec.get("values", {}))
    if kind == "choice":
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(f"'{field}' must be one of {allowed}, got {value!r}")
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise ValueError(f"'{field}' must be a list, got {value!r}")
        unknown = [item for item in value if not isinstance(item, str) or item not in allowed]
        if unknown:
            raise ValueError(f"'{field}' has unknown value(s) {unknown}; allowed: {allowed}")
        return list(dict.fromkeys(value))
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"'{field}' must be a whole number, got {value!r}")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"'{field}' must be a whole number, got {value!r}")
        number = int(value)
        if not spec["min"] <= number <= spec["max"]:
            raise ValueError(f"'{field}' must be between {spec['min']} and {spec['max']}, got {number}")
        return number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"'{field}' must be true or false, got {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{field}' must be a non-empty text, got {value!r}")
    return value.strip()
