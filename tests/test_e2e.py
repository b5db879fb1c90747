"""Whole conversations in free text over the REST channel, checked through the HTTP API.

The suite starts the action server and the Rasa server itself (harness/servers.py).
"""
import pytest

from harness.servers import Conversation, http

pytestmark = pytest.mark.e2e

CLASSIC_ANSWERS = {
    "pain_location": "right at my sit bone",
    "onset": "it crept up gradually over a few weeks",
    "duration_days": "about six weeks",
    "red_flags": "none of these",
    "neuro_symptoms": "no",
    "aggravators": "sitting through meetings and running up hills",
    "load_changes": "I started doing hill repeats",
    "pain_score": "about a 5",
    "morning_stiffness": "yes, every morning",
    "worse_next_day": "yeah, usually the next morning",
    "age": "34",
    "sport": "running",
}


def started(assistant, sender, *answers):
    """A conversation that has consented and given `answers`; returns it and the tracker."""
    conversation = Conversation(assistant, sender, CLASSIC_ANSWERS)
    conversation.send("hi")
    tracker = conversation.send("yes")
    for answer in answers:
        tracker = conversation.send(answer)
    return conversation, tracker


def talk(assistant, sender, opening="hi", **changed_answers):
    conversation = Conversation(assistant, sender, {**CLASSIC_ANSWERS, **changed_answers})
    return conversation, conversation.run(opening)


def test_classic_pht_is_routine_with_a_tailored_plan(assistant):
    conversation, result = talk(assistant, "classic")
    assert result["urgency"] == "routine"
    assert result["likelihood"] == "high"
    assert result["differentials"] == []
    assert result["findings"]["aggravators"] == ["sitting", "uphill_running"]
    advice = {item["id"] for item in result["advice"]}
    assert {"break_up_sitting", "flat_easy_running", "pain_monitoring"} <= advice
    said = "\n".join(conversation.replies)
    assert "fit PHT well" in said and "Break up sitting" in said
    # questions that could not change the outcome were skipped, and recorded as such
    assert len(conversation.asked) <= 10
    assert {"sport", "morning_stiffness", "worse_next_day"} <= set(result["skipped"])


def test_cauda_equina_signs_end_the_questions_with_emergency_advice(assistant):
    conversation, result = talk(assistant, "cauda-equina",
                                red_flags="I've gone numb between my legs and I can't pee properly")
    assert result["urgency"] == "emergency"
    assert "cauda_equina_syndrome" in result["differentials"]
    assert conversation.asked[-1] == "red_flags"  # nothing asked after the danger sign
    assert "emergency" in conversation.replies[-1].lower() or "care now" in conversation.replies[-1]


def test_pop_with_bruising_after_a_slip_is_urgent_avulsion(assistant):
    conversation, result = talk(assistant, "avulsion",
                                pain_location="top of my hamstring",
                                onset="suddenly, I slipped and did the splits waterskiing",
                                injury_signs="I felt a pop and now there is bruising")
    assert result["urgency"] == "urgent"
    assert result["likelihood"] == "low"
    assert "hamstring_avulsion" in result["differentials"]
    # urgent, not an emergency: policy 3 asks the cauda equina and nerve questions before the outcome
    assert conversation.asked.index("injury_signs") < conversation.asked.index("red_flags")
    assert conversation.asked[-1] == "neuro_symptoms"


def test_low_back_pain_with_tingling_below_the_knee_points_to_the_back(assistant):
    _, result = talk(assistant, "lumbar",
                     pain_location="my lower back, spreading into my bum",
                     neuro_symptoms="tingling down to my foot and some back pain",
                     aggravators="coughing and sneezing, and bending forward")
    assert result["urgency"] == "soon"
    assert result["likelihood"] == "low"
    assert "lumbar_radicular_pain" in result["differentials"]


def test_sudden_mid_thigh_pain_when_sprinting_is_a_strain_to_assess_soon(assistant):
    conversation, result = talk(assistant, "strain",
                                pain_location="the middle of the back of my thigh",
                                onset="suddenly during a sprint",
                                injury_signs="none of these")
    assert result["urgency"] == "soon"
    assert "hamstring_strain" in result["differentials"]
    assert "injury_signs" in conversation.asked


