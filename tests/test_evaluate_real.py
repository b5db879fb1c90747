"""The scoring of `make evaluate-real` (scripts/evaluate_real.py): precision and recall, the
acceptable alternatives, under- and over-triage, the simulated person's stopping rules, and
the held-out report that must carry figures only. No server is started."""
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
from scripts import evaluate_real  # noqa: E402

VOCABULARY = evaluate_real.load_vocabulary()
KINDS = VOCABULARY.kinds


def counts_of(expected, read):
    total = evaluate_real.Counts()
    for counts, _ in evaluate_real.score_findings(expected, read, KINDS).values():
        total.add(counts)
    return total


# --- precision and recall ------------------------------------------------------------------

def test_each_list_value_counts_once_and_a_wrong_choice_is_both_a_false_positive_and_a_miss():
    expected = {"pain_location": "sit_bone", "aggravators": ["sitting", "running"], "onset": "gradual"}
    read = {"pain_location": "buttock", "aggravators": ["sitting", "driving"], "onset": "gradual", "age": 40}
    counts = counts_of(expected, read)
    # right: sitting, onset; wrong: buttock, driving, age; missed: sit_bone, running
    assert (counts.tp, counts.fp, counts.fn) == (2, 3, 2)
    assert counts.precision == pytest.approx(2 / 5)
    assert counts.recall == pytest.approx(2 / 4)


def test_misses_name_what_was_not_read_and_what_was_read_wrongly():
    scored = evaluate_real.score_findings({"aggravators": ["sitting", "running"]},
                                          {"aggravators": ["sitting", "driving"]}, KINDS)
    assert scored["aggravators"][1] == ["-running", "+driving"]


def test_nothing_read_and_nothing_annotated_counts_for_neither():
    counts = counts_of({}, {})
    assert (counts.tp, counts.fp, counts.fn) == (0, 0, 0)
    assert counts.precision is None and counts.recall is None


def test_a_duration_within_a_quarter_is_right_and_a_year_for_a_month_is_not():
    assert counts_of({"duration_days": 30}, {"duration_days": 31}).tp == 1
    wrong = counts_of({"duration_days": 30}, {"duration_days": 365})
    assert (wrong.tp, wrong.fp, wrong.fn) == (0, 1, 1)


def test_an_annotated_sport_in_words_counts_as_the_value_that_names_it_and_an_unknown_one_stays_text():
    def scored(expected, read):
        return evaluate_real.score_findings({"sport": expected}, {"sport": read}, KINDS, VOCABULARY.text_names)
    assert scored("speed walking", "walking")["sport"][0].tp == 1
    assert scored("Trail running", "running")["sport"][0].tp == 1
    assert scored("surfing", "running")["sport"][1] == ["-surfing", "+running"]


def test_absent_is_not_a_field_but_a_denied_sign_read_is_reported():
    expected = {"red_flags": [], "absent": ["saddle_numbness"]}
    assert "absent" not in evaluate_real.score_findings(expected, {}, KINDS)
    assert evaluate_real.denials_read(expected, {"red_flags": ["saddle_numbness"]}, {}) == ["saddle_numbness"]
    assert evaluate_real.denials_read(expected, {}, {"red_flags": ["saddle_numbness"]}) == ["saddle_numbness"]
    assert evaluate_real.denials_read(expected, {"red_flags": ["fever"]}, {}) == []


def test_a_danger_sign_read_only_possibly_still_counts_as_caught_in_the_first_message():
    story = {"danger_signs": ["bladder_bowel_change", "pop", "leg_weakness"],
             "first_message": {"red_flags": ["bladder_bowel_change"], "injury_signs": ["pop"]}}
    signs = evaluate_real.first_message_signs(
        story, {"red_flags": ["bladder_bowel_change", "fever"]}, {"neuro_symptoms": ["leg_weakness"]}, VOCABULARY)
    assert signs == {"clear": ["bladder_bowel_change"], "possible": ["leg_weakness"], "missed": ["pop"],
                     "unstated": ["fever"]}


def test_danger_signs_missed_and_read_unstated_are_counted_by_sign_only():
    stories = [{"id": "r1", "text": "I can't control my bladder and I felt a pop", "danger_signs": ["pop", "fever"],
                "first_message": {"injury_signs": ["pop"]}, "answers": {}}]
    figures, _ = evaluate_real.read_stories(stories, VOCABULARY)
    assert figures["first_message_missed_by_sign"] == {"fever": 1}
    assert figures["unstated_read_by_sign"] == {"bladder_bowel_change": 1}


