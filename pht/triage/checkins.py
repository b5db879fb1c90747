"""Follow-up check-ins (policy v3): one check-in's answers -> what the person does next.

Plain Python, no Rasa and no database; the medicine and the words are in
`knowledge/checkins.yml`. `decide` follows the policy's numbered list, first match wins:
(1) the pre-screen's urgency rules run again on everything known, (2) getting worse,
(3) not clearly better at 6 or 12 weeks, (4) a clinician treating them, (5) not settling,
(6) the next stage. `schedule` gives the due times, `ends_after` says when the check-ins end,
`messages` renders a decision's reply.

What "previous" and "start" mean:
- the start (step 3): the pre-screen's `pain_score` (worst pain in the last week) and the
  consent's `sitting_minutes`, both in the stored pre-screen findings;
- the previous check-in (step 2): the latest answered check-in in `history` that has the
  value; for the first check-in, or when none has it, the pre-screen. A value known nowhere
  has no "previous": no rise in pain can be read, and every nerve-type symptom is new;
- two check-ins in a row (steps 5 and the end): this one and the last answered one in
  `history` (a check-in that got no reply is not in `history`);
- unknown is never "better": a start, sitting time or pain that is not known makes the
  person "not clearly better", and a check-in with a safety question unanswered never moves
  a person on.

JSON shapes (stored by pht/records for each check-in; the names are stable):

`CheckinAnswers.to_json()`: only the questions answered, as in a findings object:
    {"checkin": "week_6",              # the schedule id (checkins.yml `schedule`)
     "pain_score": 4,                  # worst pain in the last week, 0-10
     "trend": "better",                # since the last check-in: better, same, worse
     "sitting_minutes": 30,            # how long they can sit before the pain starts
     "next_morning": "settled",        # after the hardest session: settled, a_little_worse, clearly_worse
     "doing_exercises": true, "clinician_treating": false,
     "red_flags": [], "neuro_symptoms": [], "injury_signs": [],   # vocabulary values; [] = none
     "unsure": {"red_flags": ["saddle_numbness"]},                # a screen's items answered unsure
     "incomplete": ["neuro_symptoms"]}                            # screens with no usable answer

`CheckinDecision.to_json()`:
    {"outcome": "next_stage",          # the step that decided (checkins.yml `steps`)
     "urgency": "routine",             # emergency, urgent, soon or routine
     "stage_change": 1, "stage": 3,    # the move (-1, 0, 1) and the stage after it (1-4)
     "clinic_told": false,             # the clinic is told (every escalation)
     "stop": false,                    # the check-ins stop (emergency or urgent)
     "end": false,                     # the check-ins end here, with the goodbye
     "reasons": [{"id": "morning_worse", "text": "...", "source": ["Goom2016"]}],
     "replies": ["next_stage"],        # reply keys (checkins.yml `replies`; "reasons": the reasons)
     "knowledge_version": "3+..."}
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .checkin_knowledge import ANSWER_FIELDS, REASONS, Checkins, load_checkins
from .engine import Engine, matches
from .findings import STATE_KEYS, Findings, FindingsError, _validate_value, validate_findings
from .knowledge import knowledge_version

Reasons = List[Dict[str, Any]]


@dataclass(frozen=True)
class CheckinAnswers:
    """One check-in's answers; None is "not asked or not answered"."""

    checkin: Optional[str] = None
    pain_score: Optional[int] = None
    trend: Optional[str] = None
    sitting_minutes: Optional[int] = None
    next_morning: Optional[str] = None
    doing_exercises: Optional[bool] = None
    clinician_treating: Optional[bool] = None
    red_flags: Optional[List[str]] = None
    neuro_symptoms: Optional[List[str]] = None
    injury_signs: Optional[List[str]] = None
    unsure: Dict[str, List[str]] = field(default_factory=dict)
    incomplete: List[str] = field(default_factory=list)

    def to_json(self) -> Dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value not in (None, {}, [])
                or (value == [] and name in ANSWER_FIELDS)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CheckinAnswers":
        """Checked against the vocabulary and checkins.yml; `FindingsError` names every problem."""
        checkins = load_checkins()
        problems = [f"unknown check-in answer '{name}'" for name in data
                    if name not in ANSWER_FIELDS and name not in ("checkin", "unsure", "incomplete")]
        schedule = [item["id"] for item in checkins.schedule]
        if data.get("checkin") is not None and data["checkin"] not in schedule:
            problems.append(f"'checkin' must be one of {schedule}, got {data['checkin']!r}")
        clean: Dict[str, Any] = {"checkin": data.get("checkin")}
        vocabulary = {name: value for name, value in data.items()
                      if name in checkins.knowledge.fields or name in STATE_KEYS}
        try:
            clean.update(validate_findings(vocabulary, checkins.knowledge))
        except FindingsError as error:
            problems.extend(error.problems)
        for name in set(checkins.data["fields"]) & set(data):
            if data[name] is not None:
                try:
                    clean[name] = _validate_value(name, data[name], checkins.field(name))
                except ValueError as error:
                    problems.append(str(error))
        if problems:
            raise FindingsError(problems)
        return cls(**{name: value for name, value in clean.items() if name != "partly_asked"})


