"""How the assistant does on real patient language (tests/real/, issue 19): `make evaluate-real`.

Two parts, on the tuning stories and on the held-out ones:

- reader: `Reader.reading(text)` on each story's text, compared field by field with its
  `first_message` annotation: micro precision and recall, overall and per field; danger-sign
  recall in the first message (a sign read present or only possibly, to be confirmed, both
  count); danger signs read that the text does not state; denied signs (`absent:`) read.
- conversations: the real servers (harness/servers.py), one simulated person per story. The
  person sends the story's text, says "yes" to the consent question, answers each question with
  their own annotated words for the field asked (`requested_slot`), and answers a confirming
  question about a danger sign from the story's `confirms` when it names that sign ("yes",
  "no", or "I'm not sure" for `unsure`); otherwise "yes" when the story states that sign or
  their own answer to its safety question states it plainly, "no" otherwise. A
  conversation ends at the outcome, after MAX_TURNS answers (not finished), when the same
  question comes a third time (looped: in a row, or in turn with another, as a "go back" read
  into an answer does), or when nothing is asked and no outcome given (stalled: a story
  answered as an FAQ ends so). Outcomes are read from the tracker's
  `assessment` slot. Wrong urgencies are counted by kind ("routine -> urgent") and each
  over-triaged outcome by the rule that decided it: counts only, for the held-out part too.

`--told` tells each story another way that real people do, with the same expected outcome
(the conversations only; the reader part is the story as written):
- `as_written`: the story, then the annotated answers;
- `asking_for_help`: the story ends with a plain request for help ("Any advice?", "Thanks in
  advance!"), as forum posts do;
- `retold`: the person answers the first question by telling the whole story again;
- `unusable_start_and_length`: the answers to how it started and how long it has lasted cannot
  be used ("hmm, hard to say"), so whatever was read from the story must hold.

The tuning part is reported in full, story by story with its misses. The held-out part is
reported as aggregate figures only: no id, text or miss of a held-out story is ever printed or
written (tests/real/README.md, "The held-out rule"). Figures go to results/real/{tune,heldout}.json.

Usage: python -m scripts.evaluate_real [--part tune|heldout|both] [--limit N] [--reader-only]
                                       [--told WAY] [--workers N] [--strict] [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = ROOT / "tests" / "real"
PARTS = {"tune": REAL_DIR / "tune.yml", "heldout": REAL_DIR / "heldout.yml"}
RESULTS_DIR = ROOT / "results" / "real"
VOCABULARY_FILE = ROOT / "pht" / "triage" / "knowledge" / "vocabulary.yml"

URGENCY_ORDER = ["routine", "soon", "urgent", "emergency"]
FIT_LEVELS = {"high", "moderate", "low"}
ACT_NOW = {"emergency", "urgent"}
# Policy version 3 additions the set is annotated with, which the vocabulary may not carry yet
# (tests/real/README.md): they count, so the figures show what reading them would buy.
V3_KINDS = {"trend": "choice", "sitting_minutes": "number"}
V3_RED_FLAGS = {"both_legs_pain", "chest_symptoms"}
# A duration is read right within this share of the annotated one ("last month": 30 or 31).
DURATION_TOLERANCE = 0.25
MAX_TURNS = 30
LOOP_REPEATS = 3
CONSENT_ACTIONS = {"utter_ask_consent", "utter_shall_we_go_on"}
FAQ_ACTION = "utter_faq"  # the FAQ responses are utter_faq/<topic>, said by a rule or an action
FORM_NAME = "assessment_form"
CONFIRM_SLOT = "danger_check"
YES, NO, UNSURE = "yes", "no", "unsure"  # UNSURE: a `confirms` value (tests/real/README.md)
# When the assistant asks about injury signs a story has no answer for, it has read a sudden
# start into a gradual one: the person says what such a person would.
# the questions whose answers may state a danger sign the story did not (`answer_signs`)
SAFETY_ANSWERS = ("injury_signs", "red_flags", "neuro_symptoms")
UNANNOTATED_ANSWERS = {"injury_signs": "no, nothing like that"}
UNSURE_ANSWER = "I'm not sure"

# Closing words of forum posts that ask only for help (`--told asking_for_help`), in turn
HELP_REQUESTS = ["Any advice would be appreciated.", "Has anyone else had this?", "Thanks in advance!",
                 "What could this be?", "Any ideas?"]
UNUSABLE_ANSWER = "hmm, hard to say"
TOLD = ["as_written", "asking_for_help", "retold", "unusable_start_and_length"]

TARGETS = [  # (figure, comparison, target): the acceptance of issue 19, on the held-out part
    ("urgency_right", ">=", 0.95),
    ("under_triaged", "==", 0),
    ("over_triage_rate", "<=", 0.03),
    ("findings_precision", ">=", 0.90),
    ("findings_recall", ">=", 0.85),
    ("answered_as_faq", "==", 0),
    ("finished_rate", ">=", 0.95),
    ("median_questions", "<=", 8),
]


# --- the vocabulary, as the set is annotated ----------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """Field kinds and the danger-sign values, with the policy v3 additions."""

    kinds: Mapping[str, str]
    red_flags: Set[str]
    injury_signs: Set[str]
    known_fields: Set[str]  # fields the assistant's vocabulary has today
    # for a free-text field with values (sport), each value's label and synonyms, lower case,
    # to the value: the assistant keeps "walking" for "speed walking", and so does the score
    text_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def danger_field(self, sign: str) -> str:
        """The findings field a danger sign is read into."""
        if sign in self.red_flags:
            return "red_flags"
        if sign in self.injury_signs:
            return "injury_signs"
        return "neuro_symptoms"  # leg_weakness


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    fields = yaml.safe_load(path.read_text(encoding="utf-8"))["fields"]
    kinds = {name: spec["kind"] for name, spec in fields.items()}
    text_names = {name: {**{word.lower(): value for value, spec_of_value in spec["values"].items()
                            for word in [value, spec_of_value.get("label", value), *spec_of_value.get("synonyms", [])]},
                         # a sport kept by the name of the sport that takes it in: softball is baseball
                         **{word.lower(): value for value, words in spec.get("named", {}).items()
                            for word in words if not word.startswith("=")}}
                  for name, spec in fields.items() if spec["kind"] == "text" and spec.get("values")}
    return Vocabulary(kinds={**V3_KINDS, **kinds},
                      red_flags=set(fields["red_flags"]["values"]) | V3_RED_FLAGS,
                      injury_signs=set(fields["injury_signs"]["values"]),
                      known_fields=set(fields), text_names=text_names)


def load_part(name: str) -> List[Dict[str, Any]]:
    return yaml.safe_load(PARTS[name].read_text(encoding="utf-8"))["stories"]


# --- scoring (pure functions: tests/test_evaluate_real.py) --------------------------------

@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> Dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": rounded(self.precision), "recall": rounded(self.recall)}


def rounded(value: Optional[float], places: int = 3) -> Optional[float]:
    return None if value is None else round(value, places)


def same_value(field_name: str, expected: Any, read: Any) -> bool:
    """Whether a read single value is the annotated one (durations within a tolerance)."""
    if isinstance(expected, bool) or isinstance(read, bool):
        return expected is read
    if field_name == "duration_days" and isinstance(expected, (int, float)) and isinstance(read, (int, float)):
        return abs(expected - read) <= DURATION_TOLERANCE * max(expected, read, 1)
    if isinstance(expected, str) and isinstance(read, str):
        return expected.strip().lower() == read.strip().lower()
    return expected == read


def compare_field(field_name: str, kind: str, expected: Any, read: Any) -> Tuple[Counts, List[str]]:
    """Counts for one field, and what was missed ("-value") or read wrongly ("+value").
    A list counts each value; any other field counts as one item."""
    counts, misses = Counts(), []
    if kind == "list":
        wanted, got = set(expected or []), set(read or [])
        counts.tp = len(wanted & got)
        counts.fn, counts.fp = len(wanted - got), len(got - wanted)
        misses = [f"-{value}" for value in sorted(wanted - got)] + [f"+{value}" for value in sorted(got - wanted)]
        return counts, misses
    if expected is None and read is None:
        return counts, misses
    if expected is not None and read is not None and same_value(field_name, expected, read):
        counts.tp = 1
        return counts, misses
    if expected is not None:
        counts.fn = 1
        misses.append(f"-{expected}")
    if read is not None:
        counts.fp = 1
        misses.append(f"+{read}")
    return counts, misses


def score_findings(expected: Mapping[str, Any], read: Mapping[str, Any], kinds: Mapping[str, str],
                   text_names: Mapping[str, Mapping[str, str]] = {}) -> Dict[str, Tuple[Counts, List[str]]]:
    """Per field, the counts and misses of `read` findings against the annotated ones
    (`absent:` is not a field: see `denials_read`). An annotated free text that names one of
    the field's values (`text_names`: "speed walking") counts as that value."""
    scored = {}
    for name in sorted((set(expected) | set(read)) - {"absent"}):
        kind = kinds.get(name, "text")
        wanted = expected.get(name)
        if isinstance(wanted, str) and name in text_names:
            wanted = text_names[name].get(wanted.strip().lower(), wanted)
        counts, misses = compare_field(name, kind, wanted, read.get(name))
        if counts.tp or counts.fp or counts.fn:
            scored[name] = (counts, misses)
    return scored


