"""What one message means for the pre-screen, decided without Rasa (pht/turn.py)."""
import pytest

from pht.state import CONFIRM_SLOT, MENTIONED_SLOT, POSSIBLE_SLOT, findings_from_slots
from pht.turn import CORRECTED_SLOT, Message, going_back, read_message_into


def changes(state, text, asked=None, **message):
    return dict(read_message_into(state, Message(text, **message), asked))


def test_an_answer_to_the_question_asked_sets_its_field():
    assert changes({}, "about six weeks", "duration_days")["duration_days"] == 42


def test_what_the_person_could_not_say_before_and_tells_later_counts():
    """r658 (tune, --told unusable_start_and_length): "hmm, hard to say" to how it started, then
    "I fell from standing onto my bottom" to the safety question: the fall was a sudden start,
    which brings the injury questions (sent to self-care before, expected urgent)."""
    state = {"onset": "not_sure", "pain_location": "buttock", "duration_days": 4}
    told = changes(state, "I fell from standing onto my bottom on the kitchen floor; no fever", "red_flags")
    assert told[MENTIONED_SLOT]["onset"] == "sudden"
    assert findings_from_slots({**state, **told})["onset"] == "sudden"
    answered = {"onset": "gradual", "pain_location": "buttock"}  # an answer is not overwritten in passing
    assert "onset" not in changes(answered, "I fell from standing onto my bottom", "red_flags").get(MENTIONED_SLOT, {})


def test_values_told_in_passing_count_but_leave_the_question_to_be_asked():
    told = changes({}, "my sit bone hurts when I sit at my desk and when I drive")
    assert told["pain_location"] == "sit_bone"
    assert told[MENTIONED_SLOT]["aggravators"] == ["sitting", "driving"]
    assert "aggravators" not in told


def test_a_passing_mention_does_not_overwrite_an_answer_but_actually_does():
    state = {"onset": "gradual"}
    assert "onset" not in changes(state, "it hurts when I sit, it came on suddenly", "aggravators")
    corrected = changes(state, "actually, it came on suddenly", "aggravators")
    assert corrected["onset"] == "sudden" and corrected[CORRECTED_SLOT] == {"onset": "sudden"}


def test_a_question_to_the_assistant_is_no_report_but_a_danger_sign_in_it_counts():
    asked = changes({}, "can I keep running with this, I also can't control my bladder?", intent="faq", confidence=0.95)
    assert "aggravators" not in asked and "running" not in asked[MENTIONED_SLOT].get("aggravators", [])
    assert "bladder_bowel_change" in asked[MENTIONED_SLOT]["red_flags"]


def test_a_story_that_ends_with_a_question_is_read_for_its_story_and_not_for_its_question():
    told = changes({}, "My sit bone has hurt for three weeks when I sit at my desk. Should I stop running?",
                   intent="faq", confidence=0.95)
    assert told["pain_location"] == "sit_bone" and told["duration_days"] == 21
    assert told[MENTIONED_SLOT]["aggravators"] == ["sitting"]  # not running: that is what it asks about


def test_a_story_that_asks_only_for_help_is_read_in_full():
    told = changes({}, "My bum hurts when I sit and when I run hills, any advice?", intent="faq", confidence=0.97)
    assert told["pain_location"] == "buttock"
    assert told[MENTIONED_SLOT]["aggravators"] == ["sitting", "uphill_running"]


def test_a_possible_danger_sign_is_kept_apart_to_confirm_and_yes_counts_it():
    first = changes({}, "my left leg feels a bit weak when I walk far")
    signs = first[POSSIBLE_SLOT]
    assert [(sign["field"], sign["value"], sign["answer"]) for sign in signs] == [("neuro_symptoms", "leg_weakness", None)]
    answered = changes({POSSIBLE_SLOT: signs}, "yes", CONFIRM_SLOT)
    assert answered[CONFIRM_SLOT] == "yes"
    assert answered[POSSIBLE_SLOT][0]["answer"] == "yes"


def test_a_confirming_question_answered_unclearly_is_unsure_not_absent():
    signs = changes({}, "my left leg feels a bit weak when I walk far")[POSSIBLE_SLOT]
    answered = changes({POSSIBLE_SLOT: signs}, "hmm no idea really", CONFIRM_SLOT)
    assert answered[POSSIBLE_SLOT][0]["answer"] == "unclear"


def test_a_story_told_again_to_a_confirming_question_asks_it_once_more_then_counts_as_unclear():
    signs = changes({}, "my left leg feels a bit weak when I walk far")[POSSIBLE_SLOT]
    story = "I've had pain at my sit bone for weeks, it hurts when I sit at my desk"
    first = changes({POSSIBLE_SLOT: signs}, story, CONFIRM_SLOT)
    assert first[POSSIBLE_SLOT][0]["answer"] is None and CONFIRM_SLOT not in first  # asked once more
    second = changes({POSSIBLE_SLOT: first[POSSIBLE_SLOT]}, story, CONFIRM_SLOT)
    assert second[POSSIBLE_SLOT][0]["answer"] == "unclear"  # then it errs safe, as policy v3 asks