@dataclass(frozen=True)
class CheckinDecision:
    """What one check-in decided (see the module docstring for its JSON)."""

    outcome: str
    urgency: str
    stage_change: int
    stage: int
    clinic_told: bool
    stop: bool
    end: bool
    reasons: Reasons
    replies: List[str]
    knowledge_version: str

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CheckinDecision":
        names = {item.name for item in fields(cls)}
        if set(data) != names:
            raise ValueError(f"a check-in decision has exactly the keys {sorted(names)}")
        return cls(**data)


@dataclass(frozen=True)
class DueCheckin:
    """One check-in of the schedule: its id, how it is named, and when it is due."""

    id: str
    label: str
    due_at: dt.datetime


def schedule(consented_at: dt.datetime, checkins: Optional[Checkins] = None) -> List[DueCheckin]:
    """When each check-in is due, counted from the consent."""
    checkins = checkins or load_checkins()
    return [DueCheckin(item["id"], item["label"], consented_at + dt.timedelta(days=item["days"]))
            for item in checkins.schedule]


def ends_after(history: List[CheckinAnswers], checkins: Optional[Checkins] = None) -> bool:
    """Whether the check-ins end after the last of `history` (answered check-ins, oldest first):
    after the last check-in of the schedule, or worst pain low at two check-ins in a row."""
    checkins = checkins or load_checkins()
    if not history:
        return False
    if history[-1].checkin == checkins.schedule[-1]["id"]:
        return True
    low = checkins.thresholds["ending_pain"]
    return len(history) >= 2 and all(item.pain_score is not None and item.pain_score <= low for item in history[-2:])


def findings_now(prescreen: Findings, answers: CheckinAnswers, checkins: Optional[Checkins] = None) -> Findings:
    """The stored pre-screen findings with this check-in's answers: its numbers and trend
    replace the stored ones; what a screen holds now is added to what it held (a cancer
    history stays); a screen asked again takes this check-in's unsure and incomplete states.
    A new injury sign means a new sudden injury (the vocabulary's `implies`), so the avulsion
    rule runs again."""
    checkins = checkins or load_checkins()
    knowledge = checkins.knowledge
    now = validate_findings(prescreen, knowledge)
    for name in ("pain_score", "trend", "sitting_minutes"):
        if getattr(answers, name) is not None:
            now[name] = getattr(answers, name)
    unsure = dict(now.pop("unsure", {}))
    incomplete = [screen for screen in now.pop("incomplete", []) if not _asked(answers, screen)]
    partly_asked = [screen for screen in now.pop("partly_asked", []) if not _asked(answers, screen)]
    for screen in knowledge.rules["screens"]["fields"]:
        if not _asked(answers, screen):
            continue
        present = list(getattr(answers, screen) or [])
        if getattr(answers, screen) is not None or screen in now:
            now[screen] = list(dict.fromkeys(list(now.get(screen) or []) + present))
        unsure.pop(screen, None)
        if answers.unsure.get(screen):
            unsure[screen] = [value for value in answers.unsure[screen] if value not in present]
        if screen in answers.incomplete:
            incomplete.append(screen)
        if present or answers.unsure.get(screen):
            now.update(knowledge.fields[screen].get("implies", {}))
    now.update({key: value for key, value in (("unsure", unsure), ("incomplete", incomplete),
                                                ("partly_asked", partly_asked)) if value})
    return validate_findings(now, knowledge)


def _asked(answers: CheckinAnswers, screen: str) -> bool:
    return getattr(answers, screen) is not None or screen in answers.incomplete or bool(answers.unsure.get(screen))


def _previous(prescreen: Findings, history: List[CheckinAnswers], name: str) -> Any:
    """The value at the previous check-in that has it, or at the pre-screen."""
    for earlier in reversed(history):
        if getattr(earlier, name) is not None:
            return getattr(earlier, name)
    return prescreen.get(name)


