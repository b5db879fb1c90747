"""Loads and checks `knowledge/checkins.yml`: the follow-up check-ins' schedule, questions,
stages, decision steps and replies (policy v3, "Follow-up check-ins").

`check_checkins` runs whenever the knowledge base loads (`knowledge.load_knowledge`), so a
mistake stops the process at start-up with a `KnowledgeError`: an unknown source key, field,
value or placeholder; a step or reply named without its text; steps out of the policy's order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Mapping


from .knowledge import (
    FIELD_KEYS, KNOWLEDGE_DIR, VALUE_KEYS, Knowledge, KnowledgeError, _require_keys, _require_sources, load_knowledge,
    read_yaml,
)

CHECKINS_FILE = KNOWLEDGE_DIR / "checkins.yml"
# The steps of the policy's numbered list, in the order `checkins.decide` tries them
STEP_ORDER = (
    "rerun_emergency", "rerun_urgent_today", "rerun_urgent", "screen_not_complete", "getting_worse",
    "not_better_doctor", "not_better_book", "clinician_plan", "step_back", "step_back_at_first_stage", "ease_off",
    "next_stage", "top_stage", "not_all_answered",
)
# The reasons the code can give for a step, by step
TRIGGERS = {
    "getting_worse": {"new_nerve_symptoms", "severe_pain", "trend_worse", "pain_rising"},
    "ease_off": {"morning_worse", "not_improving"},
}
# The answers a check-in collects (checkins.CheckinAnswers), each with its question
ANSWER_FIELDS = ("pain_score", "trend", "sitting_minutes", "next_morning", "doing_exercises", "clinician_treating",
                 "red_flags", "neuro_symptoms", "injury_signs")
# The values the decision names (the policy's words)
TREND_VALUES = {"better", "same", "worse"}
MORNING_VALUES = ("settled", "a_little_worse", "clearly_worse")
THRESHOLDS = {"severe_pain", "pain_rise", "clearly_better_drop", "not_better_soon_days", "not_better_doctor_days",
              "low_pain", "ending_pain"}
# A reply key that is no text of its own: the decision's reasons, in their own words
REASONS = "reasons"
# Replies the code sends by name (the others are named by the steps)
CODE_REPLIES = {"consent", "consent_baseline", "consent_given", "opening", "reminder", "warning_card"}
PLACEHOLDERS = {"booking_link", "clinic_name", "first_checkin", "checkin_label", "stage", "stage_name", "stage_text"}
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
STEP_KEYS = {"id", "policy", "label", "explain", "urgency", "stage_change", "clinic_told", "stop", "replies", "source",
             "triggers", "rules"}


class PlaceholderError(ValueError):
    """A reply was rendered without a value for one of its placeholders."""


@dataclass(frozen=True)
class Checkins:
    """checkins.yml as loaded, with the knowledge base it refers to."""

    data: Dict[str, Any]
    knowledge: Knowledge

    @property
    def thresholds(self) -> Dict[str, int]:
        return self.data["thresholds"]

    @property
    def stages(self) -> List[Dict[str, Any]]:
        return self.data["stages"]

    @property
    def schedule(self) -> List[Dict[str, Any]]:
        return self.data["schedule"]["checkins"]

    def step(self, step_id: str) -> Dict[str, Any]:
        return next(step for step in self.data["steps"] if step["id"] == step_id)

    def field(self, name: str) -> Dict[str, Any]:
        """A question's field: the check-ins' own, or the vocabulary's."""
        return self.data["fields"].get(name) or self.knowledge.fields[name]

    def question(self, name: str) -> str:
        """The words a check-in asks a field with."""
        asked = next(item for item in self.data["questions"] if item["field"] == name)
        return asked.get("question") or self.field(name)["question"]

    def template(self, key: str) -> str:
        """A reply's words, the reused sentences first, with their placeholders."""
        reply = self.data["replies"][key]
        parts = [_resolve(self.knowledge, path) for path in reply.get("reuse", [])]
        return " ".join(parts + ([reply["text"]] if reply.get("text") else []))

    def render(self, key: str, values: Mapping[str, Any]) -> str:
        """A reply with its placeholders filled; `PlaceholderError` if one has no value."""
        def fill(match: "re.Match[str]") -> str:
            value = values.get(match.group(1))
            if value is None or str(value).strip() == "":
                raise PlaceholderError(f"reply {key}: no value for {{{match.group(1)}}}")
            return str(value)
        return _PLACEHOLDER.sub(fill, self.template(key))


