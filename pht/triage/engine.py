"""The clinical engine: findings -> urgency, likelihood, differentials, reasons, advice.

It evaluates the rules in `knowledge/rules.yml` and picks advice from
`knowledge/advice.yml`; it holds no medicine of its own. No Rasa import here.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .findings import Findings, validate_findings
from .knowledge import Knowledge, load_knowledge

SAFETY_FIELD = "red_flags"
# The engine's own version, stored with every pre-screen record beside the knowledge base's
# (knowledge.knowledge_version). Raise it when the engine's behaviour changes.
ENGINE_VERSION = "3.0"
# The states of one safety-screen item, and of a screen as a whole (policy v3)
PRESENT, ABSENT, UNSURE, NOT_ASKED = "present", "absent", "unsure", "not_asked"
ANSWERED, PARTLY_ASKED, INCOMPLETE = "answered", "partly_asked", "incomplete"


def join_words(words: List[str], conjunction: str = "and") -> str:
    """'a, b and c'."""
    words = [word for word in words if word]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
ACT_NOW_LEVELS = ("emergency", "urgent")
_NO_ANSWER = object()
LIKELIHOOD_RANK = {"low": 0, "moderate": 1, "high": 2}


def matches(condition: Mapping[str, Any], findings: Findings, definitions: Mapping[str, Any]) -> bool:
    """Whether `findings` satisfy one condition of the rules language (see rules.yml)."""
    (operator, argument), = condition.items()
    if operator == "all":
        return all(matches(part, findings, definitions) for part in argument)
    if operator == "any":
        return any(matches(part, findings, definitions) for part in argument)
    if operator == "not":
        return not matches(argument, findings, definitions)
    if operator == "ref":
        return matches(definitions[argument], findings, definitions)
    if operator == "known":
        return argument in findings
    if operator == "incomplete":
        return argument in (findings.get("incomplete") or [])
    if operator == "unsure":
        (field, expected), = argument.items()
        return bool(set((findings.get("unsure") or {}).get(field, [])) & set(expected))
    if operator == "count":
        field = argument["field"]
        unsure = (findings.get("unsure") or {}).get(field, []) if argument.get("counting_unsure") else []
        if findings.get(field) is None and not unsure:
            return False
        count = len((set(findings.get(field) or []) | set(unsure)) & set(argument["values"]))
        if "exactly" in argument:
            return count == argument["exactly"]
        return count >= argument["at_least"]
    (field, expected), = argument.items()
    if field not in findings:
        return False
    value = findings[field]
    if operator == "equals":
        return value == expected
    if operator == "field_in":
        return value in expected
    if operator == "has_any":
        return bool(set(value) & set(expected))
    if operator == "has_all":
        return set(expected) <= set(value)
    if operator == "less_than":
        return value < expected
    if operator == "at_least":
        return value >= expected
    if operator == "more_than":
        return value > expected
    raise ValueError(f"unknown operator {operator}")


# Conditions compiled to Python functions once (`compiled`), as the form weighs every answer to
# every question it may still ask against all the rules at each turn. `matches` stays the
# reference they are tested against (tests/test_engine.py).
COMPILED_KEPT = 10_000
_COMPILED: Dict[int, Tuple[Mapping[str, Any], Mapping[str, Any], Callable[[Findings], bool]]] = {}


def compiled(condition: Mapping[str, Any], definitions: Mapping[str, Any]) -> Callable[[Findings], bool]:
    """`matches` of one condition as a function of the findings, built on first use. Kept by the
    condition's identity, with the condition itself, so that no other condition takes its id."""
    entry = _COMPILED.get(id(condition))
    if entry is not None and entry[0] is condition and entry[1] is definitions:
        return entry[2]
    function = _compile(condition, definitions)
    if len(_COMPILED) >= COMPILED_KEPT:
        _COMPILED.clear()
    _COMPILED[id(condition)] = (condition, definitions, function)
    return function


