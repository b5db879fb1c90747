"""Between Rasa slots and engine findings. Slot names equal the findings field names.

Two helper slots sit beside the findings slots:
- `mentioned`: values of safety-screening fields (red flags, nerve symptoms) that the person
  mentioned before being asked. They count for the assessment at once, but the question is
  still asked in full, because a partial answer must never count as "none".
- a findings slot holding "not_sure" was asked and not known: it is left out of the findings.
- `possible_signs`: danger signs a message only possibly mentioned ("my leg feels weak"), each
  with the answer to its one confirming question: None (not asked yet), "yes", "no" or
  "unclear". "yes" and "unclear" count as the sign (policy v2: an unclear answer escalates).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .language.reader import NOT_SURE
from .triage import Engine, Knowledge, load_knowledge
from .triage.engine import ACT_NOW_LEVELS

MENTIONED_SLOT = "mentioned"
ASSESSMENT_SLOT = "assessment"
POSSIBLE_SLOT = "possible_signs"
CONFIRM_SLOT = "danger_check"  # the form's slot for the one confirming question
STOPPED_SLOT = "screening_stopped"  # a safety question a professional must ask in person, and why
COUNTS_AS_SIGN = {"yes", "unclear"}


def findings_fields(knowledge: Optional[Knowledge] = None) -> List[str]:
    return (knowledge or load_knowledge()).question_order


def findings_from_slots(slots: Mapping[str, Any], knowledge: Optional[Knowledge] = None) -> Dict[str, Any]:
    """The findings the conversation has established so far."""
    knowledge = knowledge or load_knowledge()
    findings: Dict[str, Any] = {}
    for field in knowledge.question_order:
        value = slots.get(field)
        if value is not None and value != NOT_SURE:
            findings[field] = value
    for field, values in (slots.get(MENTIONED_SLOT) or {}).items():
        if field in knowledge.fields and values and knowledge.fields[field]["kind"] == "list":
            findings[field] = list(dict.fromkeys(list(findings.get(field, [])) + list(values)))
        elif field in knowledge.fields and values:
            findings.setdefault(field, values)  # a place read in passing, until confirmed
    for sign in slots.get(POSSIBLE_SLOT) or []:
        if sign["answer"] in COUNTS_AS_SIGN:
            findings[sign["field"]] = list(dict.fromkeys(list(findings.get(sign["field"], [])) + [sign["value"]]))
    return findings


def pending_sign(slots: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The first possible danger sign whose confirming question is still to be asked."""
    return next((sign for sign in slots.get(POSSIBLE_SLOT) or [] if sign["answer"] is None), None)


def unsure_fields(slots: Mapping[str, Any], knowledge: Optional[Knowledge] = None) -> List[str]:
    return [field for field in findings_fields(knowledge) if slots.get(field) == NOT_SURE]


def needs_care_now(slots: Mapping[str, Any], engine: Optional[Engine] = None) -> bool:
    """Whether what is known already demands emergency or urgent care."""
    engine = engine or Engine()
    findings = findings_from_slots(slots, engine.knowledge)
    return engine.urgency(findings)[0]["level"] in ACT_NOW_LEVELS