def denials_read(expected: Mapping[str, Any], read: Mapping[str, Any], possible: Mapping[str, List[str]]) -> List[str]:
    """Values the text explicitly denies (`absent:`) that were read as present or possible."""
    said = {value for values in list(read.values()) + list(possible.values()) if isinstance(values, list)
            for value in values}
    return sorted(set(expected.get("absent") or []) & said)


def first_message_signs(story: Mapping[str, Any], read: Mapping[str, Any], possible: Mapping[str, List[str]],
                        vocabulary: Vocabulary) -> Dict[str, List[str]]:
    """The story's danger signs read clearly, read only possibly, and missed; and the danger
    signs read (clearly) that neither the text's danger signs nor its findings state."""
    result: Dict[str, List[str]] = {"clear": [], "possible": [], "missed": [], "unstated": []}
    stated = set(story.get("danger_signs") or [])
    for sign in sorted(stated):
        field_name = vocabulary.danger_field(sign)
        if sign in (read.get(field_name) or []):
            result["clear"].append(sign)
        elif sign in (possible.get(field_name) or []):
            result["possible"].append(sign)
        else:
            result["missed"].append(sign)
    annotated = stated | {value for values in story["first_message"].values() if isinstance(values, list)
                          for value in values}
    for field_name in ("red_flags", "injury_signs"):
        result["unstated"] += [sign for sign in read.get(field_name) or [] if sign not in annotated]
    result["unstated"] += [sign for sign in read.get("neuro_symptoms") or []
                           if sign == "leg_weakness" and sign not in annotated]
    return result