def _compile(condition: Mapping[str, Any], definitions: Mapping[str, Any]) -> Callable[[Findings], bool]:
    (operator, argument), = condition.items()
    if operator in {"all", "any"}:
        parts = [_compile(part, definitions) for part in argument]
        if operator == "all":
            return lambda findings: all(part(findings) for part in parts)
        return lambda findings: any(part(findings) for part in parts)
    if operator == "not":
        inner = _compile(argument, definitions)
        return lambda findings: not inner(findings)
    if operator == "ref":
        return _compile(definitions[argument], definitions)
    if operator == "known":
        return lambda findings: argument in findings
    if operator == "incomplete":
        return lambda findings: argument in (findings.get("incomplete") or [])
    if operator == "unsure":
        (unsure_field, unsure_values), = argument.items()
        wanted = frozenset(unsure_values)
        return lambda findings: not wanted.isdisjoint((findings.get("unsure") or {}).get(unsure_field, []))
    if operator == "count":
        return _compile_count(argument)
    (field, expected), = argument.items()
    if operator == "equals":
        return lambda findings: field in findings and findings[field] == expected
    if operator == "field_in":
        return lambda findings: field in findings and findings[field] in expected
    if operator == "has_any":
        anyof = frozenset(expected)
        return lambda findings: field in findings and not anyof.isdisjoint(findings[field])
    if operator == "has_all":
        allof = frozenset(expected)
        return lambda findings: field in findings and allof <= set(findings[field])
    if operator == "less_than":
        return lambda findings: field in findings and findings[field] < expected
    if operator == "at_least":
        return lambda findings: field in findings and findings[field] >= expected
    if operator == "more_than":
        return lambda findings: field in findings and findings[field] > expected
    raise ValueError(f"unknown operator {operator}")


def _compile_count(argument: Mapping[str, Any]) -> Callable[[Findings], bool]:
    field, values, counting = argument["field"], frozenset(argument["values"]), argument.get("counting_unsure")
    exactly = argument.get("exactly")
    at_least: int = argument.get("at_least", 0)

    def count(findings: Findings) -> bool:
        unsure = (findings.get("unsure") or {}).get(field, []) if counting else []
        if findings.get(field) is None and not unsure:
            return False
        number = len((set(findings.get(field) or []) | set(unsure)) & values)
        return number == exactly if "exactly" in argument else number >= at_least
    return count


def condition_values(condition: Any, field: str, definitions: Mapping[str, Any]) -> List[Any]:
    """The values of `field` that a condition names as present, following definitions. A
    negated condition names none: the values it names are the ones the person does not have
    ("the pain is at the , away from the sit bone" was a groin pain shown with no place)."""
    (operator, argument), = condition.items()
    if operator in {"all", "any"}:
        return [value for part in argument for value in condition_values(part, field, definitions)]
    if operator == "not":
        return []
    if operator == "ref":
        return condition_values(definitions[argument], field, definitions)
    if operator == "count":
        return list(argument["values"]) if argument["field"] == field else []
    if isinstance(argument, Mapping) and field in argument:
        named = argument[field]
        return list(named) if isinstance(named, list) else [named]
    return []


def _cited(item: Mapping[str, Any], text_key: str, kind: str) -> Dict[str, Any]:
    return {"kind": kind, "id": item.get("id", kind), "text": item[text_key], "source": list(item["source"])}


