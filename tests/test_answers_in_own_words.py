"""Real people's answers, in their own words (issue 19): what they name only as an answer, what
looks like a command or off-topic but is an answer, and the look-alikes that state nothing.

Each phrasing here comes from a real patient story of tests/real/tune.yml (its id beside it),
except those that pin how a danger sign told in words of its own, by its parts or by a sound
or a colour, is asked about once (the section of that name)."""
import pytest
from rasa_sdk.events import SlotSet

from actions.forms import ActionExtractFindings, ValidateAssessmentForm
from pht.language.reader import shared_reader
from test_actions import CLASSIC, make_tracker, run, slot_events, texts, validation_tracker

READER = shared_reader()


def stepped_aside(events):
    """The form changed nothing (the SDK only repeats the question asked): a rule replies."""
    return set(slot_events(events)) <= {"requested_slot"}


# --- words that name a value only as the answer to its own question (`as_answer`) -----------

@pytest.mark.parametrize("asked, answer, field, value", [
    ("pain_location", "my back", "pain_location", "low_back"),                   # r044, r092
    ("pain_location", "my back and legs", "pain_location", "low_back"),          # r057
    ("pain_location", "my lower left calf", "pain_location", "other"),           # r070
    ("neuro_symptoms", "just the back", "neuro_symptoms", ["back_pain"]),        # r043
    ("neuro_symptoms", "lower back, not that bad", "neuro_symptoms", ["back_pain"]),  # r098
    ("neuro_symptoms", "slight pain down the back of my entire right leg", "neuro_symptoms", ["pain_below_knee"]),  # r037
    ("load_changes", "a gravel century", "load_changes", ["more_volume"]),      # r048
    ("load_changes", "I had just retired and was running more with the dogs", "load_changes", ["more_volume"]),  # r665
    ("onset", "a stab on a steep downhill on a trail run", "onset", "sudden"),  # r665
    ("onset", "it just started by itself this week, no fall or anything", "onset", "gradual"),  # r642
    ("onset", "after the run, the day 2 run of week 6", "onset", "gradual"),  # r505
    ("load_changes", "more brick sessions", "load_changes", ["more_volume"]),  # r693
    ("onset", "one rep of a sumo deadlift", "onset", "sudden"),  # r692
    ("load_changes", "my first time trying sumo deadlifts", "load_changes", ["new_exercise"]),  # r692
    ("neuro_symptoms", "no; only my ring and little fingers went numb after the ride", "neuro_symptoms", []),  # r728
    ("onset", "slowly over a few weeks", "onset", "gradual"),
    ("onset", "over several months", "onset", "gradual"),
    ("onset", "developing for a while", "onset", "gradual"),
    ("onset", "all at once", "onset", "sudden"),
    ("onset", "today, when my mare bucked me off in my lesson", "onset", "sudden"),
    ("neuro_symptoms", "no; my feet are just sore", "neuro_symptoms", []),  # r960
    ("neuro_symptoms", "a nerve-type ache at my desk; the foot pain has settled; no numbness or tingling", "neuro_symptoms", []),  # r954
    ("onset", "I twisted it this morning", "onset", "sudden"),  # r862
    ("onset", "I crashed off the edge of the road yesterday", "onset", "sudden"),  # r964: a crash, major or not
    ("onset", "Tuesday, when I crashed", "onset", "sudden"),  # r910
    ("onset", "Sunday, a tumble snowboarding", "onset", "sudden"),  # r859
    ("onset", "over a few days", "onset", "gradual"),  # r057
    ("onset", "over a busy shift", "onset", "gradual"),  # r144
])

def test_an_answer_names_what_the_question_asked_in_the_persons_words(asked, answer, field, value):
    assert READER.read(answer, asked=asked).get(field) == value


@pytest.mark.parametrize("answer", ["I had a bad fall 3 years ago but this came on gradually",  # a fresh-eyes review
                                    "I crashed into bed after 12 hour shifts", "over a couple of seconds it went from fine to agony",
                                    "I went down the stairs slowly for weeks because it hurt more and more"])
def test_an_old_fall_a_figure_of_speech_or_seconds_tell_no_sudden_or_gradual_start(answer):
    assert READER.read(answer, asked="onset").get("onset") is None


@pytest.mark.parametrize("story", [
    "my back has been fine, but my sit bone aches when I sit",
    "I did a gravel century last year and felt great",
])
def test_the_same_words_in_a_story_name_nothing(story):
    found = READER.read(story)
    assert found.get("pain_location") in (None, "sit_bone") and "load_changes" not in found