def test_outer_hip_pain_fits_pht_poorly(assistant):
    _, result = talk(assistant, "outer-hip", pain_location="on the side of my hip",
                     aggravators="lying on that side and stairs")
    assert result["likelihood"] == "low"
    assert "gluteal_tendinopathy" in result["differentials"]
    assert result["urgency"] == "routine"


def test_a_red_flag_volunteered_mid_form_ends_it_at_once(assistant):
    # (policy 3 asks how long only when it can change the outcome: the onset is always asked)
    conversation, result = talk(assistant, "volunteered-flag",
                                onset="it crept up over 5 weeks, and I've also lost control of my bladder")
    assert result["urgency"] == "emergency", "\n".join(conversation.transcript)
    assert conversation.asked[-1] == "onset"
    assert "red_flags" not in conversation.asked


def test_answers_given_early_are_not_asked_again(assistant):
    opening = ("Hi, I'm 34 years old and I've had pain at my sit bone for 6 weeks, "
               "worse when sitting and driving")
    conversation, result = talk(assistant, "early-answers", opening=opening, aggravators="nothing else")
    assert not {"pain_location", "duration_days", "age"} & set(conversation.asked)
    assert set(result["findings"]["aggravators"]) == {"sitting", "driving"}  # "anything else?" keeps them
    assert result["findings"]["duration_days"] == 42
    assert result["findings"]["age"] == 34
    assert "red_flags" in conversation.asked


def test_an_answer_that_is_not_understood_is_asked_again(assistant):
    conversation, tracker = started(assistant, "reask", "at my sit bone")
    assert tracker["slots"]["requested_slot"] == "onset"
    tracker = conversation.send("hard to describe really")
    assert tracker["slots"]["requested_slot"] == "onset"
    assert any("didn't quite get that" in reply for reply in conversation.replies[-3:])


def test_gibberish_twice_leaves_an_ordinary_question_as_not_known_instead_of_a_loop(assistant):
    conversation, tracker = started(assistant, "gibberish", "at my sit bone")
    tracker = conversation.send("qwerty banana")
    assert tracker["slots"]["requested_slot"] == "onset"
    tracker = conversation.send("asdfgh jkl")
    assert tracker["slots"]["onset"] == "not_sure"
    assert tracker["slots"]["requested_slot"] == "duration_days"
    assert any("leave that one as not known" in reply for reply in conversation.replies[-4:])


def test_gibberish_to_a_safety_question_asks_each_sign_alone_then_offers_the_clinic_contact(assistant):
    conversation, tracker = started(assistant, "gibberish-safety", "at my sit bone", "gradually", "about six weeks")
    assert tracker["slots"]["requested_slot"] == "red_flags"
    tracker = conversation.send("qwerty banana")
    assert tracker["slots"]["requested_slot"] == "danger_check"  # one sign at a time (issue 20)
    assert any("one at a time" in reply for reply in conversation.replies[-3:])
    for text in ("asdfgh jkl", "zxcvb mnb"):
        tracker = conversation.send(text)
        assert tracker["slots"]["requested_slot"] == "danger_check"
    assert any("talk to a person" in reply for reply in conversation.replies[-4:])


# Real first messages (tests/real/tune.yml r100, r135) that the classifier takes for FAQ
# questions about sitting: a story is never answered from the FAQ.
STORIES_LIKE_QUESTIONS = [
    'I noticed that I would develop a highly localized pain in my left buttock near my "sit" bone, or the area of '
    "my buttock that makes the most contact with a surface when sitting, and that this pain was most intense "
    "shortly after higher intensity workouts.",
    "As for the glute? Well to be quite honest I'm getting an awful pain in the @rse when I sit for any longer than "
    "about ten minutes. I've been developing this pain for a while now.",
]