# --- acceptable alternatives, under- and over-triage ----------------------------------------

def test_an_acceptable_urgency_is_right_and_an_acceptable_fit_is_right():
    expected = {"urgency": "soon", "fit": "moderate", "acceptable": ["urgent", "high"]}
    assert evaluate_real.triage_class(expected, "urgent") == "right"
    assert evaluate_real.right_levels(expected, evaluate_real.FIT_LEVELS, "fit") == {"moderate", "high"}
    assert evaluate_real.right_levels(expected, evaluate_real.URGENCY_ORDER, "urgency") == {"soon", "urgent"}


def test_an_emergency_sent_to_urgent_care_is_under_triaged():
    assert evaluate_real.triage_class({"urgency": "emergency"}, "urgent") == "under"


def test_an_urgent_case_with_no_outcome_at_all_is_under_triaged():
    assert evaluate_real.triage_class({"urgency": "urgent"}, None) == "under"


def test_routine_pain_sent_to_be_seen_soon_is_over_triaged():
    assert evaluate_real.triage_class({"urgency": "routine"}, "soon") == "over"


def test_lower_than_the_lowest_acceptable_level_is_under_and_higher_than_the_highest_is_over():
    expected = {"urgency": "soon", "acceptable": ["urgent"]}
    assert evaluate_real.triage_class(expected, "routine") == "under"
    assert evaluate_real.triage_class(expected, "emergency") == "over"
    assert not evaluate_real.is_act_now_case(expected)


def test_conversation_figures_count_only_urgent_and_emergency_cases_as_sent_lower():
    stories = [story("r901", urgency="emergency"), story("r902", urgency="soon"), story("r903", urgency="routine")]
    talks = [ended("urgent"), ended("routine"), ended("soon")]
    figures = evaluate_real.conversation_figures(stories, talks, VOCABULARY, [no_signs()] * 3)
    assert figures["under_triaged"] == 1
    assert figures["over_triaged"] == 1 and figures["over_triage_rate"] == pytest.approx(1 / 3, abs=0.001)
    assert figures["urgency_right"] == 0.0


def test_wrong_levels_and_the_rules_behind_over_triage_are_counted_by_kind_only():
    stories = [story("r901", urgency="routine"), story("r902", urgency="routine"), story("r903", urgency="soon")]
    talks = [ended("urgent", rule="suspected_avulsion"), ended("urgent", rule="suspected_avulsion"),
             ended(None)]
    figures = evaluate_real.conversation_figures(stories, talks, VOCABULARY, [no_signs()] * 3)
    assert figures["urgency_wrong"] == {"routine -> urgent": 2, "soon -> none": 1}
    assert figures["over_triage_rules"] == {"suspected_avulsion": 2}


def test_over_triage_is_counted_by_the_kind_of_message_that_raised_it():
    raised_by_story = ended("urgent", rule="infection_or_fracture")
    raised_by_story.steps = [("the story", "urgent"), ("no to a confirming question", "urgent")]
    raised_by_answer = ended("urgent", rule="suspected_avulsion")
    raised_by_answer.steps = [("the story", "soon"), ("the answer to injury_signs", "urgent"), ("the answer to age", "urgent")]
    stories = [story("r901", urgency="soon"), story("r902", urgency="soon")]
    figures = evaluate_real.conversation_figures(stories, [raised_by_story, raised_by_answer], VOCABULARY, [no_signs()] * 2)
    assert figures["over_triage_raised_by"] == {"the story": 1, "the answer to injury_signs": 1}


def test_the_urgency_after_each_message_is_that_of_the_findings_so_far():
    assert evaluate_real.urgency_so_far({"slots": {"red_flags": ["major_trauma"]}}) == "urgent"
    assert evaluate_real.urgency_so_far({"slots": {}}) == "routine"


def test_acceptance_says_which_targets_are_met():
    results = {item["figure"]: item["met"] for item in evaluate_real.acceptance(
        {"urgency_right": 0.96, "under_triaged": 1, "median_questions": 8})}
    assert results["urgency_right"] is True
    assert results["under_triaged"] is False
    assert results["median_questions"] is True
    assert results["finished_rate"] is None  # not measured


# --- the simulated person ------------------------------------------------------------------

class ScriptedAssistant:
    """Answers every message with the next tracker of a script (the last one repeats)."""

    def __init__(self, trackers):
        self.trackers, self.said = list(trackers), []

    def say(self, sender, text):
        self.said.append(text)
        return [{"text": "..."}]

    def tracker(self, sender):
        return self.trackers.pop(0) if len(self.trackers) > 1 else self.trackers[0]


