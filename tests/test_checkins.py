"""Follow-up check-ins (policy v3): each branch of the numbered list, first match wins, and
the words they send. Plain Python: no Rasa, no database."""
import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from common import CLASSIC
from readability import flesch_reading_ease
from pht.triage import checkin_knowledge, load_knowledge
from pht.triage.checkin_knowledge import PlaceholderError, check_checkins, load_checkins, read_checkins
from pht.triage.checkins import (
    CheckinAnswers, CheckinDecision, decide, ends_after, findings_now, messages, reply, schedule, stage_values,
)
from pht.triage.findings import FindingsError
from pht.triage.knowledge import KnowledgeError, knowledge_version

ROOT = Path(__file__).resolve().parent.parent
RECORD = (ROOT / "docs" / "clinical" / "checkins.md").read_text()
CHECKINS = load_checkins()
KNOWLEDGE = load_knowledge()
ADVICE = KNOWLEDGE.advice
# A routine pre-screen (worst pain 4) whose consent gave a sitting baseline of 20 minutes
PRESCREEN = {**CLASSIC, "sitting_minutes": 20}
BOOKING = "https://clinic.example/book"
PLAIN_ENGLISH = 60


def answers(**changes):
    """A check-in going well: settled the next morning, getting better, every question answered."""
    given = dict(checkin="week_2", pain_score=3, trend="better", sitting_minutes=30, next_morning="settled",
                 doing_exercises=True, clinician_treating=False, red_flags=[], neuro_symptoms=[], injury_signs=[])
    given.update(changes)
    return CheckinAnswers(**given)


def decided(prescreen=None, history=(), days=14, stage=1, **changes):
    return decide(prescreen or PRESCREEN, list(history), answers(**changes), days, stage)


def told(decision):
    return " ".join(messages(decision, booking_link=BOOKING, clinic_name="Hamstring Clinic"))


# 6: otherwise, the next stage

def test_settled_and_getting_better_moves_on_to_the_next_stage():
    decision = decided(stage=1)
    assert (decision.outcome, decision.stage_change, decision.stage) == ("next_stage", 1, 2)
    assert not decision.clinic_told and not decision.stop and not decision.end
    assert told(decision).startswith("Good progress. You can move on to stage 2 (slow, heavy strength work).")


def test_the_same_with_worst_pain_3_moves_on_to_the_next_stage():
    assert decided(trend="same", pain_score=3, stage=2).outcome == "next_stage"


def test_the_same_with_worst_pain_4_stays_and_eases_the_hardest_session():
    decision = decided(trend="same", pain_score=4, stage=2)
    assert (decision.outcome, decision.stage) == ("ease_off", 2)
    assert [reason["id"] for reason in decision.reasons] == ["not_improving"]


def test_improving_at_the_last_stage_keeps_building_without_a_stage_five():
    decision = decided(stage=4)
    assert (decision.outcome, decision.stage_change, decision.stage) == ("top_stage", 0, 4)


@pytest.mark.parametrize("unanswered", [{"neuro_symptoms": None}, {"red_flags": None}, {"injury_signs": None},
                                        {"incomplete": ["injury_signs"], "injury_signs": None}],
                         ids=["nerve_screen_not_asked", "red_flags_not_asked", "injury_signs_not_asked",
                              "injury_signs_incomplete"])
def test_a_safety_question_not_answered_never_moves_a_person_on(unanswered):
    decision = decided(stage=2, **unanswered)
    assert decision.outcome != "next_stage" and decision.stage_change == 0


def test_a_check_in_with_no_answer_about_the_next_morning_stays_where_it_is():
    decision = decided(next_morning=None, stage=2)
    assert (decision.outcome, decision.stage) == ("not_all_answered", 2)


# 1: the pre-screen's urgency rules on everything known

def test_a_cauda_equina_sign_at_a_check_in_is_an_emergency_the_clinic_is_told_and_check_ins_stop():
    decision = decided(red_flags=["bladder_bowel_change"])
    assert (decision.outcome, decision.urgency) == ("rerun_emergency", "emergency")
    assert decision.clinic_told and decision.stop and not decision.end
    assert [reason["id"] for reason in decision.reasons] == ["cauda_equina"]
    first = messages(decision, booking_link=BOOKING, clinic_name="Hamstring Clinic")[0]
    assert first == f"{ADVICE['care']['emergency']['headline']} {ADVICE['care']['emergency']['where']}"
    assert "goodbye" not in decision.replies and decision.replies[-1] == "warning_card"