def read_checkins() -> Dict[str, Any]:
    return read_yaml(CHECKINS_FILE)


@lru_cache(maxsize=1)
def load_checkins() -> Checkins:
    """The check-ins' knowledge, read once per process (`load_knowledge` has checked it)."""
    return Checkins(read_checkins(), load_knowledge())


def _resolve(knowledge: Knowledge, path: str) -> str:
    part, *keys = path.split(".")
    node: Any = {"advice": knowledge.advice, "vocabulary": knowledge.vocabulary}.get(part)
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(node, str) or not node.strip():
        raise KnowledgeError(f"checkins reply: `{path}` names no sentence in the knowledge base")
    return node


def check_checkins(data: Mapping[str, Any], knowledge: Knowledge) -> None:
    """Raise `KnowledgeError` on the first inconsistency in checkins.yml."""
    _require_keys(data, {"schedule", "thresholds", "stages", "fields", "questions", "steps", "ending", "replies"},
                  "checkins")
    _check_schedule(data["schedule"], knowledge)
    thresholds = data["thresholds"]
    _require_sources(knowledge, thresholds, "checkins thresholds")
    if set(thresholds) - {"source"} != THRESHOLDS or not all(
            isinstance(thresholds[name], int) and thresholds[name] >= 0 for name in THRESHOLDS):
        raise KnowledgeError(f"checkins thresholds: exactly {sorted(THRESHOLDS)}, whole numbers")
    outline = [stage["id"] for stage in knowledge.advice["rehab_stages"]]
    if [stage.get("id") for stage in data["stages"]] != outline:
        raise KnowledgeError(f"checkins stages: the outline of advice.yml rehab_stages, in order: {outline}")
    for stage in data["stages"]:
        _require_keys(stage, {"id", "name", "text", "source"}, f"checkins stage {stage['id']}")
        _require_sources(knowledge, stage, f"checkins stage {stage['id']}")
        _require_text(stage, ("name", "text"), f"checkins stage {stage['id']}")
    _check_fields(data["fields"], knowledge)
    _check_questions(data, knowledge)
    _check_replies(data["replies"], knowledge)
    _check_steps(data, knowledge)


def _require_text(item: Mapping[str, Any], keys: Any, where: str) -> None:
    for key in keys:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise KnowledgeError(f"{where}: missing `{key}`")


def _check_schedule(schedule: Mapping[str, Any], knowledge: Knowledge) -> None:
    _require_keys(schedule, {"checkins", "reminder_after_days", "source"}, "checkins schedule")
    _require_sources(knowledge, schedule, "checkins schedule")
    days = []
    for item in schedule.get("checkins") or []:
        _require_keys(item, {"id", "days", "label"}, "checkins schedule item")
        _require_text(item, ("id", "label"), "checkins schedule item")
        days.append(item.get("days"))
    if not days or not all(isinstance(day, int) and day > 0 for day in days) or days != sorted(set(days)):
        raise KnowledgeError("checkins schedule: check-ins with `days` after the consent, increasing")
    if not isinstance(schedule.get("reminder_after_days"), int):
        raise KnowledgeError("checkins schedule: `reminder_after_days` is a whole number")


def _check_fields(fields: Mapping[str, Any], knowledge: Knowledge) -> None:
    for name, field in fields.items():
        where = f"checkins field {name}"
        if name in knowledge.fields:
            raise KnowledgeError(f"{where}: the vocabulary has it; name it in `questions` instead")
        _require_keys(field, FIELD_KEYS, where)
        _require_sources(knowledge, field, where)
        _require_text(field, ("summary", "label", "question", "why", "examples"), where)
        if field.get("kind") not in {"choice", "boolean"}:
            raise KnowledgeError(f"{where}: kind is choice or boolean")
        if field["kind"] == "boolean" and not field.get("synonyms"):
            raise KnowledgeError(f"{where}: a boolean field needs synonyms for 'true'")
        for value, entry in (field.get("values") or {}).items():
            _require_keys(entry, VALUE_KEYS, f"{where} value {value}")
            if not entry.get("label") or not entry.get("synonyms"):
                raise KnowledgeError(f"{where} value {value}: needs a label and synonyms")
    morning = list((fields.get("next_morning") or {}).get("values") or {})
    if morning != list(MORNING_VALUES):
        raise KnowledgeError(f"checkins field next_morning: values {list(MORNING_VALUES)}, as the policy names them")
    if not TREND_VALUES <= set(knowledge.values("trend")):
        raise KnowledgeError(f"vocabulary trend: the check-ins need the values {sorted(TREND_VALUES)}")


