"""A stored pre-screen as reception reads it: what is present first, then what was reported
absent, not asked, or not known, in the words of the vocabulary and labels.yml. The reception
page and the CLI's text view both show this. No database here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

from ..triage import Knowledge, load_knowledge
from .fhir import labels
from .repository import Record


@dataclass(frozen=True)
class Finding:
    field: str
    label: str
    value: str
    alert: bool = False  # a danger sign or nerve symptom, or what made the outcome emergency or urgent


@dataclass
class Overview:
    record: Record
    urgency: str
    likelihood: str
    ended_by: str
    care_headline: str
    care_where: str
    present: List[Finding] = field(default_factory=list)
    absent: List[Finding] = field(default_factory=list)
    not_asked: List[str] = field(default_factory=list)
    unsure: List[str] = field(default_factory=list)
    differentials: List[str] = field(default_factory=list)
    supports: List[str] = field(default_factory=list)
    against: List[str] = field(default_factory=list)
    screening_stopped: Optional[str] = None
    screens: List[Finding] = field(default_factory=list)  # safety screens unsure, incomplete or partly asked
    channel: str = ""

    @property
    def not_asked_because(self) -> str:
        return labels()["not_asked"].get(self.record.ended_by, labels()["not_asked"]["completed"])

    @property
    def acts_now(self) -> bool:
        return self.record.urgency in ("emergency", "urgent")


def _value_text(spec: Dict[str, Any], value: Any) -> str:
    entries = spec.get("values", {})
    if spec["kind"] == "list":
        return ", ".join(entries[item]["label"] for item in value)
    if spec["kind"] in ("choice", "text"):
        return entries[value]["label"] if value in entries else str(value)
    if spec["kind"] == "boolean":
        return "Yes" if value else "No"
    if spec.get("unit") == "days":
        weeks = round(value / 7)
        return f"{value} days (about {weeks} week{'s' if weeks != 1 else ''})" if value >= 14 else f"{value} days"
    if spec.get("max") == 10:
        return f"{value}/10"
    return str(value)


def condition_fields(condition: Any, definitions: Dict[str, Any]) -> Set[str]:
    """The findings fields a rule's condition looks at (through named definitions too)."""
    if isinstance(condition, list):
        return set().union(*(condition_fields(part, definitions) for part in condition)) if condition else set()
    if not isinstance(condition, dict):
        return set()
    (operator, argument), = condition.items()
    if operator in ("all", "any"):
        return condition_fields(argument, definitions)
    if operator == "not":
        return set()  # an absence does not make a finding urgent
    if operator == "ref":
        return condition_fields(definitions[argument], definitions)
    if operator == "known":
        return {argument}
    if operator == "count":
        return {argument["field"]}
    return set(argument) if isinstance(argument, dict) else set()


def urgent_fields(record: Record, knowledge: Knowledge) -> Set[str]:
    """For emergency and urgent outcomes, the fields behind the urgency rules that fired."""
    if record.urgency not in ("emergency", "urgent"):
        return set()
    fired = set(record.assessment.get("urgency_rules") or [])
    rules = [rule for rule in knowledge.rules["urgency"]["rules"] if rule["id"] in fired]
    definitions = knowledge.rules["definitions"]
    return set().union(*(condition_fields(rule["when"], definitions) for rule in rules)) if rules else set()


def overview(record: Record, knowledge: Optional[Knowledge] = None) -> Overview:
    knowledge = knowledge or load_knowledge()
    words = labels()
    care = record.assessment.get("care") or {}
    view = Overview(
        record=record, likelihood=words["likelihood"][record.likelihood],
        urgency=words["urgency_today"] if care.get("today") else words["urgency"][record.urgency],
        ended_by=words["ended_by"].get(record.ended_by, record.ended_by), care_headline=care.get("headline", ""),
        care_where=care.get("where", ""), channel=words["channels"].get(record.channel, record.channel))
    urgent = urgent_fields(record, knowledge)
    screens = record.assessment.get("screens") or {}
    for name in knowledge.question_order:
        spec = knowledge.fields[name]
        not_plain = _screen_notes(name, spec, screens.get(name), words["screen_states"])
        view.screens += not_plain
        if name in record.findings:
            value = record.findings[name]
            if value == [] and not_plain:
                continue  # an unsure item is not "none of these"
            if value in ([], False):
                view.absent.append(Finding(name, spec["label"], spec.get("none_label") or "No"))
            else:
                view.present.append(Finding(name, spec["label"], _value_text(spec, value),
                                            alert=(bool(spec.get("screen")) and bool(value)) or name in urgent))
        elif name in record.unsure:
            view.unsure.append(spec["label"])
        elif name in record.skipped:
            view.not_asked.append(spec["label"])
    view.present.sort(key=lambda finding: not finding.alert)  # danger signs and nerve symptoms first
    view.differentials = [f"{item['name']} ({item['explain']})"
                          for item in record.assessment.get("differential_details", [])]
    reasons = record.assessment.get("reasons", [])
    view.supports = [reason["text"] for reason in reasons if reason.get("kind") == "supports"]
    view.against = [reason["text"] for reason in reasons if reason.get("kind") == "against"]
    stopped = record.assessment.get("screening_stopped")
    if stopped:
        view.screening_stopped = f"{knowledge.fields[stopped['field']]['label']}: {stopped.get('why', '')}"
    return view