def test_a_word_for_an_answer_gives_way_to_a_danger_sign_around_it():
    found = READER.read("pins and needles around my back passage", asked="pain_location")
    assert "saddle_numbness" in found.get("red_flags", [])


@pytest.mark.parametrize("answer", ["not that I've noticed", "not as far as I know", "nothing like that"])  # r066
def test_a_hedged_no_to_a_safety_question_is_none(answer):
    assert READER.read(answer, asked="red_flags") == {"red_flags": []}


# --- look-alikes that state nothing --------------------------------------------------------

@pytest.mark.parametrize("story, field", [
    # r141: comparing the legs, not numbness between them
    ("When I went in there I couldn't feel the difference between my legs", "red_flags"),
    # r068: "wouldn't" is a word of its own, not a misspelt "couldn't"
    ("I would sit so that I wouldn't pee on the dog", "red_flags"),
    # r050: the road, not the tendon
    ("my bum got very bruised by the cracks and bumps in the road surface", "injury_signs"),
    # r049: saddle bruising of the sit bones is no sign of a torn tendon
    ("I definitely suffered from bruising at the back of my sit bones area", "injury_signs"),
])
def test_a_look_alike_states_no_finding(story, field):
    assert field not in READER.read(story)


@pytest.mark.parametrize("text, worse", [
    ("I had to keep sitting down to ease it", []),               # issue 19: relief, not an aggravator
    ("it's fine when I run slowly", []),
    ("it hurts when I sit and running helps", ["sitting"]),      # only the nearest activity helps
    ("walking helps but sitting kills me", ["sitting"]),
])
def test_what_eases_the_pain_is_not_what_makes_it_worse(text, worse):
    assert READER.read(text).get("aggravators", []) == worse


def test_a_contraction_typed_without_its_apostrophe_still_negates():
    assert "neuro_symptoms" not in READER.read("I wouldnt say it's numb")


# --- answers the classifier took for a command or for off-topic ---------------------------

def test_my_back_at_the_first_question_is_the_answer_not_go_back():  # r044, r092
    tracker = make_tracker("my back", intent="go_back", requested="pain_location")
    _, extracted = run(ActionExtractFindings(), tracker)
    assert slot_events(extracted)["pain_location"] == "low_back"


def test_an_unreadable_answer_taken_for_go_back_is_asked_again_not_a_step_back():
    tracker = validation_tracker("the back bit", CLASSIC | {"onset": None}, "onset", {}, intent="go_back")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events).get("reask_count") == 1  # counted and asked again: no step aside for the rule
    assert any("for example" in text for text in texts(messages))


def test_a_real_go_back_still_steps_aside_for_its_rule():
    tracker = validation_tracker("oops, go back", CLASSIC | {"neuro_symptoms": None}, "neuro_symptoms", {},
                                 intent="go_back")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert stepped_aside(events)


@pytest.mark.parametrize("answer", ["going back to work soon", "go back to running", "I was going back into the gym",
                                    "going back to it after a break, I did too much too soon"])
def test_a_return_to_work_or_sport_taken_for_go_back_is_an_answer_not_a_step_back(answer):  # r1081
    tracker = validation_tracker(answer, CLASSIC | {"load_changes": None}, "load_changes", {}, intent="go_back")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert not stepped_aside(events)


@pytest.mark.parametrize("command", ["go back to the last question", "can we go back to the one before", "going back",
                                     "can we go back to where I said it was my left leg", "go back to q2"])
def test_go_back_to_a_question_still_steps_aside_for_its_rule(command):
    tracker = validation_tracker(command, CLASSIC | {"load_changes": None}, "load_changes", {}, intent="go_back")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert stepped_aside(events)


def test_an_answer_taken_for_off_topic_is_asked_again_with_examples():  # r089, r070
    tracker = validation_tracker("my thighs are tender", CLASSIC | {"onset": None}, "onset", {}, intent="out_of_scope")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert not any("I can only help" in text for text in texts(messages))
    assert slot_events(events).get("reask_count") == 1


def test_an_off_topic_question_during_the_questions_still_gets_its_reply():
    tracker = validation_tracker("what's the weather like tomorrow?", CLASSIC | {"neuro_symptoms": None},
                                 "neuro_symptoms", {}, intent="out_of_scope")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert stepped_aside(events)  # the off-topic rule answers


