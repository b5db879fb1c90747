"""The outcome: findings -> engine -> `assessment` slot and a plain-words explanation."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from pht.triage import Engine

from .messages import bullet_list, join_items, render
from .checkins import offer_follow_ups
from .corrections import repeat_back
from .prescreen import REFERENCE_SLOT, record_prescreen
from pht.state import ACT_NOW_LEVELS, ASSESSMENT_SLOT, POSSIBLE_SLOT, STOPPED_SLOT, findings_from_slots, unsure_fields

FIT_RESPONSES = {"high": "utter_fit_high", "moderate": "utter_fit_moderate", "low": "utter_fit_low"}


Slots = Optional[Mapping[str, Any]]


def outcome_messages(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    """The outcome as a few short messages, in the order the knowledge base says for its
    urgency (`telling` in advice.yml): emergency and urgent care first and alone. With the
    conversation's `slots`, in the third person when staff fill the pre-screen in."""
    return [message for part in result["telling"] for message in _TELL[part](result, domain, slots)]


def _texts(result: Mapping[str, Any], key: str, kinds: Iterable[str]) -> List[str]:
    return [item["text"] for item in result[key] if item["kind"] in kinds]


def _care(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    care = result["care"]
    why = " ".join(_texts(result, "reasons", {"urgency"}))
    return [render(domain, "utter_outcome_care", slots, headline=care["headline"], where=care["where"], why=why)]


def _care_by_when(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    care = result["care"]
    return [render(domain, "utter_outcome_care_by_when", slots, headline=care["headline"], where=care["where"])]


def _could_be(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    return [render(domain, "utter_outcome_could_be", slots, why=" ".join(_texts(result, "reasons", {"urgency"})))]


def _fit(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    supports = _texts(result, "reasons", {"supports"})
    against = _texts(result, "reasons", {"against"})
    likelihood_reason = _texts(result, "reasons", {"likelihood"})[0]
    fit = [render(domain, FIT_RESPONSES[result["likelihood"]], slots, why=likelihood_reason)]
    if supports:
        fit.append(render(domain, "utter_fit_supports", slots, items=bullet_list(supports)))
    if against:
        fit.append(render(domain, "utter_fit_against", slots, items=bullet_list(against)))
    if result["differential_details"]:
        names = [f"{item['name']} ({item['explain']})" for item in result["differential_details"]]
        fit.append(render(domain, "utter_fit_differentials", slots, items=join_items(names, domain)))
    fit.append(render(domain, "utter_not_a_diagnosis", slots))
    return ["\n".join(fit)]


def _plan(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    items = bullet_list(_texts(result, "advice", {"load_change", "pain_rule"}))
    return [render(domain, "utter_plan_load", slots, items=items)]


def _rehab(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    stages = _texts(result, "advice", {"rehab_stage"})
    later = " ".join(_texts(result, "advice", {"rehab_note", "timeline"}))
    return [render(domain, "utter_plan_rehab", slots, items=bullet_list(stages), later=later)]


def _safety_net(result: Mapping[str, Any], domain: Mapping[str, Any], slots: Slots = None) -> List[str]:
    text = " ".join(_texts(result, "advice", {"incomplete"}) + _texts(result, "advice", {"safety_net"}))
    card = _texts(result, "advice", {"warning_card"})  # the cauda equina warning card ends it (policy v3)
    return [render(domain, "utter_safety_net", slots, text=text)] + card


_TELL: Dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], Slots], List[str]]] = {
    "care": _care, "care_by_when": _care_by_when, "could_be": _could_be, "fit": _fit,
    "plan": _plan, "rehab": _rehab, "safety_net": _safety_net,
}


def assess_conversation(tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict) -> List[EventType]:
    """Run the engine on the conversation's findings, tell the person, store the result in
    the `assessment` slot and as a pre-screen record for the clinic."""
    engine = Engine()
    findings = findings_from_slots(tracker.slots, engine.knowledge)
    result: Dict[str, Any] = engine.assess(findings)
    result["unsure"] = unsure_fields(tracker.slots, engine.knowledge)
    result["skipped"] = [field for field in result["missing"] if not engine.could_change_outcome(findings, field)]
    result["possible_signs"] = list(tracker.get_slot(POSSIBLE_SLOT) or [])  # each with its confirming answer
    result["screening_stopped"] = tracker.get_slot(STOPPED_SLOT)  # a safety question left to a professional
    for message in outcome_messages(result, domain, tracker.slots):
        dispatcher.utter_message(text=message)
    earlier = tracker.get_slot(REFERENCE_SLOT)
    if earlier:
        result["replaces"] = earlier  # a corrected outcome: a new record, naming the one it corrects
    recorded = record_prescreen(tracker, result, dispatcher, domain)  # its reference code and a summary
    reference = next((event["value"] for event in recorded if event.get("name") == REFERENCE_SLOT), None)
    consent = offer_follow_ups(tracker, result, reference, dispatcher, domain)  # check-ins, where they can reach
    if consent is None:
        closing = "utter_after_urgent_outcome" if result["urgency"] in ACT_NOW_LEVELS else "utter_after_outcome"
        dispatcher.utter_message(response=closing)
    return [SlotSet(ASSESSMENT_SLOT, result), *recorded, *repeat_back(findings), *(consent or [])]


class ActionAssess(Action):
    """Runs when the form completes or a danger sign ends it."""

    def name(self) -> Text:
        return "action_assess"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if unchanged_since_the_outcome(tracker):
            # a message after the outcome that changed nothing (a retried or repeated last
            # answer): the advice stands, and no second record replaces the first
            urgent = (tracker.get_slot(ASSESSMENT_SLOT) or {}).get("urgency") in ACT_NOW_LEVELS
            dispatcher.utter_message(response="utter_after_urgent_outcome" if urgent else "utter_after_outcome")
            return []
        return assess_conversation(tracker, dispatcher, domain)


def unchanged_since_the_outcome(tracker: Tracker) -> bool:
    """Whether an outcome was given and recorded, and the findings, the urgency and the fit
    are what they were then."""
    previous = tracker.get_slot(ASSESSMENT_SLOT)
    if not previous or not tracker.get_slot(REFERENCE_SLOT):
        return False
    engine = Engine()
    now = engine.assess(findings_from_slots(tracker.slots, engine.knowledge))
    return all(now.get(key) == previous.get(key) for key in ("findings", "urgency", "likelihood"))
