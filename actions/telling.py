"""Whether a message told of the pain, whatever intent the classifier gave it (issue 19).

Before the questions a story must get the welcome and the questions, never "I can only help
with ...", a goodbye, "Start again?" or a request for a person: real stories were taken for
each ("night time is the worst" for goodbye). The actions of those intents ask here first.
"""
from __future__ import annotations

from typing import Any, Dict

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction

from pht.language.questions import question_form
from pht.state import ASSESSMENT_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT, findings_fields
from pht.triage import load_knowledge


def before_the_questions(tracker: Tracker) -> bool:
    """Whether the questions have not begun and no outcome was given."""
    return not (tracker.active_loop_name or tracker.get_slot(ASSESSMENT_SLOT))


def asks_for_the_prescreen(tracker: Tracker) -> bool:
    """Before the questions and any outcome, "any advice?", "help!" or "what should I do?" on
    its own asks for what the pre-screen does: the welcome, not an FAQ snippet nor "I can only
    help with ..."."""
    return before_the_questions(tracker) and question_form().only_asks_for_help(tracker.latest_message.get("text") or "")


def described_pain_just_now(tracker: Tracker) -> bool:
    """Before the questions and before any outcome, whether the reader found findings or a
    danger sign to confirm in the latest message ("inner thigh I think", "my bowel habits are a
    bit weird lately"), or it tells of a pain the reader could not place ("a sharp pain coursed
    through my right hamstring muscle"): then it describes the pain, whatever intent the NLU
    gave it, and gets the welcome rather than "I can't help with that"."""
    if not before_the_questions(tracker):
        return False
    return told_findings(tracker) or question_form().tells_of_pain(tracker.latest_message.get("text") or "")


def told_own_story(tracker: Tracker) -> bool:
    """Before the questions, whether the latest message described the pain, or is a first-person
    account that asks nothing, read or not: a story of a fall in words the classifier knew none
    of, taken for nothing it could name or for an off-topic remark or a question, gets the
    welcome rather than "Sorry, I didn't understand". Not for a stop, a goodbye or a request for
    a person, which keep their reply without findings ("I'd rather ring the clinic myself
    tomorrow morning" is no story)."""
    return described_pain_just_now(tracker) or (
        before_the_questions(tracker) and question_form().tells_own_account(tracker.latest_message.get("text") or ""))


def told_findings(tracker: Tracker) -> bool:
    """Whether the latest message told findings or a danger sign to confirm (the welcome repeats
    the findings back; the questions ask the confirming question first)."""
    fields = set(findings_fields()) | {MENTIONED_SLOT, POSSIBLE_SLOT}
    return any(name in fields for name in _set_this_turn(tracker))


def _set_this_turn(tracker: Tracker) -> Dict[str, Any]:
    """The slots the latest message set to something (the reading of it), by name."""
    set_now: Dict[str, Any] = {}
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("value") not in (None, [], {}):
            set_now.setdefault(event.get("name"), event.get("value"))
    return set_now


WELCOME_INSTEAD = [FollowupAction("action_welcome")]


def told_instead(tracker: Tracker) -> bool:
    """Before the questions and any outcome, whether a message the classifier took for a
    pleasantry or a command told of the pain instead, without the command's own words: "night
    time is the worst" (goodbye), "a few days later, my leg was still swollen" (goodbye), "the
    stream is just a dribble now and it takes ages to start" (start again), "I'm not getting
    morning erections any more" (stop). It gets the welcome and the questions, never a goodbye."""
    if not described_pain_just_now(tracker):
        return False
    if told_danger_sign(tracker):
        return True  # "the stream is just a dribble now and it takes ages to start" starts nothing
    return not says_its_words(tracker)


def says_its_words(tracker: Tracker) -> bool:
    """Whether the latest message holds the words of the intent it was taken for (vocabulary
    `commands`): a goodbye or a thank-you without them gets "Sorry, I didn't understand"."""
    latest = tracker.latest_message
    return question_form().commands_to(latest.get("text") or "", latest.get("intent", {}).get("name") or "")


def told_danger_sign(tracker: Tracker) -> bool:
    """Whether the latest message told a danger sign, stated or to confirm."""
    screens = {name for name, spec in load_knowledge().fields.items() if spec.get("screen")}
    set_now = _set_this_turn(tracker)
    return bool(set(set_now) & (screens | {POSSIBLE_SLOT}) or set(set_now.get(MENTIONED_SLOT) or {}) & screens)