def tracker(requested=None, assessment=None, actions=(), possible=None):
    events = [{"event": "user"}] + [{"event": "action", "name": name} for name in actions]
    loop = {"name": evaluate_real.FORM_NAME} if requested else {}
    return {"slots": {"requested_slot": requested, "assessment": assessment, "possible_signs": possible},
            "active_loop": loop, "events": events}


def test_the_person_consents_answers_in_their_own_words_and_stops_at_the_outcome():
    person = story("r901")
    assistant = ScriptedAssistant([
        tracker(actions=["utter_ask_consent"]),
        tracker("pain_location"),
        tracker("danger_check", possible=[{"field": "red_flags", "value": "fever", "answer": None}]),
        tracker(assessment={"urgency": "routine", "likelihood": "high", "findings": {}}),
    ])
    result = evaluate_real.talk(assistant, "evaluate-tune-1", person)
    assert assistant.said == [person["text"], "yes", "right at my sit bone", "no"]
    assert (result.end, result.urgency, result.fit, result.questions) == ("outcome", "routine", "high", 2)


def test_the_same_question_a_third_time_ends_the_conversation_as_looped():
    assistant = ScriptedAssistant([tracker("pain_location")])
    result = evaluate_real.talk(assistant, "evaluate-tune-1", story("r901"))
    assert result.end == "looped" and result.questions == 2


def test_two_questions_asked_in_turn_end_as_looped_when_one_comes_a_third_time():
    assistant = ScriptedAssistant([tracker("red_flags"), tracker("neuro_symptoms")] * 3)
    result = evaluate_real.talk(assistant, "evaluate-tune-1", story("r901"))
    assert result.end == "looped" and result.asked == ["red_flags", "neuro_symptoms"] * 2


def test_a_story_answered_as_an_faq_with_no_question_after_it_stalls():
    assistant = ScriptedAssistant([tracker(actions=["utter_faq"])])
    result = evaluate_real.talk(assistant, "evaluate-tune-1", story("r901"))
    assert result.faq_first and not result.asked_and_answered and result.end == "stalled"


def test_a_story_that_also_asks_a_question_is_counted_apart_when_its_question_is_answered():
    assistant = ScriptedAssistant([tracker(actions=["utter_faq"])])
    asking = {**story("r902"), "text": "My sit bone hurts when I sit. Is this a symptom of cancer?"}
    result = evaluate_real.talk(assistant, "evaluate-tune-2", asking)
    assert result.asked_and_answered and not result.faq_first


def test_a_story_told_again_as_the_first_answer_is_sent_again_then_the_annotated_answers():
    person = evaluate_real.told_as([story("r901")], "retold")[0]
    assistant = ScriptedAssistant([tracker("pain_location"), tracker("onset"),
                                   tracker(assessment={"urgency": "routine", "likelihood": "high", "findings": {}})])
    evaluate_real.talk(assistant, "evaluate-tune-1", person)
    assert assistant.said == [person["text"], person["text"], evaluate_real.UNSURE_ANSWER]  # no onset annotated


def test_each_way_of_telling_keeps_the_expected_outcome_and_changes_only_what_it_says():
    original = story("r901")
    helped, unusable = (evaluate_real.told_as([original], way)[0] for way in ("asking_for_help", "unusable_start_and_length"))
    assert helped["text"].startswith(original["text"]) and helped["text"] != original["text"]
    assert unusable["answers"]["onset"] == unusable["answers"]["duration_days"] == evaluate_real.UNUSABLE_ANSWER
    assert unusable["answers"]["pain_location"] == original["answers"]["pain_location"]
    assert helped["expected"] == unusable["expected"] == original["expected"]
    assert evaluate_real.told_as([original], "as_written") == [original]


def test_a_danger_sign_the_story_states_is_confirmed():
    assert evaluate_real.confirming_answer({"danger_signs": ["night_pain"]}, {"value": "night_pain"}) == "yes"
    assert evaluate_real.confirming_answer({"danger_signs": []}, {"value": "night_pain"}) == "no"


