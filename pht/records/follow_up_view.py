"""A follow-up as reception reads it: its state, the consent and the baseline, each check-in
(its answers in the words of vocabulary.yml and checkins.yml, the decision, whether the clinic
was told, every attempt to deliver it) and the trend of worst pain and sitting tolerance from
the pre-screen on, drawn as inline SVG on the server (no script, no chart library). The
reception page, its print view and the CLI's text view show this. No database here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from typing import Any, Dict, List, Optional, Sequence

from ..triage.checkin_knowledge import ANSWER_FIELDS, Checkins, load_checkins
from .fhir import checkin_label, labels
from .follow_ups import SHOWN, CheckInRecord, FollowUpRecord
from .overview import _value_text
from .repository import Record

CHARTED = ("pain_score", "sitting_minutes")  # the trend: worst pain (0-10), sitting tolerance (minutes)
SCREENS = ("red_flags", "neuro_symptoms", "injury_signs")


@dataclass(frozen=True)
class Answer:
    field: str
    label: str
    value: str
    alert: bool = False  # a danger sign, nerve symptom or new injury sign at a check-in


@dataclass(frozen=True)
class Point:
    """One moment of the trend: the pre-screen, or an answered (or unanswered) check-in."""

    label: str
    day: int  # days after the consent
    values: Dict[str, Optional[int]]
    state: str  # "start", "answered", "no_reply", "undeliverable"
    clinic_told: bool = False


@dataclass
class CheckInView:
    record: CheckInRecord
    label: str
    state: str
    answers: List[Answer] = field(default_factory=list)
    decision: str = ""
    urgency: str = ""
    reasons: List[str] = field(default_factory=list)
    clinic_told: bool = False
    stage: str = ""
    deliveries: List[str] = field(default_factory=list)

    @property
    def unanswered(self) -> bool:
        return self.record.state in ("no_reply", "undeliverable")


@dataclass
class FollowUpView:
    record: FollowUpRecord
    state: str
    consent_question: str
    consent_answer: str
    consent_by: str  # who answered, and how the check-ins reach them, when not simply the person on their app
    baseline: List[Answer]
    check_ins: List[CheckInView]
    points: List[Point]
    shown: List[str]  # the list filters this follow-up appears under, in words
    charts: List[str] = field(default_factory=list)  # inline SVG, escaped here

    @property
    def escalated(self) -> bool:
        return any(check_in.clinic_told for check_in in self.check_ins)


def answer_label(name: str, checkins: Checkins) -> str:
    return checkin_label(name, checkins)


def answers_in_words(answers: Dict[str, Any], checkins: Checkins) -> List[Answer]:
    """A check-in's answers in the order it asks them, in the vocabulary's and checkins.yml's
    words; a safety screen answered unsure or left incomplete says so, never "none of these"."""
    words = labels()
    unsure = answers.get("unsure") or {}
    incomplete = answers.get("incomplete") or []
    shown = []
    for name in ANSWER_FIELDS:
        spec = checkins.field(name)
        if name in incomplete:
            shown.append(Answer(name, answer_label(name, checkins), words["screen_states"]["incomplete"], alert=True))
            continue
        if name in unsure:
            items = ", ".join(spec.get("values", {}).get(value, {}).get("label", value) for value in unsure[name])
            shown.append(Answer(name, answer_label(name, checkins), f"{words['screen_states']['unsure']}: {items}",
                                alert=True))
        if name not in answers or (name in unsure and not answers[name]):
            continue
        value = answers[name]
        if name in SCREENS and not value:
            shown.append(Answer(name, answer_label(name, checkins), spec.get("none_label") or words["none"]))
        else:
            shown.append(Answer(name, answer_label(name, checkins), _value_text(spec, value), name in SCREENS))
    return shown


def _stage_text(number: Optional[int], checkins: Checkins) -> str:
    if not number or number > len(checkins.stages):
        return ""
    return f"{number} ({checkins.stages[number - 1]['name']})"


def _delivery_text(delivery: Dict[str, Any], local: Any) -> str:
    words = labels()["follow_up"]
    moment = local(dt.datetime.fromisoformat(delivery["time"]))
    outcome = words["delivery_outcomes"].get(delivery["outcome"], delivery["outcome"])
    message = words["messages"].get(delivery["message"], delivery["message"])
    error = f": {delivery['error']}" if delivery.get("error") and delivery["outcome"] != "interrupted" else ""
    attempt = f" {delivery['attempt']}" if delivery["attempt"] else ""  # 0: nothing was sent (the website)
    return f"{moment} · {message}{attempt} · {outcome}{error}"


def _check_in_view(check_in: CheckInRecord, checkins: Checkins, local: Any) -> CheckInView:
    words = labels()
    view = CheckInView(record=check_in, label=check_in.label,
                       state=words["follow_up"]["check_in_states"].get(check_in.state, check_in.state),
                       deliveries=[_delivery_text(delivery, local) for delivery in check_in.deliveries])
    if check_in.answers is not None:
        view.answers = answers_in_words(check_in.answers, checkins)
    decision = check_in.decision or {}
    if decision:
        step = next((item for item in checkins.data["steps"] if item["id"] == decision.get("outcome")), None)
        view.decision = step["label"] if step else str(decision.get("outcome", ""))
        today = step is not None and "care_today" in step["replies"]  # urgent, in person today (policy v3)
        view.urgency = words["urgency_today"] if today else words["urgency"].get(decision.get("urgency"), "")
        view.reasons = [reason["text"] for reason in decision.get("reasons") or [] if reason.get("text")]
        view.clinic_told = bool(decision.get("clinic_told"))
        view.stage = _stage_text(decision.get("stage") or check_in.stage_after, checkins)
    return view


def _points(follow_up: FollowUpRecord, record: Optional[Record]) -> List[Point]:
    """The pre-screen (the consent's baseline, else the pre-screen's findings), then each check-in
    that was answered, got no reply or could not be delivered, by its due day."""
    findings = record.findings if record is not None else {}
    baseline = follow_up.baseline or {}
    start = {"pain_score": baseline.get("worst_pain", baseline.get("pain_score", findings.get("pain_score"))),
             "sitting_minutes": baseline.get("sitting_minutes", findings.get("sitting_minutes"))}
    points = [Point(labels()["follow_up"]["start"], 0, start, "start")]
    for check_in in follow_up.check_ins:
        if check_in.state not in ("answered", "no_reply", "undeliverable"):
            continue
        answers = check_in.answers or {}
        day = max(0, (check_in.due_at - follow_up.consented_at).days)
        points.append(Point(check_in.label, day, {name: answers.get(name) for name in CHARTED}, check_in.state,
                            bool((check_in.decision or {}).get("clinic_told"))))
    return points


def follow_up_view(follow_up: FollowUpRecord, record: Optional[Record] = None,
                   local: Any = lambda moment: moment.strftime("%d %b %Y, %H:%M UTC"),
                   checkins: Optional[Checkins] = None) -> FollowUpView:
    """`local` writes a time as the reader wants it (the reception page: the clinic's zone)."""
    checkins = checkins or load_checkins()
    words = labels()
    consent = follow_up.consent or {}
    baseline = [Answer(name, answer_label(name, checkins), _value_text(checkins.field(name), value))
                for name, value in (("pain_score", (follow_up.baseline or {}).get("worst_pain")),
                                    ("sitting_minutes", (follow_up.baseline or {}).get("sitting_minutes")))
                if value is not None]
    view = FollowUpView(
        record=follow_up, state=words["follow_up"]["states"].get(follow_up.state, follow_up.state),
        consent_question=str(consent.get("question") or consent.get("wording") or ""),
        consent_answer=str(consent.get("answer") or consent.get("status") or ""),
        consent_by=consent_by(consent),
        baseline=baseline, check_ins=[_check_in_view(item, checkins, local) for item in follow_up.check_ins],
        points=_points(follow_up, record),
        shown=[words["follow_up"]["shown"][show] for show in SHOWN if follow_up.shown_by(show)])
    view.charts = [trend_chart(view.points, name, answer_label(name, checkins)) for name in CHARTED]
    return view


def consent_by(consent: Dict[str, Any]) -> str:
    """How the consent was given, in labels.yml's words: to a staff member at the desk (with the
    number the check-ins go to), or on the website with a link to come back by; "" otherwise."""
    words = labels()["follow_up"]["consent_by"]
    if consent.get("by") == "staff_for_patient":
        given = words["staff_for_patient" if consent.get("answer") == "yes" else "staff_declined"]
        said = given.format(staff_user=consent.get("staff_user") or "?")
        return f"{said}; {words['staff_route'].format(route=consent['route'])}" if consent.get("route") else said
    if consent.get("route") == "link":
        return words["link"]
    return ""


# -- the chart -------------------------------------------------------------------------------

WIDTH, HEIGHT = 460, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 40, 52


def _axis_top(name: str, values: Sequence[int]) -> int:
    if name == "pain_score":
        return 10
    highest = max(values, default=0)
    step = 15 if highest <= 60 else 30 if highest <= 180 else 60
    return max(step * 2, -(-highest // (step * 2)) * step * 2)  # an even number of steps: a round middle tick


def trend_chart(points: List[Point], name: str, title: str) -> str:
    """One measure over the check-ins as an accessible SVG: a <title>, a <desc> that says every
    value in words, the value written by each point (readable in black and white), an
    escalation as a filled square with "!", a check-in with no answer as a dashed line with
    its reason under the axis (never a point, which would read as a value). The check-ins are
    evenly spaced, in order: 2 weeks and 6 months apart would crowd the first labels."""
    values = [point.values.get(name) for point in points]
    top = _axis_top(name, [value for value in values if value is not None])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slots = max(len(points) - 1, 1)

    def x(index: int) -> float:
        return LEFT + 28 + (inner_w - 56) * index / slots

    def y(value: float) -> float:
        return TOP + inner_h * (1 - value / top)

    words = labels()["follow_up"]
    missing = {index for index, point in enumerate(points) if point.state in ("no_reply", "undeliverable")}
    said = []
    for index, (point, value) in enumerate(zip(points, values)):
        if index in missing:
            said.append(f"{point.label}: {words['check_in_states'][point.state]}")
        else:
            told = f" ({words['clinic_told']})" if point.clinic_told else ""
            said.append(f"{point.label}: {'-' if value is None else value}{told}")
    ident = f"chart-{name.replace('_', '-')}"
    parts = [f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-title">{escape(title)}</title>',
             f'<desc id="{ident}-desc">{escape("; ".join(said))}</desc>',
             f'<text class="trend-chart__heading" x="{LEFT}" y="16">{escape(title)}</text>']
    for tick in (0, top // 2, top):
        parts.append(f'<line class="trend-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="trend-chart__tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    for index, point in enumerate(points):
        parts.append(f'<text class="trend-chart__label" x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 20}" '
                     f'text-anchor="middle">{escape(point.label)}</text>')
        if index in missing:
            parts.append(f'<line class="trend-chart__gap" x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{y(top):.1f}" '
                         f'y2="{y(0):.1f}"/>')
            last = index == len(points) - 1  # its words end at the chart's edge, not past it
            parts.append(f'<text class="trend-chart__missing" x="{x(index) + (20 if last else 0):.1f}" '
                         f'y="{HEIGHT - BOTTOM + 40}" text-anchor="{"end" if last else "middle"}">'
                         f'{escape(words["chart_missing"][point.state])}</text>')
    line = [(x(index), y(value)) for index, value in enumerate(values) if value is not None]
    if len(line) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(line))
        parts.append(f'<path class="trend-chart__line" d="{path}"/>')
    for index, (point, value) in enumerate(zip(points, values)):
        if value is None:
            continue
        cx, cy = x(index), y(value)
        if point.clinic_told:
            parts.append(f'<rect class="trend-chart__told" x="{cx - 8:.1f}" y="{cy - 8:.1f}" width="16" height="16"/>')
            parts.append(f'<text class="trend-chart__told-mark" x="{cx:.1f}" y="{cy + 4.5:.1f}" '
                         f'text-anchor="middle">!</text>')
        else:
            parts.append(f'<circle class="trend-chart__point" cx="{cx:.1f}" cy="{cy:.1f}" r="5.5"/>')
        above = cy - 13 if cy - 13 > TOP + 10 else cy + 27
        parts.append(f'<text class="trend-chart__value" x="{cx:.1f}" y="{above:.1f}" '
                     f'text-anchor="middle">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def as_text(view: FollowUpView) -> str:
    """The follow-up as plain text (the CLI's `show`)."""
    record = view.record
    lines = [f"Follow-up: {view.state} (consented {record.consented_at:%Y-%m-%d %H:%M} UTC"
             f"{', ' + view.consent_question + ' ' + view.consent_answer if view.consent_question else ''}"
             f"{'; ' + view.consent_by if view.consent_by else ''})"]
    if view.shown:
        lines.append("  ! " + "; ".join(view.shown))
    if view.baseline:
        lines.append("  Baseline: " + "; ".join(f"{item.label}: {item.value}" for item in view.baseline))
    for check_in in view.check_ins:
        told = f" [{labels()['follow_up']['clinic_told']}]" if check_in.clinic_told else ""
        lines.append(f"  {check_in.label} (due {check_in.record.due_at:%Y-%m-%d}): {check_in.state}{told}")
        for answer in check_in.answers:
            lines.append(f"    {'!' if answer.alert else '-'} {answer.label}: {answer.value}")
        if check_in.decision:
            lines.append(f"    => {check_in.decision}; {check_in.urgency}"
                         f"{'; stage ' + check_in.stage if check_in.stage else ''}")
        if check_in.unanswered:
            lines += [f"    {delivery}" for delivery in check_in.deliveries]
    return "\n".join(lines)