def answer_signs(story: Mapping[str, Any], reader: Any, vocabulary: Vocabulary) -> Tuple[List[str], List[str]]:
    """The story's danger signs read (clearly or only possibly) from the person's own answers to
    the safety questions, each read as the answer to its question, and those missed: a sign the
    first message missed is caught here or not at all (a reader-only look at what a
    conversation hears). Only the signs of a question the person has an answer to count (the
    injury question is asked only after a sudden start)."""
    answers = story.get("answers") or {}
    answered = {field_name for field_name in SAFETY_ANSWERS if answers.get(field_name)}
    stated = {sign for sign in story.get("danger_signs") or [] if vocabulary.danger_field(sign) in answered}
    said: Set[str] = set()
    for field_name in SAFETY_ANSWERS:
        if answers.get(field_name):
            reading = reader.reading(str(answers[field_name]), asked=field_name)
            said.update(value for values in list(reading.findings.values()) + list(reading.possible.values())
                        if isinstance(values, list) for value in values)
    return sorted(stated & said), sorted(stated - said)


def right_levels(expected: Mapping[str, Any], levels: Iterable[str], main: str) -> Set[str]:
    """The levels counted right: the annotated one and its `acceptable` alternatives of that kind."""
    levels = set(levels)
    return {expected[main]} | {level for level in expected.get("acceptable") or [] if level in levels}


def triage_class(expected: Mapping[str, Any], actual: Optional[str]) -> str:
    """"right", "under" (lower than every right level, or no outcome at all), or "over"."""
    right = right_levels(expected, URGENCY_ORDER, "urgency")
    if actual is None:
        return "under"
    if actual in right:
        return "right"
    rank = URGENCY_ORDER.index(actual)
    return "under" if rank < min(URGENCY_ORDER.index(level) for level in right) else "over"


def is_act_now_case(expected: Mapping[str, Any]) -> bool:
    return expected["urgency"] in ACT_NOW


def ratio(part: int, whole: int) -> Optional[float]:
    return rounded(part / whole) if whole else None


def met(value: Any, comparison: str, target: float) -> Optional[bool]:
    if value is None:
        return None
    return {">=": value >= target, "<=": value <= target, "==": value == target}[comparison]