def test_a_no_inside_a_story_that_tells_the_sign_again_does_not_rule_the_sign_out():
    story = "I strained a calf muscle. It was painful at first but it was no longer sore. It swelled up a lot."
    signs = changes({}, story)[POSSIBLE_SLOT]
    assert [sign["value"] for sign in signs] == ["calf_swelling"]
    again = changes({POSSIBLE_SLOT: signs}, story, CONFIRM_SLOT)[POSSIBLE_SLOT][0]["answer"]
    assert again is None  # asked once more, not answered "no"
    denied = changes({POSSIBLE_SLOT: signs}, "no, it only swelled up a little after the heat pack", CONFIRM_SLOT)
    assert denied[POSSIBLE_SLOT][0]["answer"] == "no"


@pytest.mark.parametrize("story", [
    # r082: "odd" in a story is no altered feeling told as the answer
    "Then completely out of the blue I developed some odd colorectal problems with pain on sitting. Over a "
    "three-month period the pain escalated to the point that I could no longer sit for more than 40 minutes.",
    # a "yes" deep inside a story answers nothing
    "My sit bone has hurt for weeks. My physio said yes, it is probably the tendon, and I still cannot sit long.",
])
def test_a_story_told_again_to_a_cauda_equina_question_is_no_yes(story):
    signs = changes({}, "since the pain began I have had some bladder problems")[POSSIBLE_SLOT]
    answered = changes({POSSIBLE_SLOT: signs}, story, CONFIRM_SLOT)
    assert answered[POSSIBLE_SLOT][0]["answer"] != "yes"
    assert changes({POSSIBLE_SLOT: signs}, "yes, and it feels odd when I go", CONFIRM_SLOT)[POSSIBLE_SLOT][0]["answer"] == "yes"


def test_a_story_that_opens_with_it_is_or_holds_a_maybe_neither_answers_nor_is_unsure():
    """r467, told again to "do you have new trouble walking?": "It is the first scan ..." is no
    "it is" (yes), and "maybe 8 months" further in is no "maybe" (unsure, which errs safe)."""
    story = ("It is the first scan I have had since the initial scans I had upon diagnosis. I have had some "
             "back pain for a while now, maybe 8 months. I was to move positions so they could get pictures.")
    state = dict(changes({}, story))
    asked = changes(state, story, CONFIRM_SLOT)[POSSIBLE_SLOT][0]
    assert asked["value"] == "difficulty_walking" and asked["answer"] is None and asked["asked_again"]
    for answer, meant in [("Yes, and I have been limping ever since the scan last month on my left side", "yes"),
                          ("Not really, I can walk fine but sitting at my desk is a nightmare all day", "no"),
                          ("Not sure if it counts, I walk a bit slower since the treatment began", "unclear")]:
        assert changes(state, answer, CONFIRM_SLOT)[POSSIBLE_SLOT][0]["answer"] == meant


def test_a_story_told_again_to_a_safety_screen_leaves_the_signs_it_does_not_name_to_be_asked():
    story = "I fell four metres onto concrete a few weeks ago and my sit bone has hurt since"
    state = {MENTIONED_SLOT: {"red_flags": ["major_trauma"]}}
    assert changes(state, story, "red_flags")["red_flags"] == "not_sure"  # asked one at a time
    assert changes(state, "a major fall, nothing else", "red_flags")["red_flags"] == ["major_trauma"]


def test_the_answer_to_which_answer_is_wrong_corrects():
    state = {"onset": "gradual"}
    assert changes(state, "it started suddenly, with a pop", corrects=True)["onset"] == "sudden"


# --- "go back" -----------------------------------------------------------------------------

def test_go_back_during_one_sign_questions_reopens_the_sign_answered_last():
    signs = [{"field": "red_flags", "value": "saddle_numbness", "answer": "no", "was_the_answer": False, "one_by_one": True},
             {"field": "red_flags", "value": "bladder_bowel_change", "answer": None, "was_the_answer": False,
              "one_by_one": True}]
    changes = dict(going_back({POSSIBLE_SLOT: signs, "sport": "running"}, CONFIRM_SLOT))
    assert [sign["answer"] for sign in changes[POSSIBLE_SLOT]] == [None, None]
    assert "sport" not in changes


def test_go_back_before_the_first_one_sign_question_asks_the_whole_screen_again():
    signs = [{"field": "red_flags", "value": "saddle_numbness", "answer": None, "was_the_answer": False, "one_by_one": True}]
    changes = dict(going_back({POSSIBLE_SLOT: signs, "pain_location": "sit_bone"}, CONFIRM_SLOT))
    assert changes[POSSIBLE_SLOT] == [] and changes["red_flags"] is None