@pytest.mark.parametrize("asked, answer, field, value", [
    ("red_flags", "I can't feel the toes on either foot; my bladder is a bit off", "red_flags", ["both_legs"]),  # r057
    ("red_flags", "I fell on the stairs", "red_flags", ["major_trauma"]),                                   # r079
    ("red_flags", "no fall, no accident", "red_flags", []),
    # round nineteen of the answers (the evaluation's answers to the safety questions)
    ("red_flags", "I need to pee but nothing will come, and the pain shoots down both legs", "red_flags",
     ["bladder_bowel_change", "both_legs_pain"]),  # r195
    ("red_flags", "I bounced down the whole flight onto my tailbone; no fever", "red_flags", ["major_trauma"]),  # r695
    ("red_flags", "I slid down the whole staircase; no numbness, bladder fine", "red_flags", ["major_trauma"]),  # r748
    ("red_flags", "I came down with the ladder onto the wood floor; no head injury", "red_flags", ["major_trauma"]),  # r757
    ("red_flags", "I bailed off a horse that was bolting; no head knock, bladder fine", "red_flags", ["major_trauma"]),  # r766
    ("red_flags", "the ache keeps me awake much of the night even when I roll over; I sleep in the recliner; nothing else",
     "red_flags", ["night_pain"]),  # r407
    ("injury_signs", "I can only crawl; no pop, no bruising", "injury_signs", ["difficulty_walking"]),  # r406
    ("injury_signs", "no pop, no bruising; I can't put one foot in front of the other", "injury_signs", ["difficulty_walking"]),  # r562
    ("injury_signs", "no pop; a bruised bum; I skated on", "injury_signs", ["bruising"]),  # r818
    # trouble walking in plain words, only as the answer to the injury question ("I can just
    # about walk 10k now" in a story is no sign)
    ("injury_signs", "no pop; I was stretchered off", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "no bruise, I hopped back to the car", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "I can't stand on it", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "I needed help to walk", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "I can barely get around", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "I was non weight bearing for a week", "injury_signs", ["difficulty_walking"]),
    ("injury_signs", "I leaned on my husband to get to the car", "injury_signs", ["difficulty_walking"]),
])
def test_a_danger_sign_told_in_own_words_answers_the_safety_question(asked, answer, field, value):
    assert READER.read(answer, asked=asked).get(field) == value


def test_a_known_stress_fracture_is_no_major_fall_or_accident():  # r098
    assert "red_flags" not in READER.read("Oh, and I have a stress fracture in my sacrum.")


@pytest.mark.parametrize("text, intent", [
    ("moving about", "delete_my_data"),                                          # r045
    ("it hurts all the time, but lying still I can get comfortable", "faq"),    # r035
    ("much the same as before", "start_over"),
    ("it has hurt from the beginning", "start_over"),       # a command word that is no command
    ("I tried to restart running and it flared", "start_over"),
    ("a fresh tear I think, it started all over again", "start_over"),
    ("it was in the evening, a bit of a blur", "greet"),                         # cross-answered r044
    ("night time is the worst", "goodbye"),
    ("it was in the evening, a bit of a blur", "stop"),  # r693: "more brick sessions" was taken for stop
])
def test_an_answer_taken_for_a_command_or_a_question_is_asked_again(text, intent):
    tracker = validation_tracker(text, CLASSIC | {"onset": None}, "onset", {}, intent=intent)
    _, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events).get("reask_count") == 1


def test_an_answer_that_ends_with_thats_all_is_an_answer_not_a_goodbye():  # r503
    tracker = validation_tracker("I slipped and fell on the concrete floor, that's all", CLASSIC | {"red_flags": None},
                                 "red_flags", {}, intent="goodbye")
    _, events = run(ValidateAssessmentForm(), tracker)
    assert not stepped_aside(events)


@pytest.mark.parametrize("text, intent", [("thanks, that's all", "goodbye"), ("ok bye", "goodbye"), ("stop", "stop"),
                                          ("I want out", "stop"), ("i don't want to do this anymore", "stop")])
def test_a_goodbye_that_tells_nothing_still_ends_the_questions(text, intent):
    tracker = validation_tracker(text, CLASSIC | {"red_flags": None}, "red_flags", {}, intent=intent)
    _, events = run(ValidateAssessmentForm(), tracker)
    assert stepped_aside(events)


