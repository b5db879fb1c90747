"""What one message means for the pre-screen: the state and the message in, the changes out.

`read_message_into(state, message, asked)` decides, without Rasa, which findings a message
sets, which it only mentions in passing (they count, and the question is still asked), which
danger signs it only possibly mentions (one confirming question each), what it corrects
("actually, ...") and how it answers a confirming question. The Rasa SDK adapter
(actions/forms.py `action_extract_findings`) maps the slots in and the changes out as events;
`state` is the pre-screen's state as pht/state.py names it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .language.corrections import says_that_is_wrong
from .language.questions import question_form
from .language.reader import NOT_SURE, is_correction, shared_reader
from .state import (
    CONFIRM_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT, findings_from_slots, held_to_confirm, ruled_out_answers,
)
from .triage import Engine, load_knowledge

CORRECTED_SLOT = "corrected"  # answers the last message changed, to acknowledge
# Intents that leave the form for a rule (explain, restart, stop ...) when nothing was read.
DIGRESSION_INTENTS = {"ask_why", "faq", "go_back", "start_over", "stop", "goodbye", "out_of_scope", "thank", "greet",
                      "delete_my_data", "staff_mode", "ask_for_person", "EXTERNAL_handed_back"}
# Messages that ask rather than answer ("can I keep running?"): only danger signs are read
# from what they ask, and what they tell of the pain is read in full ("My sit bone hurts when I
# sit. Should I stop running?"); so is all of a message whose sentences ask nothing, or that the
# classifier is unsure of (a story the classifier took for an FAQ question, an answer it took
# for off-topic). Commands ("stop", "go back") are short: if one still answers the question asked
# ("about twenty days"), it was an answer the classifier got wrong.
QUESTION_INTENTS = {"faq", "ask_why", "out_of_scope"}
STORY_WORDS = 15  # an answer longer than this is a story: only its opening clause says yes or no
# a message longer than this is a long story: an urgent danger sign read in passing from it is
# repeated back once (`_told_signs`); the reader's misreadings are of long stories (issue 19)
LONG_STORY_WORDS = 40
COMMAND_INTENTS = {"start_over", "stop", "goodbye", "go_back", "delete_my_data", "staff_mode"}
SURE = 0.8
URGENT, EMERGENCY = "urgent", "emergency"

Changes = List[Tuple[str, Any]]  # (state key, new value), in order: a later one wins


@dataclass(frozen=True)
class Message:
    """A message as the classifier saw it."""
    text: str
    intent: Optional[str] = None
    confidence: float = 1.0
    corrects: bool = False  # it answers "Which answer is wrong?": what it tells corrects the answers


def read_message_into(state: Mapping[str, Any], message: Message, asked: Optional[str],
                      denying: bool = False) -> Changes:
    """The changes `message` makes to the pre-screen's `state`, the question `asked` being the
    field (or confirming question) just asked. While it denies something it repeated back
    (`denying`), only danger signs are read from it."""
    knowledge = load_knowledge()
    text = message.text
    field_asked = asked if asked in knowledge.fields and not denying else None
    reading = shared_reader().reading(text, field_asked)
    found = reading.findings
    sure = message.confidence >= SURE
    told, question = question_form().told_and_asks(text) if sure and message.intent in QUESTION_INTENTS else ("", False)
    told = told if question and not denying else ""
    if told:  # "My sit bone hurts when I sit. Should I stop running?": the story is read in full
        found = {**shared_reader().read(told, field_asked),
                 **{field: value for field, value in found.items() if knowledge.fields[field].get("screen")}}
    if asked in knowledge.fields and knowledge.fields[asked].get("screen") and isinstance(found.get(asked), list):
        known = set(state.get(asked) or []) | set((state.get(MENTIONED_SLOT) or {}).get(asked) or [])
        known |= {sign["value"] for sign in state.get(POSSIBLE_SLOT) or [] if sign["field"] == asked}
        implied = {name for value in found[asked] if value in knowledge.fields[asked]["values"]
                   for name in knowledge.fields[asked]["values"][value].get("implies") or {}}
        story = [field for field in found if not knowledge.fields[field].get("screen") and field not in implied]
        if found[asked] and set(found[asked]) <= known and story:
            # the story told again to a safety screen names only the signs already known, and
            # says nothing of the others: they are asked one at a time, not taken as absent
            found = {**found, asked: NOT_SURE}
    if asked is not None and asked not in found and _tells_only_ruled_out(state, asked, reading.possible):
        found = {**found, asked: []}  # "apart from that?" answered with the same words again: none
    only_danger_signs = denying or (question and not told) or (
        sure and message.intent in COMMAND_INTENTS and asked not in found)
    correcting = is_correction(text) or says_that_is_wrong(text) or message.corrects
    changes = _possible_signs(state, message, reading.possible, asked, found, sure)
    state = {**state, **dict(changes)}  # a sign told in a story and now answered "no" is out
    found = _without_signs_said_no(state, found, text, asked)
    earlier = (state.get(MENTIONED_SLOT) or {}).get(asked or "")
    if asked in knowledge.fields and asked not in found and held_to_confirm(earlier) and not denying:
        if shared_reader().yes_or_no(_answering_words(text, found)):  # a story's yes or no opens it
            found = {**found, asked: earlier}  # "yes" to "you mentioned pain here: ...; is that it?"
    corrected: Dict[str, Any] = {}
    mentioned = dict(state.get(MENTIONED_SLOT) or {})
    for field, value in found.items():
        spec = knowledge.fields[field]
        current = state.get(field)
        if value == NOT_SURE and field != asked:
            continue
        if current == NOT_SURE and spec["kind"] != "list" and field != asked:
            # the person could not say before and tells it now ("hmm, hard to say" to how it
            # started, then "I fell from standing onto my bottom"): as if not yet answered
            current = None
        if only_danger_signs and not spec.get("screen"):
            continue  # "can I keep running?" is no report of running; danger signs always count
        if field != asked and current is not None and spec["kind"] != "list":
            if not correcting:
                continue  # a passing mention does not overwrite an answer; "actually, ..." does
            corrected[field] = value
        if spec.get("confirm_question") and field != asked and current is None and field not in mentioned:
            engine, findings = Engine(knowledge), findings_from_slots({**state, **found, MENTIONED_SLOT: mentioned}, knowledge)
            if (engine.fits_better_with_another(findings, field) or engine.raises_urgency(findings, field)
                    or (spec.get("confirm_whenever_urgency_depends") and not shared_reader().told_plainly(field, text)
                        and engine.urgency_depends_on(findings, field))):
                # confirmed when asked: the fit or the urgency depends on it (it still counts
                # until then, and if the question gets no usable answer)
                mentioned[field] = value
                continue
        if (spec.get("screen") or spec["kind"] == "list") and field != asked and current is None:
            # in passing: counts at once, but is not yet the whole answer
            mentioned[field] = list(dict.fromkeys(mentioned.get(field, []) + value))
            continue
        if spec["kind"] == "list" and isinstance(current, list) and value:
            value = list(dict.fromkeys(current + value))
        if value != current:
            changes.append((field, value))
    if mentioned != (state.get(MENTIONED_SLOT) or {}):
        changes.append((MENTIONED_SLOT, mentioned))
    changed = {field: value for field, value in corrected.items() if value != state.get(field)}
    if changed:
        changes.append((CORRECTED_SLOT, changed))  # to acknowledge: the form says what it changed
    after = {**state, **dict(changes)}
    before = after.get(POSSIBLE_SLOT) or []
    after[POSSIBLE_SLOT] = before + _told_signs(state, after, found, text, asked, denying)
    signs = follow_up_signs(after)
    if signs != before:
        changes.append((POSSIBLE_SLOT, signs))
    return changes


def _tells_only_ruled_out(state: Mapping[str, Any], asked: str, possible: Mapping[str, List[str]]) -> bool:
    """Whether an answer to a safety question asked again "apart from that" only possibly tells
    the signs just ruled out (the same answer told again, `ruled_out_answers`)."""
    ruled_out = set(ruled_out_answers(state, asked))
    repeated = set(possible.get(asked) or [])
    return bool(ruled_out and repeated) and repeated <= ruled_out


def _without_signs_said_no(state: Mapping[str, Any], found: Mapping[str, Any], text: str,
                           asked: Optional[str]) -> Dict[str, Any]:
    """`found` without the signs repeated back from a story and answered "no", when a long
    story reads them again in passing (the story told once more): the same misreading, not
    news. Said plainly in a shorter message, or in the answer to the sign's own safety
    question, a sign counts again."""
    said_no = {(sign["field"], sign["value"]) for sign in state.get(POSSIBLE_SLOT) or []
               if sign.get("told") and sign["answer"] == "no"}
    if not said_no or len(text.split()) <= LONG_STORY_WORDS:
        return dict(found)
    kept: Dict[str, Any] = {}
    for field, values in found.items():
        if isinstance(values, list) and values and field != asked:
            values = [value for value in values if (field, value) not in said_no]
            if not values:
                continue  # only the signs said no to: nothing told of this field
        kept[field] = values
    return kept


def _told_signs(state: Mapping[str, Any], after: Mapping[str, Any], found: Mapping[str, Any], text: str,
                asked: Optional[str], denying: bool) -> List[Dict[str, Any]]:
    """The danger signs a story tells in passing that make the outcome urgent: they are
    recorded at once (policy v3) and repeated back once, each with its own question, so that a
    misreading of a long story can be taken out ("no" takes it out; anything unclear keeps it).
    A sign that is an emergency on its own is not repeated back: it ends the questions; nor is
    one that on its own sends the person for care today (a swollen calf, a possible clot):
    a "no" to it is not worth the risk of the clot missed."""
    if denying or len(text.split()) <= LONG_STORY_WORDS:
        return []
    knowledge = load_knowledge()
    known = {(sign["field"], sign["value"]) for sign in after.get(POSSIBLE_SLOT) or []}
    new = [(field, value) for field in knowledge.rules["screens"]["fields"]
           if field != asked and isinstance(found.get(field), list) for value in found[field]
           if value not in set(state.get(field) or []) | set((state.get(MENTIONED_SLOT) or {}).get(field) or [])
           and (field, value) not in known]
    if not new:
        return []
    engine = Engine(knowledge)
    levels = knowledge.rules["urgency"]["levels"]  # from the most urgent: a lower rank is more urgent
    findings = engine.erring_safe(findings_from_slots(after, knowledge))

    def rank(these: Dict[str, Any]) -> int:
        return levels.index(engine.urgency(these)[0]["level"])

    def care_now(field: str, value: str) -> bool:  # an emergency, or care today, on its own
        alone = engine.urgency({field: [value]})[0]
        return alone["level"] == EMERGENCY or bool(alone.get("today"))

    now = rank(findings)
    if now > levels.index(URGENT):
        return []
    return [{"field": field, "value": value, "answer": None, "was_the_answer": False, "told": True}
            for field, value in new if not care_now(field, value)
            and now < rank({**findings, field: [other for other in findings.get(field) or [] if other != value]})]


def _is_story(text: str, found: Mapping[str, Any]) -> bool:
    """Whether an answer is a story (findings of its own, or over STORY_WORDS words)."""
    return bool(found) or len(text.split()) > STORY_WORDS


def _answering_words(text: str, found: Mapping[str, Any]) -> str:
    """The words of an answer that say yes, no or not sure: all of a short answer, a story's
    opening ones only ("It is the first scan ..." is no "it is"; "maybe 8 months" inside no "maybe")."""
    return shared_reader().opening_answer(text) if _is_story(text, found) else text


def follow_up_signs(state: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The follow-up questions the findings so far call for (vocabulary.yml `follow_ups`),
    added once each to the possible signs to ask."""
    engine = Engine()
    findings = findings_from_slots(state, engine.knowledge)
    signs = list(state.get(POSSIBLE_SLOT) or [])
    known = {(sign["field"], sign["value"]) for sign in signs}
    for item in engine.knowledge.vocabulary.get("follow_ups", []):
        (field, value), = item["ask"].items()
        if (field, value) in known or value in (findings.get(field) or []):
            continue
        if engine._holds(item["when"], engine.erring_safe(findings)):
            signs.append({"field": field, "value": value, "answer": None, "was_the_answer": False, "follow_up": True})
    return signs


