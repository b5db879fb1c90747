"""Channel-neutral message parts: response templates from the domain, buttons from the vocabulary.

Every sentence lives in the domain (`domain/`: conversation) or the knowledge YAML (medicine);
this module only fills templates and lists.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from pht.domain import render  # noqa: F401 (the adapter's one way to fill a response)
from pht.triage import Knowledge
from pht.triage.engine import join_words

from .senders import prefix_of

Button = Dict[str, str]
STAFF_SLOT = "staff_entered"
STAFF_CHANNEL = "staff"  # channels/staff.py: the reception page's channel, behind a shared secret
STAFF_SENDER_PREFIX = prefix_of(STAFF_CHANNEL)  # the sender ids that channel, and only it, builds


def staff_entered(slots: Optional[Mapping[str, Any]]) -> bool:
    """Whether clinic staff fill this pre-screen in with or for a patient (third-person wording).
    The slot is set only on the staff channel (`on_staff_channel`): never by what someone types."""
    return bool(slots and slots.get(STAFF_SLOT))


def on_staff_channel(sender_id: str, input_channel: Optional[str]) -> bool:
    """Whether a conversation comes from the reception page's staff channel: its messages come
    in through that channel, whose route needs the reception server's secret, and its id is
    one that channel built. Every channel prefixes the ids it creates and accepts no other
    channel's prefix from a client, so no patient-facing channel can reach a `staff:` id."""
    return input_channel == STAFF_CHANNEL and sender_id.startswith(STAFF_SENDER_PREFIX)


def question_text(spec: Mapping[str, Any], key: str, slots: Optional[Mapping[str, Any]]) -> str:
    """A vocabulary question (`question`, `more_question`, `confirm_question`), in the third
    person (`staff_...`) when staff fill the pre-screen in."""
    return spec.get(f"staff_{key}", spec[key]) if staff_entered(slots) else spec[key]


def plain_words(knowledge: Any, field: str, value: str) -> str:
    """A danger sign in the plain words the assistant names it by (its label when it has none)."""
    plain = knowledge.vocabulary["corrections"].get("plain", {}).get(value)
    return plain or knowledge.fields[field]["values"][value]["label"].lower()


def join_items(items: Iterable[str], domain: Mapping[str, Any]) -> str:
    """'a, b and c' with the domain's word for 'and'."""
    return join_words(list(items), render(domain, "utter_word_and"))


def bullet_list(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def answer_buttons(field: str, knowledge: Knowledge) -> List[Button]:
    """Buttons for a question. A button's payload is a phrase the reader understands."""
    spec = knowledge.fields[field]
    kind = spec["kind"]
    if kind == "boolean":
        return yes_no_buttons(knowledge)
    if kind == "number":
        unit = spec.get("unit", "")
        return [
            {"title": button["label"], "payload": f"{button['value']} {unit}".strip()}
            for button in spec.get("buttons", [])
        ]
    buttons = [
        {"title": entry["label"], "payload": str(entry["synonyms"][0])}
        for entry in spec.get("values", {}).values()
    ]
    if "none_label" in spec:
        buttons.append({"title": spec["none_label"], "payload": str(knowledge.vocabulary["answers"]["none"][0])})
    return buttons


def yes_no_buttons(knowledge: Knowledge) -> List[Button]:
    """Yes / No / Not sure, with payloads the reader understands."""
    answers, labels = knowledge.vocabulary["answers"], knowledge.vocabulary["answer_labels"]
    return [{"title": labels[answer], "payload": str(answers[answer][0])} for answer in ("affirm", "deny", "unsure")]


def value_labels(field: str, values: Iterable[Any], knowledge: Knowledge) -> List[str]:
    """Lay labels for canonical values, lower-cased for use inside a sentence."""
    entries = knowledge.fields[field].get("values", {})
    return [entries[value]["label"].lower() if value in entries else str(value) for value in values]


# How long, said as a person would: days up to two weeks, weeks up to two months, months up
# to two years (whole years as years), then years; the words are domain responses, for one
# and for more than one
_SPOKEN_UNITS = ((14, 1, "day"), (60, 7, "week"), (730, 365 / 12, "month"), (None, 365, "year"))
_SPOKEN_WORDS = {
    ("day", False): "utter_word_day", ("day", True): "utter_word_days",
    ("week", False): "utter_word_week", ("week", True): "utter_word_weeks",
    ("month", False): "utter_word_month", ("month", True): "utter_word_months",
    ("year", False): "utter_word_year", ("year", True): "utter_word_years",
}


def spoken_days(days: Any, domain: Mapping[str, Any]) -> str:
    """A number of days in words: "about 3 years", "about 18 months", "about 6 weeks"."""
    whole_years = float(days) >= 365 and float(days) % 365 == 0  # "a year", "two years" as read
    for below, size, unit in _SPOKEN_UNITS[-1:] if whole_years else _SPOKEN_UNITS:
        if below is None or float(days) < below:
            count = max(1, round(float(days) / size))
            return render(domain, _SPOKEN_WORDS[unit, count > 1], count=count)
    raise ValueError(days)  # not reached: the last unit has no limit


def findings_summary(findings: Mapping[str, Any], knowledge: Knowledge, domain: Mapping[str, Any]) -> List[str]:
    """Each known finding restated in lay words, in question order. A screen's signs answered
    "not sure" are said as such: such a screen is never "none"."""
    lines = []
    for field in knowledge.question_order:
        unsure = (findings.get("unsure") or {}).get(field) or []
        if field not in findings and not unsure:
            continue
        spec, value = knowledge.fields[field], findings.get(field, [])
        if spec["kind"] == "boolean":
            shown = render(domain, "utter_word_yes" if value else "utter_word_no")
        elif spec["kind"] == "list":
            labels = value_labels(field, value, knowledge)
            shown = join_items(labels, domain) if labels else render(domain, "utter_word_none")
            if unsure:
                doubt = render(domain, "utter_word_not_sure_about",
                               items=join_items(value_labels(field, unsure, knowledge), domain))
                shown = f"{join_items(labels, domain)}, {doubt}" if labels else doubt
        elif spec["kind"] in {"choice", "text"}:
            shown = value_labels(field, [value], knowledge)[0]
        elif spec.get("unit") == "days":
            shown = spoken_days(value, domain)  # "for about 3 years", not "for about 1095 days"
        else:
            shown = str(value)
        lines.append(spec["summary"].format(value=shown))
    return lines