def test_worst_pain_8_with_a_cauda_equina_sign_is_an_emergency_not_soon():
    decision = decided(pain_score=8, trend="worse", red_flags=["saddle_numbness"])
    assert decision.outcome == "rerun_emergency"


def test_a_new_pop_runs_the_avulsion_rule_again_even_after_a_gradual_start():
    decision = decided(injury_signs=["pop"])
    assert (decision.outcome, decision.urgency) == ("rerun_urgent", "urgent")
    assert [reason["id"] for reason in decision.reasons] == ["suspected_avulsion"]
    assert told(decision).startswith(ADVICE["care"]["urgent"]["headline"])


def test_new_bruising_with_trouble_walking_is_urgent_as_a_suspected_avulsion():
    assert decided(injury_signs=["bruising", "difficulty_walking"]).reasons[0]["id"] == "suspected_avulsion"


def test_a_swollen_calf_at_a_check_in_is_urgent_today_in_person():
    decision = decided(red_flags=["calf_swelling"])
    assert decision.outcome == "rerun_urgent_today" and decision.stop
    assert told(decision).startswith(ADVICE["care_today"]["headline"])


def test_a_cancer_history_from_the_pre_screen_with_new_tingling_is_an_emergency():
    prescreen = {**PRESCREEN, "red_flags": ["cancer_history"]}
    assert decided(prescreen, neuro_symptoms=["tingling"]).reasons[0]["id"] == "metastatic_compression"


def test_a_cancer_history_with_pain_getting_worse_is_urgent():
    prescreen = {**PRESCREEN, "red_flags": ["cancer_history"]}
    assert decided(prescreen, trend="worse").reasons[0]["id"] == "cancer_with_progressive_pain"


def test_a_cauda_equina_sign_answered_unsure_is_urgent_today():
    decision = decided(unsure={"red_flags": ["saddle_numbness"]})
    assert (decision.outcome, decision.reasons[0]["id"]) == ("rerun_urgent_today", "cauda_equina_unsure")


def test_a_red_flag_screen_left_incomplete_is_urgent_today():
    decision = decided(red_flags=None, incomplete=["red_flags"])
    assert decision.outcome == "rerun_urgent_today"
    assert decision.reasons[0]["id"] == "red_flag_screen_incomplete"


def test_a_nerve_screen_answered_unsure_is_soon_as_in_a_pre_screen_and_tells_the_clinic():
    decision = decided(unsure={"neuro_symptoms": ["tingling"]}, stage=2)
    assert (decision.outcome, decision.urgency, decision.stage) == ("screen_not_complete", "soon", 2)
    assert decision.clinic_told and not decision.stop
    assert BOOKING in told(decision)


def test_a_screen_answered_again_replaces_the_pre_screens_unsure_states():
    prescreen = {**PRESCREEN, "unsure": {"neuro_symptoms": ["tingling"]}}
    assert decided(prescreen).outcome == "next_stage"
    assert "unsure" not in findings_now(prescreen, answers())


# 2: getting worse

@pytest.mark.parametrize("change, trigger", [
    ({"neuro_symptoms": ["tingling"]}, "new_nerve_symptoms"),
    ({"neuro_symptoms": ["pain_below_knee"]}, "new_nerve_symptoms"),
    ({"pain_score": 7, "trend": "same"}, "severe_pain"),
    ({"trend": "worse"}, "trend_worse"),
    ({"pain_score": 6, "trend": "same"}, "pain_rising"),  # the pre-screen's worst pain was 4
])
def test_getting_worse_books_an_assessment_stays_at_the_stage_and_tells_the_clinic(change, trigger):
    decision = decided(stage=3, **change)
    assert (decision.outcome, decision.urgency, decision.stage_change, decision.stage) == ("getting_worse", "soon", 0, 3)
    assert decision.clinic_told and not decision.stop
    assert trigger in [reason["id"] for reason in decision.reasons]
    text = told(decision)
    assert BOOKING in text and "stay at stage 3 (more hip bending)" in text


def test_back_pain_alone_is_no_new_nerve_type_symptom():
    assert decided(neuro_symptoms=["back_pain"]).outcome == "next_stage"