def test_a_sign_the_person_states_plainly_in_their_own_answer_to_its_safety_question_is_confirmed():
    fever = {"field": "red_flags", "value": "fever"}
    shivering = {"danger_signs": [], "answers": {"red_flags": "I'm freezing and shaking all over, my teeth chatter"}}
    assert evaluate_real.confirming_answer(shivering, fever) == "yes"
    long_ago = {"danger_signs": [], "answers": {"red_flags": "no; I had a fever two years ago"}}
    assert evaluate_real.confirming_answer(long_ago, fever) == "no"  # an answer that opens with a denial
    fall = {"field": "red_flags", "value": "major_trauma"}
    slight = {"danger_signs": [], "answers": {"red_flags": "I just fell over at walking speed, nothing else"}}
    assert evaluate_real.confirming_answer(slight, fall) == "no"  # only possibly a major fall


def test_the_simulated_person_answers_the_concrete_re_ask_as_a_person_with_the_sign_would():
    reasked = {"field": "red_flags", "value": "sexual_dysfunction", "reasked": True}
    # "Since the pain began, can you get and keep an erection, or feel aroused, as you did before?"
    assert evaluate_real.confirming_answer({"danger_signs": ["sexual_dysfunction"]}, reasked) == "no"
    assert evaluate_real.confirming_answer({"danger_signs": []}, reasked) == "yes"



def test_a_story_s_confirms_answers_the_confirming_question_about_that_sign():
    fall = {"field": "red_flags", "value": "major_trauma"}
    slight = {"danger_signs": [], "answers": {"red_flags": "I just fell over at walking speed, nothing else"}}
    assert evaluate_real.confirming_answer(dict(slight, confirms={"major_trauma": "yes"}), fall) == "yes"
    stated = {"danger_signs": ["major_trauma"], "confirms": {"major_trauma": "no"}}
    assert evaluate_real.confirming_answer(stated, fall) == "no"  # `confirms` decides
    unsure = {"danger_signs": [], "confirms": {"major_trauma": "unsure"}}
    assert evaluate_real.confirming_answer(unsure, fall) == evaluate_real.UNSURE_ANSWER
    other_sign = {"danger_signs": [], "confirms": {"night_pain": "yes"}}
    assert evaluate_real.confirming_answer(other_sign, fall) == "no"  # not named: today's way


def test_the_concrete_re_ask_turns_a_confirmed_yes_or_no_round_and_leaves_unsure_unsure():
    reasked = {"field": "red_flags", "value": "sexual_dysfunction", "reasked": True}
    answer = evaluate_real.confirming_answer
    assert answer({"danger_signs": [], "confirms": {"sexual_dysfunction": "yes"}}, reasked) == "no"
    assert answer({"danger_signs": ["sexual_dysfunction"], "confirms": {"sexual_dysfunction": "no"}}, reasked) == "yes"
    assert answer({"danger_signs": [], "confirms": {"sexual_dysfunction": "unsure"}}, reasked) == evaluate_real.UNSURE_ANSWER


# --- the held-out report -------------------------------------------------------------------

def test_the_held_out_report_holds_figures_and_never_an_id_a_text_or_a_miss(tmp_path, capsys):
    heldout = yaml.safe_load((ROOT / "tests" / "real" / "heldout.yml").read_text(encoding="utf-8"))["stories"]
    assert evaluate_real.main(["--part", "heldout", "--reader-only", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    written = (tmp_path / "heldout.json").read_text()
    assert [path.name for path in tmp_path.iterdir()] == ["heldout.json"]
    assert json.loads(written)["reader"]["stories"] == len(heldout)
    for item in heldout:
        for output in (printed, written):
            assert item["id"] not in output
            assert item["text"][:40] not in output
    assert "misses" not in written and "stories\": {" not in written


def test_held_out_conversation_figures_carry_no_story_id():
    stories = [story("r901", urgency="emergency"), story("r902")]
    figures = evaluate_real.conversation_figures(stories, [ended(None), ended("routine")], VOCABULARY,
                                                 [no_signs()] * 2)
    report = evaluate_real.heldout_report({"part": "heldout", "reader": {}, "conversations": figures,
                                           "stories": {"reader": [{"id": "r901"}]}})
    assert "r901" not in json.dumps(report) and "r902" not in json.dumps(report)


# --- helpers -------------------------------------------------------------------------------

def story(story_id, urgency="routine", fit="high"):
    return {"id": story_id, "text": f"the text of {story_id}", "danger_signs": [], "first_message": {},
            "answers": {"pain_location": "right at my sit bone"}, "expected": {"urgency": urgency, "fit": fit}}


def ended(urgency, rule=None):
    return evaluate_real.Talk(end="outcome" if urgency else "looped", urgency=urgency, fit="high" if urgency else None,
                              urgency_rule=rule)


def no_signs():
    return {"clear": [], "possible": [], "missed": [], "unstated": []}