def _check_questions(data: Mapping[str, Any], knowledge: Knowledge) -> None:
    asked = []
    for item in data["questions"]:
        where = f"checkins question {item.get('field')}"
        _require_keys(item, {"field", "question", "source"}, where)
        _require_sources(knowledge, item, where)
        if item.get("field") not in data["fields"] and item.get("field") not in knowledge.fields:
            raise KnowledgeError(f"{where}: unknown field")
        if "question" in item:
            _require_text(item, ("question",), where)
        asked.append(item["field"])
    if sorted(asked) != sorted(ANSWER_FIELDS):
        raise KnowledgeError(f"checkins questions: each of {list(ANSWER_FIELDS)} exactly once")


def _check_replies(replies: Mapping[str, Any], knowledge: Knowledge) -> None:
    if REASONS in replies:
        raise KnowledgeError(f"checkins replies: `{REASONS}` is the decision's reasons, not a reply of its own")
    missing = sorted(CODE_REPLIES - set(replies))
    if missing:
        raise KnowledgeError(f"checkins replies: {missing} have no text")
    for key, reply in replies.items():
        where = f"checkins reply {key}"
        _require_keys(reply, {"text", "reuse", "source"}, where)
        _require_sources(knowledge, reply, where)
        if not reply.get("text") and not reply.get("reuse"):
            raise KnowledgeError(f"{where}: no text")
        words = " ".join([_resolve(knowledge, path) for path in reply.get("reuse", [])] + [reply.get("text") or ""])
        unknown = set(_PLACEHOLDER.findall(words)) - PLACEHOLDERS
        if unknown:
            raise KnowledgeError(f"{where}: unknown placeholder(s) {sorted(unknown)}")


def _check_steps(data: Mapping[str, Any], knowledge: Knowledge) -> None:
    steps = data["steps"]
    if [step.get("id") for step in steps] != list(STEP_ORDER):
        raise KnowledgeError(f"checkins steps: exactly these, in the policy's order: {list(STEP_ORDER)}")
    rule_ids = {rule["id"] for rule in knowledge.rules["urgency"]["rules"]}
    for step in steps:
        where = f"checkins step {step['id']}"
        _require_keys(step, STEP_KEYS, where)
        _require_sources(knowledge, step, where)
        _require_text(step, ("label", "explain"), where)
        if step.get("urgency") not in knowledge.urgency_levels:
            raise KnowledgeError(f"{where}: urgency is one of {knowledge.urgency_levels}")
        if step.get("stage_change") not in (-1, 0, 1) or not isinstance(step.get("policy"), int):
            raise KnowledgeError(f"{where}: `stage_change` is -1, 0 or 1, `policy` the number of the policy's step")
        if not isinstance(step.get("clinic_told"), bool) or not isinstance(step.get("stop"), bool):
            raise KnowledgeError(f"{where}: `clinic_told` and `stop` are true or false")
        _check_reply_keys(step.get("replies"), data["replies"], where)
        if set(step.get("triggers") or {}) != TRIGGERS.get(step["id"], set()):
            raise KnowledgeError(f"{where}: triggers {sorted(TRIGGERS.get(step['id'], set()))}")
        for trigger, item in (step.get("triggers") or {}).items():
            _require_keys(item, {"explain", "source"}, f"{where} trigger {trigger}")
            _require_sources(knowledge, item, f"{where} trigger {trigger}")
            _require_text(item, ("explain",), f"{where} trigger {trigger}")
        if set(step.get("rules") or []) - rule_ids:
            raise KnowledgeError(f"{where}: `rules` names unknown urgency rules")
    if not data["steps"][STEP_ORDER.index("screen_not_complete")].get("rules"):
        raise KnowledgeError("checkins step screen_not_complete: `rules` names the pre-screen's rules for such screens")
    _require_sources(knowledge, data["ending"], "checkins ending")
    _check_reply_keys(data["ending"].get("replies"), data["replies"], "checkins ending")


def _check_reply_keys(keys: Any, replies: Mapping[str, Any], where: str) -> None:
    if not keys or not isinstance(keys, list):
        raise KnowledgeError(f"{where}: `replies` lists reply keys")
    missing = [key for key in keys if key not in replies and key != REASONS]
    if missing:
        raise KnowledgeError(f"{where}: reply key(s) {missing} have no text in `replies`")