@pytest.mark.parametrize("story", STORIES_LIKE_QUESTIONS)
def test_a_story_the_classifier_takes_for_a_question_gets_the_welcome_not_an_faq_answer(assistant, story):
    conversation = Conversation(assistant, f"story-{STORIES_LIKE_QUESTIONS.index(story)}", CLASSIC_ANSWERS)
    tracker = conversation.send(story)
    said = [event for event in tracker["events"] if event.get("event") == "bot"]
    assert not any(str((event.get("metadata") or {}).get("utter_action", "")).startswith("utter_faq") for event in said)
    assert any("From your message I've noted" in reply for reply in conversation.replies)
    assert "sitting" in (tracker["slots"]["aggravators"] or tracker["slots"]["mentioned"].get("aggravators", []))
    tracker = conversation.send("yes")
    assert tracker["active_loop"]["name"] == "assessment_form"


def test_a_question_before_the_questions_is_answered_then_shall_we_go_on_takes_yes(assistant):
    conversation = Conversation(assistant, "faq-then-go-on", CLASSIC_ANSWERS)
    conversation.send("hi")
    tracker = conversation.send("can I keep running with this?")
    assert any("flat ground" in reply for reply in conversation.replies[-3:]), conversation.replies[-3:]
    assert "Shall we go on" in conversation.replies[-1]
    tracker = conversation.send("yes")
    assert tracker["active_loop"]["name"] == "assessment_form"
    assert tracker["slots"]["requested_slot"] == "pain_location"


def test_why_do_you_ask_is_answered_and_the_question_repeated(assistant):
    conversation, tracker = started(assistant, "why", "why do you ask?")
    assert tracker["slots"]["requested_slot"] == "pain_location"
    assert any("strongest clue" in reply for reply in conversation.replies[-3:])


def test_start_again_clears_the_answers(assistant):
    _, tracker = started(assistant, "restart", "at my sit bone", "start again", "yes")
    assert tracker["slots"]["pain_location"] is None
    assert tracker["active_loop"] == {} or tracker["active_loop"].get("name") is None


def test_the_http_api_refuses_requests_without_the_token(assistant):
    status, _ = http("GET", f"{assistant.url}/conversations/classic/tracker")
    assert status in (401, 403)


def test_a_danger_sign_in_the_first_message_gets_emergency_advice_straight_away(assistant):
    conversation, result = talk(assistant, "first-message-flag",
                                opening="my bum hurts and I've gone numb between my legs and wet myself")
    assert result["urgency"] == "emergency"
    assert conversation.asked == []
    assert not any("Shall we start" in reply for reply in conversation.replies)


def test_a_conversation_survives_a_restart_of_the_rasa_server(assistant):
    conversation, _ = started(assistant, "restart-survivor", "at my sit bone")
    assistant.restart_rasa()
    tracker = assistant.tracker("restart-survivor")
    assert tracker["slots"]["pain_location"] == "sit_bone"
    assert tracker["slots"]["requested_slot"] == "onset"
    tracker = conversation.send("gradually")
    assert tracker["slots"]["onset"] == "gradual"
    assert tracker["slots"]["requested_slot"] == "duration_days"


def test_a_question_about_pht_is_answered_with_sources(assistant):
    replies = [reply.get("text", "") for reply in assistant.say("faq-outside", "should I stretch my hamstring?")]
    assert any("not to stretch" in reply and "Sources:" in reply for reply in replies), replies


def test_a_question_mid_form_is_answered_and_the_form_resumes(assistant):
    conversation, tracker = started(assistant, "faq-mid-form", "at my sit bone", "can I keep running with this?")
    assert any("flat ground" in reply for reply in conversation.replies[-3:]), conversation.replies[-3:]
    assert tracker["slots"]["requested_slot"] == "onset"
    assert tracker["active_loop"]["name"] == "assessment_form"


def test_a_danger_sign_inside_a_question_triggers_the_emergency_pathway(assistant):
    _, tracker = started(assistant, "faq-with-flag", "at my sit bone",
                         "is it normal that I can't control my bladder since this started?")
    assert tracker["slots"]["assessment"]["urgency"] == "emergency"


def test_a_correction_is_taken_and_acknowledged(assistant):
    conversation, tracker = started(assistant, "correction", "at my sit bone", "gradually", "about 6 weeks",
                                    "actually it's been three months")
    assert tracker["slots"]["duration_days"] == 90
    assert any("changed" in reply for reply in conversation.replies[-3:])


def test_go_back_asks_the_previous_question_again(assistant):
    _, tracker = started(assistant, "go-back", "at my sit bone", "gradually", "go back")
    assert tracker["slots"]["onset"] is None
    assert tracker["slots"]["requested_slot"] == "onset"