def test_the_first_check_in_compares_worst_pain_with_the_pre_screen():
    assert decided(pain_score=6, trend="same").outcome == "getting_worse"   # 4 -> 6
    assert decided(pain_score=5, trend="same").outcome == "ease_off"        # 4 -> 5


def test_a_later_check_in_compares_worst_pain_with_the_previous_check_in():
    history = [answers(pain_score=1, trend="better")]
    assert decided(history=history, pain_score=3, trend="same", days=42).outcome == "getting_worse"


def test_a_nerve_symptom_already_there_at_the_previous_check_in_is_not_new():
    history = [answers(neuro_symptoms=["tingling"])]
    decision = decided(history=history, neuro_symptoms=["tingling"], days=20)
    assert decision.outcome == "next_stage"


# 3: not clearly better at 6 and 12 weeks

def test_not_clearly_better_at_6_weeks_books_an_assessment_and_tells_the_clinic():
    decision = decided(pain_score=3, days=42, stage=2)   # 4 -> 3 is not down by 2
    assert (decision.outcome, decision.urgency, decision.stage) == ("not_better_book", "soon", 2)
    assert decision.clinic_told and BOOKING in told(decision)
    assert "treated_already" not in decision.replies


def test_clearly_better_at_6_weeks_goes_on_to_the_next_stage():
    assert decided(pain_score=2, sitting_minutes=20, days=42).outcome == "next_stage"


def test_less_pain_but_shorter_sitting_is_not_clearly_better():
    assert decided(pain_score=1, sitting_minutes=15, days=42).outcome == "not_better_book"


def test_a_sitting_time_not_known_is_not_clearly_better():
    assert decided(pain_score=1, sitting_minutes=None, days=42).outcome == "not_better_book"


def test_before_6_weeks_not_clearly_better_is_no_reason_to_book():
    assert decided(pain_score=3, days=41).outcome == "next_stage"


def test_not_clearly_better_at_12_weeks_says_see_a_doctor():
    decision = decided(pain_score=3, days=84)
    assert (decision.outcome, decision.urgency) == ("not_better_doctor", "soon")
    assert "Please book to see a doctor within the next 1 to 2 weeks" in told(decision)


def test_not_clearly_better_at_6_weeks_with_a_clinician_treating_is_soon_not_follow_the_plan():
    decision = decided(pain_score=3, days=42, clinician_treating=True)
    assert decision.outcome == "not_better_book" and decision.clinic_told
    assert "show them this message" in told(decision)


# 4: a clinician treating them

def test_a_clinician_treating_them_means_follow_their_plan_with_no_change_of_stage():
    decision = decided(clinician_treating=True, next_morning="clearly_worse", stage=3)
    assert (decision.outcome, decision.stage_change, decision.stage) == ("clinician_plan", 0, 3)
    assert not decision.clinic_told


# 5: not settling

@pytest.mark.parametrize("morning", ["a_little_worse", "clearly_worse"])
def test_worse_the_morning_after_stays_at_the_stage_and_eases_the_hardest_session(morning):
    decision = decided(next_morning=morning, stage=2)
    assert (decision.outcome, decision.stage) == ("ease_off", 2)
    assert "make your hardest session a bit easier" in told(decision)


def test_two_check_ins_in_a_row_clearly_worse_go_one_stage_back():
    decision = decided(history=[answers(next_morning="clearly_worse")], next_morning="clearly_worse", stage=3, days=42,
                       pain_score=2)
    assert (decision.outcome, decision.stage_change, decision.stage) == ("step_back", -1, 2)
    assert told(decision).startswith("Go back one stage, to stage 2 (slow, heavy strength work).")


def test_two_check_ins_in_a_row_clearly_worse_at_stage_1_never_go_below_stage_1():
    decision = decided(history=[answers(next_morning="clearly_worse")], next_morning="clearly_worse", stage=1)
    assert (decision.outcome, decision.stage) == ("step_back_at_first_stage", 1)
    assert "Stay at stage 1" in told(decision)


def test_clearly_worse_after_a_little_worse_only_eases_off():
    decision = decided(history=[answers(next_morning="a_little_worse")], next_morning="clearly_worse", stage=3)
    assert (decision.outcome, decision.stage) == ("ease_off", 3)


# The end