def going_back(state: Mapping[str, Any], asked: Optional[str]) -> Optional[Changes]:
    """What "go back" changes: the answer before the question `asked` now is cleared, so that
    it is asked again; None when there is nothing to go back to.

    During the confirming questions that is the sign answered last (one sign at a time: the
    previous sign), or, before the first of a screen's signs, that screen's whole question;
    otherwise the last question answered before the one asked now, in the form's order (never
    a finding told in passing that the form has not reached: "running" from the first
    message stays)."""
    signs = [dict(sign) for sign in state.get(POSSIBLE_SLOT) or []]
    if asked == CONFIRM_SLOT and signs:
        pending = next((index for index, sign in enumerate(signs) if sign["answer"] is None), len(signs))
        answered = [index for index in range(pending) if signs[index]["answer"] is not None]
        if answered:
            sign = signs[answered[-1]]
            changes: Changes = []
            if sign.get("was_the_answer") and state.get(sign["field"]) is not None:
                changes.append((sign["field"], None))  # its answer was the screen's answer
            sign["answer"] = None
            sign.pop("reasked", None)
            return changes + [(POSSIBLE_SLOT, signs), ("requested_slot", None)]
        if pending < len(signs) and signs[pending].get("one_by_one"):
            field = signs[pending]["field"]
            rest = [sign for sign in signs if not (sign.get("one_by_one") and sign["field"] == field)]
            return [(POSSIBLE_SLOT, rest), (field, None), ("requested_slot", None)]
    order = load_knowledge().question_order
    position = order.index(asked) if asked in order else next(
        (index for index, field in enumerate(order) if state.get(field) is None), len(order))
    answered_fields = [field for field in order[:position] if state.get(field) is not None]
    if not answered_fields:
        return None
    return [(answered_fields[-1], None), ("requested_slot", None)]


