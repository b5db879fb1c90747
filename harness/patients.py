"""Simulated patients: each knows its true findings and answers whatever it is asked in free
text, with phrasing that varies from patient to patient (synonyms from the vocabulary set in
different sentences, numbers in words or digits)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from pht.language.numbers import TENS_WORDS, UNIT_WORDS
from pht.language.pipeline import is_gapped
from pht.triage import assess, load_knowledge

VIGNETTES = Path(__file__).resolve().parent.parent / "tests" / "vignettes" / "cases.yml"
BACKGROUND = {  # what a patient says for a question its vignette leaves open
    "duration_days": 28, "red_flags": [], "neuro_symptoms": [], "aggravators": ["sitting"], "load_changes": [],
    "pain_score": 4, "morning_stiffness": False, "worse_next_day": False, "age": 35, "sport": "running",
}

NUMBER_WORDS = {value: word for word, value in {**UNIT_WORDS, **TENS_WORDS}.items()}
CHOICE_TEMPLATES = ["{}", "it's at my {}", "mostly the {}", "I'd say {}", "{} I think"]
ONSET_TEMPLATES = ["{}", "I'd say {}", "{} really"]
LIST_TEMPLATES = ["{}", "mainly {}", "{} mostly", "I guess {}"]
NONE_ANSWERS = ["none of these", "no", "nothing like that", "nope", "none"]
YES = ["yes", "yeah", "yep, definitely", "yes it is"]
NO = ["no", "not really", "nope", "no it isn't"]


def in_words(number: int) -> str:
    if number in NUMBER_WORDS:
        return NUMBER_WORDS[number]
    tens, units = divmod(number, 10)
    if 20 <= number < 100 and units:
        return f"{NUMBER_WORDS[tens * 10]} {NUMBER_WORDS[units]}"
    return str(number)


def patient_cases() -> List[Tuple[str, Dict[str, Any], str]]:
    """(name, true findings, expected urgency) for every vignette a patient can play in full
    (location and onset known), keeping its hand-worked expected urgency."""
    raw = yaml.safe_load(VIGNETTES.read_text())
    cases = []
    for case in raw["cases"] if isinstance(raw, dict) else raw:
        findings = {**BACKGROUND, **case["findings"]}
        if "pain_location" not in findings or "onset" not in findings:
            continue
        if findings["onset"] == "sudden":
            findings.setdefault("injury_signs", [])
        if assess(findings)["urgency"] == case["expected"]["urgency"]:
            cases.append((case["id"], findings, case["expected"]["urgency"]))
    return cases


@dataclass
class Patient:
    """One simulated person."""

    name: str
    truth: Dict[str, Any]
    seed: int

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        self.knowledge = load_knowledge()

    def _synonym(self, field: str, value: str) -> str:
        synonyms = [str(s) for s in self.knowledge.fields[field]["values"][value]["synonyms"] if not is_gapped(s)]
        return self.random.choice(synonyms)

    def answer(self, field: str) -> str:
        """Free text for the question about `field`."""
        pick = self.random.choice
        if field == "danger_check":
            # A patient states its signs in clear words, never in a phrase that only possibly
            # means one: a confirming question it gets is a follow-up (chest symptoms after a
            # swollen calf, new difficulty walking with a cancer history) about a sign its
            # complete findings do not have.
            return pick(["no", "no, nothing like that", "nope"])
        if field not in self.truth:
            return pick(["not sure", "I don't know", "no idea"])
        value = self.truth[field]
        kind = self.knowledge.fields[field]["kind"]
        if kind == "choice":
            templates = ONSET_TEMPLATES if field == "onset" else CHOICE_TEMPLATES
            return pick(templates).format(self._synonym(field, value))
        if kind == "list":
            if not value:
                return pick(NONE_ANSWERS)
            phrases = [self._synonym(field, item) for item in value]
            joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
            return pick(LIST_TEMPLATES).format(joined)
        if kind == "boolean":
            return pick(YES if value else NO)
        if field == "duration_days":
            return self._duration(value)
        if field == "age":
            return pick(["{}", "I'm {}", "{} years old"]).format(pick([str(value), in_words(value)]))
        if field == "pain_score":
            return pick(["{}", "{}/10", "about a {}", "{} out of 10"]).format(pick([str(value), in_words(value)]))
        return str(value)

    def _duration(self, days: int) -> str:
        pick = self.random.choice
        options: List[str] = [f"{days} days", f"about {in_words(days)} days"] if days < 60 else []
        if days % 7 == 0:
            weeks = days // 7
            options += [f"{weeks} weeks", f"about {in_words(weeks)} weeks", f"for {weeks} weeks now"]
        if days % 30 == 0:
            months = days // 30
            options += [f"{months} months", f"about {in_words(months)} months", f"since about {months} months"]
        return pick(options or [f"{days} days"])


@dataclass(frozen=True)
class Tricky:
    """A person whose words could be taken for a danger sign, or who tells a real one the way
    people talk. `says` is their answer to the question about `field` ("opening": their first
    message); `confirms` answers a confirming question, if one comes. `truth` is what they
    really have (over BACKGROUND), and the outcome must be the one the policy gives it."""

    name: str
    field: str
    says: str
    truth: Dict[str, Any]
    confirms: str = "no, nothing like that"

    @property
    def findings(self) -> Dict[str, Any]:
        return {**BACKGROUND, "pain_location": "sit_bone", "onset": "gradual", **self.truth}

    @property
    def expected_urgency(self) -> str:
        return assess(self.findings)["urgency"]


# Harmless words that version 1 read, or could read, as danger signs: no escalation allowed.
BENIGN_BUT_TRICKY = [
    Tricky("both-sit-bones", "red_flags", "none of those, both my sit bones ache though", {}),
    Tricky("on-both-sides", "red_flags", "no, it's just on both sides", {}),
    Tricky("night-lying-on-it", "red_flags", "nope, it hurts at night when I lie on that side", {}),
    Tricky("mum-had-cancer", "red_flags", "none, though my mum had cancer", {}),
    Tricky("temperature-last-month", "red_flags", "no, I had a temperature last month but that's gone", {}),
    Tricky("cancer-in-the-family", "red_flags", "none, cancer runs in my family though", {}),
    Tricky("rolls-onto-sore-side", "red_flags", "no. it wakes me up when I roll onto the sore side", {}),
    Tricky("dad-had-a-clot", "red_flags", "nothing like that, my dad had a blood clot once", {}),
    Tricky("hay-fever", "red_flags", "none of these, my hay fever is bad at the moment", {}),
    Tricky("both-hamstrings-ache", "red_flags", "no, both hamstrings ache a bit but that's it", {}),
    Tricky("aches-lying-on-side", "red_flags", "no, it aches at night when I lie on my side", {}),
    Tricky("nan-had-cancer", "red_flags", "none of them, my nan had bowel cancer", {}),
    Tricky("bladder-fine", "red_flags", "no problems with my bladder or bowels, nothing like that", {}),
    Tricky("weak-when-lifting", "neuro_symptoms", "no, my hamstring feels weak when I lift", {}),
    Tricky("tired-under-load", "neuro_symptoms", "none, the hammy just feels tired and weak under load", {}),
    Tricky("both-glutes-ache", "neuro_symptoms", "no tingling or numbness, both my glutes ache though", {}),
    Tricky("weak-after-sprints", "neuro_symptoms", "no, my hamstrings feel weak after sprints", {}),
    Tricky("heavy-legs-after-a-run", "neuro_symptoms", "nope, my legs feel heavy after a long run", {}),
    Tricky("weak-glutes", "neuro_symptoms", "no, weak glutes apparently, my physio said", {}),
    Tricky("both-sit-bones-first", "opening", "both my sit bones ache when I sit at my desk", {}),
    Tricky("weak-deadlifting-first", "opening", "my hamstrings feel weak and sore when I deadlift, right at the sit bone",
           {"aggravators": ["sitting", "deadlift"]}),
    Tricky("lying-on-it-first", "opening", "it aches at night if I lie on that side, sit bone pain for a month",
           {"duration_days": 30}),
    Tricky("both-sides-first", "opening", "sit bone pain on both sides, worse sitting", {}),
    Tricky("worried-about-mum", "opening", "my mum had cancer and I'm worried, pain at my sit bone", {}),
    Tricky("past-temperature-first", "opening", "I had a temperature last month, and now my sit bone hurts when I sit", {}),
    Tricky("lying-on-that-side", "aggravators", "sitting, and lying on that side at night", {}),
    Tricky("deadlifts-feel-weak", "aggravators", "sitting, and deadlifts make the hamstring feel weak",
           {"aggravators": ["sitting", "deadlift"]}),
    Tricky("feel-it-lying-on-it", "aggravators", "sitting mostly, I can feel it at night when I lie on it", {}),
    Tricky("weak-on-hills", "aggravators", "sitting, and my hamstrings feel weak on hills",
           {"aggravators": ["sitting", "uphill_running"]}),
    Tricky("mum-cancer-changes", "load_changes", "nothing changed, my mum had cancer last year though", {}),
    Tricky("ill-last-month", "load_changes", "no changes, I was ill with a temperature last month but I'm fine now", {}),
    Tricky("both-legs-ache-no", "red_flags", "none, my legs both ache after a run but that's it", {}),
    Tricky("stress-incontinence", "red_flags", "none, I just leak a bit of urine when I sneeze since my second baby", {}),
    Tricky("ibs-bowels", "red_flags", "none of those, I have IBS so my bowels are all over the place", {}),
    Tricky("past-bowel-cancer-young", "red_flags", "I had bowel cancer at 30, clear for ten years",
           {"red_flags": ["cancer_history"], "age": 42}),
]

# Danger signs told the way people talk; some only possibly, then confirmed.
DANGER_SIGNS_IN_EVERYDAY_WORDS = [
    Tricky("cant-feel-privates", "red_flags", "I can't feel my privates properly", {"red_flags": ["saddle_numbness"]}),
    Tricky("numb-down-below", "red_flags", "it's gone numb down below", {"red_flags": ["saddle_numbness"]}),
    Tricky("wetting-myself", "red_flags", "I keep wetting myself since this started", {"red_flags": ["bladder_bowel_change"]}),
    Tricky("cant-get-it-up", "red_flags", "can't get it up since my back went", {"red_flags": ["sexual_dysfunction"]}),
    Tricky("sex-feels-numb", "red_flags", "sex feels numb, I can't feel anything", {"red_flags": ["saddle_numbness"]}),
    Tricky("toilet-paper-first", "opening", "my sit bone hurts and I can't feel the toilet paper when I wipe",
           {"red_flags": ["saddle_numbness"]}),
    Tricky("both-legs-numb", "red_flags", "both my legs have gone numb and tingly", {"red_flags": ["both_legs"]}),
    Tricky("pins-and-needles-both", "neuro_symptoms", "pins and needles in both legs", {"red_flags": ["both_legs"]}),
    Tricky("numb-bits", "red_flags", "numb around my bits and my bum", {"red_flags": ["saddle_numbness"]}),
    Tricky("leaking-wee", "duration_days", "about 3 weeks, and I've started leaking wee",
           {"duration_days": 21, "red_flags": ["bladder_bowel_change"]}),
    Tricky("fever-rotten", "red_flags", "I've got a fever and feel rotten", {"red_flags": ["fever"]}),
    Tricky("hot-swollen-calf", "red_flags", "my calf is all hot and swollen", {"red_flags": ["calf_swelling"]}),
    Tricky("foot-drags", "neuro_symptoms", "my foot drags and I keep tripping", {"neuro_symptoms": ["leg_weakness"]}),
    Tricky("gives-way-on-stairs", "neuro_symptoms", "my leg keeps giving way on the stairs", {"neuro_symptoms": ["leg_weakness"]}),
    Tricky("weak-confirmed", "neuro_symptoms", "my leg feels weak", {"neuro_symptoms": ["leg_weakness"]},
           confirms="yes, it gives way sometimes"),
    Tricky("breast-cancer-at-58", "red_flags", "I had breast cancer", {"red_flags": ["cancer_history"], "age": 58}),
    Tricky("both-sides-confirmed", "red_flags", "it's on both sides", {"red_flags": ["both_legs"]},
           confirms="yes, both legs go numb"),
    Tricky("night-confirmed", "red_flags", "it hurts at night", {"red_flags": ["night_pain"]},
           confirms="yes, it's there all night whatever I do"),
    Tricky("weight-and-lymphoma", "red_flags", "lost a stone without trying and I had lymphoma",
           {"red_flags": ["weight_loss", "cancer_history"]}),
    Tricky("motorbike", "red_flags", "came off my motorbike last week", {"red_flags": ["major_trauma"]}),
    Tricky("no-tiptoe", "neuro_symptoms", "I can't stand on tiptoe on that side anymore", {"neuro_symptoms": ["leg_weakness"]}),
    Tricky("numb-bum-unsure", "red_flags", "my bum goes numb", {"red_flags": ["saddle_numbness"]}, confirms="not sure"),
]