def test_check_ins_end_after_the_6_month_check_in_with_a_goodbye_and_the_safety_net():
    decision = decided(checkin="month_6", days=182, pain_score=1, sitting_minutes=60)
    assert decision.end and decision.replies[-2:] == ["goodbye", "safety_net_routine"]
    assert told(decision).endswith(ADVICE["care"]["routine"]["safety_net"])


def test_worst_pain_2_or_less_at_two_check_ins_in_a_row_ends_the_check_ins():
    history = [answers(pain_score=2)]
    assert ends_after(history + [answers(checkin="week_6", pain_score=1)])
    assert decided(history=history, checkin="week_6", pain_score=2, days=42, sitting_minutes=40).end


def test_worst_pain_2_or_less_once_does_not_end_the_check_ins():
    assert not ends_after([answers(pain_score=3), answers(pain_score=2)])
    assert not ends_after([answers(pain_score=2)])
    assert not ends_after([])


def test_an_emergency_at_the_last_check_in_stops_without_a_goodbye():
    decision = decided(checkin="month_6", days=182, red_flags=["both_legs"])
    assert decision.stop and not decision.end and "goodbye" not in decision.replies


# The warning card

def test_every_check_in_of_a_person_whose_pre_screen_had_the_warning_card_ends_with_it():
    prescreen = {**PRESCREEN, "neuro_symptoms": ["back_pain"]}
    for decision in (decided(prescreen), decided(prescreen, trend="worse"), decided(prescreen, checkin="month_6")):
        assert decision.replies[-1] == "warning_card"
        assert told(decision).endswith(ADVICE["warning_card"]["text"])


def test_a_check_in_without_back_or_nerve_signs_has_no_warning_card():
    assert "warning_card" not in decided().replies


# The schedule, the consent and the words

def test_the_check_ins_are_due_2_6_and_12_weeks_and_6_months_after_the_consent():
    consented = dt.datetime(2027, 1, 1, 10, 0, tzinfo=dt.timezone.utc)
    due = schedule(consented)
    assert [item.id for item in due] == ["week_2", "week_6", "week_12", "month_6"]
    assert [(item.due_at - consented).days for item in due] == [14, 42, 84, 182]


def test_the_consent_asks_to_check_in_in_2_weeks_and_asks_the_sitting_baseline():
    assert reply("consent") == "May I check in with you in 2 weeks to see how it's going?"
    assert reply("consent_baseline") == KNOWLEDGE.fields["sitting_minutes"]["question"]


def all_rendered():
    values = {"booking_link": BOOKING, "clinic_name": "Hamstring Clinic", "first_checkin": "2 weeks",
              "checkin_label": "6 weeks"}
    for stage in range(1, len(CHECKINS.stages) + 1):
        for key in CHECKINS.data["replies"]:
            yield key, CHECKINS.render(key, {**values, **stage_values(stage)})


def test_every_reply_renders_with_no_empty_placeholder():
    for key, text in all_rendered():
        assert text.strip() and not re.search(r"\{\w*\}|\(\)|\s[.,]", text), (key, text)


def test_a_placeholder_without_a_value_is_an_error_never_a_gap():
    with pytest.raises(PlaceholderError, match="booking_link"):
        CHECKINS.render("book_assessment", {"clinic_name": "Hamstring Clinic", "booking_link": "", **stage_values(1)})


def test_every_check_in_reply_and_question_is_plain_english():
    """The check-ins' own words (a sentence reused from advice.yml is measured where it is written)."""
    own = {key for key, item in CHECKINS.data["replies"].items() if item.get("text")}
    texts = [text for key, text in all_rendered() if key in own]
    texts += [CHECKINS.question(field) for field in checkin_knowledge.ANSWER_FIELDS]
    texts += [stage["text"] for stage in CHECKINS.stages]
    for text in texts:
        assert flesch_reading_ease(text) >= PLAIN_ENGLISH, text


def test_the_short_screens_ask_the_vocabularys_values_not_a_list_of_their_own():
    for field in ("red_flags", "neuro_symptoms", "injury_signs"):
        asked = next(item for item in CHECKINS.data["questions"] if item["field"] == field)
        assert "values" not in asked and CHECKINS.field(field) is KNOWLEDGE.fields[field]


# JSON for the records

