"""A check-in answer in the person's words -> the value of the question asked, and any
danger sign told with it.

Plain Python, no Rasa. The vocabulary's fields (`pain_score`, `trend`, the safety screens)
are read by the pre-screen's own reader; `sitting_minutes` ("half an hour", "about an hour",
"20") by the number words of `numbers.py`; the fields only check-ins ask (`next_morning`,
`doing_exercises`, `clinician_treating`, knowledge/checkins.yml) by their synonyms and the
vocabulary's yes and no. A danger sign is read from every answer, whatever was asked, so that
it is decided at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from pht.triage import load_knowledge
from pht.triage.checkin_knowledge import load_checkins

from .numbers import words_to_digits
from .reader import NOT_SURE, shared_reader

SCREENS = ("red_flags", "neuro_symptoms", "injury_signs")
_HOURS = re.compile(r"(\d+(?:\.\d+)?|an?|half an?)\s*(?:hours?|hrs?)\b")
_MINUTES = re.compile(r"(\d+)\s*(?:minutes?|mins?)\b")
_HALF_HOUR = re.compile(r"\bhalf an? hour\b")
_HOUR_AND_HALF = re.compile(r"\b(an?|one|\d+) (?:hour|hr) and a half\b")
_BARE = re.compile(r"(?<![\d.])(\d{1,4})(?![\d.])")


@dataclass(frozen=True)
class CheckinReading:
    """What one message says: `value` for the question asked (None: not understood, NOT_SURE:
    "not sure"), and the safety screens' signs it tells, asked or not."""

    value: Any = None
    signs: Dict[str, List[str]] = field(default_factory=dict)
    possible: Dict[str, List[str]] = field(default_factory=dict)


def sitting_minutes(text: str) -> Optional[int]:
    """Minutes from "20 minutes", "half an hour", "an hour and a half", "2 hours" or a bare "30"."""
    text = words_to_digits(text.lower())
    if _HALF_HOUR.search(text):
        return 30
    match = _HOUR_AND_HALF.search(text)
    if match:
        hours = 1 if match.group(1) in ("a", "an", "one") else int(match.group(1))
        return hours * 60 + 30
    minutes = sum(int(found) for found in _MINUTES.findall(text))
    for amount in _HOURS.findall(text):
        minutes += 60 if amount in ("a", "an") else round(float(amount) * 60)
    if minutes:
        return min(minutes, 1440)
    if re.search(r"\b(can't|cannot|can not|not at all|no time)\b", text):
        return 0
    bare = [int(number) for number in _BARE.findall(text)]
    return min(bare[0], 1440) if bare else None


def _own_field(name: str, text: str) -> Any:
    """A field only check-ins ask: a choice by its synonyms, a yes/no by its synonyms or the
    vocabulary's yes and no."""
    spec = load_checkins().field(name)
    lowered = f" {re.sub(r'[^a-z0-9 ]', ' ', text.lower())} "
    if spec["kind"] == "choice":
        found = [(len(synonym), value) for value, entry in spec["values"].items()
                 for synonym in entry["synonyms"] if f" {synonym} " in lowered]
        return max(found)[1] if found else None
    answer = shared_reader().yes_or_no(text)
    if answer is None and any(f" {synonym} " in lowered for synonym in spec.get("synonyms", [])):
        return True
    return answer


def read_checkin_answer(asked: str, text: str) -> CheckinReading:
    """The answer to the check-in question `asked`, and the danger signs the message tells."""
    knowledge = load_knowledge()
    in_vocabulary = asked in knowledge.fields and asked != "sitting_minutes"
    reading = shared_reader().reading(text, asked if in_vocabulary else None)
    signs = {screen: list(reading.findings[screen]) for screen in SCREENS
             if isinstance(reading.findings.get(screen), list)}
    possible = {screen: list(values) for screen, values in reading.possible.items() if screen in SCREENS and values}
    if asked == "sitting_minutes":
        value: Any = sitting_minutes(text)
    elif in_vocabulary:
        value = reading.findings.get(asked)
        if asked in SCREENS and value is None and shared_reader().yes_or_no(text) is False:
            value = []  # "no" to "have you had any of these?"
    else:
        value = _own_field(asked, text)
    if value is None and _says_not_sure(text):
        value = NOT_SURE
    return CheckinReading(value=value, signs=signs, possible=possible)


def _says_not_sure(text: str) -> bool:
    return shared_reader().says_not_sure(text)