def _cited(item_id: str, item: Mapping[str, Any], text_key: str = "explain") -> Dict[str, Any]:
    return {"id": item_id, "text": item[text_key], "source": list(item["source"])}


def _rerun(engine: Engine, now: Findings, checkins: Checkins) -> Optional[Tuple[str, Reasons]]:
    """Step 1: the pre-screen's urgency rules on everything known."""
    rules = engine.urgency(now)
    reasons = [_cited(rule["id"], rule) for rule in rules]
    level = rules[0]["level"]
    if level == "emergency":
        return "rerun_emergency", reasons
    if level == "urgent":
        return ("rerun_urgent_today" if any(rule.get("today") for rule in rules) else "rerun_urgent"), reasons
    screen_rules = set(checkins.step("screen_not_complete")["rules"])
    unsure = [reason for reason in reasons if reason["id"] in screen_rules]
    return ("screen_not_complete", unsure) if unsure else None


def _triggered(step: Mapping[str, Any], fired: List[str]) -> Optional[Tuple[str, Reasons]]:
    if not fired:
        return None
    return step["id"], [_cited(trigger, step["triggers"][trigger]) for trigger in fired]


def _getting_worse(engine: Engine, prescreen: Findings, history: List[CheckinAnswers], answers: CheckinAnswers,
                   checkins: Checkins) -> Optional[Tuple[str, Reasons]]:
    """Step 2: new nerve-type symptoms, severe pain, trend worse, or worst pain rising."""
    limits = checkins.thresholds
    before = set(_previous(prescreen, history, "neuro_symptoms") or [])
    new_nerve = [value for value in answers.neuro_symptoms or [] if value not in before and matches(
        {"ref": "nerve_type_sign"}, {"neuro_symptoms": [value]}, engine.definitions)]
    pain, previous_pain = answers.pain_score, _previous(prescreen, history, "pain_score")
    fired = [trigger for trigger, holds in (
        ("new_nerve_symptoms", bool(new_nerve)),
        ("severe_pain", pain is not None and pain >= limits["severe_pain"]),
        ("trend_worse", answers.trend == "worse"),
        ("pain_rising", pain is not None and previous_pain is not None and pain - previous_pain >= limits["pain_rise"]),
    ) if holds]
    return _triggered(checkins.step("getting_worse"), fired)


def clearly_better(prescreen: Findings, answers: CheckinAnswers, checkins: Optional[Checkins] = None) -> bool:
    """Worst pain down by 2 points or more from the pre-screen, and sitting no shorter than
    at the consent; anything unknown is not clearly better."""
    checkins = checkins or load_checkins()
    start_pain, start_sitting = prescreen.get("pain_score"), prescreen.get("sitting_minutes")
    pain, sitting = answers.pain_score, answers.sitting_minutes
    if start_pain is None or start_sitting is None or pain is None or sitting is None:
        return False
    return start_pain - pain >= checkins.thresholds["clearly_better_drop"] and sitting >= start_sitting


def _not_better(prescreen: Findings, answers: CheckinAnswers, days_since_start: int,
                checkins: Checkins) -> Optional[str]:
    """Step 3: at 6 weeks or later and not clearly better (a doctor from 12 weeks)."""
    limits = checkins.thresholds
    if days_since_start < limits["not_better_soon_days"] or clearly_better(prescreen, answers, checkins):
        return None
    return "not_better_doctor" if days_since_start >= limits["not_better_doctor_days"] else "not_better_book"


def _doing_well(answers: CheckinAnswers, checkins: Checkins) -> bool:
    """Getting better, or the same with worst pain 3 or less (policy step 6, which step 5's
    "trend is not better" leaves out)."""
    low = answers.pain_score is not None and answers.pain_score <= checkins.thresholds["low_pain"]
    return answers.trend == "better" or (answers.trend == "same" and low)


def _not_settling(history: List[CheckinAnswers], answers: CheckinAnswers, stage: int,
                  checkins: Checkins) -> Optional[Tuple[str, Reasons]]:
    """Step 5: worse the morning after, or not getting better: stay and ease off; clearly
    worse twice in a row: one stage back (never below the first)."""
    if answers.next_morning == "clearly_worse" and history and history[-1].next_morning == "clearly_worse":
        step_id = "step_back" if stage > 1 else "step_back_at_first_stage"
        return step_id, [_cited(step_id, checkins.step(step_id))]
    fired = [trigger for trigger, holds in (
        ("morning_worse", answers.next_morning in ("a_little_worse", "clearly_worse")),
        ("not_improving", answers.trend is not None and not _doing_well(answers, checkins)),
    ) if holds]
    return _triggered(checkins.step("ease_off"), fired)