def acceptance(figures: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """Each target of issue 19 with the figure and whether it is met (None: not measured)."""
    return [{"figure": name, "value": figures.get(name), "target": f"{comparison} {target}",
             "met": met(figures.get(name), comparison, target)} for name, comparison, target in TARGETS]


# --- part a: the reader -------------------------------------------------------------------

def read_stories(stories: List[Mapping[str, Any]], vocabulary: Vocabulary) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(figures, per-story records) of the reader on each story's text."""
    from pht.language.reader import shared_reader

    reader = shared_reader()
    overall, per_field = Counts(), {}
    signs = Counter()
    # by kind only, printed for the held-out part too: the signs missed in the own answers, missed
    # in the first message, and read clearly from a first message that does not state them
    answers_missed_by_sign: Counter = Counter()
    first_missed_by_sign: Counter = Counter()
    unstated_by_sign: Counter = Counter()
    records = []
    for story in stories:
        reading = reader.reading(story["text"], asked=None)
        scored = score_findings(story["first_message"], reading.findings, vocabulary.kinds, vocabulary.text_names)
        for name, (counts, _) in scored.items():
            overall.add(counts)
            per_field.setdefault(name, Counts()).add(counts)
        found_signs = first_message_signs(story, reading.findings, reading.possible, vocabulary)
        denied = denials_read(story["first_message"], reading.findings, reading.possible)
        for kind, values in found_signs.items():
            signs[kind] += len(values)
        first_missed_by_sign.update(found_signs["missed"])
        unstated_by_sign.update(found_signs["unstated"])
        signs["denied_read"] += len(denied)
        heard, unheard = answer_signs(story, reader, vocabulary)
        signs["answers_read"] += len(heard)
        signs["answers_missed"] += len(unheard)
        answers_missed_by_sign.update(unheard)
        records.append({"id": story["id"], "misses": {name: misses for name, (_, misses) in scored.items() if misses},
                        "signs": found_signs, "denied_read": denied, "answer_signs_missed": unheard,
                        "read": reading.findings, "possible": reading.possible})
    stated = signs["clear"] + signs["possible"] + signs["missed"]
    figures = {
        "stories": len(stories),
        "findings_precision": rounded(overall.precision), "findings_recall": rounded(overall.recall),
        "findings": overall.as_dict(),
        "per_field": {name: dict(counts.as_dict(), in_vocabulary=name in vocabulary.known_fields)
                      for name, counts in sorted(per_field.items())},
        "danger_signs_stated": stated,
        "danger_sign_recall_first_message": ratio(signs["clear"] + signs["possible"], stated),
        "danger_signs_read_clearly": signs["clear"], "danger_signs_read_possibly": signs["possible"],
        "danger_signs_read_unstated": signs["unstated"], "denied_signs_read": signs["denied_read"],
        "danger_sign_recall_answers": ratio(signs["answers_read"], signs["answers_read"] + signs["answers_missed"]),
        "answers_missed_by_sign": dict(answers_missed_by_sign.most_common()),
        "first_message_missed_by_sign": dict(first_missed_by_sign.most_common()),
        "unstated_read_by_sign": dict(unstated_by_sign.most_common()),
    }
    return figures, records


# --- part b: conversations ----------------------------------------------------------------

def last_turn_actions(tracker: Mapping[str, Any]) -> List[str]:
    """The actions and responses of the assistant's latest turn (after the last user message)."""
    names: List[str] = []
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name"):
            names.append(event["name"])
        if event.get("event") == "bot":
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter:
                names.append(utter)
    return names


def question_asked(tracker: Mapping[str, Any]) -> Optional[str]:
    """The form's question now waiting for an answer, if any."""
    loop = tracker.get("active_loop") or {}
    return tracker["slots"].get("requested_slot") if loop.get("name") == FORM_NAME else None


def pending_sign(slots: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    return next((sign for sign in slots.get("possible_signs") or [] if sign.get("answer") is None), None)


def confirming_answer(story: Mapping[str, Any], sign: Optional[Mapping[str, Any]]) -> str:
    """The person's answer to the confirming question about a danger sign.

    When the story's `confirms` names the sign, the answer is what it says: "yes", "no", or
    for "unsure" the same "I'm not sure" used for any question the story has no answer for.
    Otherwise "yes" to a sign the story states, or that the person's own answer to the sign's
    safety question states plainly, and "no" to any other. The re-ask in concrete words, which
    asks whether all is normal ("can you get and keep an erection as you did before?"), is
    answered the other way round; an unsure person stays unsure."""
    from pht.triage import load_knowledge

    value = sign.get("value") if sign else None
    confirms = story.get("confirms") or {}
    if sign and value in confirms:
        if confirms[value] == UNSURE:
            return UNSURE_ANSWER
        present = confirms[value] == YES
    else:
        present = bool(sign) and value in set(story.get("danger_signs") or [])
        if sign and not present and not sign.get("reasked") and sign.get("field"):
            present = tells_in_own_answer(story, sign["field"], sign["value"])
    if sign and sign.get("reasked"):
        concrete = load_knowledge().fields[sign["field"]]["values"][sign["value"]].get("concrete") or {}
        present = present != (concrete.get("normal") == YES)
    return YES if present else NO


def tells_in_own_answer(story: Mapping[str, Any], field_name: str, value: str) -> bool:
    """Whether the person's own answer to the sign's safety question states the sign plainly
    ("yes, I fell down the whole flight of stairs"): then they would say yes when asked about it
    alone. An answer that opens with a denial ("no; the fall was two years ago") or tells the
    sign only possibly ("I just fell over at walking speed") does not."""
    from pht.language.reader import shared_reader

    answer = (story.get("answers") or {}).get(field_name)
    if not isinstance(answer, str):
        return False
    reader = shared_reader()
    return reader.yes_or_no(answer) is not False and value in (reader.reading(answer, field_name).findings.get(field_name) or [])


def told_as(stories: List[Mapping[str, Any]], way: str) -> List[Dict[str, Any]]:
    """Each story told another way (`--told`); the annotations and expected outcome stay."""
    told = []
    for index, story in enumerate(stories):
        story = dict(story)
        if way == "asking_for_help":
            story["text"] = f"{story['text'].rstrip()} {HELP_REQUESTS[index % len(HELP_REQUESTS)]}"
        elif way == "retold":
            story["first_answer"] = story["text"]
        elif way == "unusable_start_and_length":
            story["answers"] = {**story["answers"], "onset": UNUSABLE_ANSWER, "duration_days": UNUSABLE_ANSWER}
        told.append(story)
    return told


def answer_for(story: Mapping[str, Any], asked: str) -> Tuple[str, bool]:
    """The person's own words for the field asked, and whether the annotation had them."""
    answers = story["answers"]
    if asked in answers and asked != "invented":
        return answers[asked], True
    return UNANNOTATED_ANSWERS.get(asked, UNSURE_ANSWER), False


def urgency_so_far(tracker: Mapping[str, Any]) -> Optional[str]:
    """The urgency the findings established so far give (None while they cannot be assessed)."""
    from pht.state import findings_from_slots
    from pht.triage import assess

    try:
        return assess(findings_from_slots(tracker["slots"]))["urgency"]
    except Exception:  # noqa: BLE001 - findings not yet assessable
        return None


@dataclass
class Talk:
    """What happened in one conversation."""

    end: str = "error"  # outcome | turns | looped | stalled | error
    urgency: Optional[str] = None
    urgency_rule: Optional[str] = None  # the first urgency rule that matched (the one that decided)
    fit: Optional[str] = None
    questions: int = 0
    asked: List[str] = field(default_factory=list)
    unannotated: List[str] = field(default_factory=list)
    faq_first: bool = False  # the first reply was an FAQ answer, though the story asks nothing
    asked_and_answered: bool = False  # the story also asks a question: answered, then the pre-screen
    findings: Dict[str, Any] = field(default_factory=dict)
    transcript: List[str] = field(default_factory=list)
    error: str = ""
    # what each message was ("the story", "the answer to onset", ...) and the urgency the
    # findings gave after it: which message first raised the urgency to where it ended
    steps: List[Tuple[str, Optional[str]]] = field(default_factory=list)
    # a conversation that stalled: the message it stalled on, the intent the classifier gave
    # it and the assistant's replies to it ("the story; goodbye: utter_goodbye"), kinds only
    stalled_on: str = ""

    def raised_by(self) -> Optional[str]:
        """The kind of message after which the findings first gave the final urgency."""
        return next((kind for kind, level in self.steps if level == self.urgency), None)


def talk(assistant: Any, sender: str, story: Mapping[str, Any]) -> Talk:
    """One simulated person through a whole pre-screen (see the module docstring)."""
    from harness.servers import Conversation
    from pht.language.questions import question_form

    result = Talk()
    conversation = Conversation(assistant, sender, {})
    try:
        tracker = conversation.send(story["text"])
        result.steps.append(("the story", urgency_so_far(tracker)))
        answered = any(name.split("/")[0] == FAQ_ACTION for name in last_turn_actions(tracker))
        asks = question_form().asks(story["text"])
        result.faq_first, result.asked_and_answered = answered and not asks, answered and asks
        for _ in range(MAX_TURNS + 1):
            slots = tracker["slots"]
            if slots.get("assessment"):
                assessment = slots["assessment"]
                result.end, result.urgency, result.fit = "outcome", assessment.get("urgency"), assessment.get("likelihood")
                result.findings = assessment.get("findings") or {}
                result.urgency_rule = (assessment.get("urgency_rules") or [None])[0]
                break
            asked = question_asked(tracker)
            if asked is None:
                if not set(last_turn_actions(tracker)) & CONSENT_ACTIONS:
                    result.end = "stalled"
                    intent = ((tracker.get("latest_message") or {}).get("intent") or {}).get("name")
                    result.stalled_on = (f"{result.steps[-1][0]}; {intent}: "
                                         + ", ".join(last_turn_actions(tracker)))
                    break
                tracker = conversation.send(YES)
                continue
            if result.questions >= MAX_TURNS:
                result.end = "turns"
                break
            sign = pending_sign(slots) if asked == CONFIRM_SLOT else None
            key = f"{asked}:{sign['value']}" if sign else asked
            if result.asked.count(key) + 1 >= LOOP_REPEATS:
                result.end = "looped"
                break
            result.questions += 1
            result.asked.append(key)
            kind = f"the answer to {asked}"
            if result.questions == 1 and story.get("first_answer"):
                text = story["first_answer"]  # `--told retold`: the whole story again
            elif asked == CONFIRM_SLOT:
                text = confirming_answer(story, sign)
                kind = (f"{text} to {sign['value']} repeated back" if sign and sign.get("told")
                        else f"{text} to a confirming question")
            else:
                text, annotated = answer_for(story, asked)
                if not annotated:
                    result.unannotated.append(asked)
                    kind = f"no annotated answer to {asked}"
            tracker = conversation.send(text)
            result.steps.append((kind, urgency_so_far(tracker)))
        else:
            result.end = "turns"
    except Exception as error:  # noqa: BLE001 - one broken conversation must not stop the others
        result.end, result.error = "error", f"{type(error).__name__}: {error}"[:300]
    result.transcript = conversation.transcript
    return result


@contextmanager
def running_assistant() -> Iterator[Any]:
    """One pair of real servers (harness/servers.py) in a temporary folder, removed afterwards."""
    from harness.servers import MODEL, ONE_TRUSTED_LOAD_CALLER, Assistant

    if not MODEL.exists():
        sys.exit("no trained model: run `make train` first")
    with tempfile.TemporaryDirectory(prefix="pht-evaluate-") as workdir:
        # one trusted REST caller starts every story's conversation (harness/servers.py)
        assistant = Assistant(Path(workdir), env=dict(ONE_TRUSTED_LOAD_CALLER)).start()
        try:
            yield assistant
        finally:
            assistant.stop()


def run_conversations(assistant: Any, stories: List[Mapping[str, Any]], part: str, workers: int) -> List[Talk]:
    """Every story's conversation, a few at a time against the same servers. The senders
    carry a number, never a story id: held-out ids stay out of the conversation store too."""
    stamp = int(time.time())
    senders = [f"evaluate-{part}-{stamp}-{index:03d}" for index in range(len(stories))]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda pair: talk(assistant, *pair), zip(senders, stories)))