class Engine:
    """Applies one knowledge base to findings."""

    def __init__(self, knowledge: Optional[Knowledge] = None) -> None:
        self.knowledge = knowledge or load_knowledge()
        self.definitions = self.knowledge.rules["definitions"]

    def _holds(self, condition: Mapping[str, Any], findings: Findings) -> bool:
        return compiled(condition, self.definitions)(findings)

    def erring_safe(self, findings: Findings) -> Findings:
        """The findings as the rules read them: an item answered unsure that the policy
        escalates as if present (rules.yml `screens`) is added to its list."""
        counts = self.knowledge.rules["screens"]["unsure_counts_as_present"]
        unsure = findings.get("unsure") or {}
        merged = dict(findings)
        for field, values in unsure.items():
            escalating = [value for value in values if value in counts.get(field, [])]
            if escalating:
                merged[field] = list(dict.fromkeys(list(findings.get(field) or []) + escalating))
        return merged

    def screen_states(self, findings: Findings) -> Dict[str, Dict[str, Any]]:
        """Each safety screen's state (answered, partly asked, incomplete or not asked) and
        each item's (present, absent, unsure or not asked): never "none" for what is unknown."""
        states: Dict[str, Dict[str, Any]] = {}
        unsure = findings.get("unsure") or {}
        for field in self.knowledge.rules["screens"]["fields"]:
            listed = findings.get(field)
            if field in (findings.get("incomplete") or []):
                state = INCOMPLETE
            elif field in (findings.get("partly_asked") or []):
                state = PARTLY_ASKED
            elif listed is not None:
                state = ANSWERED
            else:
                state = PARTLY_ASKED if unsure.get(field) else NOT_ASKED
            items = {}
            for value in self.knowledge.values(field):
                if value in (listed or []):
                    items[value] = PRESENT
                elif value in unsure.get(field, []):
                    items[value] = UNSURE
                else:
                    items[value] = ABSENT if state == ANSWERED else NOT_ASKED
            states[field] = {"state": state, "items": items}
        return states

    def urgency(self, findings: Findings) -> List[Dict[str, Any]]:
        """The matching rules of the most urgent level (the default rule if none match)."""
        findings = self.erring_safe(findings)
        urgency = self.knowledge.rules["urgency"]
        for level in urgency["levels"]:
            fired = [
                rule for rule in urgency["rules"]
                if rule["level"] == level and self._holds(rule["when"], findings)
            ]
            if fired:
                return fired
        return [urgency["default"]]

    def likelihood(self, findings: Findings) -> Dict[str, Any]:
        findings = self.erring_safe(findings)
        likelihood = self.knowledge.rules["likelihood"]
        return next(
            (rule for rule in likelihood["rules"] if self._holds(rule["when"], findings)),
            likelihood["default"],
        )

    def differentials(self, findings: Findings) -> List[Dict[str, Any]]:
        findings = self.erring_safe(findings)
        return [item for item in self.knowledge.rules["differentials"] if self._holds(item["when"], findings)]

    def evidence(self, findings: Findings) -> List[Dict[str, Any]]:
        """What speaks for and against PHT, each text naming the person's own findings."""
        findings = self.erring_safe(findings)
        return [
            {**item, "text": self._personalise(item, findings)}
            for item in self.knowledge.rules["evidence"]
            if self._holds(item["when"], findings)
        ]

    def _personalise(self, item: Mapping[str, Any], findings: Findings) -> str:
        """Fill `{field}` with the lay labels of the person's values that the condition names."""
        text = item["text"]
        for field in re.findall(r"\{(\w+)\}", text):
            named = condition_values(item["when"], field, self.definitions)
            value = findings.get(field)
            values = value if isinstance(value, list) else [value]
            shown = [v for v in values if v in named] if named else values
            labels = self.knowledge.fields[field]["values"]
            words = [labels[v]["label"].lower() for v in shown if v in labels]
            text = text.replace("{%s}" % field, join_words(words))
        return text

    def load_plan(self, findings: Findings) -> List[Dict[str, Any]]:
        """Load changes for what this person reported, then the rules that apply to everyone."""
        advice = self.knowledge.advice
        plan = [
            _cited(item, "text", "load_change")
            for item in advice["load_changes"]
            if not item["for"] or any(  # `has_any`, without a condition made for each call
                field in findings and not set(values).isdisjoint(findings[field]) for field, values in item["for"].items()
            )
        ]
        plan.append(_cited(advice["pain_rule"], "text", "pain_rule"))
        plan.extend(_cited(stage, "text", "rehab_stage") for stage in advice["rehab_stages"])
        plan.append(_cited(advice["rehab_note"], "text", "rehab_note"))
        timeline = advice["timeline"]
        early = timeline["early"]
        chosen = early if self._holds(early["when"], findings) else timeline["established"]
        plan.append(_cited(chosen, "text", "timeline"))
        return plan

    def outcome_signature(self, findings: Findings) -> tuple:
        """What a person is told to do and why, in short: used to compare outcomes."""
        urgency_rules = self.urgency(findings)
        advice = [item["id"] for item in self.load_plan(findings)] if urgency_rules[0]["level"] not in ACT_NOW_LEVELS else []
        return (
            urgency_rules[0]["level"],
            self.likelihood(findings)["level"],
            tuple(item["id"] for item in self.differentials(findings)),
            tuple(advice),
        )

    def possible_answers(self, field: str) -> List[Any]:
        """Representative answers to one question: every value, or the numbers either side of
        every threshold the rules use."""
        spec = self.knowledge.fields[field]
        kind = spec["kind"]
        if kind == "boolean":
            return [True, False]
        if kind == "list":
            return [[]] + [[value] for value in spec["values"]]
        if kind == "number":
            thresholds = {spec["min"], spec["max"]}
            for condition in self._all_conditions():
                (operator, argument), = condition.items()
                if operator in {"less_than", "at_least", "more_than"} and field in argument:
                    limit = argument[field]
                    thresholds |= {limit - 1, limit, limit + 1}
            return sorted(n for n in thresholds if spec["min"] <= n <= spec["max"])
        return list(spec.get("values", {})) + (["none"] if kind == "text" else [])

    def could_change_outcome(self, findings: Findings, field: str) -> bool:
        """Whether any answer to `field` could change urgency, fit, differentials or advice."""
        return self._varies_with_answer(findings, field, self.outcome_signature)

    def fits_better_with_another(self, findings: Findings, field: str) -> bool:
        """Whether another value of `field` would make the picture fit PHT better: then a
        value read in passing is worth confirming ("the back of my thigh" may be its top)."""
        rank = LIKELIHOOD_RANK[self.likelihood(findings)["level"]]
        return any(LIKELIHOOD_RANK[self.likelihood({**findings, field: other})["level"]] > rank
                   for other in self.knowledge.values(field))

    def raises_urgency(self, findings: Findings, field: str) -> bool:
        """Whether the value of `field` in `findings` makes the outcome more urgent than it is
        without it: then a value read in passing is worth confirming ("a sudden start" in a
        story may be the day the person first noticed a pain that had crept up)."""
        levels = self.knowledge.rules["urgency"]["levels"]
        without = {name: value for name, value in findings.items() if name != field}
        return (levels.index(self.urgency(findings)[0]["level"])
                < levels.index(self.urgency(without)[0]["level"]))

    def urgency_depends_on(self, findings: Findings, field: str) -> bool:
        """Whether some answer to `field` would give another urgency than another answer."""
        return self._varies_with_answer(findings, field, lambda answered: self.urgency(answered)[0]["level"])

    def _varies_with_answer(self, findings: Findings, field: str, measure: Callable[[Findings], Any]) -> bool:
        """Whether `measure` of the findings differs between some two answers to `field` (it
        stops at the first answer that differs from the first)."""
        answers = iter(self.possible_answers(field))
        first = next(answers, _NO_ANSWER)
        if first is _NO_ANSWER:
            return False
        measured = measure({**findings, field: first})
        return any(measure({**findings, field: answer}) != measured for answer in answers)

    def more_values_could_change_outcome(self, findings: Findings, field: str) -> List[str]:
        """For a list field known only in part: the values that, added to those already
        known, would change the outcome (empty when the list cannot matter any more)."""
        known = list(findings.get(field) or [])
        before = self.outcome_signature(findings)
        return [value for value in self.knowledge.values(field) if value not in known
                and self.outcome_signature({**findings, field: known + [value]}) != before]

    def _all_conditions(self) -> List[Mapping[str, Any]]:
        rules = self.knowledge.rules
        roots = list(rules["definitions"].values())
        roots += [rule["when"] for rule in rules["urgency"]["rules"] + rules["likelihood"]["rules"]]
        roots += [item["when"] for item in rules["differentials"]]
        roots += [self.knowledge.advice["timeline"]["early"]["when"]]
        found: List[Mapping[str, Any]] = []
        while roots:
            condition = roots.pop()
            found.append(condition)
            (operator, argument), = condition.items()
            if operator in {"all", "any"}:
                roots.extend(argument)
            elif operator == "not":
                roots.append(argument)
        return found

    def missing(self, findings: Findings) -> List[str]:
        """Fields not answered, leaving out questions that did not apply."""
        missing = []
        for field in self.knowledge.question_order:
            ask_if = self.knowledge.fields[field].get("ask_if", {})
            if self.knowledge.fields[field].get("checkins_only"):
                continue
            applies = all(findings.get(key) == value for key, value in ask_if.items())
            if applies and field not in findings:
                missing.append(field)
        return missing

    def assess(self, raw_findings: Mapping[str, Any]) -> Dict[str, Any]:
        """The full result for one person's findings (raises FindingsError on bad input)."""
        findings = validate_findings(raw_findings, self.knowledge)
        urgency_rules = self.urgency(findings)
        level = urgency_rules[0]["level"]
        likelihood_rule = self.likelihood(findings)
        differentials = self.differentials(findings)
        today = any(rule.get("today") for rule in urgency_rules)
        care = dict(self.knowledge.advice["care_today"] if today else self.knowledge.advice["care"][level])
        care["level"] = level
        care["today"] = today
        screens = self.screen_states(findings)
        not_done = [field for field in self.knowledge.rules["screens"]["required_for_routine"]
                    if screens[field]["state"] != ANSWERED
                    or UNSURE in screens[field]["items"].values()]
        abandoned = any(screen["state"] == INCOMPLETE for screen in screens.values())
        complete = not abandoned and (not not_done or level in ACT_NOW_LEVELS)

        reasons = [_cited(rule, "explain", "urgency") for rule in urgency_rules]
        reasons.append(_cited(likelihood_rule, "explain", "likelihood"))
        reasons.extend(_cited(item, "text", item["effect"]) for item in self.evidence(findings))

        advice = [_cited({**care, "id": f"care_{level}"}, "where", "care")]
        if level not in ACT_NOW_LEVELS:
            advice.extend(self.load_plan(findings))
        if not complete:
            incomplete = self.knowledge.advice["incomplete"]
            for field in not_done:
                advice.append({"kind": "incomplete", "id": f"{field}_not_checked",
                               "text": incomplete[field], "source": list(incomplete["source"])})
        advice.append(_cited({**care, "id": f"safety_net_{level}"}, "safety_net", "safety_net"))
        card = self.knowledge.advice["warning_card"]
        if self._holds(card["when"], self.erring_safe(findings)):
            advice.append(_cited({**card, "id": "warning_card"}, "text", "warning_card"))

        return {
            "urgency": level,
            "likelihood": likelihood_rule["level"],
            "differentials": [item["id"] for item in differentials],
            "reasons": reasons,
            "advice": advice,
            "urgency_rules": [rule["id"] for rule in urgency_rules],
            "likelihood_rule": likelihood_rule["id"],
            "differential_details": [
                {"id": item["id"], "name": item["name"], "explain": item["explain"], "source": list(item["source"])}
                for item in differentials
            ],
            "care": care,
            "telling": list(self.knowledge.advice["telling"][level]),
            "today": today,
            "complete": complete,
            "screens": screens,
            "missing": self.missing(findings),
            "findings": findings,
        }


def assess(findings: Mapping[str, Any]) -> Dict[str, Any]:
    """Assess findings with the packaged knowledge base."""
    return Engine().assess(findings)