def all_safety_answered(answers: CheckinAnswers, checkins: Optional[Checkins] = None) -> bool:
    """Every safety screen of the check-in answered in full: none unsure, none incomplete."""
    checkins = checkins or load_checkins()
    return all(getattr(answers, screen) is not None and not answers.unsure.get(screen)
               and screen not in answers.incomplete for screen in checkins.knowledge.rules["screens"]["fields"])


def decide(prescreen_findings: Mapping[str, Any], history: List[CheckinAnswers], answers: CheckinAnswers,
           days_since_start: int, stage: int, checkins: Optional[Checkins] = None) -> CheckinDecision:
    """What one check-in decides (policy v3, first match wins). `prescreen_findings` are the
    stored findings with the consent's `sitting_minutes`; `history` the earlier answered
    check-ins, oldest first; `stage` the stage of the outline the person is at (1 first)."""
    checkins = checkins or load_checkins()
    engine = Engine(checkins.knowledge)
    last_stage = len(checkins.stages)
    stage = min(max(stage, 1), last_stage)
    prescreen = validate_findings(prescreen_findings, checkins.knowledge)
    now = findings_now(prescreen, answers, checkins)

    found = (_rerun(engine, now, checkins)
             or _getting_worse(engine, prescreen, history, answers, checkins))
    if not found:
        step_id = _not_better(prescreen, answers, days_since_start, checkins)
        if not step_id and answers.clinician_treating:
            step_id = "clinician_plan"
        found = (step_id, [_cited(step_id, checkins.step(step_id))]) if step_id else None
    found = found or _not_settling(history, answers, stage, checkins)
    if not found:
        moving_on = (answers.next_morning == "settled" and _doing_well(answers, checkins)
                     and all_safety_answered(answers, checkins))
        step_id = ("top_stage" if stage == last_stage else "next_stage") if moving_on else "not_all_answered"
        found = step_id, [_cited(step_id, checkins.step(step_id))]
    step_id, reasons = found
    step = checkins.step(step_id)

    end = not step["stop"] and ends_after(list(history) + [answers], checkins)
    replies = [key for key in step["replies"] if key != "treated_already" or answers.clinician_treating]
    if end:
        replies += [key for key in checkins.data["ending"]["replies"] if key not in replies]
    if warning_card_applies(now, checkins):
        replies.append("warning_card")
    return CheckinDecision(
        outcome=step_id, urgency=step["urgency"], stage_change=step["stage_change"],
        stage=min(max(stage + step["stage_change"], 1), last_stage), clinic_told=step["clinic_told"],
        stop=step["stop"], end=end, reasons=reasons, replies=replies, knowledge_version=knowledge_version(),
    )


def warning_card_applies(findings: Findings, checkins: Optional[Checkins] = None) -> bool:
    """Whether a person's check-ins carry the cauda equina warning card (its questions and
    every reply): the card's own condition (advice.yml) on what is known of them."""
    checkins = checkins or load_checkins()
    engine = Engine(checkins.knowledge)
    return matches(checkins.knowledge.advice["warning_card"]["when"], engine.erring_safe(findings), engine.definitions)


def stage_values(stage: int, checkins: Optional[Checkins] = None) -> Dict[str, Any]:
    """The placeholders that name a stage of the outline: {stage}, {stage_name}, {stage_text}."""
    checkins = checkins or load_checkins()
    item = checkins.stages[stage - 1]
    return {"stage": stage, "stage_name": item["name"], "stage_text": item["text"]}


def messages(decision: CheckinDecision, *, booking_link: str, clinic_name: str,
             checkins: Optional[Checkins] = None) -> List[str]:
    """The reply to a check-in, one paragraph per reply key (the reasons in their own words)."""
    checkins = checkins or load_checkins()
    values = {"booking_link": booking_link, "clinic_name": clinic_name, **stage_values(decision.stage, checkins)}
    paragraphs: List[str] = []
    for key in decision.replies:
        if key == REASONS:
            paragraphs.extend(reason["text"] for reason in decision.reasons)
        else:
            paragraphs.append(checkins.render(key, values))
    return paragraphs


def reply(key: str, checkins: Optional[Checkins] = None, **values: Any) -> str:
    """One reply by name, such as `consent` or `opening`, with its placeholders filled
    ({first_checkin} is the first check-in's label unless given)."""
    checkins = checkins or load_checkins()
    values.setdefault("first_checkin", checkins.schedule[0]["label"])
    return checkins.render(key, values)
