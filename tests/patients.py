"""Simulated patients: each knows its true findings and answers whatever it is asked in free
text, with phrasing that varies from patient to patient (synonyms from the vocabulary set in
different sentences, numbers in words or digits)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from actions.language.numbers import TENS_WORDS, UNIT_WORDS
from actions.language.pipeline import is_gapped
from actions.triage import assess, load_knowledge

VIGNETTES = Path(__file__).resolve().parent / "vignettes" / "cases.yml"
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