def _possible_signs(state: Mapping[str, Any], message: Message, possible: Mapping[str, List[str]],
                    asked: Optional[str], found: Mapping[str, Any], sure: bool) -> Changes:
    """Record the answer to a confirming question, and any new possible danger signs.

    The answer "no" rules the sign out and "yes" counts; "not sure" or anything unclear is
    recorded unsure (policy v3), except that a cauda equina sign first gets its one re-ask
    in concrete words (`concrete`), and only an unclear answer to that is unsure. A message
    that answers neither way but tells something else (the story told again) asks the
    question once more first. Only a sure digression ("why do you ask?") leaves it
    unanswered."""
    text = message.text
    signs = [dict(sign) for sign in state.get(POSSIBLE_SLOT) or []]
    changes: Changes = []
    pending = next((sign for sign in signs if sign["answer"] is None), None)
    if asked == CONFIRM_SLOT and pending:
        # a story (the first message told again, or findings of its own) answers yes or no only
        # in its opening clause: "no longer sore", "yes" or "odd" deep inside it answer nothing
        story = _is_story(text, found)
        answer = _answering_words(text, found)
        said = shared_reader().yes_or_no(answer)
        digression = sure and message.intent in DIGRESSION_INTENTS
        told_now = found.get(pending["field"])
        stated = pending["value"] in (told_now if isinstance(told_now, list) else [])  # the sign itself, told again
        if said is not None or stated or not (digression and not found):
            concrete = load_knowledge().fields[pending["field"]]["values"][pending["value"]].get("concrete")
            if said is not None and pending.get("reasked") and concrete and not stated:
                said = said != (concrete["normal"] == "yes")  # the sign is there when the answer is not the normal one
            elif said is None and concrete and not story and shared_reader().says_abnormal(text):
                said = True  # "it feels different on one side", "not numb, just different": altered feeling is the sign
            said = True if stated else said
            # one sign of a screen asked alone: words that say nothing usable are counted and
            # asked again by the form (a cauda equina sign in its concrete words), not unsure
            unsure = shared_reader().says_not_sure(answer)
            unusable = pending.get("one_by_one") and said is None and not unsure
            if (said is None and found and not concrete and not pending.get("one_by_one")
                    and not pending.get("asked_again") and not unsure):
                # no answer but something else told instead (the story again, another finding):
                # the question is asked once more before the sign counts as unclear (err safe)
                pending["asked_again"] = unusable = True
            if said is None and concrete and not pending.get("reasked"):
                pending["reasked"] = True  # asked again at once, in the warning card's words
                if not unusable:
                    changes.append((CONFIRM_SLOT, "reask"))
            elif not unusable:  # an unusable answer leaves the sign unanswered: the form counts it
                unclear = "unsure" if pending.get("reasked") else "unclear"
                words: Dict[Optional[bool], str] = {True: "yes", False: "no"}
                pending["answer"] = words.get(said, unclear)
                changes.append((CONFIRM_SLOT, pending["answer"]))
                if pending.get("told") and pending["answer"] == "no":
                    changes += _taken_out(state, pending["field"], pending["value"])
                if (pending.get("was_the_answer") and state.get(pending["field"]) is None and pending["answer"] == "yes"
                        and not any(sign.get("one_by_one") and sign["field"] == pending["field"] for sign in signs)):
                    # it was the whole answer to its own question: now that answer is known; not
                    # confirmed, the question is asked again "apart from that" (`ruled_out_answers`)
                    changes.append((pending["field"], [pending["value"]]))
    known = {(sign["field"], sign["value"]) for sign in signs}
    for field, values in possible.items():
        already = set(found.get(field) or []) | set(state.get(field) or [])
        already |= set((state.get(MENTIONED_SLOT) or {}).get(field, []))
        whole_answer = field == asked and field not in found
        signs += [{"field": field, "value": value, "answer": None, "was_the_answer": whole_answer}
                  for value in values if (field, value) not in known and value not in already]
    changes += _screens_answered_one_by_one(state, signs, found)
    if signs != (state.get(POSSIBLE_SLOT) or []):
        changes.append((POSSIBLE_SLOT, signs))
    return changes