def conversation_figures(stories: List[Mapping[str, Any]], talks: List[Talk], vocabulary: Vocabulary,
                         first_signs: List[Dict[str, List[str]]]) -> Dict[str, Any]:
    """Aggregate figures of the conversations (no ids)."""
    total = len(stories)
    ends = Counter(talk.end for talk in talks)
    finished = [talk for talk in talks if talk.end == "outcome"]
    urgency_right = fit_right = over = 0
    under_act_now = 0
    signs, confusion, over_rules, over_raised, under_confirmed = Counter(), Counter(), Counter(), Counter(), Counter()
    for story, talk, first in zip(stories, talks, first_signs):
        expected = story["expected"]
        triage = triage_class(expected, talk.urgency)
        urgency_right += triage == "right"
        over += triage == "over"
        confusion[f"{expected['urgency']} -> {talk.urgency or 'none'}"] += triage != "right"
        over_rules[talk.urgency_rule or "none"] += triage == "over"
        over_raised[talk.raised_by() or "none"] += triage == "over"
        if triage == "under" and is_act_now_case(expected):
            # which confirming answers the conversations sent lower heard (kinds only)
            confirmations = sorted({kind for kind, _ in talk.steps if kind.endswith(("confirming question", "repeated back"))})
            under_confirmed[", ".join(confirmations) or "none"] += 1
        under_act_now += triage == "under" and is_act_now_case(expected)
        fit_right += talk.fit in right_levels(expected, FIT_LEVELS, "fit")
        for sign in story.get("danger_signs") or []:
            caught = sign in (talk.findings.get(vocabulary.danger_field(sign)) or [])
            signs["stated"] += 1
            signs["caught"] += caught
            if sign in first["missed"]:
                signs["missed_first"] += 1
                signs["caught_later"] += caught
    questions = [talk.questions for talk in finished]
    return {
        "conversations": total,
        "finished": len(finished), "finished_rate": ratio(len(finished), total),
        "ends": dict(sorted(ends.items())),
        "errors": ends["error"],  # a server that failed: the other figures then say little
        "urgency_right": ratio(urgency_right, total),
        "under_triaged": under_act_now,
        "act_now_cases": sum(1 for story in stories if is_act_now_case(story["expected"])),
        "over_triaged": over, "over_triage_rate": ratio(over, len(finished)),
        "fit_right": ratio(fit_right, total),
        "median_questions": statistics.median(questions) if questions else None,
        "max_questions": max(questions) if questions else None,
        "answered_as_faq": sum(talk.faq_first for talk in talks),
        "questions_in_stories_answered": sum(talk.asked_and_answered for talk in talks),
        "unannotated_questions": sum(len(talk.unannotated) for talk in talks),
        "danger_sign_recall_by_outcome": ratio(signs["caught"], signs["stated"]),
        "danger_signs_missed_in_first_message": signs["missed_first"],
        "danger_signs_read_mid_conversation": signs["caught_later"],
        # counts only, as the other figures: which levels were confused, and which rule decided
        # each over-triaged outcome (the kinds of error, never which story)
        "urgency_wrong": {key: count for key, count in sorted(confusion.items()) if count},
        "over_triage_rules": {key: count for key, count in over_rules.most_common() if count},
        "over_triage_raised_by": {key: count for key, count in over_raised.most_common() if count},
        "sent_lower_after": {key: count for key, count in under_confirmed.most_common() if count},
        "stalled_on": dict(Counter(talk.stalled_on for talk in talks if talk.end == "stalled").most_common()),
    }