# --- policy v2 (issue 9), the phrasings from the issue, over REST -------------------------------

def test_the_41_year_old_runners_story_keeps_sitting_and_asks_for_anything_else(assistant):
    opening = ("I'm a 41 year old runner and my right sit bone has been sore for about 7 weeks, "
               "especially when I sit at work or run hills")
    conversation, result = talk(assistant, "runner-41", opening=opening, aggravators="nothing else really",
                                load_changes="nothing changed")
    assert set(result["findings"]["aggravators"]) == {"sitting", "uphill_running"}
    assert result["findings"]["load_changes"] == []
    assert "aggravators" in conversation.asked  # as "Anything else that makes it worse, like ...?"
    assert any(reply.startswith("Anything else that makes it worse") for reply in conversation.replies)
    assert result["likelihood"] == "high"
    assert "Break up sitting" in "\n".join(conversation.replies)


def test_pain_on_both_sides_during_the_questions_is_no_emergency(assistant):
    _, result = talk(assistant, "bilateral", red_flags="none of those, but both my sit bones ache")
    assert result["urgency"] == "routine"
    assert result["findings"]["red_flags"] == []


def test_a_hamstring_that_feels_weak_when_lifting_is_not_urgent(assistant):
    _, result = talk(assistant, "weak-hamstring", neuro_symptoms="no, my hamstring just feels weak when I deadlift")
    assert result["urgency"] == "routine"
    assert "leg_weakness" not in result["findings"]["neuro_symptoms"]


def test_genital_numbness_in_everyday_words_is_an_emergency_asked_once(assistant):
    conversation, result = talk(assistant, "numb-privates", red_flags="I can't feel my privates properly")
    assert result["urgency"] == "emergency"
    assert conversation.asked.count("red_flags") == 1


@pytest.mark.parametrize("answer, urgency", [("no, it never gives way", "routine"), ("not sure", "urgent")])
def test_a_possible_danger_sign_gets_one_confirming_question(assistant, answer, urgency):
    conversation, result = talk(assistant, f"possible-weak-{urgency}", neuro_symptoms="my leg feels weak",
                                danger_check=answer)
    assert conversation.asked.count("danger_check") == 1
    assert any("give way" in reply for reply in conversation.replies)
    assert result["urgency"] == urgency


def test_a_safety_question_without_a_usable_answer_stops_and_is_left_to_a_professional(assistant):
    conversation, result = talk(assistant, "screen-loop", red_flags="qwerty zxcvb", danger_check="zxcvb qwerty")
    assert conversation.asked.count("red_flags") == 1 and conversation.asked.count("danger_check") == 3
    assert result["screening_stopped"]["field"] == "red_flags"
    assert any("in person" in reply for reply in conversation.replies)


def test_yes_after_the_outcome_gets_a_brief_answer(assistant):
    conversation, _ = talk(assistant, "yes-after")
    before = len(conversation.replies)
    conversation.send("yes")
    assert len(conversation.replies) - before == 1


def test_distress_pauses_the_questions_with_crisis_contacts_and_carrying_on_resumes(assistant):
    conversation, tracker = started(assistant, "distress", "at my sit bone", "gradually")
    assert tracker["slots"]["requested_slot"] == "duration_days"
    tracker = conversation.send("stop, honestly I just want to end it all")
    reply = "\n".join(conversation.replies[-2:])
    assert "116 123" in reply and "988" in reply
    assert not tracker["active_loop"].get("name")
    tracker = conversation.send("yes, let's carry on")
    assert tracker["slots"]["requested_slot"] == "duration_days"
    assert tracker["slots"]["onset"] == "gradual"


def test_past_cancer_alone_is_a_doctor_within_two_weeks_even_at_62(assistant):
    """Policy 3: a cancer history alone is soon at any age (age over 50 is no rule of its own);
    new trouble walking is asked, and how the pain is changing, since either would raise it."""
    conversation, result = talk(assistant, "cancer-62", red_flags="I had bowel cancer five years ago", age="62",
                                danger_check="no", trend="about the same")
    assert result["urgency"] == "soon"
    assert "trend" in conversation.asked