def test_go_back_never_clears_a_finding_told_in_passing_that_the_form_has_not_reached():
    state = {"pain_location": "sit_bone", "onset": "gradual", "sport": "running"}
    assert dict(going_back(state, CONFIRM_SLOT)) == {"onset": None, "requested_slot": None}
    assert dict(going_back(state, "injury_signs")) == {"onset": None, "requested_slot": None}


def test_go_back_at_the_first_question_has_nothing_to_go_back_to():
    assert going_back({}, "pain_location") is None


# -- an urgent danger sign read from a long story is repeated back once ---------------------------

LONG_STORY_WITH_A_POP = ("I have been doing hill sprints twice a week since the spring with a running club near "
                         "my home, and last Tuesday on the final rep I felt a pop right at the top of my hamstring. "
                         "Since then sitting at my desk at work has been really uncomfortable and it aches after a walk.")


def told_signs(state):
    return [sign for sign in state.get(POSSIBLE_SLOT) or [] if sign.get("told")]


def test_an_urgent_sign_in_a_long_story_counts_at_once_and_is_repeated_back_once():
    state = changes({}, LONG_STORY_WITH_A_POP)
    assert state[MENTIONED_SLOT]["injury_signs"] == ["pop"]  # recorded at once (policy v3)
    assert [(sign["field"], sign["value"]) for sign in told_signs(state)] == [("injury_signs", "pop")]
    again = changes(state, "I also notice it when I drive")  # not asked twice
    assert told_signs({**state, **again}) == told_signs(state)


@pytest.mark.parametrize("answer, kept", [("no", False), ("no, no pop, it just started hurting", False),
                                          ("yes", True), ("I'm not sure", True), ("hmm", True)])
def test_the_answer_to_a_sign_repeated_back_takes_it_out_only_when_it_says_no(answer, kept):
    state = changes({}, LONG_STORY_WITH_A_POP)
    after = {**state, **changes(state, answer, CONFIRM_SLOT)}
    assert ("pop" in findings_from_slots(after).get("injury_signs", [])) is kept


def test_a_short_message_and_an_emergency_sign_are_not_repeated_back():
    assert not told_signs(changes({}, "I felt a pop at the top of my hamstring while sprinting"))
    story = LONG_STORY_WITH_A_POP.replace("it aches after a walk", "I have gone numb between my legs")
    assert not told_signs(changes({}, story))  # an emergency on its own ends the questions instead
    assert "saddle_numbness" in changes({}, story)[MENTIONED_SLOT]["red_flags"]


def test_a_sign_that_does_not_make_the_outcome_urgent_is_not_repeated_back():
    story = LONG_STORY_WITH_A_POP.replace("last Tuesday on the final rep I felt a pop right at",
                                          "over the last month I noticed a dull ache building up at")
    story += " I had breast cancer ten years ago."  # a cancer history alone: an assessment soon
    told = changes({}, story)
    assert told[MENTIONED_SLOT]["red_flags"] == ["cancer_history"] and not told_signs(told)


def test_a_sign_said_no_to_is_not_read_again_from_the_story_told_once_more_but_counts_when_said_plainly():
    state = changes({}, LONG_STORY_WITH_A_POP)
    state = {**state, **changes(state, "no", CONFIRM_SLOT)}
    again = {**state, **changes(state, LONG_STORY_WITH_A_POP, "pain_location")}
    assert "pop" not in findings_from_slots(again).get("injury_signs", [])
    plainly = {**again, **changes(again, "I did feel a pop, now I think of it", "pain_location")}
    assert "pop" in findings_from_slots(plainly)["injury_signs"]
    answered = {**again, **changes(again, LONG_STORY_WITH_A_POP + " So yes, there was a pop.", "injury_signs")}
    assert "pop" in findings_from_slots(answered)["injury_signs"]  # told to its own question: an answer


def test_a_swollen_calf_in_a_long_story_is_recorded_and_not_repeated_back():
    """Care today on its own (a possible clot): a "no" to it is not worth the risk."""
    story = LONG_STORY_WITH_A_POP.replace("I felt a pop right at", "I felt a dull ache right at")
    story += " My left calf is swollen and sore as well since the long flight."
    told = changes({}, story)
    assert "calf_swelling" in told[MENTIONED_SLOT]["red_flags"] and not told_signs(told)


def test_how_the_pain_has_gone_read_from_a_story_is_asked_again_when_it_decides_the_urgency():
    # with a cancer history, pain that keeps getting worse is urgent: "much better" in a story
    # may be of one week long ago, so the question is asked, not skipped
    story = "I had breast cancer five years ago. My buttock hurts when I sit, although it's much better now."
    changed = changes({}, story)
    assert "trend" not in changed
    assert changed[MENTIONED_SLOT]["trend"] == "better"


def test_how_the_pain_has_gone_read_from_a_story_counts_when_nothing_depends_on_it():
    changed = changes({}, "My buttock hurts when I sit, although it's much better now.")
    assert changed["trend"] == "better"