def test_waking_up_with_it_answers_how_it_started_as_not_known_not_the_same_question_again():
    tracker = validation_tracker("woke up with it one morning", CLASSIC | {"onset": None}, "onset", {}, intent="greet")
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert slot_events(events)["onset"] == "not_sure" and "noted: woke up with it" in messages[0]["text"]


@pytest.mark.parametrize("text, intent", [
    ("please delete my data", "delete_my_data"),
    ("hi there", "greet"),
    ("can I keep running with this?", "faq"),
    ("start again", "start_over"),
    ("start", "start_over"),
    ("from the top please", "start_over"),
    ("can we start this again", "start_over"),
    ("restart the survey", "start_over"),
    ("can you restart", "start_over"),
    ("I want to redo the questionnaire", "start_over"),
    ("oops, start from question one", "start_over"),
])
def test_a_real_command_or_question_still_steps_aside_for_its_rule(text, intent):
    tracker = validation_tracker(text, CLASSIC | {"onset": None}, "onset", {}, intent=intent)
    _, events = run(ValidateAssessmentForm(), tracker)
    assert stepped_aside(events)


def test_a_figure_of_speech_is_no_sudden_injury():  # r151
    assert "onset" not in READER.read("two days of what I can only describe as concussive injury due to a ride")


@pytest.mark.parametrize("story, place", [
    ('a highly localized pain in my left buttock near my "sit" bone', "sit_bone"),   # r100: quotes
    ("I landed on directly on my a$$", "buttock"),                                  # r150: symbols
    ("quite literally a pain in my rear end", "buttock"),                           # r136
    ("pain from a proximal hamstring tendon injury for over a year", "upper_hamstring"),  # r091
    ("My lower left calf started hurting", "other"),                                 # r070
    ("a lot of pain in the area of my tail bone", "other"),                          # r076
    ("felt this pain shoot across my back", "low_back"),                             # r023
])
def test_places_in_a_story_in_the_persons_own_words(story, place):
    assert READER.read(story).get("pain_location") == place


def test_a_length_told_to_how_it_started_is_noted_and_the_question_asked_again_without_sorry():
    # "about 3 months" to "How did it start?": the extraction keeps the length for later
    # (`mentioned`); the form thanks for it and asks how it started again, counted
    events = [{"event": "user", "text": "I have pain at my sit bone when I sit"},
              SlotSet("mentioned", {"aggravators": ["sitting"]}),
              {"event": "user", "text": "yes"},
              {"event": "user", "text": "about 3 months"},
              SlotSet("mentioned", {"aggravators": ["sitting"], "duration_days": 90}),
              {"event": "action", "name": "assessment_form"}]
    tracker = make_tracker("about 3 months", requested="onset", events=events,
                           slots={"pain_location": "sit_bone", "mentioned": {"aggravators": ["sitting"], "duration_days": 90}})
    messages, events = run(ValidateAssessmentForm(), tracker)
    assert texts(messages) == ["Thanks, I've noted that: for about 3 months."]
    assert slot_events(events) == {"reask_count": 1, "requested_slot": "onset"}


def test_an_answer_that_tells_nothing_new_is_still_asked_again_with_examples():
    events = [{"event": "user", "text": "I have pain at my sit bone when I sit"},
              SlotSet("mentioned", {"aggravators": ["sitting"]}),
              {"event": "user", "text": "hmm"},
              {"event": "action", "name": "assessment_form"}]
    tracker = make_tracker("hmm", requested="onset", events=events,
                           slots={"pain_location": "sit_bone", "mentioned": {"aggravators": ["sitting"]}})
    messages, _ = run(ValidateAssessmentForm(), tracker)
    assert texts(messages)[0].startswith("Sorry, I didn't quite get that.")


# --- a danger sign told in words of its own, to its safety question: asked about once -------
# The held-out answers to the safety questions told trouble walking, bruising and a pop in words
# no list held (issue 19). To its own question, such an answer is only possibly the sign, by its
# parts together (`possible_together_as_answer`: trouble beside a word for walking or standing)
# or by a sound or a colour (`possible_as_answer`), and the sign's confirming question decides.

