"""The outcome: findings -> engine -> `assessment` slot and a plain-words explanation."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from .messages import bullet_list, join_items, render
from .slots import ACT_NOW_LEVELS, ASSESSMENT_SLOT, findings_from_slots, unsure_fields
from .triage import Engine

FIT_RESPONSES = {"high": "utter_fit_high", "moderate": "utter_fit_moderate", "low": "utter_fit_low"}


def outcome_messages(result: Mapping[str, Any], domain: Mapping[str, Any]) -> List[str]:
    """The outcome as a few short messages: care, fit, plan, safety-net."""
    care = result["care"]
    urgency_reasons = [reason["text"] for reason in result["reasons"] if reason["kind"] == "urgency"]
    messages = [render(domain, "utter_outcome_care", headline=care["headline"], where=care["where"],
                       when=care["when"], why=" ".join(urgency_reasons))]

    supports = [reason["text"] for reason in result["reasons"] if reason["kind"] == "supports"]
    against = [reason["text"] for reason in result["reasons"] if reason["kind"] == "against"]
    likelihood_reason = next(reason["text"] for reason in result["reasons"] if reason["kind"] == "likelihood")
    fit = [render(domain, FIT_RESPONSES[result["likelihood"]], why=likelihood_reason)]
    if supports:
        fit.append(render(domain, "utter_fit_supports", items=bullet_list(supports)))
    if against:
        fit.append(render(domain, "utter_fit_against", items=bullet_list(against)))
    if result["differential_details"]:
        names = [f"{item['name']} ({item['explain']})" for item in result["differential_details"]]
        fit.append(render(domain, "utter_fit_differentials", items=join_items(names, domain)))
    fit.append(render(domain, "utter_not_a_diagnosis"))
    messages.append("\n".join(fit))

    if result["urgency"] not in ACT_NOW_LEVELS:
        plan = [item["text"] for item in result["advice"] if item["kind"] in {"load_change", "pain_rule"}]
        stages = [item["text"] for item in result["advice"] if item["kind"] == "rehab_stage"]
        later = [item["text"] for item in result["advice"] if item["kind"] in {"rehab_note", "timeline"}]
        messages.append(render(domain, "utter_plan_load", items=bullet_list(plan)))
        messages.append(render(domain, "utter_plan_rehab", items=bullet_list(stages), later=" ".join(later)))
    incomplete = [item["text"] for item in result["advice"] if item["kind"] == "incomplete"]
    safety_net = next(item["text"] for item in result["advice"] if item["kind"] == "safety_net")
    messages.append(render(domain, "utter_safety_net", text=" ".join(incomplete + [safety_net])))
    return messages


def assess_conversation(tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict) -> List[EventType]:
    """Run the engine on the conversation's findings, tell the person, store the result."""
    engine = Engine()
    findings = findings_from_slots(tracker.slots, engine.knowledge)
    result: Dict[str, Any] = engine.assess(findings)
    result["unsure"] = unsure_fields(tracker.slots, engine.knowledge)
    result["skipped"] = [field for field in result["missing"] if not engine.could_change_outcome(findings, field)]
    for message in outcome_messages(result, domain):
        dispatcher.utter_message(text=message)
    closing = "utter_after_urgent_outcome" if result["urgency"] in ACT_NOW_LEVELS else "utter_after_outcome"
    dispatcher.utter_message(response=closing)
    return [SlotSet(ASSESSMENT_SLOT, result)]


class ActionAssess(Action):
    """Runs when the form completes or a danger sign ends it."""

    def name(self) -> Text:
        return "action_assess"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return assess_conversation(tracker, dispatcher, domain)