def _screen_notes(name: str, spec: Dict[str, Any], screen: Optional[Dict[str, Any]],
                  words: Dict[str, str]) -> List[Finding]:
    """What a safety screen's states say when it was not simply answered: incomplete, items
    unsure, or items not asked (policy v3). Empty for an answered screen."""
    if not screen:
        return []
    if screen["state"] == "incomplete":
        return [Finding(name, spec["label"], words["incomplete"], alert=True)]
    labels_of = {value: entry["label"] for value, entry in spec.get("values", {}).items()}
    by_state: Dict[str, List[str]] = {}
    for value, state in screen["items"].items():
        by_state.setdefault(state, []).append(labels_of.get(value, value))
    notes = []
    if by_state.get("unsure"):
        others = f"; {words['absent_others']}" if screen["state"] == "answered" else ""
        notes.append(Finding(name, spec["label"], f"{words['unsure']}: {', '.join(by_state['unsure'])}{others}",
                             alert=True))
    if screen["state"] == "partly_asked" and by_state.get("not_asked"):
        notes.append(Finding(name, spec["label"], f"{words['not_asked']}: {', '.join(by_state['not_asked'])}",
                             alert=True))
    return notes


def as_text(view: Overview) -> str:
    """The overview as plain text (the CLI's `show`)."""
    record = view.record
    flag = " !!" if view.acts_now else ""
    lines = [f"{record.reference}  {record.created:%Y-%m-%d %H:%M} UTC  {view.urgency}{flag}",
             f"Care: {view.care_headline}", f"Fit: {view.likelihood}", f"Ended: {view.ended_by}"]
    if view.screening_stopped:
        lines.append(f"Safety question left to a professional: {view.screening_stopped}")
    for item in view.screens:
        lines.append(f"Safety screen ! {item.label}: {item.value}")
    lines.append("Present:")
    lines += [f"  {'!' if item.alert else '-'} {item.label}: {item.value}" for item in view.present] or ["  (nothing)"]
    if view.absent:
        lines.append("Reported absent: " + "; ".join(f"{item.label} ({item.value.lower()})" for item in view.absent))
    if view.unsure:
        lines.append("Not sure: " + ", ".join(view.unsure))
    if view.not_asked:
        lines.append(f"Not asked ({view.not_asked_because}): " + ", ".join(view.not_asked))
    if view.differentials:
        lines.append("Other causes to check: " + "; ".join(view.differentials))
    consent = record.consent
    lines.append(f"Channel: {record.channel}; conversation: {record.sender_id}; "
                 f"entered by staff: {'yes' if record.staff_entered else 'no'}; "
                 f"consent: {consent.get('status')}{' by ' + consent['by'] if consent.get('by') else ''}"
                 f"{' at ' + consent['at'] if consent.get('at') else ''}")
    lines.append(f"Engine {record.engine_version}; knowledge base {record.knowledge_version}")
    return "\n".join(lines)


def findings_so_far(findings: Dict[str, Any], knowledge: Optional[Knowledge] = None) -> List[Finding]:
    """A conversation's findings before any record (staff who take it over read them): in the
    vocabulary's words, danger signs and nerve symptoms present first."""
    knowledge = knowledge or load_knowledge()
    shown: List[Finding] = []
    for name in knowledge.question_order:
        if name not in findings:
            continue
        spec, value = knowledge.fields[name], findings[name]
        if value in ([], False):
            shown.append(Finding(name, spec["label"], spec.get("none_label") or "No"))
        else:
            shown.append(Finding(name, spec["label"], _value_text(spec, value), alert=bool(spec.get("screen"))))
    return sorted(shown, key=lambda finding: not finding.alert)