@pytest.mark.parametrize("asked, answer, value", [
    ("injury_signs", "No pop. My leg wouldn't take my weight.", "difficulty_walking"),
    ("injury_signs", "no pop, but I had to get a taxi home as I couldn't manage the walk", "difficulty_walking"),
    ("injury_signs", "no pop, no bruise, walking home was a struggle", "difficulty_walking"),
    ("injury_signs", "I couldn't put my full weight through it for a couple of days", "difficulty_walking"),
    ("injury_signs", "no pop, it went a bit yellow down the back", "bruising"),
    ("injury_signs", "it was all mottled", "bruising"),
    ("injury_signs", "there was a big haematoma", "bruising"),
    ("injury_signs", "I heard a noise like a whip", "pop"),
    ("injury_signs", "something went with a noise", "pop"),
    ("neuro_symptoms", "my leg doesn't do what I tell it", "leg_weakness"),
    ("neuro_symptoms", "no numbness, but my leg is not as strong", "leg_weakness"),
    ("neuro_symptoms", "I stumble a lot", "leg_weakness"),
])
def test_a_danger_sign_told_in_words_of_its_own_to_its_question_is_asked_about_once(asked, answer, value):
    reading = READER.reading(answer, asked=asked)
    assert value in reading.possible.get(asked, []) and value not in (reading.findings.get(asked) or [])


@pytest.mark.parametrize("asked, answer", [
    ("injury_signs", "no pop, no bruising, I could walk"),
    ("injury_signs", "no pop, no bruising, I had no trouble walking"),
    ("injury_signs", "it wasn't hard to walk"),
    ("injury_signs", "I walked home, no problem"),
    ("injury_signs", "no pop, no colour change, I could walk"),
    ("injury_signs", "no, it came out of the blue"),
    ("injury_signs", "no noise, no bruise, I walked off"),
    ("neuro_symptoms", "no tingling; the leg is fine"),
    ("neuro_symptoms", "my legs feel heavy after a long run"),
    ("neuro_symptoms", "my legs feel heavy after training"),
    # everyday complaints of the sitting pain, and words in other senses (a fresh-eyes review)
    ("injury_signs", "I can walk fine but stairs are hard"),
    ("injury_signs", "It's hard to stand for long at work"),
    ("injury_signs", "hard to get up off the sofa after sitting"),
    ("injury_signs", "it was dark"),
    ("injury_signs", "a sound sleep"),
    ("injury_signs", "a shooting pain, no pop"),
    ("injury_signs", "a thumping pain"),
    ("injury_signs", "I was in tears"),
    ("red_flags", "no, nothing like that, I was thrown by the question"),
    ("red_flags", "no, I just knocked over a glass of water this morning, nothing else"),
    ("neuro_symptoms", "no, my legs feel fine, my knee folds a bit on stairs because of old arthritis"),
])
def test_an_answer_that_denies_or_does_fine_asks_about_nothing(asked, answer):
    reading = READER.reading(answer, asked=asked)
    assert not reading.possible and not reading.findings.get(asked)


def test_the_same_words_in_a_story_are_no_sign():
    reading = READER.reading("My leg wouldn't take my weight after the long hike, and it went a bit yellow")
    assert "injury_signs" not in reading.possible and "injury_signs" not in reading.findings


def test_an_answer_in_words_of_its_own_brings_the_signs_confirming_question():
    text = "No pop. My leg wouldn't take my weight."
    slots = {"pain_location": "sit_bone", "onset": "sudden"}
    _, extracted = run(ActionExtractFindings(), make_tracker(text, slots=slots, requested="injury_signs"))
    signs = slot_events(extracted)["possible_signs"]
    assert [(sign["field"], sign["value"], sign["answer"]) for sign in signs] == [
        ("injury_signs", "difficulty_walking", None)]



# --- a "no" set apart by a colon or a dash (a fresh-eyes review, 20th session) ---------------

@pytest.mark.parametrize("asked, answer, field, value", [
    ("red_flags", "No: my calf is swollen and hot", "red_flags", "calf_swelling"),
    ("red_flags", "None: calf swollen and hot", "red_flags", "calf_swelling"),
    ("red_flags", "no - my calf is swollen and hot", "red_flags", "calf_swelling"),
    ("injury_signs", "No: I heard a loud pop", "injury_signs", "pop"),
    ("neuro_symptoms", "No: my leg gives way", "neuro_symptoms", "leg_weakness"),
    ("pain_location", "not really pain: numbness between my legs where I sit on the saddle", "red_flags",
     "saddle_numbness"),  # r574
])
def test_a_no_set_apart_by_a_colon_or_a_dash_denies_nothing_after_it(asked, answer, field, value):
    assert value in READER.reading(answer, asked=asked).findings[field]


def test_a_denial_before_a_dash_still_denies_its_own_sign():
    assert READER.reading("no numbness - none at all", asked="red_flags").findings["red_flags"] == []