def test_answers_and_decisions_go_to_json_and_back_unchanged():
    given = answers(unsure={"red_flags": ["saddle_numbness"]}, red_flags=[])
    assert CheckinAnswers.from_json(json.loads(json.dumps(given.to_json()))) == given
    decision = decided(red_flags=["calf_swelling"])
    assert CheckinDecision.from_json(json.loads(json.dumps(decision.to_json()))) == decision


def test_answers_in_json_hold_only_what_was_answered_and_keep_none_present():
    stored = CheckinAnswers(pain_score=0, neuro_symptoms=[], doing_exercises=False).to_json()
    assert stored == {"pain_score": 0, "neuro_symptoms": [], "doing_exercises": False}


@pytest.mark.parametrize("stored, problem", [
    ({"pain_score": 11}, "pain_score"), ({"next_morning": "meh"}, "next_morning"), ({"colour": "red"}, "colour"),
    ({"red_flags": ["dragon_bite"]}, "dragon_bite"), ({"checkin": "week_3"}, "week_3"),
    ({"partly_asked": ["red_flags"]}, "partly_asked"), ({"clinician_treating": "yes"}, "clinician_treating"),
])
def test_answers_that_do_not_fit_the_vocabulary_are_refused_by_name(stored, problem):
    with pytest.raises(FindingsError, match=problem):
        CheckinAnswers.from_json(stored)


def test_a_decision_names_the_knowledge_base_that_made_it_and_leaves_its_inputs_alone():
    prescreen, history = copy.deepcopy(PRESCREEN), [answers()]
    decision = decide(prescreen, history, answers(checkin="week_6"), 42, 2)
    assert decision.knowledge_version == knowledge_version()
    assert prescreen == PRESCREEN and history == [answers()]


# The knowledge base checks itself

def broken(change):
    data = copy.deepcopy(read_checkins())
    change(data)
    return data


def step(data, step_id):
    return next(item for item in data["steps"] if item["id"] == step_id)


@pytest.mark.parametrize("mistake, message", [
    (lambda d: d["stages"][0].update(source=["NoSuchPaper2099"]), "unknown source"),
    (lambda d: d["replies"]["goodbye"].pop("source"), "source"),
    (lambda d: step(d, "next_stage")["replies"].append("champagne"), "no text"),
    (lambda d: d["replies"].pop("book_assessment"), "no text"),
    (lambda d: d["replies"].pop("consent"), "no text"),
    (lambda d: d["replies"]["goodbye"].update(text="Bye {name}."), "placeholder"),
    (lambda d: d["replies"]["pain_rule"].update(reuse=["advice.pain_rules.text"]), "names no sentence"),
    (lambda d: d["steps"].reverse(), "order"),
    (lambda d: d["stages"].reverse(), "outline"),
    (lambda d: d["questions"].append({"field": "hobby", "source": ["seeds"]}), "unknown field"),
    (lambda d: step(d, "getting_worse")["triggers"].pop("pain_rising"), "triggers"),
    (lambda d: step(d, "screen_not_complete").update(rules=["no_such_rule"]), "unknown urgency rules"),
    (lambda d: d["thresholds"].pop("pain_rise"), "thresholds"),
    (lambda d: d["fields"]["next_morning"]["values"].pop("settled"), "next_morning"),
])
def test_mistakes_in_the_check_ins_fail_loudly(mistake, message):
    with pytest.raises(KnowledgeError, match=message):
        check_checkins(broken(mistake), KNOWLEDGE)


def test_a_mistake_in_the_check_ins_stops_the_knowledge_base_loading(monkeypatch):
    monkeypatch.setattr(checkin_knowledge, "read_checkins",
                        lambda: broken(lambda d: d["stages"][0].update(source=["NoSuchPaper2099"])))
    with pytest.raises(KnowledgeError, match="unknown source"):
        load_knowledge.__wrapped__()


# The clinical record

DOCUMENTED = {step_id: (level, [key.strip() for key in sources.split(",")])
              for step_id, level, sources in re.findall(r"^\s*(?:-|\d\.) `(\w+)` \((\w+)\) \[([^\]]+)\]:", RECORD,
                                                      flags=re.M)}


def test_every_check_in_step_is_in_the_clinical_record_with_its_level_and_sources():
    steps = {item["id"]: (item["urgency"], item["source"]) for item in CHECKINS.data["steps"]}
    assert DOCUMENTED == steps
    assert list(DOCUMENTED) == list(steps), "the record lists the steps in the order they are tried"
