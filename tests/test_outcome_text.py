"""What people read: plain English, their own findings, and wording changed only on purpose."""
import os
from pathlib import Path

import pytest
import yaml

from actions.assessment import outcome_messages
from pht.triage import assess, load_knowledge
from common import CLASSIC
from readability import flesch_reading_ease
from pht.domain import read_domain

HERE = Path(__file__).resolve().parent
DOMAIN = read_domain()
VIGNETTES = yaml.safe_load((HERE / "vignettes" / "cases.yml").read_text())
CASES = VIGNETTES["cases"] if isinstance(VIGNETTES, dict) else VIGNETTES
PLAIN_ENGLISH = 60  # Flesch reading ease: readable by a 12-year-old

GOLDEN = {
    "classic_pht": CLASSIC,
    "lumbar": {**CLASSIC, "pain_location": "low_back", "neuro_symptoms": ["tingling", "pain_below_knee", "back_pain"],
               "aggravators": ["coughing_sneezing", "bending_forward"], "load_changes": []},
    "avulsion": {"pain_location": "upper_hamstring", "onset": "sudden", "injury_signs": ["pop", "bruising"],
                 "duration_days": 2, "age": 41, "sport": "water skiing"},
    "cauda_equina": {**CLASSIC, "red_flags": ["sexual_dysfunction", "saddle_numbness"]},
}


def outcome_text(findings):
    return "\n\n---\n\n".join(outcome_messages(assess(findings), DOMAIN))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_outcome_message_is_plain_english(case):
    for message in outcome_messages(assess(case["findings"]), DOMAIN):
        assert flesch_reading_ease(message) >= PLAIN_ENGLISH, message


def test_every_faq_answer_and_question_is_plain_english():
    knowledge = load_knowledge()
    texts = [item["answer"] for item in knowledge.faq.values()]
    texts += [spec[key] for spec in knowledge.fields.values() for key in ("question", "why")]
    for text in texts:
        assert flesch_reading_ease(text) >= PLAIN_ENGLISH, text


def test_the_readability_measure_tells_plain_from_dense_text():
    assert flesch_reading_ease("Sit on a soft seat. Stand up every half hour.") > 80
    assert flesch_reading_ease(
        "Proximal hamstring tendinopathy demonstrates considerable interindividual variability "
        "regarding symptomatology, necessitating individualised multidisciplinary rehabilitation.") < 0


def test_the_explanation_names_what_fits_and_what_points_elsewhere():
    text = outcome_text({**CLASSIC, "neuro_symptoms": ["tingling", "pain_below_knee"]})
    assert "What fits:" in text and "sit bone" in text
    assert "What points elsewhere:" in text
    assert "tingling or pins and needles and pain going below the knee point more to the back" in text
    assert "Why: Numbness, tingling, pain below the knee" in text  # the rule that set the urgency


def test_the_load_plan_follows_the_persons_own_aggravators():
    sitter = outcome_text({**CLASSIC, "aggravators": ["sitting", "driving"], "load_changes": []})
    lifter = outcome_text({**CLASSIC, "aggravators": ["deadlift", "deep_squat"], "load_changes": ["new_exercise"]})
    assert "Break up sitting" in sitter and "raise the seat" in sitter
    assert "Romanian deadlifts" not in sitter
    assert "Romanian deadlifts" in lifter and "Break up sitting" not in lifter
    assert "2 to 6 weeks" in sitter and "24 hours" in sitter


# The warning card is recorded by name, not copied: its words are written once, in advice.yml
# (tests/test_one_source.py), and tests/test_warning_card.py pins that outcomes end with it.
CARD = load_knowledge().advice["warning_card"]["text"]
CARD_IN_GOLDEN = "[the warning card: pht/triage/knowledge/advice.yml, warning_card]"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_outcome_text(name):
    """Full outcome texts; after a deliberate wording change run UPDATE_GOLDEN=1 make test-unit."""
    path = HERE / "golden" / f"{name}.txt"
    text = "\n\n---\n\n".join(CARD_IN_GOLDEN if message == CARD else message
                                for message in outcome_messages(assess(GOLDEN[name]), DOMAIN)) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.read_text() == text


def test_an_emergency_first_says_where_to_go_now_and_nothing_about_the_fit_or_a_plan():
    messages = outcome_messages(assess({**CLASSIC, "red_flags": ["saddle_numbness"]}), DOMAIN)
    first_sentence = messages[0].split(". ")[0]
    assert "emergency" in first_sentence.lower() and "now" in first_sentence
    text = "\n".join(messages)
    assert "fit PHT" not in text and "What you can do now" not in text and "Stage 1" not in text


def test_an_urgent_outcome_first_says_what_and_by_when_then_one_line_on_what_it_could_be():
    messages = outcome_messages(assess({**CLASSIC, "red_flags": ["cancer_history", "night_pain"], "age": 62}), DOMAIN)
    assert messages[0].startswith("Please see a doctor within 24 hours.")
    assert messages[1].startswith("What it could be:") and "\n" not in messages[1]
    text = "\n".join(messages)
    assert "fit PHT" not in text and "What you can do now" not in text


def test_soon_and_routine_outcomes_keep_the_fit_the_plan_the_rehab_outline_and_the_safety_net():
    for findings in (CLASSIC, {**CLASSIC, "pain_score": 8}):
        text = "\n".join(outcome_messages(assess(findings), DOMAIN))
        for part in ("fit PHT", "What you can do now", "Stage 1", "Watch for changes"):
            assert part in text, (part, findings)