def _taken_out(state: Mapping[str, Any], field: str, value: str) -> Changes:
    """The changes that take a sign read from a story out of its field and its passing mentions."""
    changes: Changes = []
    if value in (state.get(field) or []):
        changes.append((field, [other for other in state[field] if other != value]))
    mentioned = dict(state.get(MENTIONED_SLOT) or {})
    if value in (mentioned.get(field) or []):
        rest = [other for other in mentioned[field] if other != value]
        if rest:
            mentioned[field] = rest
        else:
            del mentioned[field]
        changes.append((MENTIONED_SLOT, mentioned))
    return changes


def _screens_answered_one_by_one(state: Mapping[str, Any], signs: List[Dict[str, Any]],
                                 found: Mapping[str, Any]) -> Changes:
    """A sign still to be asked alone that the person has now stated counts as present; a
    screen whose every sign is answered gets its answer: the signs present (the others are
    absent or unsure, each recorded with its own state)."""
    changes: Changes = []
    mentioned = state.get(MENTIONED_SLOT) or {}
    for sign in signs:
        field = sign["field"]
        if sign.get("one_by_one") and sign["answer"] is None and sign["value"] in (
                set(found.get(field) or []) | set(mentioned.get(field) or [])):
            sign["answer"] = "yes"
    for field in dict.fromkeys(sign["field"] for sign in signs if sign.get("one_by_one")):
        own = [sign for sign in signs if sign["field"] == field]
        if state.get(field) is None and all(sign["answer"] is not None for sign in own):
            present = [sign["value"] for sign in own if sign["answer"] == "yes"]
            changes.append((field, list(dict.fromkeys(list(mentioned.get(field) or []) + present))))
    return changes
