"""The pre-screen's state, as the Rasa slots hold it: slot names equal the findings field names.

Two helper slots sit beside the findings slots:
- `mentioned`: values of safety-screening fields (red flags, nerve symptoms) that the person
  mentioned before being asked. They count for the assessment at once, but the question is
  still asked in full, because a partial answer must never count as "none".
- a findings slot holding "not_sure" was asked and not known: it is left out of the findings.
- `possible_signs`: danger signs a message only possibly mentioned ("my leg feels weak"), and
  the follow-up questions a finding calls for (a swollen calf: chest symptoms), each with the
  answer to its one confirming question: None (not asked yet), "yes", "no", "unclear" or
  "unsure". "yes" counts as the sign; "unclear" (any sign but a cauda equina one) and "unsure"
  (a cauda equina sign still unclear after its concrete re-ask) are recorded as unsure, and
  the engine decides what unsure means for each (policy v3, rules.yml `screens`).
- `screening_stopped`: a safety question left to a professional after three unusable
  answers: that screen is incomplete.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from pht.triage import Engine, Knowledge, load_knowledge
from pht.triage.engine import ACT_NOW_LEVELS

# The reader's value for a question answered "not sure" (pht/language/reader.py has the same:
# tests/test_layout.py checks). Written here too so that reading a conversation's state (the
# reception page, taking a conversation over) does not load the language pipeline and spaCy.
NOT_SURE = "not_sure"
MENTIONED_SLOT = "mentioned"
ASSESSMENT_SLOT = "assessment"
POSSIBLE_SLOT = "possible_signs"
CONFIRM_SLOT = "danger_check"  # the form's slot for the one confirming question
STOPPED_SLOT = "screening_stopped"  # a safety question a professional must ask in person, and why
COUNTS_AS_SIGN = {"yes"}
UNSURE_ANSWERS = {"unclear", "unsure"}


def held_to_confirm(mentioned: Any) -> bool:
    """Whether a value read in passing (the `mentioned` slot's entry for one field) is a single
    value held for its field's confirming question ("You mentioned it started suddenly. Is that
    right ...?"), rather than the list values of a list field mentioned in passing."""
    return mentioned is not None and not isinstance(mentioned, list)


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
        elif sign["answer"] in UNSURE_ANSWERS:
            unsure = findings.setdefault("unsure", {})
            unsure[sign["field"]] = list(dict.fromkeys(unsure.get(sign["field"], []) + [sign["value"]]))
    screens = knowledge.rules["screens"]["fields"]
    partly = [field for field in screens if slots.get(field) is None and field in findings]
    if partly:
        findings["partly_asked"] = partly  # only what was mentioned in passing: the rest not asked
    stopped = slots.get(STOPPED_SLOT) or {}
    if stopped.get("field") in screens:
        findings["incomplete"] = [stopped["field"]]
    return findings


def pending_sign(slots: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The first possible danger sign whose confirming question is still to be asked."""
    return next((sign for sign in slots.get(POSSIBLE_SLOT) or [] if sign["answer"] is None), None)


def ruled_out_answers(slots: Mapping[str, Any], field: str) -> List[str]:
    """The possible danger signs that were all a safety screen's answer told and that the person
    did not confirm ("I slipped on the ice", then "no" to a major fall): the screen is not yet
    answered, it is asked again "apart from that" (a "no" to the one sign read is no "none of
    these": the answer may have told another sign in words the reader missed)."""
    if slots.get(field) is not None:
        return []
    return [sign["value"] for sign in slots.get(POSSIBLE_SLOT) or []
            if sign["field"] == field and sign.get("was_the_answer") and sign["answer"] not in (None, *COUNTS_AS_SIGN)]


def unsure_fields(slots: Mapping[str, Any], knowledge: Optional[Knowledge] = None) -> List[str]:
    return [field for field in findings_fields(knowledge) if slots.get(field) == NOT_SURE]


def needs_care_now(slots: Mapping[str, Any], engine: Optional[Engine] = None) -> bool:
    """Whether what is known already demands emergency or urgent care."""
    return urgency_now(slots, engine) in ACT_NOW_LEVELS


def urgency_now(slots: Mapping[str, Any], engine: Optional[Engine] = None) -> str:
    """The urgency of what is known so far."""
    engine = engine or Engine()
    return engine.urgency(findings_from_slots(slots, engine.knowledge))[0]["level"]


def needs_emergency_now(slots: Mapping[str, Any], engine: Optional[Engine] = None) -> bool:
    """Whether what is known already is an emergency: only that ends the questions at once
    (policy v3); any other danger sign is recorded and the questions that could still make
    it an emergency are asked first."""
    return urgency_now(slots, engine) == "emergency"