def story_conversation(story: Mapping[str, Any], talk: Talk) -> Dict[str, Any]:
    """One tuning story's conversation in full (never for a held-out story)."""
    expected = story["expected"]
    return {"id": story["id"], "end": talk.end, "urgency": talk.urgency, "fit": talk.fit,
            "expected": {key: expected.get(key) for key in ("urgency", "fit", "acceptable")},
            "triage": triage_class(expected, talk.urgency),
            "fit_right": talk.fit in right_levels(expected, FIT_LEVELS, "fit"),
            "questions": talk.questions, "asked": talk.asked, "unannotated": talk.unannotated,
            "faq_first": talk.faq_first, "findings": talk.findings, "error": talk.error,
            "raised_by": talk.raised_by(), "steps": talk.steps,
            "transcript": talk.transcript}


# --- the report ---------------------------------------------------------------------------

def heldout_report(figures: Mapping[str, Any]) -> Dict[str, Any]:
    """The held-out report: figures only, never a story's id, text or misses."""
    allowed = {"part", "measured", "told", "reader", "conversations", "acceptance"}
    return {key: value for key, value in figures.items() if key in allowed}


def evaluate_part(part: str, args: argparse.Namespace, vocabulary: Vocabulary,
                  assistant: Optional[Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(figures, per-story details: empty for the held-out part)."""
    stories = load_part(part)[: args.limit] if args.limit else load_part(part)
    reader_figures, reader_records = read_stories(stories, vocabulary)
    figures: Dict[str, Any] = {"part": part, "measured": time.strftime("%Y-%m-%d"), "told": args.told,
                               "reader": reader_figures}
    details: Dict[str, Any] = {"reader": reader_records} if part == "tune" else {}
    combined = {key: reader_figures[key] for key in ("findings_precision", "findings_recall")}
    if assistant is not None:
        stories = told_as(stories, args.told)
        talks = run_conversations(assistant, stories, part, args.workers)
        figures["conversations"] = conversation_figures(stories, talks, vocabulary,
                                                        [record["signs"] for record in reader_records])
        combined.update(figures["conversations"])
        if part == "tune":
            details["conversations"] = [story_conversation(story, talk) for story, talk in zip(stories, talks)]
            details["under_triaged"] = [story["id"] for story, talk in zip(stories, talks)
                                        if is_act_now_case(story["expected"])
                                        and triage_class(story["expected"], talk.urgency) == "under"]
    figures["acceptance"] = acceptance(combined)
    return figures, details


TABLE_ROWS = [
    ("stories", "reader", "stories"),
    ("findings precision (first message)", "reader", "findings_precision"),
    ("findings recall (first message)", "reader", "findings_recall"),
    ("danger-sign recall, first message", "reader", "danger_sign_recall_first_message"),
    ("  of which only possible (to confirm)", "reader", "danger_signs_read_possibly"),
    ("danger signs read the text does not state", "reader", "danger_signs_read_unstated"),
    ("denied signs read", "reader", "denied_signs_read"),
    ("danger-sign recall, own answers to the safety questions", "reader", "danger_sign_recall_answers"),
    ("symptom stories answered as an FAQ (asking nothing)", "conversations", "answered_as_faq"),
    ("  stories that also ask: answered, then the questions", "conversations", "questions_in_stories_answered"),
    ("finished with own answers", "conversations", "finished_rate"),
    ("urgency right", "conversations", "urgency_right"),
    ("urgent/emergency cases sent lower", "conversations", "under_triaged"),
    ("over-triage (of finished)", "conversations", "over_triage_rate"),
    ("fit right", "conversations", "fit_right"),
    ("median questions (finished)", "conversations", "median_questions"),
    ("danger-sign recall by the outcome", "conversations", "danger_sign_recall_by_outcome"),
    ("danger signs read mid-conversation", "conversations", "danger_signs_read_mid_conversation"),
    ("  of those missed in the first message", "conversations", "danger_signs_missed_in_first_message"),
    ("questions the annotation has no answer for", "conversations", "unannotated_questions"),
    ("conversations ended by an error", "conversations", "errors"),
]


def format_table(reports: Mapping[str, Mapping[str, Any]]) -> str:
    parts = list(reports)
    lines = [f"{'':46}" + "".join(f"{part:>10}" for part in parts), "-" * (46 + 10 * len(parts))]
    for label, section, key in TABLE_ROWS:
        cells = []
        for part in parts:
            value = (reports[part].get(section) or {}).get(key)
            cells.append(f"{'-' if value is None else value:>10}")
        lines.append(f"{label:46}" + "".join(cells))
    return "\n".join(lines)


def format_tune_details(details: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    lines = ["", "Tuning stories, reader misses (-annotated not read, +read not annotated):"]
    for record in details["reader"]:
        signs = record["signs"]
        notes = [f"{name}: {' '.join(misses)}" for name, misses in record["misses"].items()]
        if signs["missed"]:
            notes.append(f"DANGER SIGN MISSED: {', '.join(signs['missed'])}")
        if record["answer_signs_missed"]:
            notes.append(f"danger sign missed in the answers too: {', '.join(record['answer_signs_missed'])}")
        if record["denied_read"]:
            notes.append(f"denied but read: {', '.join(record['denied_read'])}")
        if notes:
            lines.append(f"  {record['id']}: " + "; ".join(notes))
    lines.append("\nPer field (tune): precision / recall (tp fp fn)")
    for name, counts in figures["reader"]["per_field"].items():
        flag = "" if counts["in_vocabulary"] else "  (not in the vocabulary yet)"
        lines.append(f"  {name:18} {counts['precision']!s:>6} / {counts['recall']!s:<6} "
                     f"({counts['tp']} {counts['fp']} {counts['fn']}){flag}")
    conversations = details.get("conversations")
    if conversations:
        lines.append("\nTuning stories, conversation misses:")
        for record in conversations:
            notes = []
            if record["end"] != "outcome":
                notes.append(f"ended {record['end']}" + (f" ({record['error']})" if record["error"] else ""))
            if record["triage"] != "right":
                notes.append(f"urgency {record['urgency']} for {record['expected']['urgency']} ({record['triage']})")
            if record["end"] == "outcome" and not record["fit_right"]:
                notes.append(f"fit {record['fit']} for {record['expected']['fit']}")
            if record["faq_first"]:
                notes.append("first reply an FAQ")
            if notes:
                lines.append(f"  {record['id']}: " + "; ".join(notes) + f" [{record['questions']} questions]")
        lines.append(f"\nUrgent/emergency tuning cases sent lower: {', '.join(details['under_triaged']) or 'none'}")
    return "\n".join(lines)


def format_acceptance(part: str, figures: Mapping[str, Any]) -> str:
    lines = [f"\nAcceptance on {part} (issue 19):"]
    for item in figures["acceptance"]:
        state = {True: "met", False: "NOT MET", None: "not measured"}[item["met"]]
        lines.append(f"  {item['figure']:22} {item['value']!s:>8}  target {item['target']:8} {state}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["tune", "heldout", "both"], default="both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N stories of each part")
    parser.add_argument("--reader-only", action="store_true", help="no servers: the reader part alone")
    parser.add_argument("--told", choices=TOLD, default=TOLD[0], help="how each person tells their story (see above)")
    parser.add_argument("--workers", type=int, default=3, help="conversations at once against the servers")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a held-out target is missed")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where the JSON figures go")
    args = parser.parse_args(argv)
    vocabulary = load_vocabulary()
    args.out.mkdir(parents=True, exist_ok=True)
    evaluated = {}
    with ExitStack() as stack:  # one pair of servers for both parts
        assistant = None if args.reader_only else stack.enter_context(running_assistant())
        for part in (["tune", "heldout"] if args.part == "both" else [args.part]):
            evaluated[part] = evaluate_part(part, args, vocabulary, assistant)
    reports: Dict[str, Dict[str, Any]] = {}
    suffix = "" if args.told == TOLD[0] else f"-{args.told}"
    for part, (figures, details) in evaluated.items():
        if part == "heldout":
            figures = heldout_report(figures)
            (args.out / f"heldout{suffix}.json").write_text(json.dumps(figures, indent=2) + "\n")
        else:
            (args.out / f"tune{suffix}.json").write_text(json.dumps({**figures, "stories": details}, indent=2) + "\n")
            print(format_tune_details(details, figures))
        reports[part] = figures
    told = "" if args.told == TOLD[0] else f", told {args.told.replace('_', ' ')}"
    print(f"\nReal patient language (tests/real/{told}): " + ", ".join(
        f"{part} {figures['reader']['stories']} stories" for part, figures in reports.items()))
    print(format_table(reports))
    for part, figures in reports.items():
        print(f"{part} danger signs missed in the own answers, by sign: {figures['reader']['answers_missed_by_sign']}")
        print(f"{part} danger signs missed in the first message, by sign: {figures['reader']['first_message_missed_by_sign']}")
        print(f"{part} danger signs read clearly that the first message does not state, by sign: "
              f"{figures['reader']['unstated_read_by_sign']}")
        conversations = figures.get("conversations") or {}
        for key in ("urgency_wrong", "over_triage_rules", "over_triage_raised_by", "sent_lower_after", "stalled_on"):
            if key in conversations:
                print(f"{part} {key.replace('_', ' ')}: {conversations[key]}")
    for part, figures in reports.items():
        print(format_acceptance(part, figures))
    print(f"\nFigures in {args.out}/ (held-out: figures only).")
    missed = any(item["met"] is False for item in reports.get("heldout", {}).get("acceptance", []))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
