"""Free text -> findings: how the assistant reads what people type."""
import pytest

from pht.language import numbers
from pht.language.numbers import age_years, duration_days, pain_score, words_to_digits
from pht.language.distress import suggests_distress
from pht.language.reader import NOT_SURE, read_message, shared_reader
from harness.patients import BENIGN_BUT_TRICKY, DANGER_SIGNS_IN_EVERYDAY_WORDS


# --- durations ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, days", [
    ("six weeks", 42),
    ("6 weeks", 42),
    ("a fortnight", 14),
    ("since about 3 months", 90),
    ("about 4 months", 120),
    ("2 yrs", 730),
    ("10 days", 10),
    ("a week and a half", 10),
    ("one and a half months", 45),
    ("a couple of weeks", 14),
    ("a few months", 90),
    ("half a year", 182),
    ("twenty one days", 21),
    ("since yesterday", 1),
    ("it started today", 0),
    ("months", 120),
    ("for months now", 120),
    ("quite a few months", 90),
    ("quite a few months, maybe five", 150),
    ("several weeks", 28),
    ("a few months", 90),
])
def test_durations_in_any_common_phrasing_become_days(text, days):
    assert duration_days(text, asked=True) == days


def test_a_bare_number_is_not_a_duration():
    assert duration_days("6", asked=True) is None


def test_training_frequency_is_not_read_as_a_duration():
    assert duration_days("i run 3 days a week", asked=False) is None


def test_an_age_is_not_read_as_a_duration():
    assert duration_days("i am 34 years old", asked=True) is None


def test_a_volunteered_duration_needs_a_word_like_for_or_ago():
    assert duration_days("pain at my sit bone for 6 weeks", asked=False) == 42
    assert duration_days("it started 3 months ago", asked=False) == 90


def test_vague_dates_are_not_guessed():
    assert read_message("since Easter", "duration_days") == {}


# --- numbers, ages and pain scores ---------------------------------------------------------

def test_number_words_become_digits():
    assert words_to_digits("twenty-five and seven") == "25 and 7"


@pytest.mark.parametrize("text, age", [("34", 34), ("thirty four", 34), ("I'm 52", 52), ("17 years old", 17)])
def test_ages_in_words_or_digits(text, age):
    assert age_years(text.lower(), asked=True) == age


def test_a_volunteered_age_needs_years_old_or_im():
    assert age_years("i'm a 34 year-old runner", asked=False) is None or age_years("i'm 34", asked=False) == 34
    assert age_years("34 years old", asked=False) == 34
    assert age_years("i ran 34 km", asked=False) is None


@pytest.mark.parametrize("text, score", [("7/10", 7), ("7 out of 10", 7), ("about a seven", 7), ("6 or 7", 7), ("0", 0)])
def test_pain_scores(text, score):
    assert pain_score(text, asked=True) == score


def test_pain_above_ten_is_not_accepted():
    assert read_message("15", "pain_score") == {}


# --- values from lay words ------------------------------------------------------------------

@pytest.mark.parametrize("text, location", [
    ("my bum bone kills when I sit through meetings", "sit_bone"),
    ("the sitting bone", "sit_bone"),
    ("top of the hammy", "upper_hamstring"),
    ("right in the glute crease", "upper_hamstring"),
    ("back of the leg", "mid_hamstring"),
    ("behind my knee", "behind_knee"),
    ("deep in my butt", "buttock"),
    ("lower back", "low_back"),
    ("side of my hip", "outer_hip"),
    ("groin", "groin"),
])
def test_pain_locations_from_lay_words(text, location):
    assert read_message(text, "pain_location")["pain_location"] == location


def test_a_list_is_read_from_free_text():
    found = read_message("sitting and running up hills, and stretching", "aggravators")
    assert found["aggravators"] == ["sitting", "stretching", "uphill_running"]


def test_inflected_words_match_by_lemma():
    assert read_message("it hurts when i sat on the train", "aggravators")["aggravators"] == ["sitting"]


def test_as_is_not_the_word_a():
    # spaCy's lookup table gives "as" the lemma "a": a phrase with "as" in it matched "a" too
    from pht.language.pipeline import shared_pipeline
    assert [token.lemma_ for token in shared_pipeline()("as a temp")] == ["as", "a", "temp"]
    assert "red_flags" in read_message("I had a temp of 39 last night", None)


def test_a_location_word_is_not_also_an_aggravator():
    assert "aggravators" not in read_message("my sit bone hurts", None)


@pytest.mark.parametrize("answer", ["none", "no", "nothing really", "none of these", "nope"])
def test_none_gives_an_empty_list(answer):
    assert read_message(answer, "neuro_symptoms") == {"neuro_symptoms": []}


def test_negated_values_are_left_out():
    found = read_message("no numbness but pins and needles down my calf", "neuro_symptoms")
    assert found["neuro_symptoms"] == ["tingling", "pain_below_knee"]


def test_down_my_leg_is_asked_about_not_taken_as_below_the_knee():
    # "down my leg" often stops at the back of the thigh (issue 19): the knee is asked about
    reading = shared_reader().reading("no numbness but pins and needles down my leg", "neuro_symptoms")
    assert reading.findings["neuro_symptoms"] == ["tingling"]
    assert reading.possible == {"neuro_symptoms": ["pain_below_knee"]}
    denied = shared_reader().reading("a weird pain down the back of my leg, not past the knee", "neuro_symptoms")
    assert denied.findings["neuro_symptoms"] == [] and not denied.possible


def test_it_doesnt_hurt_when_i_sit_is_a_negation():
    found = read_message("It doesn't hurt when I sit, but running up hills and stretching do", "aggravators")
    assert "sitting" not in found["aggravators"]
    assert set(found["aggravators"]) == {"uphill_running", "stretching"}


def test_doesnt_bother_it_after_the_activity_is_a_negation():
    found = read_message("sitting is the worst, running doesn't bother it", "aggravators")
    assert found["aggravators"] == ["sitting"]


def test_only_negated_values_answer_none():
    assert read_message("no numbness or tingling", "neuro_symptoms") == {"neuro_symptoms": []}


@pytest.mark.parametrize("text, expected", [("yes", True), ("yeah, every morning", True), ("no", False),
                                            ("not really", False), ("nope", False)])
def test_yes_and_no_answers(text, expected):
    assert read_message(text, "morning_stiffness") == {"morning_stiffness": expected}


def test_a_boolean_can_be_volunteered():
    assert read_message("i'm really stiff in the morning", None)["morning_stiffness"] is True


@pytest.mark.parametrize("text", ["not sure", "I don't know", "dunno", "no idea"])
def test_not_sure_is_recorded_for_the_question_asked(text):
    assert read_message(text, "worse_next_day") == {"worse_next_day": NOT_SURE}


def test_not_sure_is_not_recorded_for_a_question_not_asked():
    assert read_message("not sure", None) == {}


def test_a_pop_means_a_sudden_start():
    found = read_message("I felt a pop and couldn't walk", None)
    assert found["onset"] == "sudden"
    assert found["injury_signs"] == ["pop", "difficulty_walking"]


def test_no_injury_means_gradual():
    assert read_message("there was no injury, it just crept up", "onset")["onset"] == "gradual"


def test_the_whole_story_in_one_message():
    found = read_message(
        "Hi, I have had pain at my sit bone for 6 weeks, worse with sitting and driving, "
        "came on gradually after I upped my mileage, I'm 34 years old", None)
    assert found["pain_location"] == "sit_bone"
    assert found["duration_days"] == 42
    assert found["onset"] == "gradual"
    assert found["aggravators"] == ["sitting", "driving"]
    assert found["load_changes"] == ["more_volume"]
    assert found["age"] == 34


def test_danger_signs_are_never_lost_inside_other_words():
    found = read_message("both legs feel weak and my leg gives way", None)
    assert found["red_flags"] == ["both_legs"]
    assert found["neuro_symptoms"] == ["leg_weakness"]


@pytest.mark.parametrize("text, flag", [
    ("I can't control my bladder", "bladder_bowel_change"),
    ("I'm numb between my legs", "saddle_numbness"),
    ("I had cancer two years ago", "cancer_history"),
    ("my calf is swollen and hot", "calf_swelling"),
    ("I've had a fever", "fever"),
    ("it's constant at night and nothing eases it", "night_pain"),
])
def test_danger_signs_from_lay_words(text, flag):
    assert flag in read_message(text, None)["red_flags"]


def test_the_field_asked_wins_when_words_fit_two_fields():
    assert read_message("I started doing hill repeats", "load_changes") == {"load_changes": ["more_hills"]}


def test_sport_is_recognised_or_kept_in_the_persons_words():
    assert read_message("mostly running", "sport") == {"sport": "running"}
    assert read_message("ultimate frisbee", "sport") == {"sport": "ultimate frisbee"}
    assert read_message("none", "sport") == {"sport": "none"}


def test_nonsense_reads_as_nothing():
    assert read_message("asdfgh qwerty", "aggravators") == {}
    assert read_message("", "aggravators") == {}


def test_the_field_asked_keeps_words_inside_a_longer_phrase_of_another_field():
    found = read_message("running up hills too", "load_changes")
    assert found["load_changes"] == ["more_hills"]


@pytest.mark.parametrize("text, field, value", [
    ("my sittting bone hurts", "pain_location", "sit_bone"),
    ("top of my hamstirng", "pain_location", "upper_hamstring"),
    ("sittting and strecthing", "aggravators", ["sitting", "stretching"]),
    ("some tinglng down to my calf", "neuro_symptoms", ["tingling", "pain_below_knee"]),
    ("it came on graduallly", "onset", "gradual"),
])
def test_typos_are_understood(text, field, value):
    assert read_message(text, field)[field] == value


def test_real_words_are_not_corrected_into_findings():
    assert read_message("setting up the office", "aggravators") == {}


@pytest.mark.parametrize("text, days", [("about forty days", 40), ("fifty days", 50), ("thirty five days", 35)])
def test_number_words_are_never_taken_for_typos(text, days):
    assert read_message(text, "duration_days") == {"duration_days": days}


@pytest.mark.parametrize("text, field, absent", [
    ("my bladder and bowels are normal", "red_flags", "bladder_bowel_change"),
    ("driving's fine, it's the sofa that gets it", "aggravators", "driving"),
])
def test_saying_something_is_fine_is_a_negation(text, field, absent):
    assert absent not in read_message(text, None).get(field, [])


@pytest.mark.parametrize("text, field, value", [
    ("my waterworks are totally normal", "red_flags", "bladder_bowel_change"),
    ("no problems with my bladder or bowels", "red_flags", "bladder_bowel_change"),
    ("my calf is not swollen", "red_flags", "calf_swelling"),
])
def test_a_negation_reaches_over_other_findings_and_into_gapped_phrases(text, field, value):
    assert value not in read_message(text).get(field, [])


@pytest.mark.parametrize("text, flag", [
    ("I can't feel the toilet paper when I wipe", "saddle_numbness"),
    ("my privates feel a bit numb", "saddle_numbness"),
    ("haven't been able to pee since this morning", "bladder_bowel_change"),
    ("my calf is all hot and swollen", "red_flags"),
    ("I've lost about a stone without trying", "weight_loss"),
    ("both my legs are going weak", "both_legs"),
    ("my willy has gone numb", "saddle_numbness"),
    ("came off my bike onto the road at speed", "major_trauma"),
])
def test_danger_signs_said_in_roundabout_ways(text, flag):
    flags = read_message(text).get("red_flags", [])
    assert flag in flags or (flag == "red_flags" and flags == ["calf_swelling"])


# --- policy v2: what the danger signs mean, and phrases that only possibly mean one ------------

def reading(text, asked=None):
    return shared_reader().reading(text, asked)


@pytest.mark.parametrize("text, field, value", [
    ("my leg feels weak", "neuro_symptoms", "leg_weakness"),
    ("it's on both sides", "red_flags", "both_legs"),
    ("it hurts at night", "red_flags", "night_pain"),
    ("it wakes me up at night", "red_flags", "night_pain"),
    ("my bum goes numb", "red_flags", "saddle_numbness"),
])
def test_a_phrase_that_only_possibly_means_a_danger_sign_is_returned_apart(text, field, value):
    result = reading(text)
    assert result.possible[field] == [value]
    assert value not in result.findings.get(field, [])


@pytest.mark.parametrize("text, field, value", [
    ("I can't control my bladder", "red_flags", "bladder_bowel_change"),
    ("both legs are numb", "red_flags", "both_legs"),
    ("numb between my legs", "red_flags", "saddle_numbness"),
    ("pins and needles in both legs", "red_flags", "both_legs"),
    ("my leg keeps giving way", "neuro_symptoms", "leg_weakness"),
    ("I can't stand on tiptoe on that side", "neuro_symptoms", "leg_weakness"),
    ("my foot drags when I walk", "neuro_symptoms", "leg_weakness"),
])
def test_a_clear_statement_of_a_danger_sign_is_a_finding_at_once(text, field, value):
    result = reading(text)
    assert value in result.findings[field]
    assert value not in result.possible.get(field, [])


@pytest.mark.parametrize("text", [
    "both my sit bones ache",
    "it's in both hamstrings, left worse than right",
    "both sides of my bum are sore",
    "my hamstrings feel weak when I deadlift",
    "the hammy feels weak and tired under load",
    "it hurts at night when I lie on that side",
    "rolling onto the sore side at night wakes me up",
    "my mum had cancer",
    "cancer runs in my family",
    "I had a temperature last month",
])
def test_harmless_words_are_neither_a_danger_sign_nor_a_possible_one(text):
    result = reading(text)
    assert "red_flags" not in result.findings and "red_flags" not in result.possible, result
    assert "leg_weakness" not in result.findings.get("neuro_symptoms", []) + result.possible.get("neuro_symptoms", [])


@pytest.mark.parametrize("text", [
    "numb down below", "I can't feel my privates", "it's numb around my bits", "gone numb down below",
    "no feeling down there",
])
def test_genital_numbness_in_everyday_words_is_saddle_numbness(text):
    assert "saddle_numbness" in read_message(text, "red_flags")["red_flags"]


def test_genital_numbness_answered_to_the_safety_question_is_not_ordinary_leg_numbness():
    found = read_message("numb around my bits", "red_flags")
    assert "neuro_symptoms" not in found


@pytest.mark.parametrize("text", [
    "I can't get an erection since this started", "sexual problems", "can't get it up since my back went",
])
def test_new_sexual_problems_are_the_sexual_dysfunction_sign(text):
    assert "sexual_dysfunction" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["no feeling during sex", "lost feeling in my penis", "sex feels numb"])
def test_loss_of_genital_feeling_is_saddle_numbness_not_sexual_dysfunction(text):
    flags = read_message(text)["red_flags"]
    assert "saddle_numbness" in flags and "sexual_dysfunction" not in flags


def test_a_clear_statement_wins_over_a_possible_phrase_of_the_same_sign():
    result = reading("my bum and privates feel numb")
    assert "saddle_numbness" in result.findings["red_flags"]
    assert "red_flags" not in result.possible


def test_a_negated_possible_phrase_is_not_returned():
    assert reading("it doesn't hurt at night").possible == {}


def test_a_possible_phrase_answering_the_question_asked_is_still_only_possible():
    result = reading("a bit of weakness", "neuro_symptoms")
    assert result.possible == {"neuro_symptoms": ["leg_weakness"]}


@pytest.mark.parametrize("answer, expected", [("yes", True), ("no", False), ("not sure", None), ("hmm", None)])
def test_yes_no_or_unclear_for_a_confirming_question(answer, expected):
    assert shared_reader().yes_or_no(answer) is expected


# --- everyday names of the sit bone and the top of the hamstring (issue 9) ----------------------

def test_the_41_year_old_runners_story_keeps_sitting_and_reads_no_training_change():
    found = read_message("I'm a 41 year old runner and my right sit bone has been sore for about 7 weeks, "
                         "especially when I sit at work or run hills")
    assert found["pain_location"] == "sit_bone"
    assert found["aggravators"] == ["sitting", "uphill_running"]
    assert "load_changes" not in found
    assert found["age"] == 41 and found["duration_days"] == 49


def test_sitting_is_kept_when_the_sit_bone_is_named_in_the_same_message():
    assert read_message("my sitting bone aches when I sit for long")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("story", [
    # the sport named, not a change in it (tune r282, r887, r300)
    "What I've noticed since the race is that after a run I have a lot of soreness",
    "Recently I strained my hamstring by running a prep race for the Capitol 10K with a group of runners.",
    "I experienced this injury of both legs while running track in high school.",
])
def test_a_race_or_the_track_named_in_a_story_is_no_change_in_speed(story):
    assert "more_speed" not in (read_message(story).get("load_changes") or [])


def test_the_track_or_racing_answers_what_changed():
    assert read_message("track and racing", "load_changes")["load_changes"] == ["more_speed"]


def test_hills_are_a_training_change_only_when_something_says_they_are_new_or_more():
    assert read_message("I've been doing more hills lately and my sit bone hurts when sitting")["load_changes"] == ["more_hills"]
    assert "load_changes" not in read_message("sitting and hills both hurt")


@pytest.mark.parametrize("text", ["just under my bum cheek", "right under the buttock", "where the hamstring joins on",
                                  "top of my thigh at the back"])
def test_everyday_names_of_the_top_of_the_back_of_the_thigh_are_the_upper_hamstring(text):
    assert read_message(text, "pain_location")["pain_location"] == "upper_hamstring"


@pytest.mark.parametrize("text", ["the sitting bone", "the bone I sit on", "my sitz bone", "the bony part of my bum"])
def test_everyday_names_of_the_sit_bone_are_the_sit_bone(text):
    assert read_message(text, "pain_location")["pain_location"] == "sit_bone"


def test_one_weak_leg_is_not_both_legs():
    found = read_message("my leg feels weak and gives way")
    assert found["neuro_symptoms"] == ["leg_weakness"]
    assert "both_legs" not in found.get("red_flags", [])


def test_what_happened_to_somebody_else_is_not_a_finding():
    assert "red_flags" not in read_message("my mum had breast cancer but I haven't")
    assert read_message("my dad had a clot and now I have a swollen calf")["red_flags"] == ["calf_swelling"]


@pytest.mark.parametrize("text, change", [
    ("I upped my weekly km from 30 to 50", "more_volume"),
    ("started doing 400m repeats on the track", "more_speed"),
    ("joined a hill running group", "more_hills"),
    ("first time back at the gym after two years off", "back_after_break"),
    ("took up reformer pilates", "new_exercise"),
    ("new office job, sat at my desk nine hours a day", "more_sitting"),
])
def test_training_changes_in_lay_words(text, change):
    assert change in read_message(text, "load_changes")["load_changes"]


def test_an_activity_named_as_a_training_change_is_not_an_aggravator_without_a_pain_word():
    assert "aggravators" not in read_message("getting back into running after a long break")
    found = read_message("since I got back into running after a long break, sitting hurts")
    assert found["aggravators"] == ["sitting"] and found["load_changes"] == ["back_after_break"]


def test_one_message_can_say_both_what_changed_and_what_hurts():
    found = read_message("I started hill repeats and now running up hills kills me")
    assert "more_hills" in found["load_changes"] and "uphill_running" in found["aggravators"]


@pytest.mark.parametrize("text, field", [
    ("stiff as a board first thing", "morning_stiffness"),
    ("takes ages to loosen up in the mornings", "morning_stiffness"),
    ("I pay for it the next day", "worse_next_day"),
    ("always worse the morning after a long run", "worse_next_day"),
])
def test_yes_no_findings_volunteered_in_passing(text, field):
    assert read_message(text)[field] is True


def test_the_reader_keeps_its_score_on_the_development_set():
    """tests/nlu/findings_dev.yml: 385 annotated lay messages used to grow the vocabulary.
    A change that loses understanding there shows up here, not only in `make evaluate`."""
    from scripts import evaluate_nlu

    report = evaluate_nlu.findings_report(evaluate_nlu.annotated_examples(evaluate_nlu.DEVELOPMENT_SET))
    assert report["micro"]["f1"] >= 0.93, report["per_field"]
    assert report["per_field"]["red_flags"]["recall"] >= 0.95


@pytest.mark.parametrize("text", ["my hay fever is terrible", "is PHT caused by weak glutes",
                                  "can a steroid injection make the tendon weaker?"])
def test_words_that_only_look_like_a_danger_sign_are_not_one(text):
    found = read_message(text)
    assert "red_flags" not in found and "neuro_symptoms" not in found


# --- distress (policy v2, outside triage) ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I just want to end it all", "sometimes I think about killing myself", "I've been self-harming",
    "I don't want to live like this anymore", "everyone would be better off without me", "I feel suicidal",
    "stop, I want to die",
])
def test_wording_about_suicide_or_self_harm_is_recognised(text):
    assert suggests_distress(text)


@pytest.mark.parametrize("text", [
    "this pain is killing me", "sitting kills me", "stop", "I'm dying to get back to running", "it's a pain in the bum",
])
def test_everyday_exaggeration_is_not_distress(text):
    assert not suggests_distress(text)


# --- the simulated patients' phrases (harness/patients.py), read without the servers -------------

def _asked(case):
    return None if case.field == "opening" else case.field


@pytest.mark.parametrize("case", BENIGN_BUT_TRICKY, ids=lambda case: case.name)
def test_a_benign_but_tricky_phrase_is_no_danger_sign(case):
    result = reading(case.says, _asked(case))
    assert set(result.findings.get("red_flags", [])) <= set(case.truth.get("red_flags", []))
    assert "leg_weakness" not in result.findings.get("neuro_symptoms", [])
    if result.possible:  # at most one confirming question, which the person answers "no"
        assert case.says in {"no, it's just on both sides"}, result.possible


@pytest.mark.parametrize("case", DANGER_SIGNS_IN_EVERYDAY_WORDS, ids=lambda case: case.name)
def test_a_danger_sign_in_everyday_words_is_read_at_once_or_confirmed(case):
    result = reading(case.says, _asked(case))
    told = {(field, value) for field in ("red_flags", "neuro_symptoms") for value in case.truth.get(field, [])}
    read = {(field, value) for field, values in [*result.findings.items(), *result.possible.items()]
            if field in ("red_flags", "neuro_symptoms") for value in values}
    assert told <= read
    if case.confirms == "no, nothing like that":  # said clearly: no confirming question needed
        assert told <= {(field, value) for field in ("red_flags", "neuro_symptoms")
                        for value in result.findings.get(field, [])}


def test_long_standing_sexual_problems_are_not_the_new_cauda_equina_sign():
    result = reading("I've had erectile dysfunction for years")
    assert "red_flags" not in result.findings and "red_flags" not in result.possible


def test_sexual_problems_without_a_time_are_confirmed_as_new_first():
    assert reading("I can't get an erection").possible == {"red_flags": ["sexual_dysfunction"]}


@pytest.mark.parametrize("text", ["I leak a bit of urine when I sneeze since my second baby",
                                  "I've got an overactive bladder, always have", "I have IBS so my bowels are all over the place",
                                  "yeah I've had the big C, bowel, five years ago"])
def test_long_standing_or_explained_bladder_and_bowel_habits_are_not_the_new_cauda_equina_sign(text):
    result = reading(text)
    assert "bladder_bowel_change" not in result.findings.get("red_flags", []) + result.possible.get("red_flags", [])


def test_bladder_or_bowel_words_without_a_story_are_confirmed_first():
    assert reading("my bowels are a bit irregular").possible == {"red_flags": ["bladder_bowel_change"]}


@pytest.mark.parametrize("text", ["about 5 weeks, and I've also lost control of my bladder", "I've lost control of my bowels",
                                  "I keep wetting myself since this started"])
def test_new_loss_of_bladder_or_bowel_control_is_clear_at_once(text):
    assert reading(text).findings["red_flags"] == ["bladder_bowel_change"]


# --- real language (issue 19) -----------------------------------------------------------------

@pytest.mark.parametrize("text, sign", [
    ("there is no bladder control at the moment", "bladder_bowel_change"),
    ("peeing is hard", "bladder_bowel_change"),
    ("difficulty in peeing", "bladder_bowel_change"),
    ("no feeling when I wipe", "saddle_numbness"),
    ("a numb patch just above where my buttocks meet", "saddle_numbness"),
    ("reduced feeling in my legs", "both_legs"),
])
def test_a_negation_that_is_part_of_the_symptom_is_the_symptom(text, sign):
    assert sign in read_message(text).get("red_flags", [])


@pytest.mark.parametrize("text", ["my legs are not numb", "I'm numb in my bum and my legs ache",
                                  "no numbness in my legs", "my bladder and bowels are regular"])
def test_parts_of_a_danger_sign_apart_or_denied_are_not_the_sign(text):
    assert not shared_reader().reading(text).findings.get("red_flags")
    assert "red_flags" not in shared_reader().reading(text).possible


@pytest.mark.parametrize("text, sign", [
    ("something's not right with my bladder", "bladder_bowel_change"),
    ("my bowels haven't been normal since the fall", "bladder_bowel_change"),
    ("bladder not normal", "bladder_bowel_change"),
    ("it doesn't feel quite right down there", "saddle_numbness"),
])
def test_a_not_of_how_well_something_is_tells_it_is_not_well(text, sign):
    # NegEx's pseudo-negation: "not right", "not normal" deny nothing after them, and the word of
    # wellness they negate is no "normal" that excuses the sign: asked once
    assert sign in shared_reader().reading(text).possible.get("red_flags", [])


@pytest.mark.parametrize("text", ["It doesn't feel the same down there since having my baby",
                                  "I don't feel the same in my genitals", "I'm not feeling the same around my anus",
                                  "my bits don't feel the same"])
def test_not_feeling_the_same_down_there_is_asked_about_not_an_emergency(text):
    # "not feeling the ..." (a part of numbness told by its parts) is "not the same", no feeling lost
    read = shared_reader().reading(text)
    assert "saddle_numbness" not in read.findings.get("red_flags", [])
    assert "saddle_numbness" in read.possible.get("red_flags", [])


@pytest.mark.parametrize("text", ["I'm not feeling the toilet paper when I wipe", "I don't feel the seat in my genitals",
                                  # an inability, "right" as a side, "well": less feeling (a fresh-eyes review)
                                  "I can't feel the same down there, it's numb", "I can't feel the right side of my genitals",
                                  "I can't feel as well in my bits", "I don't feel the same sensation in my genitals"])
def test_not_feeling_a_thing_down_there_is_still_numbness(text):
    assert "saddle_numbness" in shared_reader().reading(text).findings.get("red_flags", [])


@pytest.mark.parametrize("text, sign", [
    ("I'm not well and my bladder leaks", "bladder_bowel_change"),
    ("not the right leg, both legs are numb", "both_legs"),
])
def test_a_not_of_wellness_before_a_clear_sign_leaves_it_clear(text, sign):
    assert sign in shared_reader().reading(text).findings.get("red_flags", [])


@pytest.mark.parametrize("text", ["my waterworks are normal, nothing has changed", "no bladder problems, all normal",
                                  "my bowels are not different, they're normal", "I haven't had any bladder trouble",
                                  # "no" answers; a double negative; a supposition (a fresh-eyes review)
                                  "no all fine with the waterworks", "No all normal bladder and bowels",
                                  "I haven't noticed anything not normal with my bladder or bowels",
                                  "The leaflet says if your bladder or bowels are not normal, call 999",
                                  "He asked me if my bowels were not normal. No they're fine"])
def test_wellness_told_plainly_still_denies(text):
    reading = shared_reader().reading(text)
    assert "bladder_bowel_change" not in (reading.findings.get("red_flags") or []) + (reading.possible.get("red_flags") or [])


@pytest.mark.parametrize("text", ["No right leg numbness or tingling", "no right-sided weakness or numbness",
                                  "No right and left leg numbness", "It's not the same as the numbness I had with my slipped disc",
                                  "not the same feeling as pins and needles"])
def test_a_right_side_or_a_likeness_after_a_not_is_no_wellness_and_still_denied(text):
    # "right" a side, "the same as" a likeness: the "not" denies what follows (a fresh-eyes review)
    reading = shared_reader().reading(text, "neuro_symptoms")
    assert not reading.findings.get("neuro_symptoms") and not reading.possible


@pytest.mark.parametrize("text", ["my hamstring doesn't feel right down there near the sit bone",
                                  "my hip doesn't feel right down there either"])
def test_a_hamstring_or_hip_not_right_down_there_is_no_saddle(text):
    assert "saddle_numbness" not in shared_reader().reading(text).possible.get("red_flags", [])


@pytest.mark.parametrize("text, asked", [
    # a judgement, a correction or a place after the word of wellness: the "not" still denies
    # (a second fresh-eyes review: each was a clear emergency false alarm)
    ("No, none of those. I know it's not normal to lose bladder control, I'd go straight to A&E", "red_flags"),
    ("none, I know it's not normal to have numbness in both legs", "neuro_symptoms"),
    ("I read online that it's not ok to ignore numbness in both legs, luckily mine is just the one leg", None),
    ("Never ok to ignore saddle numbness, my physio drilled that into me", None),
    ("I wasn't right about the numbness in both legs, it's only the left", None),
    ("It's not right down both legs, just the left one", None),
    ("Is it not normal to feel numb down there after a long bike ride?", None),
])
def test_a_not_of_wellness_that_judges_corrects_or_places_is_no_sign(text, asked):
    reading = shared_reader().reading(text, asked)
    assert not [value for value in reading.findings.get("red_flags") or [] if value != "not_sure"]


def test_a_no_that_answers_before_not_normal_tells_the_trouble():
    assert "bladder_bowel_change" in shared_reader().reading("No, not normal, I keep leaking", "red_flags").possible.get("red_flags", [])


def test_a_possible_sign_in_a_long_story_is_excused_only_by_its_own_sentence():
    story = ("My sit bone has hurt for six weeks since I upped my mileage. It is worst when I sit. "
             "My legs feel weak. Stretching makes it worse.")
    assert "both_legs" in shared_reader().reading(story).possible.get("red_flags", [])


def test_a_story_of_a_friend_of_mine_is_told_for_the_friend():
    assert read_message("A friend of mine fell off his horse and couldn't walk for a week")["injury_signs"] == ["difficulty_walking"]
    assert "injury_signs" not in read_message("Mine came on slowly. My teammate couldn't walk after his fall.")


@pytest.mark.parametrize("text", ["I was buzzing after the race", "I'm buzzing, I finally ran a sub-20 parkrun"])
def test_being_excited_is_no_tingling(text):
    assert "tingling" not in (read_message(text).get("neuro_symptoms") or [])


def test_a_leg_that_is_buzzing_tingles():
    assert "tingling" in read_message("my leg is buzzing all the time")["neuro_symptoms"]


@pytest.mark.parametrize("text", ["I broke a sweat on the bike", "I broke the record at parkrun", "I pulled a sled at the gym",
                                  "I pulled the car into the drive", "I tore open the wrapper"])
def test_something_pulled_torn_or_broken_that_is_no_body_part_is_no_sudden_start(text):
    assert read_message(text).get("onset") != "sudden"


@pytest.mark.parametrize("text", ["I pulled a butt muscle", "I pulled my hamstring", "I broke my tailbone", "I tore my hamstring"])
def test_a_body_part_pulled_torn_or_broken_is_a_sudden_start(text):
    assert read_message(text)["onset"] == "sudden"


@pytest.mark.parametrize("text", ["I thought I'd just popped a muscle", "I've been popping painkillers",
                                  "it felt like a pulled muscle"])
def test_a_guess_or_a_figure_of_speech_is_not_a_pop_or_a_sudden_start(text):
    found = read_message(text)
    assert "injury_signs" not in found and found.get("onset") != "sudden"


@pytest.mark.parametrize("text, not_this", [
    ("I had a strained hamstring", "coughing_sneezing"),
    ("my sciatica kicked up again", "kicking"),
    ("I stepped up my training", "stairs"),
])
def test_idioms_are_not_read_literally(text, not_this):
    assert not_this not in read_message(text).get("aggravators", [])


def test_pain_that_goes_down_to_the_back_of_the_thigh_is_not_below_the_knee():
    assert "pain_below_knee" not in read_message("the pain radiated down to the back of my hamstrings").get("neuro_symptoms", [])
    assert "pain_below_knee" in read_message("it shoots down my leg into my calf")["neuro_symptoms"]


def test_a_place_inside_the_one_named_first_is_the_main_place():
    assert read_message("buttock pain, and it's tender right over the sit bone")["pain_location"] == "sit_bone"


def test_sitting_on_a_saddle_between_the_legs_is_not_the_sit_bone():
    assert read_message("pain between my legs, where I sit on the saddle")["pain_location"] != "sit_bone"


@pytest.mark.parametrize("text, days", [
    ("I've done race walking for three years. Then last month I started to have pain at my sit bone", 30),
    ("it has hurt for the last month", 30),
    ("sit bone pain for over two months", 60),
    ("yesterday's long run was a nightmare. My sit bone has hurt for the past 10 days", 10),
    ("I fell on the ice 3 years ago this December. And I've been cursed with a new flavor of pain ever since.", 1095),
    ("I ran a marathon 2 years ago. Since then I have done many races and last month my hamstring started to hurt", 30),
])
def test_the_duration_is_the_pains_not_the_life_storys(text, days):
    assert read_message(text)["duration_days"] == days


@pytest.mark.parametrize("text", [
    "Two weeks ago I was diagnosed with secondary breast cancer, after weeks of agony in my back",
    "A couple of weeks ago I got x-rays on my hip to see if the tumor had any new friends",
    "The initial symptoms lasted only about two months, but I subsequently developed numbness",
])
def test_when_a_test_was_or_how_long_an_earlier_spell_lasted_is_no_duration(text):
    assert "duration_days" not in read_message(text)


def test_a_pain_that_has_lasted_still_tells_how_long():
    assert read_message("Could this pain, which has lasted over a week, be a sign of something?")["duration_days"] == 7


def test_the_first_time_in_years_is_no_duration():
    assert "duration_days" not in read_message("for the first time in 20 years my hamstring hurts")


def test_spellings_the_corrector_cannot_guess_are_read():
    assert "night_pain" in shared_reader().reading("it's bad at nite").possible.get("red_flags", [])


@pytest.mark.parametrize("text, change", [
    ("I stepped up my training", "more_volume"),
    ("I increased my running volume", "more_volume"),
    ("a long hike with a heavy pack", "more_volume"),
    ("I hadn't skied in ten years", "back_after_break"),
    ("I have been running alot more. I bumped up my weekly miles to 30, from about 22.", "more_volume"),
    ("I ran longer than usual on Saturday, and had some soreness in my bum", "more_volume"),
    ("I spent several months chained to my office chair writing my dissertation", "more_sitting"),
    ("as soon as I took my seat on the connection flight, I began to have pain in my bum", "more_sitting"),
    ("I went to a spin class at my gym for the first time the other week", "new_exercise"),
])
def test_training_changes_in_everyday_words(text, change):
    assert change in read_message(text)["load_changes"]


@pytest.mark.parametrize("text", ["it came on during one run and got worse mile by mile", "it comes in episodes",
                                  "about a month ago I started noticing it"])
def test_a_start_told_as_a_build_up_is_gradual(text):
    assert read_message(text)["onset"] == "gradual"


@pytest.mark.parametrize("text", ["everything", "pretty much everything", "all of the above"])
def test_everything_to_a_list_question_means_every_option(text):
    values = shared_reader().knowledge.fields["aggravators"]["values"]
    every_activity = [value for value, entry in values.items() if not entry.get("not_everything")]
    assert read_message(text, "aggravators") == {"aggravators": every_activity}
    assert "coughing_sneezing" not in every_activity  # a sign to ask about, not an activity: no over-triage


def test_everything_to_a_safety_question_is_not_every_danger_sign():
    assert read_message("everything", "red_flags").get("red_flags") in (None, [])


# --- what a story must say for an activity, a change or a place to count (issue 19) ------------

@pytest.mark.parametrize("story", [
    "I was running to catch my dog and I got a sudden, sharp pain in my bum",
    "I quit running for good when I tore my hamstring at the origin during a race",
    "I was sitting at my desk at work when my phone rang and I jumped up",
])
def test_an_activity_told_in_a_story_without_pain_is_not_what_makes_it_worse(story):
    assert "aggravators" not in read_message(story)


@pytest.mark.parametrize("story, value", [
    ("when I get on the bike the hamstring starts to tighten up and ache", "cycling"),
    ("sitting for more than ten minutes at my desk is a killer these days", "sitting"),
    ("spinning classes and long car journeys both set it off these days", "driving"),
])
def test_an_activity_told_with_pain_in_its_sentence_is_what_makes_it_worse(story, value):
    assert value in read_message(story)["aggravators"]


def test_a_short_answer_names_the_activity_without_a_pain_word():
    assert read_message("deadlifts and lunges")["aggravators"] == ["lunge", "deadlift"]


def test_speed_work_that_hurts_is_no_training_change_without_a_word_of_change():
    assert "load_changes" not in read_message("Pain was worse when I did intervals on the track last week")
    assert read_message("I started doing intervals on the track last month and now it hurts")["load_changes"] == ["more_speed"]


@pytest.mark.parametrize("story", ["My arse was numb after the fall and I could not get up",
                                   "The numbness spread to my entire groin and right butt cheek"])
def test_a_place_that_is_only_numb_is_not_where_it_hurts(story):
    assert "pain_location" not in read_message(story)


def test_a_numb_place_that_also_hurts_is_where_it_hurts():
    assert read_message("my bum is numb and sore after the fall")["pain_location"] == "buttock"


def test_a_muscle_named_in_a_story_is_no_level_but_answers_where_it_hurts():
    assert "pain_location" not in read_message("I pulled my right hamstring playing football last week")
    assert read_message("my hamstring", "pain_location")["pain_location"] == "mid_hamstring"


def test_pain_in_the_low_back_is_back_pain_beside_the_other_nerve_signs():
    found = read_message("I have pain in my lower back and tingling in my foot")
    assert found["pain_location"] == "low_back"
    assert set(found["neuro_symptoms"]) == {"back_pain", "tingling"}


@pytest.mark.parametrize("story", [
    # the back with the pain spreading from it into the leg (tune r358, r852), and the low back
    # in other words (r702, r850)
    "Monday evening, my back pain started to radiate down into my right leg.",
    "I have pain that extends from my back down my right leg. I have diagnosed it as sciatica.",
    "My injury began as a nagging lower backache.",
    "now I'm getting very sharp stabbing pains on the right lower part of back too",
])
def test_the_low_back_told_by_the_pain_that_spreads_from_it_or_in_other_words(story):
    assert read_message(story)["pain_location"] == "low_back"


def test_pain_from_the_back_that_travels_down_the_leg_is_still_below_the_knee():
    found = read_message("sciatica (pain that radiates from the back and travels down the leg)")
    assert found["pain_location"] == "low_back" and "pain_below_knee" in found["neuro_symptoms"]


def test_pain_that_travels_down_the_leg_with_no_stop_is_below_the_knee():
    assert read_message("The pain doesn't stop in my seat either, it travels down my left leg")["neuro_symptoms"] == [
        "pain_below_knee"]


@pytest.mark.parametrize("story", ["the pain radiated down to the back of my hamstrings when I ran",
                                   "it shoots down my leg to the knee when I sit for long"])
def test_pain_that_goes_down_to_a_place_above_the_knee_is_not_below_it(story):
    reading = shared_reader().reading(story)
    assert "pain_below_knee" not in (reading.findings.get("neuro_symptoms") or [])
    assert "pain_below_knee" not in (reading.possible.get("neuro_symptoms") or [])


def test_a_sport_in_a_story_needs_a_word_of_regular_training():
    assert "sport" not in read_message("I was running to catch my dog and I got a sudden, sharp pain in my bum")
    assert read_message("I have completed nine marathons, so I thought it was a strain")["sport"] == "running"
    assert read_message("running", "sport")["sport"] == "running"


def test_a_sport_that_takes_in_another_is_the_one_kept():
    # vocabulary `covers`: a triathlete who tells of marathons does triathlon
    assert read_message("I have completed nine marathons and two Ironmans, so I thought it was a strain")["sport"] == "triathlon"


@pytest.mark.parametrize("story, sport", [
    ("I do orienteering, so I tried to move and stretch more, but the pain got worse", "orienteering"),
    ("I injured my coccyx in a fall from horseback; I'm a programmer and an equestrian", "horse riding"),
    ("This time it hit during a climbing session and put on a real hissy fit", "climbing"),
    ("I've been swimming three times a week for years and now my bum hurts when I sit", "swimming"),
])
def test_a_sport_that_is_not_an_option_is_kept_by_its_name(story, sport):
    assert read_message(story)["sport"] == sport


@pytest.mark.parametrize("story, sport", [
    # a field or court sport is played running (vocabulary `covers`)
    ("I was running out a ground ball out of the batter's box when I felt a sharp pain, I play every week", "baseball"),
    ("A week ago while I was running on the field in our football league I tripped", "football"),
    # all three of a triathlon told in one story (vocabulary `made_of`)
    ("I can run and go swimming with no problems, but when I get on the bike for my training the hamstring tightens", "triathlon"),
])
def test_a_sport_that_takes_in_the_others_told_is_the_one_kept(story, sport):
    assert read_message(story)["sport"] == sport


@pytest.mark.parametrize("story", [
    "my hips are a running joke with my friends and I train every day",
    "I felt like an old man who had just attempted a marathon, I go to the club every week",
    "I have been up and running again for a few weeks of training",
    "this is a fairly common injury for runners apparently, and my bum hurts",
])
def test_running_as_an_idiom_or_of_runners_in_general_is_no_sport_and_no_aggravator(story):
    reading = read_message(story)
    assert reading.get("sport") != "running"
    assert "running" not in (reading.get("aggravators") or [])


def test_a_story_of_pain_on_running_suggests_a_runner_unless_it_names_another_sport():
    # vocabulary `suggests`: in a story only, and only when it tells no sport
    assert read_message("It hurts if I run fast or far")["sport"] == "running"
    assert read_message("It hurts if I run fast, and I play hockey twice a week")["sport"] == "hockey"
    assert "sport" not in read_message("running", "aggravators")


def test_standing_up_from_a_seat_in_a_story_is_not_sitting_but_answers_the_question():
    # vocabulary `not_findings_in_stories` (tests/real/README.md, annotation rules)
    assert "aggravators" not in read_message("The initial pain was worst upon rising from a seated position")
    assert read_message("Whenever I bend or stand after sitting, a pain shoots down")["aggravators"] == ["bending_forward"]
    assert read_message("getting up from a chair", "aggravators")["aggravators"] == ["sitting"]


def test_sitting_in_the_car_is_driving_and_not_also_sitting():
    assert read_message("Then sitting in the car just killed me")["aggravators"] == ["driving"]
    assert read_message("it hurts to sit at my desk and to sit in the car")["aggravators"] == ["sitting", "driving"]


def test_a_word_that_only_looks_like_a_sport_names_none():
    # lemmas would find "climb", "ski" and "box" in these
    assert "sport" not in read_message("For years I have climbed into the loft every week, and now my bum hurts")
    assert "sport" not in read_message("My ski tip dipped and I did the splits in the water, and felt a pull")


@pytest.mark.parametrize("story", ["I landed directly on my backside on the ice last night",
                                   "I was walking down the stairs and I got a sharp pain in my left bum cheek"])
def test_a_fall_or_a_sharp_pain_at_one_moment_is_a_sudden_start(story):
    assert read_message(story)["onset"] == "sudden"


def test_acute_pain_is_severe_pain_not_a_sudden_start():
    assert "onset" not in read_message("My pain started randomly as acute pain in my left glute and hip")


def test_today_in_a_story_dates_the_start_only_with_a_word_of_starting():
    assert "duration_days" not in read_message("Today it is a sharp pain like someone is stabbing me in the butt")
    assert read_message("I pulled it sprinting this morning")["duration_days"] == 0
    assert read_message("today", "duration_days")["duration_days"] == 0
    # or with a moment of injury (tune r425, r556, r941)
    assert read_message("last night I bent down to pick a peg up off the floor and it hurt")["duration_days"] == 1
    assert read_message("Last night, after dinner, I developed some severe lower back pain.")["duration_days"] == 1
    assert read_message("sciatica was only a word to me until yesterday when I felt pain unlike any before")["duration_days"] == 1
    assert "duration_days" not in read_message("I felt fine yesterday but my bum is sore")


def test_not_one_word_but_another_states_the_sign_in_the_other_words():
    assert read_message("it's not a fever, it's a temperature of 39")["red_flags"] == ["fever"]
    assert "red_flags" not in read_message("no fever or temperature")


# --- "can't" in its other forms ----------------------------------------------------------

@pytest.mark.parametrize("text, field, value", [
    ("I couldn't feel my toes", "neuro_symptoms", "numbness"),
    ("I cannot feel my toes", "neuro_symptoms", "numbness"),
    ("I couldn't walk or feel my toes", "neuro_symptoms", "numbness"),
    ("I could not control my bladder", "red_flags", "bladder_bowel_change"),
])
def test_couldnt_cannot_and_a_shared_cant_read_as_cant(text, field, value):
    assert value in read_message(text)[field]


def test_ok_in_another_clause_does_not_excuse_a_possible_danger_sign():
    reading = shared_reader().reading("The doctors told me I was ok yet I was impotent")
    assert "sexual_dysfunction" in reading.possible["red_flags"]


def test_ok_said_of_the_sign_itself_still_excuses_it():
    assert not shared_reader().reading("erections are ok").possible


def test_a_unit_without_an_amount_gives_way_to_an_amount():
    assert duration_days("i ran for years before the pain started 2 weeks ago", asked=False) == 14


def test_months_without_an_amount_in_a_story_needs_a_word_of_duration():
    assert duration_days("it hurts in the winter months", asked=False) is None


@pytest.mark.parametrize("text, place", [
    ("a mild pain in the middle of my right hamstring", "mid_hamstring"),
    ("it aches in the middle of the back of my left thigh", "mid_hamstring"),
    ("a sharp pain in the back of my right thigh and butt", "upper_hamstring"),
])
def test_a_side_before_a_place_does_not_hide_the_place(text, place):
    assert read_message(text)["pain_location"] == place


def test_a_side_never_joins_two_legs_into_both_legs():
    assert "both_legs" not in (read_message("I lost control of the right leg and neglected my left leg")
                               .get("red_flags") or [])


def test_a_phrase_that_only_looks_like_a_finding_still_names_its_place():
    reading = read_message("that ride was so painful as my previously bruised bum hurt so much")
    assert reading["pain_location"] == "buttock" and "injury_signs" not in reading


def test_the_back_of_the_thigh_names_a_level_only_as_the_answer_to_where_it_hurts():
    assert "pain_location" not in read_message("I felt a sudden pain in the back of my thigh")
    assert read_message("the back of my thigh", asked="pain_location")["pain_location"] == "mid_hamstring"


@pytest.mark.parametrize("text", ["I fell on my back about a month ago in step aerobics",
                                  # (a harvest of tune-side pages and a fresh-eyes review, thirty-fourth session)
                                  "the motorcycle went over a large embankment and down several feet",
                                  "the opposing teams keeper came outside of the box and hit me full speed",
                                  "at the driving range a driver hit me on the back of the leg",
                                  "a driver hit me while I was crossing",
                                  "his right bumper hits me square in the right butt cheek and tosses me into the street"])
def test_a_fall_told_without_how_bad_it_was_is_asked_about_not_taken_for_major_trauma(text):
    reading = shared_reader().reading(text)
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert "major_trauma" in reading.possible["red_flags"]


def test_over_months_in_another_answer_tells_how_it_came_on_not_how_long():
    assert duration_days("I'd say over months", asked=False) is None


@pytest.mark.parametrize("story, value", [
    ("At first I had trouble walking and sitting.", "sitting"),
    ("It is not possible to sit normally.", "sitting"),
    ("After three months at the new job I could hardly sit.", "sitting"),
    ("Being in the car, especially, is miserable.", "driving"),
    ("Sore when sitting for any length of time and sore when I try to run quickly.", "sprinting"),
])
def test_an_activity_that_is_hard_to_do_makes_it_worse_without_a_word_of_pain(story, value):
    assert value in read_message(story)["aggravators"]


def test_an_activity_done_with_no_problems_is_not_what_makes_it_worse():
    reading = read_message("I can run and swim with no problems but when I get on the bike the hamstring starts to tighten up.")
    assert reading["aggravators"] == ["cycling"]


def test_long_stretches_of_sitting_are_sitting_not_stretching():
    assert read_message("The pain was intense, and felt worse during long stretches of sitting.")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("story", [
    # the seat of a bike in a story of riding (tune r683, r879)
    "The seat was killing me. I ended up doing 2 miles ... love the bike - hate the seat.",
    "We got our bikes out and as soon as I sat on the seat I realized that something did hurt!",
])
def test_a_bike_seat_that_hurts_is_cycling_not_sitting(story):
    assert read_message(story)["aggravators"] == ["cycling"]


def test_a_hard_seat_at_work_is_still_sitting_beside_a_bike():
    assert read_message("sitting on a hard seat at work kills me, I also cycle to work")["aggravators"] == ["sitting", "cycling"]


@pytest.mark.parametrize("story", [
    "sit-ups hurt my back",
    "right now it only hurts when I breath or try and sit up or stand.",
    "a disc is putting pressure on the nerves that run into my left leg",
    "the sciatic nerve runs through it, so I was getting these shooting pains",
    "I kicked a bit too hard while standing on the hardwood in hiking socks.",
])
def test_words_that_only_look_like_sitting_running_or_bending_make_nothing_worse(story):
    assert not {"sitting", "running", "bending_forward"} & set(read_message(story).get("aggravators") or [])


def test_what_brings_the_pain_on_makes_it_worse():
    # "it occurs after sitting" (tune r852)
    assert read_message("It usually occurs after sitting for a prolonged period.")["aggravators"] == ["sitting"]


def test_not_being_able_to_do_something_is_an_inability():
    assert read_message("I'm not being able to walk")["injury_signs"] == ["difficulty_walking"]


def test_socks_alone_answer_what_makes_it_worse():
    assert read_message("socks", "aggravators")["aggravators"] == ["bending_forward"]
    assert read_message("I still can't put on my own socks")["aggravators"] == ["bending_forward"]


def test_hiking_up_the_distance_is_more_training_not_hills():
    reading = read_message("I have been struggling with a sore bum for months since hiking up the distance in half marathon training")
    assert reading["load_changes"] == ["more_volume"] and "uphill_running" not in (reading.get("aggravators") or [])


@pytest.mark.parametrize("text, days", [
    ("the injury has lasted so long (12-18 months) and it still hurts", 540),
    ("it has hurt for 2 or 3 weeks", 21),
    ("pain for six to eight weeks", 56),
    ("So my back pain x3 months had me seriously concerned.", 90),
])
def test_a_range_of_time_counts_at_its_higher_end(text, days):
    assert duration_days(text, asked=False) == days


def test_a_range_of_days_a_week_is_no_duration():
    assert duration_days("I run 3 to 4 days a week", asked=False) is None


def test_going_on_for_tells_how_long_even_in_a_sentence_about_training():
    assert duration_days("This has been going on for about six weeks now, but the last two weeks I've only been "
                         "cross training", asked=False) == 42


def test_the_next_few_days_after_an_injury_are_no_duration():
    assert duration_days("Over the next few days, I was able to bear weight with a cane", asked=False) is None


def test_advice_repeated_about_what_to_watch_for_states_no_finding_and_a_danger_sign_in_it_is_asked_once():
    reading = shared_reader().reading("The GP said: if you feel any numbness or pins and needles in the lower half of "
                                      "your body, or trouble peeing, go straight to A&E.")
    assert "neuro_symptoms" not in reading.findings and "red_flags" not in reading.findings
    assert reading.possible["red_flags"] == ["bladder_bowel_change"]


def test_a_sign_told_after_the_warning_and_a_but_is_stated():
    reading = shared_reader().reading("my physio warned me about cauda equina but I have no bladder control since yesterday")
    assert reading.findings["red_flags"] == ["bladder_bowel_change"]


def test_if_i_do_something_is_no_warning():
    assert read_message("If I sit for long my leg goes numb")["neuro_symptoms"] == ["numbness"]


@pytest.mark.parametrize("story, trend", [
    ("It has recently gotten worse. It hurts all the time.", "worse"),
    ("I had breast cancer and now the hip pain is getting worse", "worse"),
    ("stage 4 cancer with worsening hip pain", "worse"),
    ("I am currently recovering from a strained high hamstring tendon", "better"),
    ("it's slowly getting better with the exercises", "better"),
    ("At the end of my week, I realized my hamstring was even worse", "worse"),
    ("as my butt injury seems to be fading far into the background", "better"),
    ("It seems to have been subsiding since I banished chair sitting", "better"),
    ("My runs all went fine, and the pain hasn't gotten worse, but it didn't disappear", "same"),
])
def test_how_the_pain_has_changed_is_read_from_a_story(story, trend):
    assert read_message(story)["trend"] == trend


@pytest.mark.parametrize("story", [
    "When I run, the pounding creates a similar feeling, but it's not as bad as when sitting",
    "it hurts worse when I sit, even worse when I drive",
])
def test_one_activity_told_against_another_is_no_trend(story):
    assert "trend" not in read_message(story)


@pytest.mark.parametrize("story", [
    "sitting makes it worse",
    "it got worse when I sat down",
    "it gets worse and worse the longer I run",
])
def test_what_makes_it_worse_is_no_change_over_the_weeks(story):
    assert "trend" not in read_message(story)


def test_a_bare_better_or_worse_answers_only_its_own_question():
    assert read_message("worse", "trend")["trend"] == "worse"
    assert read_message("about the same", "trend")["trend"] == "same"


def test_trouble_walking_in_a_story_tells_no_sudden_start():
    assert "onset" not in read_message("I couldn't walk and was dragging my leg")
    assert read_message("I felt a pop at the top of my hamstring")["onset"] == "sudden"
    assert read_message("I couldn't walk properly", "injury_signs")["onset"] == "sudden"  # "when it happened, ...?"


def test_an_activity_the_person_cannot_do_without_pain_makes_it_worse():
    assert read_message("The following few days I couldn't even sit down without having pain.")["aggravators"] == ["sitting"]
    assert read_message("I can't run without it hurting")["aggravators"] == ["running"]
    assert "aggravators" not in read_message("I can sit without pain now")
    assert "aggravators" not in read_message("I don't run without warming up")


@pytest.mark.parametrize("story", [
    "Pain was worse when I did intervals and sometimes the pain radiated down to the back of my hamstrings.",
    "All of this would explain the knot I felt in my butt during the race and the tightness moving down my hamstring.",
])
def test_a_training_change_needs_a_word_of_change_in_its_own_clause(story):
    assert "load_changes" not in read_message(story)


@pytest.mark.parametrize("story, change", [
    ("I went to my first spin class on Tuesday after a two month hiatus and my tuckus HURTS", "back_after_break"),
    ("came back after a layoff and now my sit bone hurts", "back_after_break"),
])
def test_training_changes_told_in_other_words(story, change):
    assert change in read_message(story)["load_changes"]


def test_a_cause_the_person_is_unsure_of_is_no_aggravator():
    assert "aggravators" not in read_message(
        "I feel the same or maybe even worse but now I don't know if it's from my short run on Sunday night.")


def test_a_crash_long_ago_is_asked_about_not_taken_for_this_injury():
    long_ago = reading("It all started when I had a car accident 14 years ago and since then my back seizes up")
    assert "red_flags" not in long_ago.findings and long_ago.possible["red_flags"] == ["major_trauma"]
    assert reading("I had a car accident last week and now my buttock hurts").findings["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text, sign", [
    # a cue of long ago in the sentence is not the sign's own time (a fresh-eyes review, 20th session):
    # a cauda equina sign stated clearly is an emergency whatever else the sentence tells
    ("I played rugby at school and I can't control my bladder", "bladder_bowel_change"),
    ("I'm in my thirties and I've lost control of my bladder", "bladder_bowel_change"),
    ("I tore my hamstring years ago, and I have lost control of my bowels", "bladder_bowel_change"),
    ("I've had hamstring pain since I was a teenager and I have numbness in my groin and bottom", "saddle_numbness"),
    ("I'm in my twenties and both my legs are numb", "both_legs"),
    ("I had a disc operation years ago but now I can't feel when I pee", "bladder_bowel_change"),
    ("Two years ago I hurt my back. I can't control my bladder", "bladder_bowel_change"),
    ("I had surgery two years ago and since last week I can't pee", "bladder_bowel_change"),
])
def test_a_cauda_equina_sign_told_beside_something_long_ago_is_stated(text, sign):
    assert sign in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["With a bone jarring crunch, I land onto the frozen ground.",  # r540
                                  "I was heading home when I heard a snap and hit the ground at speed",
                                  "I crashed off the edge of the road yesterday",  # r964
                                  "I came off my mare at a canter"])
def test_an_impact_told_without_a_word_for_a_fall_is_asked_about_once(text):
    found, possible = _signs(text)
    assert "major_trauma" not in found and "major_trauma" in possible


@pytest.mark.parametrize("text", ["I landed on my feet on the floor after a jump", "I landed a new job",
                                  "I run on the road most days", "I hit the road running this morning",
                                  "I crashed on the floor after my run, exhausted",
                                  "I let go of the horse's lead rope and walked home"])
def test_a_landing_or_a_road_alone_is_no_impact(text):
    assert "major_trauma" not in set.union(*_signs(text))


@pytest.mark.parametrize("text, sign", [
    ("I'm terrified I'll lose control of my bladder", "bladder_bowel_change"),
    ("If I get any numbness in the saddle area I'll go straight to A&E", "saddle_numbness"),
    ("they tested for saddle numbness and found none", "saddle_numbness"),
    ("Google says numbness in the groin and incontinence are warning signs", "saddle_numbness"),
])
def test_a_cauda_equina_sign_feared_foretold_or_tested_for_is_asked_about_once(text, sign):
    found, possible = _signs(text)
    assert sign not in found and sign in possible


@pytest.mark.parametrize("text", ["I'm terrified because I've lost control of my bladder",
                                  "I'm scared I'll lose control of my bladder because I already can't feel when I pee",
                                  "they tested for a UTI. I can't pee at all"])
def test_a_cauda_equina_sign_stated_beside_a_fear_or_a_test_is_stated(text):
    assert "bladder_bowel_change" in read_message(text)["red_flags"]


def test_snap_crackle_and_pop_is_a_figure_of_speech():
    assert "injury_signs" not in read_message("that morning my back “snapped, crackled, and popped” a little differently")


@pytest.mark.parametrize("story", [
    "So as I bent to stretch my hamstrings post my run, my back gave, and it was the worst pain ever.",
    "I was sitting at my desk when suddenly a sharp pain hit my buttock.",
])
def test_what_the_person_was_doing_when_it_happened_does_not_make_it_worse(story):
    assert "aggravators" not in read_message(story)


def test_what_hurts_since_the_moment_it_happened_still_makes_it_worse():
    assert read_message("I was sitting at my desk when suddenly a sharp pain hit my buttock. Now sitting is agony.")[
        "aggravators"] == ["sitting"]
    assert read_message("I was running and suddenly felt a sharp pain; since then running hurts")["aggravators"] == ["running"]


@pytest.mark.parametrize("story, place", [
    ("my lower back was hurting", "low_back"),
    ("my tuckus HURTS", "buttock"),
    ("I had localized pain where my spine met my pelvis", "low_back"),
    ("the sore part of my leg where my thigh meets my butt", "upper_hamstring"),
])
def test_places_in_more_everyday_words(story, place):
    assert read_message(story)["pain_location"] == place


@pytest.mark.parametrize("story, onset", [
    ("Something started nagging me through the back of my thigh", "gradual"),
    ("it started as a dull ache deep in my glute", "gradual"),
    ("I stepped onto a bus platform and without any warning I had excruciating pain", "sudden"),
    ("6 years later, I hurt my back and was in so much pain", "sudden"),
    ("Day by day, it got worse, to the point where it's difficult to walk", "gradual"),
    ("about halfway through, I started to literally develop a pain in the butt", "gradual"),
    ("I started experiencing tingling down my leg, and this eventually progressed into pain", "gradual"),
    ("My left hamstring started bothering me two weeks ago", "gradual"),
    ("What I've been telling people is that I twisted my back", "sudden"),
    ("while I was running on the field I had tripped and felt a pain in my calf", "sudden"),
    ("at about the halfway point, I experienced my first crash", "sudden"),
    ("More specifically, it cropped up when I stood up", "sudden"),
])
def test_how_it_started_in_more_everyday_words(story, onset):
    assert read_message(story)["onset"] == onset


def test_pain_a_place_of_the_back_causes_is_no_sudden_start():
    assert "onset" not in read_message("sitting hurts my back")


@pytest.mark.parametrize("text", [
    "About two weeks prior to my official diagnosis, I started experiencing pain",
    "about 10 days after that ride, symptoms began",
    "6 years later, I hurt my back",
    "3 weeks into my training block it started to hurt",
])
def test_time_counted_from_another_event_is_no_duration(text):
    assert duration_days(text, asked=False) is None


def test_for_some_time_after_an_event_is_a_duration():
    assert duration_days("I have had pain for 2 weeks after the marathon", asked=False) == 14


def test_legs_that_gave_way_once_are_asked_about_and_legs_that_keep_giving_way_are_not():
    once = reading("Coming down the stairs, mug in each hand, my legs gave way and I sat down. Heavily.")
    assert "red_flags" not in once.findings and once.possible["red_flags"] == ["both_legs"]
    assert reading("my legs keep giving way").findings["red_flags"] == ["both_legs"]
    assert reading("both my legs give way").findings["red_flags"] == ["both_legs"]


@pytest.mark.parametrize("story", [
    "While I was in full splits, my instructor placed his hands on my hips and adjusted my position.",
    "I have tried to manage it by trying to mobilise the hip and strengthen the glute.",
])
def test_a_place_named_for_something_done_to_it_is_no_pain_place(story):
    assert "pain_location" not in read_message(story)


def test_a_place_that_hurts_while_something_is_done_to_it_is_still_the_pain_place():
    assert read_message("my hip hurts when I massage it")["pain_location"] == "outer_hip"


@pytest.mark.parametrize("story", [
    "I remember that aching, pulling sensation in my buttock",
    "I've been nursing an injured hamstring for a month",
    "I was in tears with the ache in my bum",
    "I fell asleep on the sofa and my buttock aches",
    "my slipped disc has been playing up for months",
])
def test_words_that_only_look_like_an_injury_tell_no_sudden_start(story):
    assert read_message(story).get("onset") is None


@pytest.mark.parametrize("story", [
    "midway through the second half I managed to pull my left hamstring",
    "I felt my left upper hamstring pull",
    "my foot slipped off the pedal and I landed on my tailbone",
    "I ended up falling hard on my back in the road",
    "I injured my hamstring playing football",
])
def test_an_injury_told_as_it_happened_is_a_sudden_start(story):
    assert read_message(story)["onset"] == "sudden"


@pytest.mark.parametrize("answer", ["it tightened up when I stood up", "it came on as I bent down to pick up a box",
                                    "felt it go as I lunged"])
def test_a_moment_told_by_what_the_person_was_doing_answers_how_it_started(answer):
    assert read_message(answer, asked="onset")["onset"] == "sudden"


def test_starting_more_training_is_no_moment():
    assert read_message("it came on gradually when I started training for a marathon", asked="onset")["onset"] == "gradual"


def test_taking_a_step_is_not_stairs():
    assert "aggravators" not in read_message("it hurts so much it doesn't allow me to take a normal step")


@pytest.mark.parametrize("answer", ["aches down both calves, more on the right", "pain down both calves"])
def test_pain_down_both_calves_is_pain_down_both_legs(answer):
    assert "both_legs_pain" in read_message(answer, asked="neuro_symptoms")["red_flags"]


@pytest.mark.parametrize("text", ["both my calves ache",
                                  # pain that goes down "my legs" with no word of shooting (a harvest, thirty-fourth session)
                                  "every time I moved I would get pains shooting through my back and down my legs",
                                  "it goes down my legs", "the pain travels down my legs to my knees"])
def test_both_calves_or_pain_down_my_legs_alone_is_asked_about(text):
    assert reading(text).possible["red_flags"] == ["both_legs_pain"]


def test_pain_down_one_leg_is_not_both_legs():
    assert "red_flags" not in read_message("the pain goes down my leg to my foot")


def test_years_later_and_still_in_pain_is_how_long():
    story = "I couldn't sit down for weeks. Four years later and I still can't sit for long periods without pain."
    assert duration_days(story, asked=False) == 1460
    assert duration_days("a few days later, my leg was still swollen", asked=False) is None


@pytest.mark.parametrize("story", ["I've seen a physio a number of times for my sit bone pain",
                                   "a number of my friends have had this"])
def test_a_number_of_times_is_not_numbness(story):
    assert "neuro_symptoms" not in read_message(story)


@pytest.mark.parametrize("text", ["After longer runs, it seems to linger around for a few days.",
                                  "after almost 3 weeks off, when I sit on my butt I have pain",
                                  "it lasts about 2 days each time"])
def test_how_long_a_bout_lasts_or_a_break_is_not_how_long_the_pain_has_lasted(text):
    assert duration_days(text, asked=False) is None


@pytest.mark.parametrize("text, days", [("it has lasted 3 weeks", 21), ("pain for 3 weeks off and on", 21)])
def test_how_long_it_has_lasted_still_counts(text, days):
    assert duration_days(text, asked=False) == days


def test_a_break_told_as_the_answer_is_how_long():
    assert duration_days("3 weeks off work now", asked=True) == 21


def test_a_fall_down_the_stairs_told_in_other_words_is_a_major_fall():
    story = ("I decided to fling myself down the stairs and landed with all my weight directly on the edge of a step, "
             "right on my tailbone.")
    assert read_message(story)["red_flags"] == ["major_trauma"]


def test_an_activity_that_is_fine_or_eases_the_pain_is_no_aggravator():
    assert "running" not in read_message("I can still run OK, but sitting hurts my bum")["aggravators"]
    assert read_message("my sit bone hurts when I sit but running is fine")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("story", [
    "If I sit with my back supported by the back of the chair, the pain is much less.",  # r490
    "If I run slowly the pain goes away",
    "sitting gives me relief",
    "the pain goes away when I sit",
    "I find stretching gives some relief.",
])
def test_an_activity_told_as_what_eases_the_pain_is_no_aggravator(story):
    assert "aggravators" not in read_message(story)


@pytest.mark.parametrize("story, aggravators", [
    ("When I sit for a long time, the pain gets worse.", ["sitting"]),
    ("If I run, it hurts, though it eases after.", ["running"]),
    ("when I sit it aches, then goes away when I stand", ["sitting"]),
])
def test_an_activity_that_hurts_before_it_eases_still_makes_it_worse(story, aggravators):
    assert read_message(story)["aggravators"] == aggravators


def test_worse_since_then_is_the_trend():
    assert read_message("a heavy aching feeling in my calf which has become much worse since then")["trend"] == "worse"


def test_more_intensity_is_a_training_change():
    assert read_message("I had upped my mileage and intensity too quick")["load_changes"]


def test_an_exclamation_is_not_corrected_into_a_vocabulary_word():
    assert "aggravators" not in read_message("my butt started hurting like mad. Youch. I suspect my track workout")


@pytest.mark.parametrize("story, onset", [
    ("Hi, I strained a calf muscle on Tuesday morning.", "sudden"),
    ("In that class we didn't do anything out of the ordinary; yet I felt a twinge in my butt.", "sudden"),
    ("a brisk walk followed by mowing the lawns. Bang. That night there's agonising pain in my hip", "sudden"),
    ("The resulting pain wasn't instant. But it did become relentless.", "gradual"),
    # a pain told as fierce and felt at one moment (tune r692, r665, r762, r785, r474)
    ("So I did one rep and felt a terrible pain in my back.", "sudden"),
    ("Chugging down one steep incline, I felt a stab of pain in my right hip.", "sudden"),
    ("a sharp pain coursed through my right hamstring muscle", "sudden"),
    ("bent over innocently to reach for something, felt a knife-stabbing in my right buttock", "sudden"),
    ("I felt immediate pain and then just laid down laughing", "sudden"),
    ("my left hamstring cramped and I had to abort my long run", "sudden"),
    # a pain that began as a nag, or that developed (tune r702, r617, r366)
    ("My injury began as a nagging lower backache.", "gradual"),
    ("Around early November I started to develop pains in my lower back", "gradual"),
    ("I began to feel a dull toothache like pain in my left glute.", "gradual"),
])
def test_how_it_started_told_by_what_was_felt(story, onset):
    assert read_message(story)["onset"] == onset


@pytest.mark.parametrize("story", ["I wrenched my back in the process.", "I hurt my back lifting the sofa."])
def test_an_injury_told_by_what_it_hurt_is_a_sudden_start_and_back_pain(story):
    found = read_message(story)
    assert found["onset"] == "sudden" and "back_pain" in found["neuro_symptoms"]


def test_a_dull_pain_felt_is_no_sudden_start():
    assert read_message("I felt a dull pain in my buttock after long runs").get("onset") != "sudden"


@pytest.mark.parametrize("story", [
    "it would kick in when I got up from sitting and gradually wear off after a while",
    "I had that tingling pain for a month, then suddenly the pain got really bad",
])
def test_how_a_bout_eases_or_worsens_is_not_how_the_pain_started(story):
    assert "onset" not in read_message(story)


@pytest.mark.parametrize("answer, change", [
    ("a 108-mile training week", "more_volume"), ("going heavier", "more_volume"),
    ("back to training after the holidays", "back_after_break"), ("a conference, nine hours a day of sitting", "more_sitting"),
    ("more high intensity workouts", "more_speed"), ("I started power walking in Reebok Retones", "new_exercise"),
])
def test_what_changed_told_in_the_persons_own_words(answer, change):
    assert change in read_message(answer, asked="load_changes")["load_changes"]


@pytest.mark.parametrize("answer, trend", [("not getting better", "same"), ("almost back to normal", "better")])
def test_the_trend_told_in_other_words(answer, trend):
    assert read_message(answer, asked="trend")["trend"] == trend


@pytest.mark.parametrize("answer, onset", [("after a long ride", "gradual"), ("it came on with the new saddle", "gradual"),
                                           ("randomly, acute", "sudden")])
def test_how_it_started_answered_by_what_it_came_with(answer, onset):
    assert read_message(answer, asked="onset")["onset"] == onset

@pytest.mark.parametrize("text, field, value", [
    ("I couldn't stand or walk", "injury_signs", "difficulty_walking"),
    ("pain so intense I could not stand or walk", "injury_signs", "difficulty_walking"),
    ("I couldn't walk or feel my toes", "neuro_symptoms", "numbness"),
    ("I could barely sit, stand or walk", "injury_signs", "difficulty_walking"),  # r1034's answer
    ("I can't sit, stand, or walk", "injury_signs", "difficulty_walking"),
    ("I'm struggling to stand, sit or walk", "injury_signs", "difficulty_walking"),
    ("it's hard to stand or walk", "injury_signs", "difficulty_walking"),
    ("I have trouble sitting, standing and walking", "injury_signs", "difficulty_walking"),
    ("I can hardly stand up or walk", "injury_signs", "difficulty_walking"),
])
def test_an_inability_shared_by_a_list_of_verbs_is_stated_for_each(text, field, value):
    # "couldn't stand or walk" is read as "couldn't stand or couldn't walk", "barely sit, stand or
    # walk" as "barely sit, barely stand or barely walk": the first word does not turn round
    assert value in read_message(text).get(field, [])


@pytest.mark.parametrize("text", ["I don't have trouble sitting or walking", "no trouble standing or walking",
                                  "I can sit, stand and walk fine", "I barely sleep and walk a lot",
                                  "can't sit for long and I walk fine"])
def test_a_list_of_verbs_without_an_inability_before_them_tells_no_trouble_walking(text):
    found = reading(text)
    assert "difficulty_walking" not in found.findings.get("injury_signs", []) + found.possible.get("injury_signs", [])


@pytest.mark.parametrize("text, field, value", [
    ("I finally called my sister, who broke her tailbone last year.", "red_flags", "major_trauma"),
    ("a few years ago i read a memoir about a woman who died of cancer", "red_flags", "cancer_history"),
    ("With my granddad dying from Leukaemia a mere 6 months before, I panicked", "red_flags", "cancer_history"),
])
def test_a_sign_in_a_clause_about_someone_else_opened_by_who_is_not_the_persons(text, field, value):
    found = reading(text)
    assert value not in found.findings.get(field, []) + found.possible.get(field, [])


def test_a_cauda_equina_sign_told_of_someone_else_is_still_asked_about():
    found = reading("my friend, who can't feel when she wipes, told me to get checked")
    assert "saddle_numbness" not in found.findings.get("red_flags", [])
    assert "saddle_numbness" in found.possible["red_flags"]


def test_a_feeling_that_runs_down_both_legs_is_no_run():
    assert read_message("all of a sudden felt a strange tingling sensation run down my legs")["red_flags"] == ["both_legs"]
    assert read_message("the pain runs down my leg when I sit").get("aggravators") == ["sitting"]


@pytest.mark.parametrize("story", ["I've had sciatic pain in my leg and back since I was 17", "weeks of agony in my back",
                                   "the pain was also in my lower spine", "I do have back and neck pain"])
def test_back_pain_told_in_more_words(story):
    assert "back_pain" in read_message(story)["neuro_symptoms"]


@pytest.mark.parametrize("story", ["This pain starts in my left butt cheek and shoots straight down to my left foot",
                                   "it's like a knife from my hamstring to my heel",
                                   "down the front of my thigh and leg, and across the top of my foot"])
def test_pain_that_reaches_the_foot_is_below_the_knee(story):
    assert "pain_below_knee" in read_message(story)["neuro_symptoms"]


@pytest.mark.parametrize("text, days", [
    ("And so for the past six months I have lived with a spasming hamstring", 180),
    ("I have experienced so far two days of what I can only describe as concussive injury", 2),
    ("For the past few nights I have had the worst time getting comfortable. My lower back has been killing me", 3),
    ("This afternoon I fell off a ladder. My back hurts pretty bad", 0),
    ("Yesterday morning I awoke with great pain in my tailbone", 1),
    ("I've had this pain for 3 days running", 3),
])
def test_how_long_told_in_more_words(text, days):
    assert duration_days(text, asked=False) == days


@pytest.mark.parametrize("text", [
    # how long a treatment was done or helped, a spell when it was fine, a time off to come
    # (tune r114, r857, r708, r714, r578)
    "The tear swelled up into a ball, which I iced for a few days.",
    "The first one helped for about two months, but the second one helped very little.",
    "I was pain free for a few months, then I fell on the stairs, and pain was back.",
    "Anyway, I was okay for a few days and then OH GOD THE PAIN.",
    "I've strained my hamstring and will be off ballet for 2 weeks.",
])
def test_a_spell_of_treatment_or_of_no_pain_is_not_how_long_it_has_hurt(text):
    assert duration_days(text, asked=False) is None


@pytest.mark.parametrize("text", ["I went to an orthopedic doctor yesterday, and he has diagnosed me with bursitis",
                                  "I go every other night"])
def test_a_day_that_is_not_when_the_pain_began_is_no_duration(text):
    assert duration_days(text, asked=False) is None


@pytest.mark.parametrize("story, sport", [
    ("Okay, so I went out for my run and pulled a butt muscle.", "running"),
    ("I feel the same or maybe even worse but I don't know if it's from my short run on Sunday night.", "running"),
    ("after my first few rides on my new bike I've got a bit of a sore butt", "cycling"),
    # a ride told by its length, riding for exercise, time out of the saddle (tune r355, r864, r585)
    ("Early Saturday morning, I took my new Felt Z35 out for a 24-mile ride.", "cycling"),
    ("I ride a hybrid bicycle for exercise and I suffered from perineal pain", "cycling"),
    ("on my recent epic rides (91 miles this past Sunday) my keister is sore", "cycling"),
])
def test_a_regular_sport_told_by_my_run_or_my_ride(story, sport):
    assert read_message(story)["sport"] == sport


@pytest.mark.parametrize("story", ["my groin went numb on the ride but it wore off after an hour",
                                   "My crotch was numb after the ride. Now it's not."])
def test_a_danger_sign_that_has_gone_is_asked_about_not_taken_nor_dropped(story):
    result = reading(story)
    assert "saddle_numbness" not in result.findings.get("red_flags", [])
    assert "saddle_numbness" in result.possible["red_flags"]


def test_no_longer_in_control_is_the_sign_itself():
    assert read_message("I no longer have control of my bladder")["red_flags"] == ["bladder_bowel_change"]


def test_the_next_day_told_as_narration_is_not_worse_the_next_day():
    assert "worse_next_day" not in read_message("The next day I ran 30k, which felt fine.")
    assert read_message("my hamstring is always sore the next day after a long run")["worse_next_day"] is True
    assert read_message("the next day", asked="worse_next_day")["worse_next_day"] is True


@pytest.mark.parametrize("story, place", [
    ("the pain is right where my butt meets my thigh", "upper_hamstring"),
    ("it aches in the crease between my glute and hamstring", "upper_hamstring"),
    ("sore on the bony part of my backside when I sit", "sit_bone"),
    ("a deep ache in my ass cheek", "buttock"),
])
def test_a_place_told_with_any_word_for_the_buttock(story, place):
    assert read_message(story)["pain_location"] == place


def test_because_ends_what_a_negation_reaches():
    assert read_message("I can't get through a meeting without shifting around because my sit bone aches")[
        "pain_location"] == "sit_bone"
    assert "neuro_symptoms" not in read_message("I have no numbness because I checked") or \
        read_message("I have no numbness because I checked")["neuro_symptoms"] == []


@pytest.mark.parametrize("story, aggravator", [("after ten minutes in the car my butt is on fire", "driving"),
                                               ("my glute screams on the bike after an hour", "cycling")])
def test_pain_told_as_fire_or_screaming_makes_the_activity_an_aggravator(story, aggravator):
    assert aggravator in read_message(story)["aggravators"]
# --- review8: an attacker's look at round seven ------------------------------------------

@pytest.mark.parametrize("answer", ["sitting is not fine", "sitting isn't ok", "sitting is never ok",
                                    "sitting is fine for 20 minutes then it kills",
                                    "sitting is ok at first but after half an hour it burns",
                                    "sitting feels fine for a bit then it really hurts"])
def test_sitting_that_is_not_fine_or_fine_only_for_a_while_makes_it_worse(answer):
    assert read_message(answer, asked="aggravators")["aggravators"] == ["sitting"]
    assert read_message(f"my sit bone aches. {answer}").get("aggravators") == ["sitting"]


def test_fine_that_is_not_turned_round_still_relieves():
    assert read_message("sitting is fine but running hurts", asked="aggravators")["aggravators"] == ["running"]
    assert read_message("running is ok for me, sitting hurts", asked="aggravators")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("answer", ["I felt it gradually getting worse", "it tightened up over a few weeks",
                                    "it became acute last week after months of niggles"])
def test_words_that_say_how_it_started_outright_win_over_words_that_only_answer(answer):
    assert read_message(answer, asked="onset")["onset"] == "gradual"


@pytest.mark.parametrize("text", ["it went from a niggle to a real pain", "something went wrong with my training",
                                  "I felt it more each week", "it's bang on the sit bone", "bang for your buck",
                                  "the door slammed with a bang", "I fell off the wagon with my rehab",
                                  "the race fell through", "I tear up thinking about how long this has taken",
                                  "felt a twinge now and then, it built up over months"])
def test_words_that_only_look_like_a_sudden_start_tell_none(text):
    assert read_message(text, asked="onset").get("onset") != "sudden"
    assert read_message(text).get("onset") != "sudden"
    assert "major_trauma" not in read_message(text).get("red_flags", [])


@pytest.mark.parametrize("answer", ["reduced the intensity", "same intensity", "fewer reps", "a flight of stairs at work",
                                    "flights of stairs"])
def test_less_or_the_same_is_no_training_change_and_stairs_are_no_flight(answer):
    assert not read_message(answer, asked="load_changes").get("load_changes")


@pytest.mark.parametrize("answer", ["it was improving but now it's worse", "improving until last week, now worse",
                                    "it was better last week but now it's worse"])
def test_the_trend_is_where_it_is_now_not_where_it_was(answer):
    assert read_message(answer, asked="trend")["trend"] == "worse"


@pytest.mark.parametrize("story", ["As a runner who has had cancer before, I worry about this pain",
                                   "As a 60 year old who's had cancer, my sit bone hurts",
                                   "As someone who has had breast cancer, I now have this buttock pain",
                                   "Being someone who had prostate cancer, this buttock pain scares me"])
def test_a_who_clause_in_a_sentence_that_says_what_the_person_is_is_their_own(story):
    assert "cancer_history" in read_message(story)["red_flags"]


@pytest.mark.parametrize("story", ["As my mum who had cancer says, rest it", "I read about a woman who died of cancer"])
def test_a_who_clause_about_somebody_else_is_still_theirs(story):
    assert "cancer_history" not in read_message(story).get("red_flags", [])


@pytest.mark.parametrize("story, sign", [("my legs are getting number and number", "both_legs"),
                                         ("it is getting number between my legs", "saddle_numbness")])
def test_number_as_more_numb_is_still_numbness(story, sign):
    assert sign in read_message(story)["red_flags"]
    assert "numbness" in read_message("my foot feels number than yesterday")["neuro_symptoms"]


@pytest.mark.parametrize("story", ["I stretch both calves and hamstrings every day", "both calves cramp at night sometimes",
                                   "sweat was running down my legs by the end", "no, nothing down my legs",
                                   # (a fresh-eyes review, thirty-fourth session)
                                   "I've got a rash all down my legs", "deep heat rubbed into my legs after the run"])
def test_calves_looked_after_are_no_pain_down_both_legs(story):
    assert "both_legs_pain" not in read_message_possible(story)


def read_message_possible(text):
    return shared_reader().reading(text, asked=None).possible.get("red_flags", [])


@pytest.mark.parametrize("story", ["After several more attempts to get up I gave up and crawled to bed.",
                                   "Today I was crawling.",
                                   "it's difficult to walk even a half-mile without periodically stopping"])
def test_crawling_or_hardly_walking_is_trouble_walking(story):
    assert "difficulty_walking" in read_message(story)["injury_signs"]


def test_a_swimming_kick_is_not_kicking():
    assert "kicking" not in read_message("right after I kick with fins I feel some hip pain").get("aggravators", [])


@pytest.mark.parametrize("story", ["I pulled my right hamstring at the attachment while heel hooking",
                                   "it pulls on the attachments under the Glut"])
def test_the_hamstring_attachment_told_in_other_words(story):
    assert read_message(story)["pain_location"] == "upper_hamstring"


# --- answers that name none of the options -----------------------------------------------------

@pytest.mark.parametrize("answer", ["a new saddle", "I got a new saddle", "new pedals and a bike fit"])
def test_a_thing_that_changed_is_not_read_as_what_makes_it_worse(answer):
    assert "aggravators" not in read_message(answer, asked="load_changes")


def test_a_change_named_with_an_option_still_gives_the_option():
    assert read_message("a new saddle and longer rides", asked="load_changes")["load_changes"] == ["more_volume"]


def test_nobody_explaining_a_danger_sign_does_not_deny_it():
    assert read_message("nobody explains why both my legs go numb")["red_flags"] == ["both_legs"]


@pytest.mark.parametrize("text", ["4 months off work because of this pain", "I was 4 months off work due to the pain"])
def test_time_off_work_because_of_the_pain_is_how_long_it_has_lasted(text):
    assert read_message(text)["duration_days"] == 120


def test_a_break_is_still_no_duration():
    assert "duration_days" not in read_message("after 3 weeks off the pain came back")


# --- a message told for somebody else ------------------------------------------------------------

def test_a_story_told_for_a_partner_gives_their_findings():
    found = read_message("My husband's been complaining of pain in his lower back that he says is "
                         "'radiating' down into his upper thigh and down his leg.")
    assert found["pain_location"] == "low_back" and "back_pain" in found["neuro_symptoms"]
    found = read_message("my wife has pain in her sit bone when she sits, and it started gradually 3 months ago")
    assert found == {"pain_location": "sit_bone", "onset": "gradual", "duration_days": 90, "aggravators": ["sitting"]}


def test_a_danger_sign_in_a_story_told_for_someone_else_is_asked_about_never_dropped():
    reading = shared_reader().reading("My husband fell off a ladder and he can't walk")
    assert "major_trauma" in reading.possible.get("red_flags", [])
    assert "cancer_history" in shared_reader().reading("my mum had breast cancer and she has hip pain now").possible["red_flags"]


@pytest.mark.parametrize("text", ["My mum had breast cancer and she died when I was 10",
                                  "I have pain in my bum and my wife says she has it too"])
def test_a_story_about_myself_that_mentions_someone_else_is_not_told_for_them(text):
    found = read_message(text)
    assert "red_flags" not in found and found.get("pain_location") in {None, "buttock"}


# --- forum shorthand and what a cue word means beside a pain word --------------------------------

@pytest.mark.parametrize("text, age", [("Hi all, 42F, been dealing with a deep ache", 42), ("(35M) pain in my butt", 35),
                                       ("F42 here, sit bone pain", 42)])
def test_a_forum_age_and_sex_shorthand_gives_the_age(text, age):
    assert age_years(text, asked=False) == age


@pytest.mark.parametrize("text", ["I ran 60m sprints", "a fever of 99F", "6 x 80m strides"])
def test_a_distance_or_a_temperature_is_no_age(text):
    assert age_years(text, asked=False) is None


def test_worse_after_long_drives_is_what_hurts_not_what_changed():
    assert read_message("Worse after long drives and when I do RDLs") == {"aggravators": ["driving", "deadlift"]}
    assert read_message("it started after long drives for my new job")["load_changes"] == ["more_sitting"]


# --- ninth round of real stories (issue 19): signs told in context, and near misses ---------

def possible_or_stated(text, field="red_flags"):
    reading = shared_reader().reading(text, asked=None)
    return set(reading.findings.get(field) or []) | set(reading.possible.get(field) or [])


@pytest.mark.parametrize("story, field, sign", [
    ("She also told the triage nurse that her bottom felt numb", "red_flags", "saddle_numbness"),
    ("I still haven't gained nerve sensation in my legs or bladder/bowel function", "red_flags", "bladder_bowel_change"),
    ("I still haven't gained nerve sensation in my legs or bladder/bowel function", "red_flags", "both_legs"),
    ("I thought maybe it was just too painful to pee", "red_flags", "bladder_bowel_change"),
    ("Otherwise, I'd have been on the ground. It took 15 sec or so before my legs came back.", "red_flags", "both_legs"),
    ("I had a very rough night, waking several times in a lot more pain than normal", "red_flags", "night_pain"),
    ("even laying in bed did not relieve any of it", "red_flags", "night_pain"),
    ("The weight came off slowly, and I didn't get on the scales", "red_flags", "weight_loss"),
    ("I couldn't put on the same shoes I'd worn a week before", "red_flags", "calf_swelling"),
    ("I pressed on it and the mark stayed for several seconds", "red_flags", "calf_swelling"),
    ("I fell 5 feet and hit the concrete flat on my back", "red_flags", "major_trauma"),
])
def test_a_sign_told_in_the_words_of_a_story_is_read_or_asked(story, field, sign):
    assert sign in possible_or_stated(story, field)


def test_a_function_that_has_not_come_back_is_lost_but_no_back_pain_is_not():
    assert "bladder_bowel_change" in read_message("I haven't regained control of my bladder")["red_flags"]
    assert "bladder_bowel_change" not in possible_or_stated("I haven't got back pain and my bladder is fine")


def test_weight_taken_off_with_a_diet_pill_is_not_asked_about():
    assert "weight_loss" not in possible_or_stated("I started the wonder pill and walking and voila the weight came off")


@pytest.mark.parametrize("story, sign", [
    ("My doctor said if I lost control of my bladder, bowels or had retention then to go straight to A&E",
     "bladder_bowel_change"),
    ("My friend actually said, \"Hey, be careful, you might have a blood clot.\"", "calf_swelling"),
])
def test_a_warning_in_the_persons_own_words_is_asked_once_never_stated(story, sign):
    reading = shared_reader().reading(story, asked=None)
    assert sign not in (reading.findings.get("red_flags") or [])
    assert sign in reading.possible["red_flags"]


@pytest.mark.parametrize("story", [
    "I didn't feel too bad yesterday after finishing the marathon. But today I could hardly walk.",
    "I got so sore after my first class, I couldn't walk straight the next day.",
])
def test_trouble_walking_after_a_race_or_a_class_is_soreness_asked_once(story):
    reading = shared_reader().reading(story, asked=None)
    assert "difficulty_walking" not in (reading.findings.get("injury_signs") or [])
    assert "difficulty_walking" in reading.possible["injury_signs"]
    assert "difficulty_walking" in read_message("I tore my hamstring and now I could hardly walk")["injury_signs"]


@pytest.mark.parametrize("story, field, sign", [
    ("I felt/heard a loud pop in my spine, then pain shot down my right leg", "injury_signs", "pop"),
    ("Friday morning I woke up with a bruise on my right knee and an insanely tight hamstring", "injury_signs", "bruising"),
    ("I was washing dishes when my back suddenly gave out", "neuro_symptoms", "leg_weakness"),
    ("I tested negative for any genetic blood clotting disorders, thankfully.", "red_flags", "calf_swelling"),
])
def test_words_of_a_sign_said_of_something_else_are_not_the_sign(story, field, sign):
    assert sign not in (read_message(story).get(field) or [])


# --- round nine, first look (issue 19) ---------------------------------------------------------

@pytest.mark.parametrize("text", ["it is getting harder and harder for me to walk under my own steam",
                                  "She could not even walk to the attached bathroom.",
                                  "And forget walking. I am shuffling around like a 80 year old man."])
def test_trouble_walking_told_in_everyday_words(text):
    assert "difficulty_walking" in read_message(text).get("injury_signs", [])


def test_a_likeness_tells_no_age():
    assert "age" not in read_message("I am shuffling around like a 80 year old man.")


@pytest.mark.parametrize("text", ["I mean yes, I sweat, and I grunted", "popping advil here and there"])
def test_sweating_at_the_gym_and_popping_pills_are_no_danger_signs(text):
    found = read_message(text)
    assert "red_flags" not in found and "injury_signs" not in found


def test_a_hard_landing_alone_is_only_possibly_major_trauma():
    reading = shared_reader().reading("I fell backwards and landed hard on my tailbone.")
    assert "major_trauma" in reading.possible["red_flags"] and "red_flags" not in reading.findings
    assert read_message("I went flying on the ice and landed hard on my back")["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text", ["I can't move my legs", "she was lying on the ground, unable to move her legs"])
def test_legs_that_cannot_move_are_both_legs(text):
    assert possible_or_stated(text) >= {"both_legs"}


def test_a_story_told_by_a_daughter_is_read_for_her_mother():
    found = read_message("Then, on 15th May, my own mother fell and broke her hip. My uncle was with her when it "
                         "happened and phoned me because he couldn't help her get up.")
    assert found["pain_location"] == "outer_hip" and found["onset"] == "sudden"


# --- how long, counted the way people count it ----------------------------------------------------

@pytest.mark.parametrize("text, days", [
    ("I've been running for 10 years and never had an injury until 3 weeks ago when my hamstring started to ache", 21),
    ("Eight weeks in and it still hurts to sit", 56),
    ("I'm about 6 weeks into this injury", 42),
    ("Week 3 of this stupid hamstring thing", 21),
    ("Day 10 of not being able to sit properly", 10),
])
def test_how_long_the_pain_has_lasted_told_as_people_count_it(text, days):
    assert read_message(text)["duration_days"] == days


@pytest.mark.parametrize("text", ["3 weeks into my marathon plan my hamstring started hurting",
                                  "Week 3 of marathon training and my hamstring hurts",
                                  "I spent 2 weeks in Spain and my bum hurt"])
def test_a_count_of_something_else_is_no_duration(text):
    assert "duration_days" not in read_message(text)


def test_pain_worst_first_thing_that_eases_once_warmed_up_is_morning_stiffness():
    found = read_message("there's a tender spot where my hamstring meets my glute, worst first thing and better once I've warmed up")
    assert found == {"pain_location": "upper_hamstring", "morning_stiffness": True}


def test_the_hamstring_tie_in_is_the_top_of_the_hamstring():
    assert read_message("My glute/hamstring tie-in has been grumbling")["pain_location"] == "upper_hamstring"


# --- danger signs told in passing (my own probes, 2026-12-04) -----------------------------------

@pytest.mark.parametrize("text, sign", [
    ("now I've noticed I'm peeing a lot less and it's hard to get going", "bladder_bowel_change"),
    ("My legs have been feeling wobbly and weak on the stairs and I've had sciatica for months", "both_legs"),
])
def test_a_danger_sign_told_in_passing_is_at_least_asked_about(text, sign):
    assert sign in possible_or_stated(text)


def test_over_the_handlebars_is_a_major_fall():
    assert read_message("I went over the handlebars on a descent last week and my butt has been killing me since")[
        "red_flags"] == ["major_trauma"]


def test_a_thigh_gone_purple_is_bruising():
    found = read_message("I felt a pop high up in my hamstring while waterskiing and the back of my thigh is now purple")
    assert set(found["injury_signs"]) == {"pop", "bruising"}

# Review ten: today's rules must not hide a danger sign, raise a false one, or invent a finding.
@pytest.mark.parametrize("text", ["My back and both legs gave way on the stairs.",
                                  "I don't know why both my legs are numb.",
                                  "The doctors can't explain why both my legs go numb."])
def test_a_back_giving_way_or_a_why_hides_no_sign_in_the_legs(text):
    assert read_message(text)["red_flags"] == ["both_legs"]


@pytest.mark.parametrize("text", ["Nobody found a fracture on the x-ray.", "Nobody saw any fracture on the scan."])
def test_nobody_still_denies_what_nobody_found(text):
    assert "red_flags" not in read_message(text)


@pytest.mark.parametrize("text, sign", [("It feels as if I lost control of my bladder.", "bladder_bowel_change"),
                                        ("I feel as if I lost all feeling down there.", "saddle_numbness"),
                                        ("As you may have guessed, I can't feel when I wipe.", "saddle_numbness")])
def test_a_likeness_or_an_aside_is_no_warning(text, sign):
    assert read_message(text)["red_flags"] == [sign]


def test_putting_shoes_on_with_pain_is_no_swollen_leg():
    reading = shared_reader().reading("I can't put on my shoes and socks without pain in my hamstring.")
    assert "red_flags" not in reading.findings and "red_flags" not in reading.possible


def test_sore_after_sitting_is_no_race_and_a_limp_stays_stated():
    found = read_message("My buttock is sore after sitting. I've been limping for a week.")
    assert found["injury_signs"] == ["difficulty_walking"]


def test_falling_hard_down_the_stairs_is_major_trauma():
    assert read_message("I fell hard down the stairs last week and now it hurts to sit.")["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text", ["I do spin three times a week and my sit bone hurts.", "I teach spin on Mondays."])
def test_doing_spin_names_the_sport(text):
    assert read_message(text)["sport"] == "cycling"


@pytest.mark.parametrize("text", ["It was 20F this morning when I ran", "Hill sprints (60m) are when I felt the pop.",
                                  "60m sprints are what set it off."])
def test_a_temperature_or_a_distance_in_shorthand_is_no_age(text):
    assert age_years(text, False) is None


@pytest.mark.parametrize("text", ["35M, run 40 miles a week", "(35M) runner here"])
def test_age_shorthand_still_read(text):
    assert age_years(text, False) == 35


@pytest.mark.parametrize("text", ["I took 3 weeks off from the gym and it came back.",
                                  "I had 2 weeks off with the kids in August."])
def test_a_break_from_the_gym_is_not_how_long(text):
    assert duration_days(text, False) is None
    assert duration_days("4 months off work with the pain", False) == 120


def test_falling_hard_on_the_stairs_is_major_trauma():
    assert read_message("She thinks I fell hard on the stairs and I can't sit.")["red_flags"] == ["major_trauma"]


# --- round ten, first look (issue 19) ----------------------------------------------------------

def test_crawling_on_hands_and_knees_is_trouble_walking():
    assert "difficulty_walking" in read_message("after a night of crawling on my hands and knees")["injury_signs"]


def test_a_crash_told_with_its_speed_is_a_major_fall():
    assert read_message("I came off my bike at 25 km/h")["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text", ["The nurses raised concern over a DVT, being on tamoxifen increases the risk",
                                  "They did a scan to rule out a DVT"])
def test_a_clot_worried_about_or_tested_for_is_asked_about_not_taken(text):
    reading = shared_reader().reading(text)
    # (round fifteen: cancer history has its confirming question, so "being on tamoxifen" in
    # the warning's reach is asked once too, as every danger sign there is, never dropped: r469)
    assert "red_flags" not in reading.findings and reading.possible["red_flags"][0] == "calf_swelling"
    assert set(reading.possible["red_flags"]) <= {"calf_swelling", "cancer_history"}


def test_a_likeness_to_a_tumour_is_no_cancer():
    assert "red_flags" not in read_message("It also feels like I have a tumor growing on my tush.")


def test_a_foot_slipping_out_from_under_me_is_possibly_a_major_fall():
    reading = shared_reader().reading("On the fourth step, my left foot slipped out from under me")
    assert reading.possible["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text", ["I have been in excruciating pain if I put any weight on it",
                                  "it's hard to lift my leg into the car"])
def test_weight_and_lifting_in_everyday_words_name_no_gym(text):
    assert "sport" not in read_message(text)


@pytest.mark.parametrize("text, days", [
    ("I've been lifting for years and my hamstring hurts", None),
    ("I've been dancing since I was 5 and for 3 months my sit bone has ached", 90),
    ("I've been running with this pain for 3 months", 90),
])
def test_the_duration_of_a_sport_is_not_the_duration_of_the_pain(text, days):
    assert read_message(text).get("duration_days") == days


def test_pain_that_was_just_there_one_day_came_on_gradually():
    assert read_message("one day it was just there", asked="onset")["onset"] == "gradual"


@pytest.mark.parametrize("text", ["I had breast cancer 10 years ago but I'm clear now", "My baby was born 6 weeks ago"])
def test_years_since_a_diagnosis_or_a_birth_are_not_how_long_it_hurts(text):
    assert "duration_days" not in read_message(text, asked="red_flags")


@pytest.mark.parametrize("text, asked, expected", [
    ("it's slowly getting better", "trend", {"trend": "better"}),
    ("up and down", "trend", {"trend": "same"}),
    ("I'm walking slowly these days", None, {}),
    ("a nagging ache that slowly but surely escalated", None, {"onset": "gradual"}),
])
def test_slowly_tells_how_it_began_only_in_words_of_beginning(text, asked, expected):
    found = read_message(text, asked=asked)
    assert {field: found[field] for field in ("trend", "onset") if field in found} == expected


@pytest.mark.parametrize("answer", ["I just fell over at walking speed, nothing else", "just a little fall on the ice",
                                    "I fell from standing on the ice; nothing broken that I know of; no fever"])  # r656
def test_a_small_fall_told_to_the_safety_question_is_asked_about_not_taken(answer):
    reading = shared_reader().reading(answer, asked="red_flags")
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert reading.possible["red_flags"] == ["major_trauma"]


def test_a_fall_told_plainly_to_the_safety_question_is_a_major_fall():
    assert read_message("I fell off a ladder", asked="red_flags")["red_flags"] == ["major_trauma"]


@pytest.mark.parametrize("text, reading", [("I slipped on some ice and broke my butt.", "possible"),
                                           ("I broke my hip last year", "clear")])
def test_a_broken_bone_is_a_major_fall_and_a_broken_bum_only_possibly(text, reading):
    found = shared_reader().reading(text)
    assert "major_trauma" in (found.findings if reading == "clear" else found.possible).get("red_flags", [])


# --- round eleven, first look (issue 19) -------------------------------------------------------

@pytest.mark.parametrize("text", ["His left elbow is all kinds of black and blue.",
                                  "I hit my left arm on the stair riser and it has a lovely bruise the size of a baseball."])
def test_a_bruise_on_another_part_of_the_body_is_no_sign_of_a_tear(text):
    assert "injury_signs" not in read_message(text)


@pytest.mark.parametrize("text", ["the bruising spread from my butt to below my knee",
                                  "impressive bruising down the back of my right leg",
                                  "bruising has come down to the back of my knee"])
def test_bruising_down_the_back_of_the_leg_is_still_bruising(text):
    assert "bruising" in read_message(text)["injury_signs"]


def test_a_cracked_hip_is_a_major_fall_and_no_pop():
    found = read_message("He cracked his hip when he fell")
    assert found["red_flags"] == ["major_trauma"] and "injury_signs" not in found
    assert read_message("I heard a crack and felt a pop")["injury_signs"] == ["pop"]


@pytest.mark.parametrize("text, sport", [
    ("day 2 of week 6 on Couch to 5K works the very small muscles in my larger bum", "running"),
    ("how to row more than about 15K without then getting horrible pain in the ass", "rowing"),
])
def test_a_programme_or_a_question_of_how_to_names_the_sport(text, sport):
    assert read_message(text)["sport"] == sport


def test_a_rise_told_in_percent_is_more_volume():
    assert read_message("I ran the gentle run on a Friday and then added 10% - taking me up to 33 mins")[
        "load_changes"] == ["more_volume"]


@pytest.mark.parametrize("text", ["My shoulder and hip smacked into the tarmac and I could feel my collar bone snap.",
                                  "I popped a couple Aleve tablets and put an ice pack on my thigh",
                                  "I felt pain at the crevice between butt/leg, dubbed the \"other butt crack.\""])
def test_a_snap_elsewhere_pills_popped_and_a_butt_crack_are_no_pop(text):
    assert "pop" not in read_message(text).get("injury_signs", [])


def test_a_snap_at_the_back_of_the_thigh_is_still_a_pop():
    assert "pop" in read_message("I felt something snap at the back of my thigh and my knee buckled")["injury_signs"]

# --- tenth round (issue 19): danger signs told inside real stories ---------------------------

def _signs(text):
    reading = shared_reader().reading(text)
    stated = {value for field in ("red_flags", "injury_signs", "neuro_symptoms")
              for value in (reading.findings.get(field) or []) if isinstance(reading.findings.get(field), list)}
    possible = {value for values in reading.possible.values() for value in values}
    return stated, possible


@pytest.mark.parametrize("text", ["I hadn't seen my oncologist since January",
                                  "I didn't call my oncologist until the pain got worse"])
def test_a_negated_visit_to_the_oncologist_still_tells_cancer(text):
    assert "cancer_history" in read_message(text)["red_flags"]


def test_a_negated_sign_is_still_negated_without_a_visit():
    assert "red_flags" not in read_message("I've never had cancer")


@pytest.mark.parametrize("text", ["after all, my sentinel node was clear", "it could be that the Femara is causing this"])
def test_cancer_told_by_its_staging_or_its_drugs_is_cancer_history(text):
    assert "cancer_history" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["over the past year I have lost close to 20 kilogrammes",
                                  "Maria lost more than three kilograms"])
def test_kilograms_lost_are_weight_loss(text):
    assert "weight_loss" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["I have managed to drop two lbs", "46 lbs had been shed on my new diet",
                                  "the doctor said long term weight loss was something I would have to do"])
def test_weight_lost_with_effort_or_to_be_lost_is_no_weight_loss(text):
    assert "weight_loss" not in (read_message(text).get("red_flags") or [])


def test_skinnier_than_ever_is_asked_about():
    assert shared_reader().reading("I am skinnier then ever and it scares me").possible["red_flags"] == ["weight_loss"]


def test_numb_lady_parts_are_saddle_numbness():
    assert "saddle_numbness" in read_message('I have numbness at my "lady parts"')["red_flags"]


def test_a_bottom_numb_from_a_conference_chair_is_not_asked_about():
    stated, possible = _signs("my butt cheeks go numb for hours on end in these hotel conference room chairs")
    assert "saddle_numbness" not in stated | possible


def test_what_no_longer_turns_me_on_is_asked_about():
    assert "sexual_dysfunction" in _signs("What used to turn me on, no longer works.")[1]


@pytest.mark.parametrize("text", ["I stood up and urine just started streaming out, no feeling",
                                  "sometimes I cannot completely empty my bladder"])
def test_urine_streaming_out_or_a_bladder_not_emptied_is_a_bladder_change(text):
    assert "bladder_bowel_change" in read_message(text)["red_flags"]


def test_afraid_of_leaking_is_asked_about():
    assert "bladder_bowel_change" in _signs("I am afraid that I will leak during sex")[1]


@pytest.mark.parametrize("text", ["the Renault behind me hit the rear quarter of my car",
                                  "I was rear-ended on the motorway",
                                  "my butt hit the corner of the first step, second step, and third step",
                                  # (a harvest of real sentences, thirty-fourth session)
                                  "a driver hit me on my bike yesterday, I bounced off of his car onto the road",
                                  "he hit me with his car",
                                  "I fell directly under the horse and he had to jump over me",
                                  # (a harvest of tune-side pages, thirty-fourth session)
                                  "The biggest breaks were my pelvis in 3 places and a few bones in my wrist area.",
                                  "hit by a car door cycling"])
def test_a_car_hit_from_behind_or_a_bum_down_the_steps_is_a_major_fall(text):
    assert "major_trauma" in read_message(text)["red_flags"]


def test_a_pain_in_the_rear_end_is_no_crash():
    assert "red_flags" not in read_message("quite literally a pain in my rear end at the top of my squat")


def test_landing_on_the_rear_is_possibly_a_major_fall():
    assert "major_trauma" in _signs("the leg buckled under me and caused me to land on my rear")[1]


def test_dreading_bed_is_possibly_night_pain():
    assert "night_pain" in _signs("when you are in chronic pain, sometimes the place you dread the most is your bed")[1]


@pytest.mark.parametrize("text, stated", [("the next moment my legs decide they cannot move", True),
                                          ("My legs felt like pipe cleaners with no wire in them", False),
                                          ("sometimes my back short circuits my legs and timber!", False)])
def test_legs_that_stop_or_feel_like_pipe_cleaners_are_leg_weakness(text, stated):
    found, possible = _signs(text)
    assert "leg_weakness" in (found if stated else possible)


def test_whacked_in_the_back_of_the_leg_is_a_pop():
    assert "pop" in read_message("as if someone had whacked me in the back of my left leg")["injury_signs"]


def test_walking_was_very_painful_is_asked_about():
    assert "difficulty_walking" in _signs("I got on my feet and walking was very painful")[1]


def test_the_swelling_worried_about_is_asked_about():
    assert "calf_swelling" in _signs("I iced my leg and worried about the swelling")[1]


@pytest.mark.parametrize("text", ["Yesterday's run has left me hobbling round like an old woman",
                                  "This time last year I couldn't even walk",
                                  "So I hobbled around for three days. It wasn't until this past summer that I got back into the swing of things"])
def test_trouble_walking_after_a_run_a_year_ago_or_since_resolved_is_only_asked_about(text):
    found, possible = _signs(text)
    assert "difficulty_walking" not in found and "difficulty_walking" in possible


@pytest.mark.parametrize("text, value", [("Let's rule out cancer and a possible fracture", "major_trauma"),
                                         ("I did not think my symptoms could be due to a blood clot", "calf_swelling"),
                                         ("I've been in car accidents before and never had this", "major_trauma")])
def test_a_sign_to_rule_out_guessed_at_or_had_before_is_only_asked_about(text, value):
    found, possible = _signs(text)
    assert value not in found and value in possible and "cancer_history" not in found


def test_a_crack_heard_is_a_pop():
    assert "pop" in read_message("I heard a crack")["injury_signs"]


@pytest.mark.parametrize("text", ["landing onto my tailbone with an audible ’crack’!",
                                  "suddenly there was a snap and a momentary stab of pain near my right hip",
                                  "I felt a pop in my groin"])
def test_a_pop_of_a_part_near_the_hamstring_is_asked_about_once(text):
    found, possible = _signs(text)
    assert "pop" not in found and "pop" in possible


def test_a_pop_of_the_hip_told_with_the_hamstring_is_a_pop():
    assert "pop" in read_message("I felt a pop in my hip and then pain in my hamstring")["injury_signs"]


def test_a_ripple_is_asked_about_once():  # r112: "a ripple, not a pop"
    found, possible = _signs("I felt a ripple in my right hamstring")
    assert "pop" not in found and "pop" in possible


def test_a_numb_bum_crack_is_saddle_numbness_not_a_pop():
    found = read_message("my bum crack feels numb")
    assert found["red_flags"] == ["saddle_numbness"] and "injury_signs" not in found


# --- round twelve, first look (issue 19) -------------------------------------------------------

@pytest.mark.parametrize("text", ["Somehow, the ladder slipped and he fell about 3 metres landing on his back",
                                  "which spun me around off the roof toward the ground below",
                                  "I was unconscious for a minute after the fall"])
def test_a_fall_from_a_height_told_by_its_height_or_an_unconscious_person_is_a_major_fall(text):
    assert "major_trauma" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["I wasn't able to put any pressure on my left leg",
                                  "he wasn't able to put any pressure on his left hip at all"])
def test_no_pressure_on_the_leg_is_trouble_walking(text):
    assert "difficulty_walking" in possible_or_stated(text, "injury_signs")


def test_the_sit_bone_told_of_someone_else_is_still_the_sit_bone():
    assert read_message("My husband has had a deep ache right where he sits")["pain_location"] == "sit_bone"


def test_a_new_job_is_no_new_exercise():
    assert read_message("I started a new job with a long commute", asked="load_changes")["load_changes"] == ["more_sitting"]


@pytest.mark.parametrize("text", [
    "Well, it's nearly 5 years since my bum sat in a saddle. So tonight my bum's a bit sore.",
    "It was one of the worst road trips I've taken for many a year. My coccyx was so painful.",
])
def test_years_told_outside_a_sentence_about_the_pain_are_the_life_storys_and_left_to_the_question(text):
    assert "duration_days" not in read_message(text)
    days = text.replace("nearly 5 years", "5 days").replace("for many a year", "for three days")
    assert read_message(days)["duration_days"] in (3, 5)  # days there still tell how long


def test_years_in_a_sentence_about_the_pain_are_still_how_long_it_has_lasted():
    assert read_message("my sit bone has hurt for two years")["duration_days"] == 730
    assert read_message("I've had it for two years", asked="duration_days")["duration_days"] == 730


@pytest.mark.parametrize("text", ["Riding in cars, especially for four hours, is not good for my sciatica.",
                                  "It was one of the worst road trips. My coccyx was so painful."])
def test_a_car_trip_told_as_what_hurt_is_driving(text):
    assert "driving" in read_message(text)["aggravators"]


def test_legs_that_cannot_move_are_weak_and_a_kink_popped_out_is_no_pop():
    assert "leg_weakness" in read_message("I woke up unable to move my legs, with numbness")["neuro_symptoms"]
    assert "injury_signs" not in read_message("The pain rose just as I popped an immobilizing kink")


def test_blood_flow_is_no_flow_of_urine():
    found = read_message("things were getting rather numb down there, so I stood up to get some blood flow")
    assert found["red_flags"] == ["saddle_numbness"]


def test_jelly_legs_are_asked_about_not_taken_for_both_legs():
    # tired legs after a class as often as weak ones: one confirming question, never an emergency at once
    reading = shared_reader().reading("I shuffled around the aisles to hide my drunken, shaky, jelly legs")
    assert "both_legs" in reading.possible.get("red_flags", [])
    assert "both_legs" not in (reading.findings.get("red_flags") or [])
    assert "both_legs" in read_message("my legs feel like jelly and keep giving way")["red_flags"]


def test_an_answer_told_wholly_for_somebody_else_is_read_for_them_and_their_danger_signs_asked_about():
    # someone answering for their husband: his place is the answer, a relative's cancer only asked about
    assert read_message("my husband has pain in his lower back", asked="pain_location")["pain_location"] == "low_back"
    reading = shared_reader().reading("my mum had breast cancer, she died of it", "red_flags")
    assert "cancer_history" not in (reading.findings.get("red_flags") or [])
    assert "cancer_history" in reading.possible.get("red_flags", [])


@pytest.mark.parametrize("story", [
    "This tree branch kicked my butt!",  # r668: an idiom for hard work, no kick
    "Seriously intense pain rips through my hip.",  # r656: how the pain felt, no tear heard
    "Chugging down one steep incline, I felt a stab of pain in my right hip.",  # r665: downhill
])
def test_figures_of_speech_read_as_no_finding(story):
    found = read_message(story)
    assert "aggravators" not in found and "pop" not in found.get("injury_signs", [])


@pytest.mark.parametrize("story", [
    "I limped around the house for five days. But it seemed increasingly worse.",  # r648
    "Each day last week it got a little worse.",  # r671
    "the pain keeps getting worse",
])
def test_pain_that_keeps_worsening_is_the_trend(story):
    assert read_message(story)["trend"] == "worse"


def test_not_being_able_to_move_after_it_happened_asks_about_walking():
    reading = shared_reader().reading("there was an excruciating pain in my left hip. I quickly realised that I couldn't move.")
    assert "difficulty_walking" in reading.possible.get("injury_signs", [])  # r650


def test_a_bruise_only_foreseen_is_not_told():
    story = "I fell flat on my butt. I am almost certain I'm going to end up with some major bruising."  # r612
    assert "bruising" not in read_message(story).get("injury_signs", [])


@pytest.mark.parametrize("story", [
    "just starting this week I've been feeling sharp pains in my ass",  # r642: how it feels, not a moment
    "I get a sharp pain when I sit on hard chairs",
    "I feel a twinge when I sit",
])
def test_a_sharp_pain_felt_again_and_again_is_no_sudden_start(story):
    assert read_message(story).get("onset") != "sudden"


@pytest.mark.parametrize("story", [
    "I got a sharp pain in my butt at mile 8",
    "I bent over to pick a ball up fast and a pain shot through my right upper hamstring",  # r383
])
def test_a_sharp_pain_felt_at_one_moment_is_a_sudden_start(story):
    assert read_message(story)["onset"] == "sudden"


def test_a_length_told_in_a_sentence_about_something_else_is_not_told_plainly():
    assert not numbers.duration_told_plainly("During the last month all our grandchildren have spent time with us")  # r676
    assert numbers.duration_told_plainly("my sit bone has hurt for 3 months")


# --- rounds seventeen and eighteen (tuning stories) ------------------------------------------

def test_a_fall_the_person_tells_as_slight_is_asked_about_not_taken_as_major():
    story = ("I fell off my bike this morning. No serious harm done, as I wasn't going fast and basically just "
             "went down in a heap. I'm going to have a cracking bruise on my leg, and my back aches a bit.")  # r724
    reading = shared_reader().reading(story)
    assert "major_trauma" not in reading.findings.get("red_flags", [])
    assert "major_trauma" in reading.possible["red_flags"]  # asked once, never dropped
    assert not reading.findings.get("injury_signs")  # a "cracking" bruise still to come is neither pop nor bruise
    assert reading.findings["neuro_symptoms"] == ["back_pain"]  # what follows ", and my back" is told


@pytest.mark.parametrize("story", [
    "I fell off my bike on the way home but got straight back up and rode on; my bum is sore today",
    "Slipped on the ice and fell hard on my backside, more embarrassed than hurt",
])
def test_a_fall_shrugged_off_is_asked_about_and_is_still_a_sudden_start(story):
    reading = shared_reader().reading(story)
    assert "major_trauma" in reading.possible["red_flags"] and reading.findings["onset"] == "sudden"


@pytest.mark.parametrize("story", [
    "Either way, down I went, sliding down the staircase on my right ass cheek.",  # r746
    "I bounced a couple of times as I slid down several steps making nice clunk noises",  # r755
    "I was stepping off of a roof onto my ladder and the feet slid out.",  # r756
    "So, I did not fall off the ladder, the ladder slid out from under me.",  # r757
])
def test_a_fall_down_the_stairs_or_off_a_ladder_is_a_major_fall(story):
    assert "major_trauma" in read_message(story)["red_flags"]


@pytest.mark.parametrize("story", [
    "other than a pair of bruised heels, a sore ass cheek, and an over-extended right knee, I was fine",  # r746
    "I fell over on the path. Bruised pride mostly.",  # r756
    "It got to the point where I felt like I had bruising on my front pelvic bone",  # r726
])
def test_a_bruise_elsewhere_felt_or_of_the_pride_is_no_bruising(story):
    assert "bruising" not in read_message(story).get("injury_signs", [])


@pytest.mark.parametrize("story, field, value", [
    ("I woke up this morning and almost fell to the floor because my ass hurt so much", "red_flags", "major_trauma"),  # r687
    ("It popped up out of nowhere like the last hamstring tweak", "injury_signs", "pop"),  # r760
])
def test_what_nearly_happened_or_popped_up_is_not_told(story, field, value):
    found = read_message(story)
    assert value not in (found.get(field) or []) and found.get("onset") != "sudden"


def test_couldnt_sit_much_less_walk_is_trouble_walking():
    assert "difficulty_walking" in read_message("OH GOD THE PAIN. Couldn't sit down, much less walk.")["injury_signs"]  # r714


def test_something_let_loose_is_a_sudden_start():
    assert read_message("I felt something let loose on the inside of the back of my right leg.")["onset"] == "sudden"  # r715


def test_feeling_like_an_old_person_tells_no_age():
    assert "age" not in read_message("I would limp around feeling like I was 80 years old.")  # r698
    assert read_message("I'm 52 and I feel 90 years old")["age"] == 52


@pytest.mark.parametrize("story, days", [
    ("I've had pretty bad pain in my lower back and upper glutes the past couple weeks.", 14),  # r693
    ("Well, yesterday... I fell down a flight of stairs.", 1),  # r696: the ellipsis is a pause
])
def test_lengths_in_more_of_the_ways_people_write_them(story, days):
    assert read_message(story)["duration_days"] == days


@pytest.mark.parametrize("story", [
    "every so often I was getting shooting pain down my right leg",  # r736
    "last night the pain radiating down my left hip and leg was awful",  # r760
])
def test_pain_shooting_down_the_leg_with_no_stop_goes_below_the_knee(story):
    assert "pain_below_knee" in read_message(story)["neuro_symptoms"]


@pytest.mark.parametrize("story, field, value", [
    ("But I never expected I would slip and fall the moment I stepped into my house!!!", "onset", "sudden"),  # r722
    ("I never thought I would lose control of my bladder", "red_flags", ["bladder_bowel_change"]),
])
def test_what_was_never_expected_happened(story, field, value):
    assert read_message(story)[field] == value


@pytest.mark.parametrize("story", ["I didn't think I had any numbness", "I don't expect any numbness"])
def test_a_denial_hedged_or_still_to_come_is_not_the_sign(story):
    assert "numbness" not in read_message(story).get("neuro_symptoms", [])


def test_numbness_at_the_front_of_the_pelvic_area_is_the_saddle_area():
    story = "This was different – I was going numb at the front of my pelvic area."  # r726, on the bike
    assert read_message(story)["red_flags"] == ["saddle_numbness"]


def test_what_only_felt_as_if_it_would_happen_did_not():
    story = "when I tried to open my stride up it felt like something was going to 'ping'"  # r730
    assert "pop" not in read_message(story).get("injury_signs", [])


def test_a_jarring_pain_when_it_happened_is_a_sudden_start():
    assert read_message("It felt like a misstep, a quick jarring pain when it happened")["onset"] == "sudden"  # r743


@pytest.mark.parametrize("story, value", [
    ("Boy does my bum hurt. My bum just can't stay in the saddle.", "cycling"),  # r728
    ("I can't handle sitting for a long time, or a ton of walking", "sitting"),  # r708
])
def test_an_activity_that_cannot_be_borne_makes_it_worse(story, value):
    assert value in read_message(story)["aggravators"]


def test_a_message_that_names_both_ways_of_starting_tells_neither():
    story = ("In early 2014, I strained a left hamstring muscle near the origin. It snuck up on me. "
             "There was no acute injury.")  # r636, r697
    assert "onset" not in read_message(story)
    assert read_message("I felt a pop and then it gradually got worse")["onset"] == "sudden"  # a pop is a moment


@pytest.mark.parametrize("story", ["Fever? No. Weight loss? No.", "Numbness down there? None at all. Bladder? Fine."])
def test_a_finding_the_person_asks_of_themselves_and_answers_no_is_denied(story):
    assert not read_message(story).get("red_flags")


@pytest.mark.parametrize("story", ["Is it a fever? No idea, I feel hot.", "Numbness between my legs? Yes, since Monday."])
def test_a_finding_asked_and_not_denied_still_counts(story):
    assert read_message(story)["red_flags"]


@pytest.mark.parametrize("story, field", [
    ("I wet myself laughing at the kids yesterday.", "red_flags"),  # a figure of speech, no bladder sign
    ("Both legs ache after my long run, normal tiredness.", "red_flags"),  # only possibly pain down both legs
    ("Both my kids have colds so I'm a bit run down.", "sport"),
])
def test_everyday_figures_of_speech_state_no_danger_sign_and_no_sport(story, field):
    assert field not in read_message(story)


def test_pain_that_runs_down_the_leg_is_no_run_but_still_its_path():
    found = shared_reader().reading("the pain runs down my leg when I sit")
    assert found.findings["aggravators"] == ["sitting"] and "sport" not in found.findings
    assert found.possible["neuro_symptoms"] == ["pain_below_knee"]  # asked: "does it go below the knee?"


@pytest.mark.parametrize("story, trend", [
    ("It didn't ease off, though - it got worse.", "worse"),
    ("Well, the pain didn't go away, in fact it got much worse.", "worse"),
    ("By September, the pain got worse and worse.", "worse"),
    ("Anyway, it's gradually improved.", "better"),
    ("Now, about 3 weeks later it STILL hurts, although it's much better.", "better"),
])
def test_how_the_pain_has_gone_is_read_from_a_story(story, trend):
    assert read_message(story)["trend"] == trend


@pytest.mark.parametrize("story", [
    "The pain got significantly worse when I lay on my right side.",  # what makes it worse
    "I did, and initially it felt better, but then it started to hurt.",  # a moment's relief
    "My butt got worse and worse until I finally had to call it a day early.",  # one ride
])
def test_worse_at_a_time_or_better_for_a_while_is_no_trend(story):
    assert "trend" not in read_message(story)


def test_a_gradual_easing_is_no_gradual_start():
    assert "onset" not in read_message("Anyway, it's gradually improved.")


@pytest.mark.parametrize("story", ["I threw out my back shovelling snow", "My back is still bothering me",
                                   "I wrenched my back in the process", "What I have been suffering from is SI joint pain"])
def test_a_back_told_in_everyday_words_is_back_pain(story):
    assert "back_pain" in read_message(story)["neuro_symptoms"]


def test_what_a_person_dislikes_doing_is_not_denied():
    assert read_message("I don't much like hobbling around and feeling like this")["injury_signs"] == ["difficulty_walking"]
    assert "injury_signs" not in read_message("I don't have any trouble walking")


def test_a_tumble_or_a_hard_fall_is_only_possibly_a_major_one():
    reading = shared_reader().reading("Sunday I took a tumble, and my poor coccyx took the brunt of the impact")
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert "major_trauma" in reading.possible["red_flags"]
    assert "red_flags" not in read_message("I fell on ice rather than run over my sister at the rink")


def test_numbness_told_as_solved_by_a_new_saddle_is_asked_about_not_an_emergency():
    reading = shared_reader().reading(
        "I suffered from perineal numbness and pain to the point I thought I would have to quit riding. "
        "The solution was a seat with a groove cut out of the middle.")
    assert "saddle_numbness" not in (reading.findings.get("red_flags") or [])
    assert "saddle_numbness" in reading.possible["red_flags"]


def test_an_operation_for_cancer_is_a_cancer_history():
    assert read_message("This month marks the one year anniversary of the prostatectomy")["red_flags"] == ["cancer_history"]


@pytest.mark.parametrize("story", ["I figured I'd stretch and epsom salt when I got home",
                                   "I did a whole set of stretches but was no better on Tuesday",
                                   "stopping to stretch usually bought me another quarter mile"])
def test_stretching_done_to_help_is_no_aggravator(story):
    assert "stretching" not in (read_message(story).get("aggravators") or [])


def test_stretching_that_hurts_is_still_an_aggravator():
    assert read_message("it hurts when I stretch")["aggravators"] == ["stretching"]


@pytest.mark.parametrize("story", ["excruciating pain ran up and down my leg",
                                   "a burning sensation running along the leg"])
def test_pain_that_runs_along_the_leg_is_no_running(story):
    assert "running" not in (read_message(story).get("aggravators") or [])
    assert "sport" not in read_message(story)


def test_a_numb_perineum_is_the_saddle_sign_not_numbness_of_the_leg():
    findings = read_message("I suffered from perineal numbness on the bike")
    assert findings["red_flags"] == ["saddle_numbness"]
    assert "numbness" not in (findings.get("neuro_symptoms") or [])


@pytest.mark.parametrize("story, age", [
    ("I had a minor biking accident (he drove his bike like he was drunk, but he looked about 8 yrs old)", None),
    ("I'm 34 and my son is 8 years old", 34),
    ("As a 56 year old woman I find sitting hard", 56),
    ("My 56-year-old mother has trouble walking; she says her buttock hurts", 56),  # told for her
    ("45 year old mum of two here, pain in my sit bone when sitting", 45),  # the person, a mother
    ("40 yo dad of three, sit bone pain for 3 months", 40),
])
def test_an_age_told_of_somebody_else_is_not_the_persons(story, age):
    assert read_message(story).get("age") == age


def test_a_cyclist_struck_by_a_car_told_as_it_happened_is_a_major_accident():
    findings = read_message("At the junction a car appeared and wiped me out. I ended up hitting the windscreen with my hip")
    assert findings["red_flags"] == ["major_trauma"]


def test_no_way_i_could_get_up_is_trouble_walking():
    assert read_message("No way I could get up and the traffic came to a standstill")["injury_signs"] == ["difficulty_walking"]


def test_a_brick_session_is_triathlon_training():
    assert read_message("At first, it was just when I'd run off the bike in my brick sessions")["sport"] == "triathlon"


def test_a_trip_told_to_the_onset_question_is_a_sudden_start():
    assert read_message("when I tripped on the field a week ago", "onset")["onset"] == "sudden"


@pytest.mark.parametrize("story", ["Today the pain is a little bit worse, not horrible, but worse than before",
                                   "activities like driving and lying in bed were becoming excruciating"])
def test_pain_that_is_getting_worse_in_other_words(story):
    assert read_message(story)["trend"] == "worse"


def test_pain_down_the_whole_length_of_the_leg_goes_below_the_knee_and_is_no_running():
    findings = read_message("Later the pain got worse and ran down the entire length of my leg")
    assert "pain_below_knee" in findings["neuro_symptoms"]
    assert "aggravators" not in findings


@pytest.mark.parametrize("story, sign", [
    ("I can't feel anything when I wipe and it hasn't gone away", "saddle_numbness"),
    ("My genitals are numb and it never went away", "saddle_numbness"),
    ("I have no bladder control. The doctors haven't solved it.", "bladder_bowel_change"),
    # the sign's own word told gone (`resolved.of_its_word`), but not gone, a faculty lost, the gap run
    # over a comma, the sign told again after it, or the going undone (thirty-third session)
    ("the numbness down there isn't gone", "saddle_numbness"),
    ("I hope the numbness down there is gone soon", "saddle_numbness"),
    ("my bladder control is gone", "bladder_bowel_change"),
    ("I have numbness, my continence has gone.", "bladder_bowel_change"),
    ("The tingling in both legs has gone and now they're completely numb", "both_legs"),
    ("Numbness down there has stopped, it's total numbness now.", "saddle_numbness"),
    ("The numbness down there is gone after I sit for a while, but it comes back as soon as I stand up", "saddle_numbness"),
])
def test_a_sign_that_has_not_gone_is_stated_not_only_possible(story, sign):
    # a negated "gone away" or "solved" tells no resolution: the emergency stands at once
    assert sign in read_message(story)["red_flags"]


@pytest.mark.parametrize("text, asked", [
    ("My genitals were numb after the ride but it went away", None),
    # the sign's own word told gone, as the answer to the safety list (tune r354; thirty-third session)
    ("the numbness down there is gone, it feels normal now; bladder and everything else normal", "red_flags"),
])
def test_a_sign_that_has_gone_is_asked_about_once(text, asked):
    reading = shared_reader().reading(text, asked=asked)
    assert "saddle_numbness" not in (reading.findings.get("red_flags") or [])
    assert "saddle_numbness" in reading.possible["red_flags"]


@pytest.mark.parametrize("story, change", [
    ("This morning I attempted to run for the first time since last October, and my hip started niggling", "back_after_break"),
    ("I recently increased the speed from 6.3 mph to 6.5 and then felt it in my bum", "more_speed"),
    ("My buttock pain began following an increase in running and rowing volume", "more_volume"),
    ("I suspect it was triggered by a weekend of long journeys by train", "more_sitting"),
    ("I had joined an online fitness training program a week before", "new_exercise"),
])
def test_a_training_change_told_in_a_story(story, change):
    assert change in read_message(story)["load_changes"]


@pytest.mark.parametrize("story", ["I started to have buttock pain whenever I try to increase my pace",
                                   "as soon as I got back on again, the pain returned"])
def test_what_hurts_now_is_no_training_change(story):
    assert "load_changes" not in read_message(story)


def test_a_hard_landing_from_a_slip_is_only_possibly_a_major_fall():
    reading = shared_reader().reading("I flew a few feet landing on my back. I hit so hard that it knocked the wind out of me.")
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert "major_trauma" in reading.possible["red_flags"]
    assert read_message("I fell off the roof and hit my back hard")["red_flags"] == ["major_trauma"]


def test_an_age_told_with_only():
    assert read_message("It's not cancer by any means, but...I'm only 27!")["age"] == 27


@pytest.mark.parametrize("story, sign", [
    ("I can't control my bladder. The physio said it would wear off.", "bladder_bowel_change"),
    ("I can't control my bladder. I hope it goes away.", "bladder_bowel_change"),
    ("I wet myself. It was meant to have cleared up by now.", "bladder_bowel_change"),
    ("I have no feeling when I wipe, waiting for it to go away", "saddle_numbness"),
    ("I have no feeling when I wipe. Will it go away?", "saddle_numbness"),
    ("I have no feeling when I wipe. How long until it wears off?", "saddle_numbness"),
])
def test_a_sign_only_hoped_or_asked_to_go_is_stated_not_only_possible(story, sign):
    # a resolution foretold, hoped for or asked about has not happened: the emergency stands
    assert sign in read_message(story)["red_flags"]


@pytest.mark.parametrize("story, sign", [
    ("I have no feeling when I wipe. It went away and then came back.", "saddle_numbness"),
    ("I have no feeling when I wipe. It cleared up for a bit but it's back.", "saddle_numbness"),
    ("both legs are numb. It went away for a day and came back.", "both_legs"),
])
def test_a_sign_that_went_and_came_back_is_stated_not_only_possible(story, sign):
    assert sign in read_message(story)["red_flags"]


@pytest.mark.parametrize("story, sign", [
    ("I'm not sure whether I've lost feeling down there", "saddle_numbness"),
    ("I don't know if I've lost feeling down there", "saddle_numbness"),
    ("I'm not sure if I can feel it when I wipe", "saddle_numbness"),
    ("I think I might have lost some feeling down there", "saddle_numbness"),
    ("not sure if my bladder control is as good as it was", "bladder_bowel_change"),
    ("I think my bladder's a bit off, not sure", "bladder_bowel_change"),
    ("But I think I may have fractured my bum bone (the coccyx).", "major_trauma"),
])
def test_a_sign_told_with_a_doubt_is_asked_once_not_stated_or_denied(story, sign):
    # policy v3: "not sure" about a cauda equina sign gets its question, then the concrete re-ask
    reading = shared_reader().reading(story)
    assert sign in (reading.possible.get("red_flags") or []) and sign not in (reading.findings.get("red_flags") or [])


def test_a_doubted_sign_keeps_its_words_for_itself():
    # "lost feeling down there" is the saddle, asked once; not also a numb leg stated at once,
    # which with an unsure answer would make the outcome an emergency
    reading = shared_reader().reading("I'm not sure whether I've lost feeling down there")
    assert "numbness" not in (reading.findings.get("neuro_symptoms") or [])


def test_a_denial_with_a_doubt_after_it_stays_a_denial():
    assert not _sign_read("no numbness down there, I think")


def test_a_doubt_about_something_else_leaves_a_sign_stated():
    assert "saddle_numbness" in read_message("I'm not sure if it's sciatica but I can't feel when I wipe")["red_flags"]


def test_not_sure_about_a_sign_on_the_safety_list_asks_about_it():
    reading = shared_reader().reading("not sure about the numbness down there", "red_flags")
    assert "saddle_numbness" in reading.possible["red_flags"]


@pytest.mark.parametrize("story", ["Both my legs are weak. The back pain went away though.",
                                   "Both my legs are weak. My back ache has cleared up."])
def test_something_else_that_has_gone_leaves_a_sign_stated(story):
    # the back pain has gone, not the weakness of both legs
    assert "both_legs" in read_message(story)["red_flags"]


def test_the_sign_itself_told_again_as_gone_is_still_only_possible():
    reading = shared_reader().reading("Both my legs went numb. The numbness has gone away now.")
    assert "both_legs" not in (reading.findings.get("red_flags") or [])
    assert "both_legs" in reading.possible["red_flags"]


@pytest.mark.parametrize("story, sign", [
    ("I have no feeling when I wipe and it has'nt gone away", "saddle_numbness"),
    ("I could'nt feel when I peed", "bladder_bowel_change"),
])
def test_a_contraction_with_its_apostrophe_misplaced_is_still_read(story, sign):
    assert sign in read_message(story)["red_flags"]


def test_a_gone_sign_asked_about_as_normal_is_still_asked_about():
    # "is it normal" asks; it does not say the waterworks are normal
    reading = shared_reader().reading("Is it normal that I couldn't feel when I peed and it went away?")
    assert "bladder_bowel_change" in reading.possible["red_flags"]


def test_numbness_around_the_bum_is_possibly_saddle_numbness():
    reading = shared_reader().reading("The nurse asked if I had numbness around my bum and I said yes")
    assert "saddle_numbness" in reading.possible["red_flags"]


@pytest.mark.parametrize("story", ["My mum had cancer and so did I", "My sister had breast cancer, me too"])
def test_a_finding_told_of_someone_else_and_of_the_person_too_is_theirs(story):
    assert "cancer_history" in read_message(story)["red_flags"]


def test_a_finding_told_of_someone_else_alone_is_not_the_persons():
    assert "cancer_history" not in (read_message("my mum had cancer and so does my aunt").get("red_flags") or [])


@pytest.mark.parametrize("story", ["My mum had cancer and me and my sister looked after her",
                                   "My mum had cancer and we both run marathons"])
def test_the_person_in_company_after_someone_elses_finding_does_not_make_it_theirs(story):
    assert "cancer_history" not in (read_message(story).get("red_flags") or [])


def test_a_run_that_wiped_me_out_is_only_possibly_an_accident_and_a_van_that_did_is_one():
    reading = shared_reader().reading("The 20 mile run totally wiped me out. Buttock pain since.")
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert "major_trauma" in reading.possible["red_flags"]
    assert read_message("A van wiped me out at the roundabout")["red_flags"] == ["major_trauma"]
    assert "red_flags" not in read_message("When I finally awoke in the morning I was completely wiped out")
    assert read_message("I wiped out on my bike at 30 mph")["red_flags"] == ["major_trauma"]


def test_looking_up_a_condition_tells_no_trend_but_things_looking_up_do():
    assert "trend" not in read_message("I looked up hamstring tendinopathy online, it hurts when I sit")
    assert read_message("I think that things must be looking up")["trend"] == "better"


def test_a_solution_proposed_leaves_a_cauda_equina_sign_stated():
    # "the solution is ..." proposes; only "the solution was ..." tells of one found
    reading = shared_reader().reading("I cannot pee properly. The solution is probably a catheter.")
    assert "bladder_bowel_change" in reading.findings["red_flags"]


def test_a_sign_gone_until_today_is_stated():
    findings = read_message("My legs went weak and I fell. I never had it again until today, now both legs are weak.")
    assert "both_legs" in findings["red_flags"]


def test_pain_when_stretching_more_is_an_aggravator_not_a_treatment():
    assert "stretching" in read_message("It hurts when I stretch more, I run 30 miles a week")["aggravators"]


def test_boxing_day_is_no_boxing_and_a_fading_bruise_no_getting_better():
    assert "sport" not in read_message("I trained hard over Boxing Day and my bum hurts")
    assert read_message("I go to boxing classes three times a week and my bum hurts when I sit")["sport"] == "boxing"
    assert "trend" not in read_message("the bruise is fading but my bum still hurts")


@pytest.mark.parametrize("story, sign", [
    ("I never used to have trouble peeing but now I do", "bladder_bowel_change"),
    ("I never had numbness down there until last week", "saddle_numbness"),
    ("I didn't have any trouble peeing until the day before yesterday", "bladder_bowel_change"),
])
def test_a_denial_a_later_change_overturns_states_the_danger_sign(story, sign):
    assert sign in read_message(story)["red_flags"]


def test_a_danger_sign_denied_until_now_is_asked_about_once():
    reading = shared_reader().reading("no numbness down there until now")
    assert "red_flags" not in reading.findings
    assert reading.possible["red_flags"] == ["saddle_numbness"]


@pytest.mark.parametrize("story", ["No bladder or bowel problems, now I'm worried about my hip",
                                   "I won't know about my bladder until the scan",
                                   "no running until it settles"])
def test_a_denial_told_of_now_or_looking_ahead_is_not_overturned(story):
    reading = shared_reader().reading(story)
    assert not reading.findings.get("red_flags") and not reading.possible
    assert "running" not in (reading.findings.get("aggravators") or [])


def test_another_finding_is_overturned_only_when_its_denial_is_told_of_the_past():
    assert read_message("I didn't have pain sitting until this year")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("story, field, value", [
    ("I don't think I can walk", "injury_signs", "difficulty_walking"),
    ("I'm not able to walk", "injury_signs", "difficulty_walking"),
    ("I wasn't able to put any weight on it", "injury_signs", "difficulty_walking"),
    ("there is no way I can hold my pee anymore", "red_flags", "bladder_bowel_change"),
])
def test_an_inability_told_the_long_way_round_is_read_as_the_short_way(story, field, value):
    assert value in read_message(story)[field]


def test_no_then_i_cannot_is_an_answer_then_the_sign_not_its_denial():
    assert read_message("no I can't pee", "red_flags")["red_flags"] == ["bladder_bowel_change"]
    assert read_message("no I don't have any trouble peeing", "red_flags")["red_flags"] == []


@pytest.mark.parametrize("story, sport", [
    ("Decided to do a few fartleks at a 6:15 pace and felt great. Woke up with a sore butt.", "running"),
    ("Even with padded shorts and chamois cream my butt starts screaming around mile 30", "cycling"),
    ("I rode a lot of miles on my single speed last year and never had sore sit bones", "cycling"),
])
def test_a_sport_told_by_its_own_jargon_is_the_sport(story, sport):
    assert read_message(story)["sport"] == sport


@pytest.mark.parametrize("answer, sign", [
    ("the toilet thing", "bladder_bowel_change"),
    ("just the pee one", "bladder_bowel_change"),
    ("the night one", "night_pain"),
    ("the weight one I suppose", "weight_loss"),
    ("the calf one", "calf_swelling"),
])
def test_an_item_of_the_safety_list_picked_by_its_own_word_is_that_sign(answer, sign):
    assert sign in read_message(answer, "red_flags")["red_flags"]


def test_a_word_two_items_of_the_safety_list_share_asks_about_them_and_takes_the_sure_one():
    reading = shared_reader().reading("the calf one and the legs one", "red_flags")
    assert reading.findings["red_flags"] == ["calf_swelling"]
    assert "both_legs" in reading.possible["red_flags"]


def test_an_item_of_the_safety_list_turned_down_is_not_picked():
    assert read_message("not the pee one, the night one", "red_flags")["red_flags"] == ["night_pain"]


_DANGER_FIELDS = ("red_flags", "injury_signs")


def _sign_read(text, asked=None):
    """The danger signs a message is read to state or possibly mention."""
    reading = shared_reader().reading(text, asked)
    read = {value for values in reading.possible.values() for value in values} | {
        value for field in _DANGER_FIELDS for value in (reading.findings.get(field) or [])}
    return read | ({"leg_weakness"} & set(reading.findings.get("neuro_symptoms") or []))


@pytest.mark.parametrize("answer, value", [
    ("only the pee thing", "bladder_bowel_change"),
    ("just the peeing one", "bladder_bowel_change"),
    ("the one about sex", "sexual_dysfunction"),
    ("the weight one", "weight_loss"),
    ("the calf thing", "calf_swelling"),
    ("the night one", "night_pain"),
    ("the saddle one", "saddle_numbness"),
])
def test_an_item_of_the_safety_list_pointed_at_by_its_word_is_that_sign(answer, value):
    assert value in shared_reader().reading(answer, "red_flags").findings["red_flags"]


def test_pointing_at_an_item_of_the_safety_list_and_turning_it_down_names_no_sign():
    assert not _sign_read("not the pee one", "red_flags")
    assert not _sign_read("I have put on weight", "red_flags")
    assert not _sign_read("I pee a lot at night", "red_flags")


def test_the_numbness_of_the_safety_list_asks_both_of_its_signs_and_keeps_the_leg_numb():
    reading = shared_reader().reading("yeah the numbness one", "red_flags")
    assert set(reading.possible["red_flags"]) == {"saddle_numbness", "both_legs"}
    assert shared_reader().reading("numbness", "red_flags").findings["neuro_symptoms"] == ["numbness"]


def test_weakness_to_the_safety_question_is_still_a_leg_that_may_be_weak():
    reading = shared_reader().reading("causing weakness in my leg", "red_flags")
    assert reading.possible.get("neuro_symptoms") == ["leg_weakness"]


def test_leaking_told_of_oneself_asks_about_the_bladder():
    assert "bladder_bowel_change" in _sign_read("I'm leaking", "red_flags")
    assert "bladder_bowel_change" in _sign_read("pretty sure I'm leaking")
    assert not _sign_read("the roof has been leaking")


@pytest.mark.parametrize("question, value", [
    ("why can't I feel it when I wipe?", "saddle_numbness"),
    ("why can't I pee properly?", "bladder_bowel_change"),
    ("why can't I feel my legs?", "both_legs"),
    ("why don't I feel anything when I wipe?", "saddle_numbness"),
])
def test_asking_why_one_cannot_tells_the_inability(question, value):
    assert value in _sign_read(question)


def test_asking_why_one_cannot_do_an_everyday_thing_names_no_sign():
    assert not _sign_read("why can't I run without pain?")
    assert not _sign_read("why don't I feel better yet?")


@pytest.mark.parametrize("text, value", [
    ("cnt feel my bits", "saddle_numbness"),
    ("i cnt wee", "bladder_bowel_change"),
    ("cannae pee", "bladder_bowel_change"),
    ("my nuts are numb", "saddle_numbness"),
    ("my fanny is numb", "saddle_numbness"),
    ("my junk is numb", "saddle_numbness"),
])
def test_text_speak_and_slang_for_the_saddle_signs_are_read(text, value):
    assert value in _sign_read(text)


def test_a_list_numbered_with_brackets_keeps_each_item_its_own():
    assert {"bladder_bowel_change", "saddle_numbness"} <= _sign_read("1) pain sitting 2) can't pee properly 3) numb bum")


@pytest.mark.parametrize("text, value", [
    ("I no longer know when I need to pee", "bladder_bowel_change"),
    ("I can't feel the urge to pee", "bladder_bowel_change"),
    ("I don't get the urge to poo anymore", "bladder_bowel_change"),
    ("urine is coming without control", "bladder_bowel_change"),
    ("I make pee in my pants", "bladder_bowel_change"),
    ("I had a bag fitted for my pee", "bladder_bowel_change"),
    ("I'm having to wear nappies", "bladder_bowel_change"),
    ("I have problem in passing urine", "bladder_bowel_change"),
    ("urine not coming", "bladder_bowel_change"),
    ("I was diagnosed with cauda equina syndrome", "saddle_numbness"),
    ("sex doesn't feel the same since the injury", "sexual_dysfunction"),
    ("since 2 days I am not feeling my private area", "saddle_numbness"),
])
def test_cauda_equina_signs_told_by_effect_or_in_plain_words_are_read(text, value):
    assert value in _sign_read(text)


def test_a_warning_about_cauda_equina_by_name_asks_nothing():
    assert not _sign_read("the GP warned me about the signs of cauda equina")
    assert not _sign_read("pain is not coming when I pee")
    assert not _sign_read("I have no urge to run")


@pytest.mark.parametrize("text, value", [
    ("my calf is twice the size of the other one", "calf_swelling"),
    ("I haven't slept properly in weeks because of the pain", "night_pain"),
    ("I fell off scaffolding", "major_trauma"),
    ("I've been sweating a lot at night", "fever"),
    ("I've dropped a dress size without trying", "weight_loss"),
    ("my weight is going down", "weight_loss"),
    ("my leg has no power", "leg_weakness"),
    ("my leg keeps going from under me", "leg_weakness"),
    ("I've been in a wheelchair since the fall", "difficulty_walking"),
    ("I'm using a zimmer frame", "difficulty_walking"),
    ("I had to be helped off the field", "difficulty_walking"),
    ("I heard something go bang", "pop"),
])
def test_other_danger_signs_told_by_their_effect_are_read(text, value):
    assert value in _sign_read(text)


@pytest.mark.parametrize("story, value", [
    ("I used to be able to feel when I needed to pee, now I can't", "bladder_bowel_change"),
    ("I used to be able to hold my pee, not anymore", "bladder_bowel_change"),
    ("I could always hold my pee before this, not now", "bladder_bowel_change"),
    ("I was able to feel my bits before the accident but not since", "saddle_numbness"),
])
def test_an_ability_told_of_the_past_and_then_lost_is_the_inability_now(story, value):
    assert value in _sign_read(story)


def test_an_ability_told_of_the_past_that_goes_on_loses_nothing():
    assert not _sign_read("I was able to walk home, no longer limping now")
    assert not _sign_read("I used to be able to run 10k, not anymore")


@pytest.mark.parametrize("story, value", [
    ("I haven't peed since yesterday", "bladder_bowel_change"),
    ("I haven't had a proper wee in two days", "bladder_bowel_change"),
    ("I went to the loo and nothing happened", "bladder_bowel_change"),
    ("I didn't notice I'd pooed", "bladder_bowel_change"),
    ("I had to get a catheter at A&E", "bladder_bowel_change"),
])
def test_retention_and_unnoticed_accidents_told_by_what_happened_are_read(story, value):
    assert value in _sign_read(story)


def test_parts_told_together_do_not_take_a_negation_from_another_phrase():
    assert "bladder_bowel_change" in _sign_read("I haven't been for a poo in 5 days and can't feel anything")


def test_everyday_sayings_near_the_new_sign_words_name_no_sign():
    assert not _sign_read("I didn't notice any change in my pee")
    assert not _sign_read("I've written off this season")
    assert not _sign_read("I had to drag myself out of bed to run")
    assert not _sign_read("I haven't peed in my wetsuit since I was a kid")


@pytest.mark.parametrize("story, value", [
    ("my legs feel like cotton wool", "both_legs"),
    ("I've got a weird numbness in both shins", "both_legs"),
    ("my sciatica has switched to both sides", "both_legs_pain"),
    ("now it's going down the other leg as well", "both_legs_pain"),
    ("it's there all the time at night, nothing helps", "night_pain"),
    ("I sleep in a chair because lying down is agony", "night_pain"),
    ("my car was written off", "major_trauma"),
    ("there's a hot, tender lump in my calf", "calf_swelling"),
    ("I felt a pop and then couldn't put my foot down", "difficulty_walking"),
    ("I can only walk a few steps", "difficulty_walking"),
    ("I need to hold onto the furniture to get around", "difficulty_walking"),
])
def test_more_danger_signs_told_in_everyday_words_are_read(story, value):
    assert value in _sign_read(story)


@pytest.mark.parametrize("story, value", [
    ("I'm not sure whether I've lost feeling down there", "saddle_numbness"),
    ("I'm not certain but I think my groin is numb", "saddle_numbness"),
])
def test_a_doubt_told_with_not_sure_is_no_denial_of_the_sign(story, value):
    assert value in _sign_read(story)


@pytest.mark.parametrize("story", [
    "When I wipe it feels like I'm wiping someone else",
    "I can feel nothing when I wipe",
    "I feel nothing down there",
    "nothing down there feels normal",
    "the area where a bike seat would touch is numb",
])
def test_saddle_numbness_told_by_feeling_nothing_or_by_the_bike_seat_is_read(story):
    assert "saddle_numbness" in _sign_read(story)


def test_feeling_nothing_of_an_activity_names_no_sign():
    assert not _sign_read("I feel nothing when I stretch")


def test_the_leaking_to_the_safety_question_asks_about_the_bladder():
    assert "bladder_bowel_change" in _sign_read("none of them apart from the leaking", "red_flags")


@pytest.mark.parametrize("story, value", [
    ("lost feelin down there", "saddle_numbness"),
    ("no feelin in my groin", "saddle_numbness"),
    ("I keep pissing myself", "bladder_bowel_change"),
    ("I've shit myself twice", "bladder_bowel_change"),
])
def test_dropped_letters_and_swearing_still_tell_the_cauda_equina_signs(story, value):
    assert value in _sign_read(story)


def test_swearing_that_tells_fear_or_laughter_names_no_sign():
    assert not _sign_read("I was shitting myself before the race")
    assert not _sign_read("I pissed myself laughing")


def test_a_place_inside_another_findings_words_does_not_put_a_bruise_elsewhere():
    # the foot is the trouble walking's, not where the bruise is
    assert read_message("bruising and couldn't put my foot down", "injury_signs")["injury_signs"] == ["bruising", "difficulty_walking"]
    assert "injury_signs" not in read_message("a bruise on my foot")


# Round fifteen (2026-12-05): a bare topic word to the safety question points at its item
# ("pee", "weight", "the calf", "weight and night pain"): asked once (possible), never dropped;
# inside a sentence that says something else ("I work nights", "my knee is swollen") it points
# at nothing (vocabulary `bare_as_answer`).
@pytest.mark.parametrize("answer, value", [
    ("pee", "bladder_bowel_change"), ("wee", "bladder_bowel_change"), ("poo", "bladder_bowel_change"),
    ("toilet", "bladder_bowel_change"), ("weight", "weight_loss"), ("the weight", "weight_loss"),
    ("weight and night pain", "weight_loss"), ("weight and night pain", "night_pain"), ("night", "night_pain"),
    ("at night", "night_pain"), ("temp", "fever"), ("unwell", "fever"), ("calf", "calf_swelling"),
    ("cancer and the calf", "calf_swelling"), ("swelling", "calf_swelling"), ("saddle", "saddle_numbness"),
    ("sex", "sexual_dysfunction"), ("legs", "both_legs"), ("accident", "major_trauma"), ("the lump", "cancer_history"),
    ("yes, maybe the weight", "weight_loss")])
def test_a_bare_topic_word_to_the_safety_question_is_asked_about(answer, value):
    reading = shared_reader().reading(answer, "red_flags")
    stated = reading.findings.get("red_flags")  # "maybe the weight": the screen itself is "not sure"
    assert value in (stated if isinstance(stated, list) else []) + (reading.possible.get("red_flags") or [])


@pytest.mark.parametrize("answer", ["I work nights", "my knee is swollen", "I ran at night", "none, I sleep fine at night",
                                    "none, my weight is stable", "none, though I've put on weight", "no, I pee fine"])
def test_a_topic_word_inside_another_sentence_to_the_safety_question_is_no_sign(answer):
    reading = shared_reader().reading(answer, "red_flags")
    assert not reading.findings.get("red_flags") and not reading.possible.get("red_flags")


@pytest.mark.parametrize("text", ["the doctor said my bladder is fine", "my bladder is fine"])
def test_a_denial_still_denies_with_a_saying_verb_before_it(text):
    assert "bladder_bowel_change" not in (read_message(text).get("red_flags") or [])


def test_what_an_oncologist_says_denies_no_cancer_history():
    assert "cancer_history" in read_message("my oncologist says it's fine")["red_flags"]


def test_a_bruise_told_beside_a_dragged_leg_keeps_the_leg():
    # the bruise's words "black and blue" say it alone: no "black ... leg" bruise hides the leg
    found = read_message("black and blue and had to drag my leg")
    assert found["injury_signs"] == ["bruising"] and "leg_weakness" in found["neuro_symptoms"]


@pytest.mark.parametrize("text", ["I had breast cancer, it cleared up after chemo", "I had cancer but it's all gone now"])
def test_a_cancer_told_as_gone_is_still_a_cancer_history(text):
    assert "cancer_history" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text, value", [("I've lost 10lbs", "weight_loss"), ("down 6kgs since Christmas", "weight_loss")])
def test_a_weight_written_against_its_unit_is_read(text, value):
    assert value in read_message(text)["red_flags"]


@pytest.mark.parametrize("answer, stated, denied", [("fever yes, cancer no", "fever", "cancer_history"),
                                                    ("cancer no, fever yes", "fever", "cancer_history"),
                                                    ("weight loss - no, night pain yes", "night_pain", "weight_loss")])
def test_an_item_answered_no_right_after_it_is_denied(answer, stated, denied):
    reading = shared_reader().reading(answer, "red_flags")
    found = (reading.findings.get("red_flags") or []) + (reading.possible.get("red_flags") or [])
    assert stated in found and denied not in found


@pytest.mark.parametrize("text, value", [("I get night sweats with the menopause", "fever"),
                                         ("I've lost weight since starting marathon training", "weight_loss"),
                                         ("I lost a stone last year on purpose", "weight_loss")])
def test_a_sign_told_with_its_harmless_cause_is_asked_once_never_dropped(text, value):
    reading = shared_reader().reading(text)
    assert value not in (reading.findings.get("red_flags") or []) and value in reading.possible["red_flags"]


@pytest.mark.parametrize("text", ["I could not continue running during chemo", "I haven't run since the chemo",
                                  "I couldn't sit for weeks after my radiotherapy"])
def test_a_negation_does_not_deny_a_sign_that_only_says_when(text):
    # the running or sitting is what did not happen; the treatment it is timed by did: asked once
    # (a fresh-eyes review: "no numbness since the fall" to the safety list must not state a fall)
    reading = shared_reader().reading(text)
    assert "cancer_history" in (reading.possible.get("red_flags") or [])


@pytest.mark.parametrize("text", ["it didn't start after chemo, it was before", "no chemo", "I never had radiotherapy"])
def test_a_denied_sign_is_still_denied_when_no_time_word_stands_before_it(text):
    assert "cancer_history" not in (read_message(text).get("red_flags") or [])


@pytest.mark.parametrize("text", ["He told me that there was no evidence of mets in my ribs", "no sign of any secondaries"])
def test_a_denied_spread_of_cancer_still_tells_a_cancer(text):
    # only a person with a cancer is checked for its spread (`denial_presupposes`): asked once,
    # so "the scan showed no metastases and I have never had cancer" denies it
    reading = shared_reader().reading(text)
    assert "cancer_history" in (reading.possible.get("red_flags") or [])
    assert "cancer_history" not in (shared_reader().reading(text + ", and I have never had cancer").possible.get("red_flags") or [])


@pytest.mark.parametrize("text, asked, value", [
    # a fresh-eyes review of the sixteenth session's rounds: each was lost or only asked about
    ("I'm asking for my husband. Yesterday Tom lost control of his bladder.", None, "bladder_bowel_change"),
    ("Went for a run with my brother, afterwards numbness in the saddle area and couldn't pee.", None, "saddle_numbness"),
    ("Took my son to school, then wet myself on the way home.", None, "bladder_bowel_change"),
    ("My husband was driving when we were in a car accident last month, and since then wetting the bed.", None, "bladder_bowel_change"),
    ("I guess there'll be a long wait at A&E, I've lost control of my bladder.", None, "bladder_bowel_change"),
    ("I have no control of my bladder. My physio gave me pelvic floor exercises.", None, "bladder_bowel_change"),
    ("I get winded easily now and my calf is swollen and I have chest pain.", None, "chest_symptoms"),
    ("The last time I ran I got hit by a car.", None, "major_trauma"),
    ("I'm scared I'd wet myself again, it happened twice this week.", None, "bladder_bowel_change"),
    ("Yes, last night Mr Jones lost control of his bladder.", "red_flags", "bladder_bowel_change"),
])
def test_a_danger_sign_round_others_or_cues_is_stated_or_asked_never_dropped(text, asked, value):
    reading = shared_reader().reading(text, asked)
    assert value in (reading.findings.get("red_flags") or []) + (reading.possible.get("red_flags") or [])


@pytest.mark.parametrize("story", [
    "I slipped on the top stair of a friend's house and bumped down every single step on my bottom",
    "I was at my mum's and fell down the stairs, landing hard on my bum",
])
def test_a_person_named_only_as_where_it_happened_does_not_make_the_danger_sign_theirs(story):
    reading = shared_reader().reading(story)
    assert "major_trauma" in (reading.findings.get("red_flags") or []) + (reading.possible.get("red_flags") or [])


def test_a_forward_bend_in_yoga_is_a_stretch_and_bending_over_is_bending():
    assert read_message("forward folds of any kind are painful at my sit bones")["aggravators"] == ["stretching"]
    assert read_message("it hurts when I bend over to pick things up")["aggravators"] == ["bending_forward"]


@pytest.mark.parametrize("story, aggravator", [
    ("I could no longer bike, and the PT regimen was aggravating my symptoms", "cycling"),
    ("My bike is fine otherwise, it's only when I ride long distances my butt starts to hurt", "cycling"),
    ("I can no longer run because of the pain in my bum", "running"),
])
def test_what_the_person_can_no_longer_do_or_rides_makes_it_worse(story, aggravator):
    assert read_message(story)["aggravators"] == [aggravator]


@pytest.mark.parametrize("story, aggravators", [
    ("It is very painful to set and I also have pain when climbing stairs", ["sitting", "stairs"]),
    ("I am unable to comfortably rest on my haunches for any length of time", ["sitting"]),
    # a walk "for long distances" is no run
    ("Sitting for prolonged periods caused issues. Walking uphill or for long distances was difficult.", ["sitting", "uphill_running"]),
])
def test_sitting_in_everyday_words_and_long_distances_walked(story, aggravators):
    assert read_message(story)["aggravators"] == aggravators


def test_a_sport_named_in_a_story_still_says_what_makes_it_worse_but_not_as_the_sports_answer():
    assert read_message("About a year ago, I started feeling pain in my right hip during my runs")["aggravators"] == ["running"]
    assert "aggravators" not in read_message("my runs", "sport")
    assert read_message("Not only could I not run without feeling a shooting pain in my hip")["aggravators"] == ["running"]


@pytest.mark.parametrize("text", ["Now if I can lose that extra 10 lbs, I'll be ready for anything!", "I need to lose 10 pounds",
                                  "I want to lose a stone before the race", "I've been trying to lose weight for my knees"])
def test_weight_a_person_wants_to_lose_is_no_weight_lost(text):
    assert "weight_loss" not in possible_or_stated(text)


@pytest.mark.parametrize("text", ["I wanted to lose weight but I've lost 2 stone without trying", "I've been losing weight",
                                  "I didn't try to lose weight but I have lost a stone"])
def test_weight_lost_is_still_read_beside_a_wish_to_lose_it(text):
    assert "weight_loss" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["my mind leaped from strained muscles straight to late-stage cancer.",
                                  "my first thought was cancer", "I was convinced it was cancer"])
def test_cancer_feared_is_no_cancer_history(text):
    assert "cancer_history" not in possible_or_stated(text)


@pytest.mark.parametrize("text", ["I had cancer 3 years ago and my mind went straight to cancer coming back",
                                  "this is the ugly truth of living with fear of cancer recurrence"])
def test_a_cancer_had_is_still_read_beside_a_fear_of_it(text):
    assert "cancer_history" in possible_or_stated(text)


def test_lying_unable_to_move_after_a_fall_asks_about_walking():
    assert "difficulty_walking" in possible_or_stated("They were all in their homes as I lay on the ground unable to move.",
                                                      "injury_signs")



@pytest.mark.parametrize("text, days", [("The last three mornings I have woken up with sharp back and buttock pain on one side.", 3),
                                        ("I experienced this slight pain in my right bum area these few days", 3),
                                        ("my buttock hurt two evenings ago", 2)])
def test_mornings_evenings_and_these_few_days_are_days(text, days):
    assert read_message(text)["duration_days"] == days


def test_mornings_a_week_are_no_duration():
    assert "duration_days" not in read_message("I run 3 mornings a week and my buttock hurts")


@pytest.mark.parametrize("text, aggravator", [("I'm basically disabled from running or even walking fast", "running"),
                                              ("it keeps me from sitting through a film", "sitting")])
def test_what_the_pain_keeps_the_person_from_makes_it_worse(text, aggravator):
    assert aggravator in read_message(text)["aggravators"]


def test_what_the_pain_does_not_keep_the_person_from_does_not_make_it_worse():
    assert "aggravators" not in read_message("It doesn't prevent me from running and the pain eases soon after setting off")
    assert read_message("it didn't stop me from walking but it hurts when I sit")["aggravators"] == ["sitting"]


@pytest.mark.parametrize("text", ["it hasn't really stopped me from running", "nothing keeps me from cycling",
                                  "it has never stopped me from running", "it barely kept me from walking"])
def test_a_long_way_round_turned_round_by_the_words_before_it_is_no_inability(text):
    assert "aggravators" not in read_message(text) and "injury_signs" not in read_message(text)


def test_a_negation_in_the_clause_before_does_not_turn_round_what_the_pain_keeps_the_person_from():
    assert "sitting" in read_message("I can't run, it keeps me from sitting through a film")["aggravators"]


@pytest.mark.parametrize("text", ["Arriving in Los Angeles, I noted pain and a knot in my right calf that I assumed was a simple cramp.",
                                  "there's a lump in my left calf"])
def test_a_knot_or_a_lump_in_the_calf_is_asked_about(text):
    assert "calf_swelling" in possible_or_stated(text)


@pytest.mark.parametrize("text, sign", [
    ("I've had a UTI before but now I can't feel when I pee and my bum is numb", "bladder_bowel_change"),
    ("I had a UTI last year. Now I've wet myself twice this week", "bladder_bowel_change"),
    ("I've lost control of my bladder and wet myself. I also have an enlarged prostate.", "bladder_bowel_change"),
    ("I'm on codeine. I have lost control of my bowels", "bladder_bowel_change"),
    ("I suddenly can't pee at all. My pelvic floor has always been fine.", "bladder_bowel_change"),
    ("I had an epidural 10 years ago with my son. Now both my legs are numb and weak", "both_legs"),
    ("both my legs have gone numb and weak. I can't sit cross legged anymore because of the pain", "both_legs"),
    ("I had the flu last month. Now I have a fever and night sweats and both legs are weak", "fever"),
    ("I have depression. Since the pain I've had no feeling in my genitals and can't orgasm", "sexual_dysfunction"),
])
def test_a_harmless_cause_told_apart_from_a_danger_sign_does_not_make_it_only_possible(text, sign):
    # the `explained` cause counts only in the sign's sentence, with no "but" or "now" between them
    assert sign in read_message(text)["red_flags"]


def test_a_harmless_cause_told_beside_a_danger_sign_still_makes_it_possible():
    reading = shared_reader().reading("I had cystitis last week and was running to the toilet all day", None)
    assert "bladder_bowel_change" in reading.possible.get("red_flags", [])


def test_how_the_person_looked_ends_at_the_reason_for_it():
    assert "both_legs" in read_message("I looked like I was drunk because both my legs went weak and numb")["red_flags"]
    assert "difficulty_walking" not in (read_message("I must have looked like I was drunk and couldn't walk!").get("injury_signs") or [])


@pytest.mark.parametrize("text", ["I went straight to cancer treatment after my diagnosis last year",
                                  "the doctor was convinced it was cancer and the biopsy confirmed it",
                                  "the consultant's first thought was cancer and scans showed it had spread"])
def test_cancer_care_or_a_doctors_conviction_is_no_fear_of_cancer(text):
    assert "cancer_history" in read_message(text)["red_flags"]


def test_a_weak_pelvic_floor_is_no_weak_leg_but_a_weak_leg_beside_it_is_asked():
    assert "leg_weakness" not in possible_or_stated("my pelvic floor is very weak", "neuro_symptoms")
    assert "leg_weakness" in possible_or_stated("my leg has been weak since my pelvic floor surgery", "neuro_symptoms")


@pytest.mark.parametrize("text, sign", [
    ("no UTI, I've lost control of my bladder", "bladder_bowel_change"),
    ("The GP tested me for a UTI and it was clear, I can't feel when I pee", "bladder_bowel_change"),
    ("I wet myself yesterday without knowing, it wasn't when I coughed", "bladder_bowel_change"),
    ("I don't have an enlarged prostate and I can't pee at all", "bladder_bowel_change"),
    ("I've had a fever for days, tested negative for covid", "fever"),
    ("I keep waking up in a cold sweat with a fever", "fever"),
])
def test_a_harmless_cause_denied_or_tested_away_does_not_make_a_danger_sign_only_possible(text, sign):
    assert sign in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["since my epidural both legs are weak and I can't pee",
                                  "both my legs went numb after the spinal block and they still are 3 days later"])
def test_both_legs_numb_or_weak_after_an_epidural_or_spinal_block_is_stated(text):
    assert "both_legs" in read_message(text)["red_flags"]



@pytest.mark.parametrize("text", ["I've lost a few pounds without trying", "I've lost some weight without trying",
                                  "I've started to lose a few pounds without trying"])
def test_a_weight_lost_is_no_wish_to_lose_it(text):
    # the wish's bare words ("lose a few", "lose some weight") match "lost" as well
    assert "weight_loss" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["I can't stop peeing myself", "I leak constantly now, not just when I sneeze",
                                  "I'm leaking all the time"])
def test_leaking_that_goes_on_is_a_bladder_change(text):
    assert "bladder_bowel_change" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["I leak a bit", "I've been leaking since having my kids"])
def test_a_bare_leak_is_asked_about(text):
    assert "bladder_bowel_change" in read_message_possible(text)


@pytest.mark.parametrize("text", ["my roof is leaking all the time and my buttock hurts", "I leak when I sneeze",
                                  "it hardly stops me from walking"])
def test_a_leaking_roof_a_sneeze_leak_and_a_pain_that_hardly_stops_walking_are_no_danger_signs(text):
    reading = shared_reader().reading(text, asked=None)
    assert not reading.findings.get("red_flags") and not reading.findings.get("injury_signs")


@pytest.mark.parametrize("text", ["since my prostate surgery I can't control my bowels",
                                  "I'm on codeine and I haven't peed in 2 days",
                                  # the bowel change told first: each mention is weighed by its own organ
                                  "I'm on codeine, I haven't pooed in 3 days and I haven't peed since yesterday"])
def test_a_cause_of_one_organs_change_does_not_explain_the_other_organs(text):
    assert read_message(text)["red_flags"] == ["bladder_bowel_change"]


@pytest.mark.parametrize("text", ["I'm on codeine and can't control my bowels", "I had a UTI and I wet myself twice"])
def test_a_cause_of_the_same_organs_change_makes_it_asked_once(text):
    assert "bladder_bowel_change" in read_message_possible(text) and "red_flags" not in read_message(text)


@pytest.mark.parametrize("text", ["I have a weak pelvic floor, and my leg is weak too",
                                  "I have weak glutes, and my leg is weak too",
                                  "my hamstring is sore, and my leg feels weak"])
def test_a_weak_muscle_or_a_sore_hamstring_excuses_no_weak_leg_told_in_the_next_clause(text):
    assert "leg_weakness" in possible_or_stated(text, "neuro_symptoms")


@pytest.mark.parametrize("text", ["my hamstring feels weak", "my legs feel weak after lifting", "weak glutes"])
def test_a_weak_muscle_in_its_own_clause_is_no_weak_leg(text):
    assert "leg_weakness" not in possible_or_stated(text, "neuro_symptoms")


@pytest.mark.parametrize("text", ["Its 1:30AM and I am up because I can't stand my back pain anymore.",
                                  "It waits until three A.M. and then begins its toothache throb.", "I woke at 3 am in agony"])
def test_a_clock_time_in_the_small_hours_asks_about_night_pain(text):
    assert "night_pain" in read_message_possible(text)


def test_a_daytime_clock_time_is_no_night_pain():
    assert "night_pain" not in possible_or_stated("the race starts at 9am")


@pytest.mark.parametrize("text", ["The pain wakes me up every night and I'm struggling to get to work",
                                  "I'm up all night with it, I set an alarm but I'm already awake",
                                  "It's 3am and I'm awake with the pain again, I have to be up for work in 4 hours"])
def test_night_pain_told_with_work_or_an_alarm_is_still_asked(text):  # a fresh-eyes review
    assert "night_pain" in possible_or_stated(text)


@pytest.mark.parametrize("text, value", [
    ("I'm pregnant and I can't pee even though I need to", "bladder_bowel_change"),
    ("I'm pregnant and I've lost control of my bladder", "bladder_bowel_change"),
])
def test_pregnancy_explains_no_lost_control_or_retention(text, value):  # a fresh-eyes review
    assert value in read_message(text)["red_flags"]


@pytest.mark.parametrize("text, signs", [
    ("I slipped doing the splits, huge bruising built up down my thigh and I can barely walk", {"bruising", "difficulty_walking"}),
    ("I slipped and it not only stops me from walking but I have a huge bruise", {"bruising", "difficulty_walking"}),
])
def test_bruising_that_built_up_and_what_the_pain_not_only_stops_are_read(text, signs):  # a fresh-eyes review
    assert signs <= set(read_message(text)["injury_signs"])


# A second fresh-eyes review of round eighteen (2026-12-05): real signs that its rules dropped or
# made only possible, each read as stated again.
@pytest.mark.parametrize("text, field, value", [
    ("The cut on my thigh is red and hot and has given me the chills", "red_flags", "fever"),
    ("My calf has been swollen for a week and now I'm breathless on hills and going up the stairs", "red_flags", "chest_symptoms"),
    ("My leg gave out on the last rep of squats and it has felt weak ever since", "neuro_symptoms", "leg_weakness"),
    ("I was worried it was a fracture and the X-ray showed one", "red_flags", "major_trauma"),
    ("I fell off my bike with no injuries to the bike but I broke my hip", "red_flags", "major_trauma"),
    ("My wife wasn't hurt at all but I was hit by a car and broke my pelvis", "red_flags", "major_trauma"),
    ("I came off my bike last year, and came off again on Sunday at 40mph and now can't walk", "red_flags", "major_trauma"),
    ("My calf on my non-dominant leg is suddenly swollen and hot", "red_flags", "calf_swelling"),
    ("Since the spin class I've had a fever of 39 and my thigh is red and swollen", "red_flags", "fever"),
    ("I've lost 10kg without trying, I was losing weight for my wedding but stopped dieting", "red_flags", "weight_loss"),
])
def test_a_sign_told_beside_round_eighteens_harmless_words_is_still_stated(text, field, value):
    assert value in (read_message(text).get(field) or [])


@pytest.mark.parametrize("text", ["I took my mum to the fracture clinic today", "I took my son to hospital after a fall down the stairs",
                                  "I was with my friend after a collision"])
def test_a_relative_taken_to_their_care_or_met_after_their_accident_has_it_not_the_person(text):
    assert "major_trauma" not in (read_message(text).get("red_flags") or [])


def test_a_relative_who_cannot_walk_is_not_the_person_who_cannot_walk():
    assert "difficulty_walking" not in (read_message("I was helping my dad who can't walk anymore").get("injury_signs") or [])


@pytest.mark.parametrize("text, field, value", [
    ("I feel like I got hit by a truck after that session", "red_flags", "major_trauma"),
    ("It was a bruising long run", "injury_signs", "bruising"),
    ("The champagne cork went pop", "injury_signs", "pop"),
])
def test_a_likeness_a_hard_run_and_a_cork_are_no_danger_signs(text, field, value):  # a fresh-eyes review, round eighteen
    assert value not in (read_message(text).get(field) or [])


@pytest.mark.parametrize("text, field, value", [
    ("I got hit by a car on my bike", "red_flags", "major_trauma"),
    ("It was a bruising long run and now there is bruising all down the back of my thigh", "injury_signs", "bruising"),
])
def test_the_real_sign_beside_a_likeness_or_a_hard_run_is_still_read(text, field, value):
    assert value in (read_message(text).get(field) or [])


# --- the twenty-first session: a probe of false alarms (tests/real/danger_signs.yml, round twenty-one)

@pytest.mark.parametrize("text, field, value", [
    ("I have no issues with, like, bladder or bowel control", "red_flags", "bladder_bowel_change"),
    ("I don't have, um, any numbness in the saddle area", "red_flags", "saddle_numbness"),
    ("zero saddle numbness, zero bladder stuff", "red_flags", "saddle_numbness"),
])
def test_a_denial_reaches_past_an_aside_between_commas_and_zero_denies(text, field, value):
    assert value not in (read_message(text).get(field) or [])


def test_an_aside_between_commas_leaves_a_signs_words_one_clause():
    assert "bladder_bowel_change" in read_message("I've been having a bit of trouble, like, going for a wee")["red_flags"]


@pytest.mark.parametrize("text, field, value", [
    ("I had no warning before it popped", "injury_signs", "pop"),
    ("I had zero warning before it popped", "injury_signs", "pop"),
    ("no pain until I lost control of my bladder", "red_flags", "bladder_bowel_change"),
])
def test_a_denial_does_not_reach_a_sign_in_a_clause_of_its_own(text, field, value):
    assert value in read_message(text)[field]


@pytest.mark.parametrize("text, value", [
    ("No pain now I can't control my bladder", "bladder_bowel_change"),
    ("I had no problems till now I can't hold my pee", "bladder_bowel_change"),
])
def test_a_no_of_something_else_does_not_reach_a_sign_the_person_goes_on_to_tell(text, value):  # a second review
    assert value in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["There's no way I've lost control of my bladder", "No numbness that I have noticed down there",
                                  "I don't think I have any numbness down there", "no chance I have numbness down there"])
def test_a_no_that_denies_what_the_person_goes_on_to_tell_still_denies(text):
    assert not read_message(text).get("red_flags")


def test_a_denial_still_reaches_an_activity_in_a_clause_of_its_own():
    assert "running" not in (read_message("I have no pain after I run").get("aggravators") or [])


@pytest.mark.parametrize("text, field, value", [
    ("the doctor checked my bladder control and it was fine", "red_flags", "bladder_bowel_change"),
    ("my bladder control was assessed by the continence nurse and she was happy with it", "red_flags", "bladder_bowel_change"),
    ("can sitting too long cause numbness in both legs?", "red_flags", "both_legs"),
    ("What if I hear a pop?", "injury_signs", "pop"),
    ("my physio warned me that a pop would mean a tear", "injury_signs", "pop"),
    ("I'm scared it'll snap if I keep running on it", "injury_signs", "pop"),
    ("I had numbness down there after the birth but it went", "red_flags", "saddle_numbness"),
    ("I did have trouble peeing for a couple of days after my op but it's sorted now", "red_flags", "bladder_bowel_change"),
    ("I used to wet myself as a kid", "red_flags", "bladder_bowel_change"),
    ("I lost control of my bladder once after a heavy night drinking years ago, never since", "red_flags", "bladder_bowel_change"),
    ("Back in 2009 I was in a car crash", "red_flags", "major_trauma"),
    ("At 16 I had to be carried off the pitch with a knee injury", "injury_signs", "difficulty_walking"),
])
def test_a_sign_checked_feared_gone_or_of_long_ago_is_asked_once(text, field, value):
    assert value not in (read_message(text).get(field) or [])
    assert value in (reading(text).possible.get(field) or [])


@pytest.mark.parametrize("text, field, value", [
    ("it was fine until I lost control of my bladder", "red_flags", "bladder_bowel_change"),
    ("it was fine, then I lost control of my bladder", "red_flags", "bladder_bowel_change"),
    ("it went numb down there", "red_flags", "saddle_numbness"),
    ("I lost control of my bladder and the doctor checked me", "red_flags", "bladder_bowel_change"),
    ("I'm in my thirties and I've lost control of my bladder", "red_flags", "bladder_bowel_change"),
    ("I'm used to wetting myself now", "red_flags", "bladder_bowel_change"),
    ("I had surgery 5 years ago and now I can't feel when I wipe", "red_flags", "saddle_numbness"),
    ("I used to have no problems but now I can't control my bladder", "red_flags", "bladder_bowel_change"),
    ("I was running to catch my dog and felt a sudden pain. At first I had trouble walking", "injury_signs", "difficulty_walking"),
    ("I am lucky that the damage is not significant enough that I have fully lost continence", "red_flags", "bladder_bowel_change"),
    ("I have zero control of my bladder", "red_flags", "bladder_bowel_change"),  # "zero" is "no", a sign's own word
    ("zero feeling down there", "red_flags", "saddle_numbness"),
    ("zero sensation in both legs", "red_flags", "both_legs"),
    # a fresh-eyes review of the mechanisms: what they must not reach
    ("No pain, honestly, I wet myself last night", "red_flags", "bladder_bowel_change"),
    ("What if it's cauda equina, I can't feel when I wipe and I've wet myself twice", "red_flags", "saddle_numbness"),
    ("My GP said to go back if I got numbness down there and I have numbness down there now", "red_flags", "saddle_numbness"),
    ("I checked my pants and I'd wet myself", "red_flags", "bladder_bowel_change"),
    ("I've lost control of my bladder and need it checked out", "red_flags", "bladder_bowel_change"),
    ("My bladder control, it's gone.", "red_flags", "bladder_bowel_change"),
    ("I've wet myself twice today, bowels all fine", "red_flags", "bladder_bowel_change"),
    ("I wet myself this morning. It was fine, then suddenly it all came out", "red_flags", "bladder_bowel_change"),
    ("When I was 5 minutes from home I wet myself", "red_flags", "bladder_bowel_change"),
    ("Ever since my back operation 2 years ago I've had numbness down there", "red_flags", "saddle_numbness"),
    ("I had a discectomy 3 years ago and have lost bladder control since Monday", "red_flags", "bladder_bowel_change"),
    ("I'm wetting myself like I did as a child", "red_flags", "bladder_bowel_change"),
    ("I'm in my 40s and can barely walk after a fall yesterday", "injury_signs", "difficulty_walking"),
    ("I was playing with the kids and fell and now both legs are numb", "red_flags", "both_legs"),
    ("I've had continence problems since the fall", "red_flags", "bladder_bowel_change"),
    # a second fresh-eyes review
    ("I've had zero sleep and wet the bed twice", "red_flags", "bladder_bowel_change"),
    ("No, seriously, can't feel when I wipe", "red_flags", "saddle_numbness"),
    ("No back pain, honestly, numb down there though", "red_flags", "saddle_numbness"),
    ("I've lost bladder control but bowel wise that's all fine", "red_flags", "bladder_bowel_change"),
    ("I've lost control of my bladder. Yesterday it was fine.", "red_flags", "bladder_bowel_change"),
    ("I can't pee properly, otherwise it's all fine", "red_flags", "bladder_bowel_change"),
    ("My bladder control has completely gone", "red_flags", "bladder_bowel_change"),
    ("I used to run every day and both my legs are numb", "red_flags", "both_legs"),
    ("I had a discectomy years ago and since monday I cant control my bladder", "red_flags", "bladder_bowel_change"),
    ("I used to wet myself as a kid and now I'm doing it again", "red_flags", "bladder_bowel_change"),
    ("My worst fear came true and I wet myself", "red_flags", "bladder_bowel_change"),
    ("I'm worried it will be permanent as I can't feel my privates", "red_flags", "saddle_numbness"),
    ("how do I know if the numbness down there is serious", "red_flags", "saddle_numbness"),
    ("What happens if I can't pee at all since yesterday", "red_flags", "bladder_bowel_change"),
    ("The doctor checked and said I have saddle numbness", "red_flags", "saddle_numbness"),
    ("I keep checking and still can't feel anything when I wipe", "red_flags", "saddle_numbness"),
    ("I used to be a chef and I've lost a stone without trying", "red_flags", "weight_loss"),
])
def test_a_sign_beside_those_words_but_told_of_now_is_still_stated(text, field, value):
    assert value in read_message(text)[field]


@pytest.mark.parametrize("text, field, value", [
    ("the physio checked my hamstring and it hurts when I sit", "aggravators", "sitting"),
    ("What could cause terrible pains in my sit bone?", "pain_location", "sit_bone"),
])
def test_an_examination_or_a_question_of_causes_keeps_the_other_findings(text, field, value):
    found = read_message(text)[field]
    assert value in (found if isinstance(found, list) else [found])


def test_this_year_or_last_is_no_time_long_ago():
    import datetime
    year = datetime.date.today().year
    assert "bladder_bowel_change" in read_message(f"Since my fall in {year} I can't control my bladder")["red_flags"]


def test_the_continence_nurse_is_no_incontinence():
    assert not read_message("the continence nurse said my pelvic floor is fine").get("red_flags")


@pytest.mark.parametrize("text, days", [
    ("it happened tonight", 0), ("it just happened", 0), ("about an hour ago", 0),
    ("it has hurt for 6 weeks since my last marathon", 42),
])
def test_a_start_tonight_or_just_now_is_today_and_a_time_told_for_the_pain_counts(text, days):  # round twenty-six
    assert read_message(text, "duration_days")["duration_days"] == days


@pytest.mark.parametrize("text", ["It's been a tad over 6 weeks since my last run and symptoms are still hanging on",
                                  "By tonight, some 24 hours after the accident, I have bruising"])
def test_a_time_since_the_last_run_or_by_tonight_is_not_how_long_it_has_hurt(text):  # round twenty-six, r1045
    assert read_message(text).get("duration_days") is None


@pytest.mark.parametrize("text", ["I couldn’t move my toes, or flex my foot up or down",  # r1068, round twenty-seven
                                  "since the epidural I'm unable to wiggle my toes",
                                  "my left leg is paralysed and has lost feeling",  # r1038
                                  "the paralysis in my right leg"])
def test_a_foot_or_toes_that_will_not_move_or_a_paralysed_leg_is_leg_weakness_asked_once(text):
    reading = shared_reader().reading(text)
    assert "leg_weakness" in reading.possible.get("neuro_symptoms", [])


@pytest.mark.parametrize("text", ["can't move my ankle in the boot, fractured fibula 6 weeks ago",
                                  "in yoga I struggle to flex my foot properly, my hamstrings are so tight",
                                  "I'm scared I'll be paralysed in my legs like my friend",
                                  "I can't move my knee past my foot in a lunge without pain high in the hamstring"])
def test_a_cast_a_stretch_or_a_fear_of_paralysis_is_no_clear_weakness(text):  # a fresh-eyes review
    assert "leg_weakness" not in (read_message(text).get("neuro_symptoms") or [])


@pytest.mark.parametrize("asked", [None, "neuro_symptoms"])
@pytest.mark.parametrize("text", ["I can't pull my foot up towards me anymore", "there's no movement in my foot"])
def test_a_dropped_foot_told_by_what_it_will_not_do_is_leg_weakness_asked_once_never_a_denial(text, asked):
    # twenty-third session, an attacker's misses: "my foot" inside them was read as pain below the
    # knee denied, which to the nerve question said "none of these"
    reading = shared_reader().reading(text, asked=asked)
    assert "leg_weakness" in reading.possible.get("neuro_symptoms", [])
    assert "pain_below_knee" not in (reading.findings.get("neuro_symptoms") or [])
    assert reading.findings.get("onset") is None  # "pull my" is no pulled muscle here


@pytest.mark.parametrize("text", ["My foot won't come up, it just hangs there", "I can't point my toes up",
                                  "my legs just wouldnt support me", "my leg won't hold me"])
def test_a_foot_that_will_not_come_up_or_legs_that_will_not_hold_me_are_weakness_asked_once(text):  # an attacker's misses
    assert "leg_weakness" in shared_reader().reading(text).possible.get("neuro_symptoms", [])


@pytest.mark.parametrize("text", ["my legs wouldn't support me after too many beers lol",
                                  "My old knees couldn't support me in a marathon anymore so I switched to cycling",
                                  "I can't lift my big toe since the bunion surgery"])
def test_legs_that_would_not_support_me_after_beers_or_a_marathon_are_no_clear_weakness(text):  # an attacker's false alarms
    assert "leg_weakness" not in (read_message(text).get("neuro_symptoms") or [])


@pytest.mark.parametrize("text", ["I can't lift my foot up onto the bench without pain",
                                  "I can't lift my foot in the cast"])
def test_a_foot_that_will_not_lift_only_for_the_pain_is_weakness_asked_once(text):
    reading = shared_reader().reading(text)
    assert "leg_weakness" not in (reading.findings.get("neuro_symptoms") or [])
    assert "leg_weakness" in reading.possible.get("neuro_symptoms", [])


def test_paralysed_from_the_waist_down_asks_about_both_legs():
    assert "both_legs" in shared_reader().reading("I was paralysed from the waist down").possible.get("red_flags", [])


def test_cycling_bibs_from_the_waist_down_are_no_sign():
    assert not shared_reader().reading("I wear cycling bibs from the waist down").possible


def test_a_leg_paralysing_with_pain_is_no_weakness():
    assert "leg_weakness" not in (read_message("the pain in my leg was paralysing").get("neuro_symptoms") or [])


@pytest.mark.parametrize("text", ["no pop; a bruised hip; I could walk",  # r817
                                  "a nasty hematoma on my hip; no pop; I can walk"])  # r1074
def test_a_bruise_on_the_hip_after_an_injury_is_asked_about_once(text):
    reading = shared_reader().reading(text, asked="injury_signs")
    assert "bruising" in reading.possible.get("injury_signs", [])


@pytest.mark.parametrize("text", ["bruising around my sit bone", "yes, a big bruise on my sit bone"])
def test_a_bruise_on_the_sit_bone_to_the_injury_question_is_bruising(text):  # an attacker's miss
    assert "bruising" in shared_reader().reading(text, asked="injury_signs").findings["injury_signs"]


def test_sit_bones_bruised_by_the_saddle_in_a_story_are_still_no_injury():
    assert not read_message("my sit bones are bruised after the sportive").get("injury_signs")


@pytest.mark.parametrize("text", ["just bruised sit bones from the saddle, nothing else", "no, only bruised sit bones after long rides"])
def test_sit_bones_bruised_by_the_saddle_to_the_injury_question_are_no_bruise(text):  # an attacker's false alarm
    assert shared_reader().reading(text, asked="injury_signs").findings["injury_signs"] == []


def test_a_bruise_of_the_elbow_is_still_no_sign_of_the_thigh():
    reading = shared_reader().reading("no pop; a bruised elbow; I could walk", asked="injury_signs")
    assert "bruising" not in reading.possible.get("injury_signs", []) + reading.findings.get("injury_signs", [])


def test_a_list_of_what_hurts_keeps_sitting_and_tells_no_trouble_walking():  # a fresh-eyes review
    found = read_message("I can't sit, stand or walk for long")
    assert "sitting" in found["aggravators"] and not found.get("injury_signs")


def test_a_message_read_again_gives_the_same_reading_and_a_changed_copy_changes_nothing():
    reader = shared_reader()
    first = reader.reading("I can't control my bladder and my sit bone hurts", asked=None)
    first.findings["red_flags"].append("fever")
    first.possible["injury_signs"] = ["pop"]
    again = reader.reading("I can't control my bladder and my sit bone hurts", asked=None)
    assert again.findings["red_flags"] == ["bladder_bowel_change"] and "injury_signs" not in again.possible
    assert reader.reading("I can't control my bladder and my sit bone hurts", asked="red_flags") is not again


# --- round twenty-eight (r1103-r1125), read before any change, then these mends ----------------

@pytest.mark.parametrize("text", ["I started to have shooting pains down the back of leg to top of calf",  # r1121
                                  "the pain shoots into my foot"])
def test_pain_shooting_to_the_top_of_the_calf_or_into_the_foot_goes_below_the_knee(text):
    assert "pain_below_knee" in read_message(text)["neuro_symptoms"]


@pytest.mark.parametrize("text", ["My pain goes from the hamstring to the calf muscles when I stretch",
                                  "Foam rolling from my glutes to the calf helps",
                                  "a shooting pain along the sole of my foot from plantar fasciitis"])
def test_a_stretch_to_the_calf_or_a_sore_sole_goes_nowhere_below_the_knee(text):  # an attacker's false alarms
    assert "pain_below_knee" not in (read_message(text).get("neuro_symptoms") or [])


def test_the_gluteus_is_the_buttock_and_the_gluteus_medius_the_outer_hip():  # r1120, an attacker's
    assert read_message("it lodged in my gluteus muscle and the back of my thigh")["pain_location"] == "buttock"
    assert read_message("gluteus minimus tendinopathy, pain on the side of my hip")["pain_location"] == "outer_hip"


@pytest.mark.parametrize("text", ["better, it was hurting more before the injection",
                                  "it got so bad over the last month but since physio it's way better"])
def test_pain_that_was_worse_before_is_no_worsening(text):  # an attacker's: the trend words added were taken out
    assert shared_reader().reading(text, asked="trend").findings.get("trend") != "worse"


@pytest.mark.parametrize("text", ["I literally could barely put one foot in front of the other",  # r1114
                                  "it was impossible for me to walk back the 2 miles to the house"])
def test_trouble_walking_told_by_steps_is_trouble_walking(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


@pytest.mark.parametrize("text", ["I use the wall for support when I do my hamstring stretch",
                                  "it is impossible to walk past a bakery without buying something lol"])
def test_a_wall_in_a_stretch_or_a_bakery_is_no_trouble_walking(text):  # an attacker's false alarms
    assert not read_message(text).get("injury_signs")


def test_a_slow_walk_to_the_hall_is_no_gradual_start():  # r1125
    assert read_message("something twisted and BAM, then I gradually made it to the hall")["onset"] == "sudden"


@pytest.mark.parametrize("text", ["even my knees couldn't support me either", "my legs wouldn't hold me up"])  # r1123, r826
def test_legs_or_knees_that_would_not_support_me_are_leg_weakness_asked_once(text):
    assert "leg_weakness" in shared_reader().reading(text).possible["neuro_symptoms"]


@pytest.mark.parametrize("asked", [None, "neuro_symptoms"])
def test_a_leg_that_feels_it_will_give_way_is_still_weakness(asked):  # an attacker's: not hidden as a feeling
    reading = shared_reader().reading("none of those, apart from my leg going to give way when I stand", asked=asked)
    assert "leg_weakness" in reading.findings["neuro_symptoms"]


def test_a_pulled_muscle_asked_about_is_no_sudden_start():  # r1122
    assert read_message("It hurt to sit down. Did I pull a muscle in my bum?").get("onset") is None


@pytest.mark.parametrize("text", ["sitting was impossible and CA drove me to Immediate Care",  # r1117
                                  "the tablets have killed my sex drive and my bum aches when I sit"])
def test_being_driven_to_hospital_or_a_sex_drive_is_no_driving(text):
    assert "driving" not in (read_message(text).get("aggravators") or [])


@pytest.mark.parametrize("text, asked", [("I've lost my sex drive and it hurts to drive", None),
                                         ("sex driving and long walks make it worse", "aggravators")])
def test_driving_beside_a_sex_drive_still_hurts(text, asked):
    assert "driving" in read_message(text, asked).get("aggravators")


@pytest.mark.parametrize("text", ["I was wheeled by another cyclist from behind and taken out",  # r1107
                                  "I was taken out by a car at the roundabout"])
def test_taken_out_by_another_rider_asks_about_a_major_impact(text):
    assert "major_trauma" in shared_reader().reading(text).possible.get("red_flags", [])


@pytest.mark.parametrize("text", ["the pain went down my leg during the race", "he took me out for dinner in his car",
                                  "We got taken out for dinner by the bunch after the ride", "the car journey wiped me out",
                                  "The van ride to the race wiped me out"])
def test_a_race_a_night_out_or_a_tiring_journey_is_no_impact(text):
    reading = shared_reader().reading(text)
    assert "major_trauma" not in reading.possible.get("red_flags", []) + (reading.findings.get("red_flags") or [])


def test_a_race_against_my_son_leaves_the_sharp_pain_mine():  # r1105
    assert read_message("I started racing my son and got a sharp pain from my hamstrings")["onset"] == "sudden"


def test_reading_about_tumours_is_no_cancer_history():  # r1113's own answer
    found = shared_reader().reading("no; I did read about tumours at the base of the spine, but nothing else is wrong",
                                    asked="red_flags").findings
    assert found["red_flags"] == []


def test_legs_denied_weak_that_the_pain_buckles_are_no_weakness():  # r1125's own answer
    found = shared_reader().reading("no numbness; my legs aren't weak, the pain buckles me", asked="neuro_symptoms").findings
    assert "leg_weakness" not in found["neuro_symptoms"]


@pytest.mark.parametrize("asked, text, field, value", [
    ("onset", "a sharp pain when I raced my son down the street on Wednesday", "onset", "sudden"),  # r1105
    ("aggravators", "any kind of speed", "aggravators", ["sprinting"]),  # r1105
    ("pain_location", "the outside of my right thigh", "pain_location", "other"),  # r1113
])
def test_round_twenty_eight_answers_in_own_words(asked, text, field, value):
    assert shared_reader().reading(text, asked=asked).findings[field] == value


def test_an_old_pull_told_to_what_changed_is_noted_and_no_sudden_start():  # r1030 looped on it
    reader = shared_reader()
    answer = "I'd pulled my hamstring twice this season"
    assert reader.reading(answer, asked="load_changes").findings.get("onset") is None
    assert reader.unlisted_named("load_changes", answer)


@pytest.mark.parametrize("text", ["speed bumps in the car", "driving at speed"])
def test_speed_bumps_or_driving_at_speed_are_no_sprinting(text):  # round twenty-eight's "any kind of speed", narrowed
    assert "sprinting" not in (shared_reader().reading(text, asked="aggravators").findings.get("aggravators") or [])


# --- round twenty-nine, and the last session's attacker (issue 19) ------------------------------

@pytest.mark.parametrize("text", ["BENIGN LEG TUMOR (my personal favorite).", "they found a benign tumour in my thigh",
                                  "it was a benign growth", "a non-cancerous tumour on my spine"])
def test_a_benign_tumour_is_no_cancer_history(text):  # r1148
    assert "cancer_history" not in possible_or_stated(text)


def test_a_cancer_told_beside_a_benign_tumour_is_still_read():
    assert "cancer_history" in read_message("I had breast cancer and now a benign tumour in my leg")["red_flags"]


@pytest.mark.parametrize("text", ["After the first few strides this morning I was ready to call it",  # r1172
                                  "I could run a few strides and then it hurt", "it hurts when I lengthen my stride"])
def test_a_runners_strides_are_no_speed_work(text):
    findings = read_message(text)
    assert "more_speed" not in (findings.get("load_changes") or []) and "sprinting" not in (findings.get("aggravators") or [])


def test_strides_as_a_drill_are_still_speed_work():
    assert "more_speed" in read_message("I did strides after my run and felt it go")["load_changes"]


@pytest.mark.parametrize("text", ["I slipped on the stairs", "I fell on the stairs and landed on my bum",
                                  "a friend ran into me at the car park", "I was taken down by a rugby tackle",
                                  "another cyclist clipped my wheel from behind"])
def test_a_fall_on_the_stairs_or_a_knock_from_a_person_is_asked_once_as_major_trauma(text):
    reading = shared_reader().reading(text)
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])
    assert "major_trauma" in reading.possible["red_flags"]


@pytest.mark.parametrize("text", ["I fell down the stairs", "She thinks I fell hard on the stairs and I can't sit.",
                                  "a car ran into me at the lights", "a van clipped my back wheel and I went down",
                                  "I fell in the car park and broke my hip"])
def test_a_fall_down_the_stairs_or_a_vehicle_is_major_trauma(text):
    assert "major_trauma" in read_message(text)["red_flags"]


@pytest.mark.parametrize("asked", [None, "onset"])
def test_a_fall_on_the_stairs_names_no_stairs_that_hurt(asked):  # r079's "suddenly, slipping on the stairs"
    assert "stairs" not in (shared_reader().reading("suddenly, slipping on the stairs", asked=asked).findings.get("aggravators") or [])


def test_tackling_exercises_is_no_tackle():  # r700
    assert "major_trauma" not in possible_or_stated("I am tackling a few more exercises that I wasn't able to do")


@pytest.mark.parametrize("text", ["the pain radiates to my shin", "it spreads to my calf", "it goes down to my shins"])
def test_pain_radiating_to_the_shin_or_calf_goes_below_the_knee(text):
    assert "pain_below_knee" in read_message(text)["neuro_symptoms"]


@pytest.mark.parametrize("text", ["no; the leg tumour is benign, I've never had cancer; no night pain, no weight loss",  # r1148
                                  "the lump was benign"])
def test_a_tumour_said_to_be_benign_to_the_safety_question_is_no_cancer_history(text):
    assert "cancer_history" not in (shared_reader().reading(text, asked="red_flags").findings.get("red_flags") or [])


@pytest.mark.parametrize("text", ["the tumour is not benign", "the tumour was benign but the second one was cancer",
                                  "they thought it was a benign tumour but it turned out to be cancer"])
def test_a_tumour_that_is_not_benign_is_still_cancer_history(text):
    assert "cancer_history" in shared_reader().reading(text, asked="red_flags").findings["red_flags"]


def test_a_fall_a_long_time_ago_is_asked_whether_this_pain_began_with_it():  # r708
    reading = shared_reader().reading("the fall on the stairs was a long time ago; no fever", asked="red_flags")
    assert "major_trauma" not in reading.findings["red_flags"] and "major_trauma" in reading.possible["red_flags"]


@pytest.mark.parametrize("asked, text", [(None, "a friend ran into me at the car park"), (None, "I was taken down by a rugby tackle"),
                                         (None, "another cyclist clipped my wheel from behind"), ("onset", "I got tackled")])
def test_a_knock_only_possibly_major_still_tells_a_sudden_start(asked, text):
    # a major fall or accident implies a sudden start; one only asked about must tell it itself
    assert shared_reader().reading(text, asked=asked).findings["onset"] == "sudden"


# --- a "didn't" that does not reach a later past, hopes and what could have happened (issue 19) ----


@pytest.mark.parametrize("text", ["I didn't appreciate that fact and went down hard",  # r1139
                                  "I didn't see the step and went down hard"])
def test_a_didnt_does_not_reach_a_past_told_after_and(text):
    # "didn't" takes a bare verb: "went" after "and" is a new statement, and the fall happened
    assert "major_trauma" in possible_or_stated(text)


def test_a_didnt_does_not_reach_a_past_fall_off_a_bike():
    assert "major_trauma" in read_message("I didn't see the ice and fell off my bike at speed")["red_flags"]


@pytest.mark.parametrize("text", ["I didn't fall and hit my head", "I never slipped and fell",
                                  "I didn't lose control of my bladder and was fine"])
def test_a_denial_still_reaches_a_bare_verb_after_and(text):
    # "didn't fall and hit" denies both; "never" takes a past form, so it still reaches "fell"
    reading = shared_reader().reading(text)
    assert not reading.findings.get("red_flags") and not reading.possible.get("red_flags")


@pytest.mark.parametrize("text, sign", [
    ("I fell off my bike, hoping I at least end up with a nice bruise", "bruising"),  # r1145
    ("I'm scared it will get to the point where I can't walk", "difficulty_walking"),
    ("the physio lent me a pair just in case I need crutches", "difficulty_walking"),
    ("it could have been much worse--I could have tumbled head over heels, broken my neck", "major_trauma"),  # r1029
])
def test_a_sign_hoped_for_feared_or_that_could_have_happened_is_asked_once(text, sign):
    reading = shared_reader().reading(text)
    field = "red_flags" if sign == "major_trauma" else "injury_signs"
    assert sign not in (reading.findings.get(field) or []) and sign in reading.possible[field]


@pytest.mark.parametrize("text, sign", [("I'm hoping I haven't lost control of my bladder", "bladder_bowel_change"),
                                        ("hope it's not a clot in my calf", "calf_swelling"),
                                        ("I hope I'm not losing feeling down there", "saddle_numbness")])
def test_a_sign_hoped_away_is_asked_once_not_denied(text, sign):
    assert sign in shared_reader().reading(text).possible["red_flags"]


def test_a_hope_for_relief_keeps_the_place_told():  # r1143's "hoping for a break from the spasm ... my lower back"
    assert read_message("hoping for a break from the spasm that had overtaken my lower back")["pain_location"] == "low_back"


def test_a_fear_of_the_present_going_on_is_still_stated():
    assert "difficulty_walking" in read_message("scared it will stay like this, I can't walk")["injury_signs"]


@pytest.mark.parametrize("text", ["My entire leg from my buttocks to my feet would suddenly go numb",  # r998
                                  "my left leg is numb down to my feet"])
def test_feet_or_toes_at_the_end_of_one_leg_ask_once_about_both_legs(text):
    reading = shared_reader().reading(text)
    assert "both_legs" not in (reading.findings.get("red_flags") or []) and "both_legs" in reading.possible["red_flags"]
    assert "numbness" in reading.findings["neuro_symptoms"]


@pytest.mark.parametrize("text", ["my feet go numb", "both my legs are numb down to my feet",
                                  "my leg hurts and my feet are numb", "I can't feel the toes on either foot"])
def test_numb_feet_not_told_of_one_leg_are_both_legs(text):
    assert "both_legs" in read_message(text)["red_flags"]


@pytest.mark.parametrize("text", ["my bowels have been erratic since chemo", "I have IBS and I've lost control of my bowels"])
def test_a_bowel_change_told_with_its_own_illness_or_chemotherapy_is_asked_once(text):
    reading = shared_reader().reading(text, asked="red_flags")
    assert "bladder_bowel_change" not in reading.findings.get("red_flags", []) and "bladder_bowel_change" in reading.possible["red_flags"]


def test_chemotherapy_explains_no_bladder_change():
    assert "bladder_bowel_change" in read_message("I had chemo last year and now I can't control my bladder")["red_flags"]


@pytest.mark.parametrize("text", ["I shuffle around like a cruel caricature of a little old man",  # r1196
                                  "I limped down the stairs like an old lady", "I'm limping like a 90 year old"])
def test_a_gait_told_as_a_likeness_is_asked_once(text):
    reading = shared_reader().reading(text)
    assert "difficulty_walking" not in (reading.findings.get("injury_signs") or [])
    assert "difficulty_walking" in reading.possible["injury_signs"]


@pytest.mark.parametrize("text", ["I couldn't walk, I had to be carried like a baby", "I can't walk, it's like being stabbed",
                                  "I was limping. I felt like an old man"])
def test_trouble_walking_beside_another_likeness_is_stated(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


def test_winded_by_a_fall_asks_once_about_chest_symptoms():  # r1188
    text = "I got the breath knocked out of me and as I was lying on the ground gasping for air, I thought I might die"
    reading = shared_reader().reading(text)
    assert "chest_symptoms" not in (reading.findings.get("red_flags") or []) and "chest_symptoms" in reading.possible["red_flags"]


def test_legs_that_physically_give_out_ask_about_both_legs():  # r1192
    reading = shared_reader().reading("when I try, my legs physically give out")
    assert "leg_weakness" in reading.findings["neuro_symptoms"] and "both_legs" in reading.possible["red_flags"]


def test_a_bruise_on_the_calf_is_no_bruising_of_the_thigh():  # r1187
    assert "bruising" not in possible_or_stated("I now have a huge purple bruise on my right calf", "injury_signs")
    assert "bruising" in read_message("bruising from my thigh down to my calf")["injury_signs"]


def test_not_getting_up_in_time_is_no_trouble_walking():  # r1187
    assert "difficulty_walking" not in possible_or_stated("I was sitting on my chair and couldn't get up in time", "injury_signs")


@pytest.mark.parametrize("text", ["Within 2 miles the slight pain had turned into a teeth gritting limp",  # r1177
                                  "occasional tightness whilst running for the last 2 or 3 weeks, it became more painful and frequent"])  # r1194
def test_a_pain_that_grew_into_more_is_a_gradual_start(text):
    assert read_message(text)["onset"] == "gradual"


@pytest.mark.parametrize("text", ["they got sore over the seven-mile cattle move today", "it got sore during the ride"])  # r1182
def test_sore_over_an_outing_answers_a_gradual_start(text):
    assert shared_reader().reading(text, asked="onset").findings["onset"] == "gradual"


@pytest.mark.parametrize("text", ["no; the fall off a horse was when I was under two",  # r1180
                                  "I had a bad fall as a toddler", "I flew off the top of a draft horse before I was two years old."])
def test_a_fall_in_early_childhood_is_asked_whether_this_pain_began_with_it(text):
    reading = shared_reader().reading(text, asked="red_flags")
    assert "major_trauma" not in (reading.findings.get("red_flags") or []) and "major_trauma" in reading.possible["red_flags"]


@pytest.mark.parametrize("text", ["I fell over, and was unable to get up.",  # r564
                                  "my general inability to sit, stand, walk, move",  # r1034
                                  "Leaning on the bed, then the walls for support I gradually made it to the hall",  # r1125
                                  "I had to use the walls to get to the bathroom"])
def test_trouble_walking_told_by_what_it_took_is_read(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


def test_every_time_i_tried_to_stand_asks_once_about_trouble_walking():  # r1143
    assert "difficulty_walking" in shared_reader().reading("every time I tried to stand, I was shocked with another spasm").possible["injury_signs"]


@pytest.mark.parametrize("text", ["trying to stand up was excruciating", "I tried to get up early to run",
                                  "an inability to stand on my left toes"])  # r432, r856: pain on rising, a weak calf
def test_standing_up_that_hurts_or_tiptoes_are_no_trouble_walking(text):
    assert "difficulty_walking" not in (read_message(text).get("injury_signs") or [])


# --- a helper's attack on cauda equina false alarms and misses (twenty-fifth session) -------------


@pytest.mark.parametrize("text", ["I don't get the feeling that I need to go any more", "I don't feel it when I need a poo now",
                                  "not really any sensation when I wipe", "no urge to go at all lately, I just go every few hours to be safe",
                                  "none of my pee comes out properly", "I don't notice when I've leaked",
                                  "I've been a bit leaky since Sunday", "sort of, down there feels muffled"])
def test_an_answer_to_the_safety_list_that_tells_a_sign_in_a_negation_is_no_none(text):
    reading = shared_reader().reading(text, asked="red_flags")
    assert reading.findings["red_flags"] or reading.possible.get("red_flags")


@pytest.mark.parametrize("text, sign", [
    ("I keep finding I've leaked without knowing", "bladder_bowel_change"),
    ("I got to the loo and realised I was already wet, didn't feel it coming", "bladder_bowel_change"),
    ("my peeing has gone all weird since the weekend, stop start and slow", "bladder_bowel_change"),
    ("when I wipe it feels like wiping through a thick glove", "saddle_numbness"),
    ("Down there feels like it's asleep", "saddle_numbness"),
    ("toilet paper feels weird down there, like it's not my skin", "saddle_numbness"),
])
def test_a_cauda_equina_sign_told_by_what_happens_is_read(text, sign):
    assert sign in read_message(text)["red_flags"]


def test_a_no_that_does_not_tell_of_feeling_is_still_none():
    for text in ["no changes to peeing or pooing", "nothing wrong down there", "none of them, my nan had bowel cancer"]:
        reading = shared_reader().reading(text, asked="red_flags")
        assert reading.findings["red_flags"] == [] and not reading.possible.get("red_flags"), text


@pytest.mark.parametrize("asked, text", [
    ("red_flags", "bladder control same as always"), ("red_flags", "bowel control no different to before"),
    ("red_flags", "my bladder control is as good as it ever was"), ("red_flags", "pee and poo all normal thanks"),
    ("red_flags", "sensation down below is the same as usual"), (None, "Bladder control is the same as it always was"),
])
def test_a_sign_said_to_be_as_it_always_was_is_denied(asked, text):
    reading = shared_reader().reading(text, asked=asked)
    assert not (reading.findings.get("red_flags") or reading.possible.get("red_flags"))


@pytest.mark.parametrize("text", [
    "Did a 100k sportive on Sunday and my bits went completely numb on the saddle, fine an hour later.",
    "Is numbness between the legs a sign of something serious?",
    "Is it normal to feel numb between the legs after sitting on a hard bench?",
])
def test_saddle_numbness_gone_after_the_ride_or_asked_about_is_asked_once(text):
    reading = shared_reader().reading(text)
    assert "saddle_numbness" not in (reading.findings.get("red_flags") or []) and "saddle_numbness" in reading.possible["red_flags"]


@pytest.mark.parametrize("text", [
    "The antidepressants make it hard to start peeing sometimes, my GP knows.",
    "I couldn't go for a poo on holiday for 4 days, always happens when I travel",
    "My elderly dog has lost bladder control, carrying him up the stairs hurt my sit bone",
    "A woman on the PHT facebook group said she lost bladder control, is that common?",
])
def test_a_bladder_or_bowel_change_with_an_ordinary_cause_or_of_another_is_asked_once_at_most(text):
    assert "bladder_bowel_change" not in (read_message(text).get("red_flags") or [])


@pytest.mark.parametrize("text", ["Nearly pooped myself when the hamstring went ping during my sprint",
                                  "The deadlift was so heavy I thought I'd poop myself, then my hamstring went",
                                  "That scan result nearly made me wet myself with relief"])
def test_a_fright_or_effort_idiom_is_no_bowel_or_bladder_sign(text):
    assert "bladder_bowel_change" not in possible_or_stated(text)


@pytest.mark.parametrize("text", ["My legs were numb with cold after the winter parkrun",
                                  "I have MS so my legs are always a bit numb, this hamstring pain is new"])
def test_both_legs_numb_with_an_everyday_cause_is_asked_once(text):
    assert "both_legs" not in (read_message(text).get("red_flags") or [])


@pytest.mark.parametrize("text", ["I've lost control of my bladder since the weekend", "my bits went numb on the saddle and it's still numb now",
                                  "I can't feel when I wipe, and my legs are weak"])
def test_a_cauda_equina_sign_without_an_ordinary_cause_is_still_an_emergency(text):
    assert set(read_message(text)["red_flags"]) & {"bladder_bowel_change", "saddle_numbness", "both_legs"}


def test_numbness_between_the_legs_on_the_bike_is_still_the_sign():
    # policy v3 names no cause that excuses it (a question for the clinical lead, in the note)
    assert "saddle_numbness" in read_message("My junk goes numb on my road bike after about 2 hours")["red_flags"]


def test_a_symptom_as_it_always_was_is_still_there():
    text = "no; the numbness is the same as always, nothing between my legs, and the bathroom is normal"  # r943
    assert shared_reader().reading(text, asked="red_flags").findings["neuro_symptoms"] == ["numbness"]
    assert read_message("I can still run OK")["sport"] == "running"  # r375: "OK" after an activity denies no sport


def test_a_wet_patch_on_the_floor_or_pull_ups_at_the_gym_are_no_bladder_sign():  # r1178's answer to onset
    assert "bladder_bowel_change" not in possible_or_stated("I slipped on a wet patch on the bathroom tiles and fell hard")
    assert "bladder_bowel_change" not in possible_or_stated("I went back to pull-ups at the gym")


@pytest.mark.parametrize("text", ["For the first week walking was out of the question", "walking became almost impossible by the evening",
                                  "I can't put my weight on it", "I couldn't put much weight on my left foot",
                                  "hip to toe on my right side is now unbearable to put weight through the joint",  # r1213
                                  "I could walk with the assistance of the walker"])  # r1215
def test_trouble_walking_told_with_walking_or_the_weight_as_its_subject(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


@pytest.mark.parametrize("text", ["walking was torture", "walking has been a real struggle", "getting around has been a challenge"])
def test_walking_told_as_hard_work_is_asked_about_once(text):
    assert "difficulty_walking" in reading(text).possible["injury_signs"]


@pytest.mark.parametrize("text", ["walking hurt and standing was impossible",  # r369: standing was
                                  "walking is fine but sitting is impossible", "walking wasn't a struggle at all",
                                  "The pain was slow and crawled up the back of my leg",  # r1066
                                  "It feels like the cancer is crawling up my spine"])  # r1216
def test_walking_beside_a_difficulty_of_something_else_is_no_trouble_walking(text):
    found = reading(text)
    assert "difficulty_walking" not in found.findings.get("injury_signs", []) + found.possible.get("injury_signs", [])


@pytest.mark.parametrize("text", ["my horse spooked and I came off", "the horse reared and I was thrown",
                                  "I was cycling to work. A car pulled out of a side road and I went straight into it.",
                                  "the bike slid out on the wet corner and I came off"])
def test_a_crash_told_over_two_clauses_of_a_sentence_is_asked_about_once(text):
    assert "major_trauma" in reading(text).possible["red_flags"]


@pytest.mark.parametrize("text", ["I nearly came off when my horse spooked", "we sold the car after it was wrecked",
                                  "my back went into spasms on the bike", "he took me out for dinner in his car",
                                  "I got off the bus and my leg hurt"])
def test_a_vehicle_beside_words_of_no_impact_is_no_crash(text):
    found = reading(text)
    assert "major_trauma" not in found.findings.get("red_flags", []) + found.possible.get("red_flags", [])


def test_a_hip_that_refuses_to_bear_the_person_is_asked_about_as_weakness():  # r1229
    found = reading("I can lose my balance as my hip just refuses to support my weight for a brief moment")
    assert "leg_weakness" in found.possible["neuro_symptoms"]
    assert "leg_weakness" in shared_reader().reading("my knees won't hold me up", asked="neuro_symptoms").possible["neuro_symptoms"]


def test_a_bruise_the_person_expects_is_asked_about_once():  # r1219
    found = reading("I got up and kept skating. I'm sure I'll have a bruise and be sore tomorrow")
    assert "bruising" not in found.findings.get("injury_signs", []) and "bruising" in found.possible["injury_signs"]


@pytest.mark.parametrize("text", ["bruising behind my knee", "a bruise behind my left knee"])
def test_bruising_behind_the_knee_is_the_blood_tracking_down(text):  # not "I bruised my knee"
    assert "bruising" in read_message(text)["injury_signs"]
    assert "bruising" not in read_message("I bruised my left knee").get("injury_signs", [])


def test_a_leg_that_will_not_hold_the_weight_is_no_gym():
    assert "sport" not in read_message("my leg won't hold my weight")
    assert read_message("I hit the weights three times a week")["sport"] == "gym"


@pytest.mark.parametrize("text", ["I fell from my bike going downhill", "I fell of my bike", "I fell downstairs carrying the washing",
                                  "I was thrown of my horse"])
def test_a_fall_told_with_from_of_or_downstairs_is_a_major_fall(text):
    assert "major_trauma" in read_message(text)["red_flags"]


def test_a_thing_that_fell_of_a_table_is_no_fall_of_the_person():  # r788
    assert "major_trauma" not in read_message("I bent over to pick up a note pad that fell of a table").get("red_flags", [])


@pytest.mark.parametrize("text", ["I could barley walk", "I coudn't walk", "i couldent walk"])
def test_trouble_walking_told_with_a_typo_of_barely_or_couldnt(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


@pytest.mark.parametrize("text", ["the PRP injection left a bruise on the back of my thigh",
                                  "I had cupping done and there's bruising on my hamstring"])
def test_a_bruise_told_with_a_treatment_that_leaves_one_is_asked_about_once(text):
    found = reading(text)
    assert "bruising" not in found.findings.get("injury_signs", []) and "bruising" in found.possible["injury_signs"]


@pytest.mark.parametrize("text", ["after the ultra I was hobbling around for 2 days, which always happens",
                                  "after 200 squats I could barely walk"])
def test_trouble_walking_after_an_event_that_leaves_legs_sore_is_asked_about_once(text):
    found = reading(text)
    assert "difficulty_walking" not in found.findings.get("injury_signs", []) and "difficulty_walking" in found.possible["injury_signs"]


def test_a_lunge_for_a_ball_is_no_soreness_after_exercise():  # r198: the injury itself
    found = read_message("I lunged for a perfectly hit tennis ball and felt sudden, severe pain. I was able to bear weight only with the help of a cane")
    assert "difficulty_walking" in found["injury_signs"]


@pytest.mark.parametrize("text, field, value", [
    ("the resistance band snapped and hit me in the face", "injury_signs", "pop"),
    ("a tyre popped on my bike", "injury_signs", "pop"),
    ("I snapped a photo of my leg to show the physio", "injury_signs", "pop"),
    ("the chair gave way and I was on the floor", "neuro_symptoms", "leg_weakness"),
    ("the ground gave way under me", "neuro_symptoms", "leg_weakness"),
    ("I buckled my seatbelt", "neuro_symptoms", "leg_weakness"),
])
def test_a_thing_that_snapped_popped_or_gave_way_is_no_sign(text, field, value):  # an attack, session 26
    found = reading(text)
    assert value not in found.findings.get(field, []) + found.possible.get(field, [])


@pytest.mark.parametrize("text, field, value", [
    ("my hamstring snapped", "injury_signs", "pop"), ("the tendon snapped", "injury_signs", "pop"),
    ("I ripped my left hamstring", "injury_signs", "pop"), ("there was a loud pop", "injury_signs", "pop"),
    ("I felt a pop the moment I kicked", "injury_signs", "pop"),
    ("my left leg gave way", "neuro_symptoms", "leg_weakness"), ("my leg suddenly gave way", "neuro_symptoms", "leg_weakness"),
    ("my leg just gave way", "neuro_symptoms", "leg_weakness"), ("my knee buckles on the stairs", "neuro_symptoms", "leg_weakness"),
])
def test_the_body_that_snapped_or_gave_way_is_still_the_sign(text, field, value):
    assert value in read_message(text)[field]


def test_something_that_gave_in_the_buttock_is_asked_about_as_a_pop_not_a_weak_leg():
    found = reading("something gave way high in my buttock when I lunged")
    assert "pop" in found.possible["injury_signs"] and "leg_weakness" not in found.findings.get("neuro_symptoms", [])


@pytest.mark.parametrize("text, field, value", [
    ("every time I sprint I'm waiting for it to pop", "injury_signs", "pop"),
    ("it feels like it could snap at any moment", "injury_signs", "pop"),
    ("my physio said I might feel a pop if it tears completely", "injury_signs", "pop"),
    ("the doctor said I may get some bruising after the injection", "injury_signs", "bruising"),
    ("I'm afraid my leg will buckle on the stairs", "neuro_symptoms", "leg_weakness"),
    ("will I need crutches?", "injury_signs", "difficulty_walking"),
    ("I worry about falling off my bike with it", "red_flags", "major_trauma"),
])
def test_a_sign_foretold_or_feared_is_asked_about_once(text, field, value):
    found = reading(text)
    assert value not in found.findings.get(field, []) and value in found.possible[field]


@pytest.mark.parametrize("text", ["I couldn't even make it up the stairs that night", "I barely made it home",
                                  "I had to lean on my mate to get back to the clubhouse"])
def test_a_place_barely_reached_is_asked_about_once_as_trouble_walking(text):
    assert "difficulty_walking" in reading(text).possible["injury_signs"]


@pytest.mark.parametrize("text", ["I can't get around without the crutches", "I couldn't weight-bear at all on that side",
                                  "couldn't weightbear for 3 days", "I was non-weight bearing for a week",
                                  "I couldn't put my foot to the floor", "I couldnt stand on it for days", "I could neither sit nor walk"])
def test_trouble_walking_told_by_the_weight_the_leg_takes(text):
    assert "difficulty_walking" in read_message(text)["injury_signs"]


@pytest.mark.parametrize("text", ["I made it home fine", "weight bearing exercise is good for bones",
                                  "I couldn't make it to the toilet in time"])
def test_a_place_reached_or_a_weight_borne_tells_no_trouble_walking(text):
    found = reading(text)
    assert "difficulty_walking" not in found.findings.get("injury_signs", []) + found.possible.get("injury_signs", [])


@pytest.mark.parametrize("text", ["I slipped on black ice and landed really hard on my bum", "came down heavily on my backside"])
def test_a_heavy_landing_on_the_bottom_is_asked_about_once_as_a_major_fall(text):
    assert "major_trauma" in reading(text).possible["red_flags"]


def test_a_crank_that_snapped_tells_a_sudden_start_not_a_pop():  # r749's answer
    found = shared_reader().reading("last night, when the crank snapped and I hit the road", asked="onset").findings
    assert found["onset"] == "sudden" and "pop" not in found.get("injury_signs", [])


@pytest.mark.parametrize("text, field, value", [
    ("I'm worried my nerves are damaged, numbness in both legs and I wet myself", "red_flags", "bladder_bowel_change"),
    ("afraid my hamstring has snapped - I heard a loud pop and couldn't walk", "injury_signs", "pop"),
    ("worried my partner will notice that I have no feeling down below", "red_flags", "saddle_numbness"),
    ("terrified my leg will give way again, it keeps giving way on the stairs", "neuro_symptoms", "leg_weakness"),
    ("after the parkrun I felt a pop and couldn't walk", "injury_signs", "difficulty_walking"),
    ("I'm worried my leg will give way so I use crutches and can't walk without them", "injury_signs", "difficulty_walking"),
    ("my gp wants me to have a blood test, I have a big purple bruise on the back of my thigh since I felt the pop",
     "injury_signs", "bruising"),
    ("the left one gave way", "neuro_symptoms", "leg_weakness"), ("my ham string snapped", "injury_signs", "pop"),
    ("I popped the top of my hamstring", "injury_signs", "pop"), ("I can't stand or walk far without crutches", "injury_signs", "difficulty_walking"),
])
def test_a_sign_stated_beside_a_fear_a_race_a_treatment_or_a_list_stays_stated(text, field, value):  # a fresh-eyes review
    assert value in read_message(text)[field]


@pytest.mark.parametrize("text", ["I have not had any trouble sitting, standing or walking", "I have trouble sitting and walking is the only thing that helps",
                                  "it's hard to sit, and walking eases it", "Impossible to sit and walking is ok-ish",
                                  "I struggle to sit and walking around helps", "non-weight bearing exercises like swimming"])
def test_walking_after_a_denial_or_in_a_clause_of_its_own_is_no_trouble_walking(text):  # a fresh-eyes review
    found = reading(text)
    assert "difficulty_walking" not in found.findings.get("injury_signs", []) + found.possible.get("injury_signs", [])


@pytest.mark.parametrize("text", ["my bottle fell from my bike", "my chain slipped and came of my bike", "I fell of the sofa"])
def test_a_thing_that_fell_or_a_fall_of_no_height_is_no_major_fall(text):  # a fresh-eyes review
    assert "major_trauma" not in read_message(text).get("red_flags", [])


@pytest.mark.parametrize("text, field, value", [
    ("I expected a bruise but nothing came out", "red_flags", "bladder_bowel_change"),
    ("I expected a bruise but nothing came out", "injury_signs", "bruising"),
    ("I looked for bruising but there was none", "injury_signs", "bruising"),
    ("I saw a car accident on the way to work", "red_flags", "major_trauma"),
    ("a bruising 10 mile run", "injury_signs", "bruising"), ("the bananas are bruised", "injury_signs", "bruising"),
    ("I can't walk and talk at the same time", "injury_signs", "difficulty_walking"),
    ("there are crutches in the cupboard from my son's injury", "injury_signs", "difficulty_walking"),
])
def test_a_word_of_a_sign_in_another_sense_is_no_sign(text, field, value):  # the attack's last false alarms
    assert value not in read_message(text).get(field, [])


def test_nothing_coming_out_is_retention_in_the_answer_to_the_safety_list_or_beside_the_bladder():
    assert "bladder_bowel_change" in shared_reader().reading("nothing comes out when I try to go", asked="red_flags").findings["red_flags"]
    assert "bladder_bowel_change" in read_message("I need to pee but nothing comes out")["red_flags"]


# --- a fresh attack on the reader, twenty-eighth session -------------------------------------

CAUDA_EQUINA = {"saddle_numbness", "bladder_bowel_change", "sexual_dysfunction", "both_legs"}


def signs_of(text, asked=None, fields=("red_flags", "injury_signs")):
    """The danger signs a message is read to state ("clear") or only possibly tell ("possible")."""
    told = reading(text, asked)
    found = {value: "clear" for field in fields for value in told.findings.get(field) or []
             if isinstance(told.findings.get(field), list)}
    found.update({value: "possible" for field in fields for value in told.possible.get(field, [])
                  if value not in found})
    return found


@pytest.mark.parametrize("text, sign", [
    ("I felt a sharp, sudden pop in the back of my leg", "pop"),  # "pop in my back" is no pop of the back of the leg
    ("when I wipe, I can't feel it", "saddle_numbness"),  # the comma after "when I wipe" ends no clause
    ("I can't get aroused down there since last week", "sexual_dysfunction"),  # its own "can't" denies nothing
    ("I've lost a bunch of weight, no idea why", "weight_loss"),  # the reason unknown: unexplained, no doubt
    ("the bruising goes all the way to my calf", "bruising"),  # spread, not a bruise of the calf
    ("a car knocked me over", "major_trauma"),
])
def test_a_sign_the_attack_found_missed_is_stated(text, sign):
    assert signs_of(text).get(sign) == "clear"


@pytest.mark.parametrize("text, sign", [
    ("I've had a fever, not sure why", "fever"),
    ("I've lost a bunch of weight, no idea why", "weight_loss"),
])
def test_a_sign_with_its_cause_unknown_answers_the_safety_question(text, sign):
    assert signs_of(text, "red_flags").get(sign) == "clear"


@pytest.mark.parametrize("text", [
    "I can't open my bowels", "my willy doesn't work anymore", "my legs won't go where I want them to",
    "the pain gets me up at night", "her bladder leaks",  # somebody else's: asked once whose
    "the temperature went up to 39 last night and I was shaking",  # "the" temperature: asked once whose
])
def test_a_sign_told_in_words_that_may_mean_it_is_asked_once(text):
    assert "possible" in signs_of(text).values()


@pytest.mark.parametrize("text", [
    "My bladder is fine, since you ask, it's just the sit bone",  # a gap never holds "fine"
    "I changed the saddle because my hands went numb",  # nor "because"; and hands are no saddle area
    "Bits of my fingers go numb on the bars",
    "The tent has been leaking since the storm",  # a thing leaks
    "Ran in Spain on holiday and the temperature was 30 degrees",  # the weather's temperature
    "The sea had a temperature of 14 degrees", "I took my temperature with a thermometer, it was 36.5, normal",
    "The kids had a fever",  # children are somebody else, but for the falls they share
    "Dead legs after leg day, normal, but this sit bone pain is different", "My legs were dead on the long run",
    "I can't come to training this week", "I can't finish since the pain starts at 5k",
    "My legs won't work till the caffeine kicks in", "Hoping to drop half a stone by summer", "I'm a Cancer, star sign wise",
    "I've got cabin fever from resting this hamstring", "I was stuck for two hours behind a traffic accident on the M6",
    "There was a loud crack of thunder just as I finished my run", "The car gives out every winter so I walk more",
    "The deckchair collapses under me every time, it's ancient", "I keep imagining I've snapped the tendon but I never felt a pop",
])
def test_words_the_attack_found_read_as_a_sign_are_none(text):
    assert signs_of(text) == {}


def test_a_strained_hamstring_is_a_sudden_start():
    assert reading("Recently I strained my hamstring by running a prep race").findings["onset"] == "sudden"
    assert "onset" not in reading("a strain").findings


@pytest.mark.parametrize("text", ["The shower goes hot and cold so I don't stay in long",  # the water's, most likely
                                  "I had a dream I fell off a cliff and woke up with my hamstring cramping"])
def test_a_sign_told_beside_a_harmless_cause_or_a_dream_is_asked_once(text):
    assert "possible" in signs_of(text).values()


def test_a_measured_fever_is_stated_whatever_is_beside_it():
    assert signs_of("I had a temperature of 39 at the start line") == {"fever": "clear"}
    assert signs_of("I was shivering at the start line in the rain") == {"fever": "possible"}


@pytest.mark.parametrize("text, sign", [
    # a fresh-eyes review of the day's change: each was lost by a rule or a not-finding of it
    ("When I wipe it feels like I'm wiping someone else's bum", "saddle_numbness"),
    ("I was in a road traffic accident on the M1 last month", "major_trauma"), ("Our car was hit by a lorry on the motorway", "major_trauma"),
    ("I've had a high temperature since March 2024", "fever"), ("I've had a temperature for 48hrs", "fever"),
    ("High temperature, I'm 67", "fever"), ("I've had a temperature every night around 11pm", "fever"),
    ("I fell 3 metres off a ladder and landed on my feet, now I can't walk", "major_trauma"),
    ("Both my feet have gone dead", "both_legs"), ("I've got pins and needles in the other leg now", "both_legs"),
    ("It felt like my hamstring snapped in half", "pop"), ("numbness in both legs on the plane", "both_legs"),
    ("Temperature: 39 last night", "fever"), ("I showed her bruising on the back of my thigh", "bruising"),
    ("In the bed I leaked urine without waking", "bladder_bowel_change"), ("I can't come since my back went", "sexual_dysfunction"),
])
def test_a_sign_the_review_found_lost_is_stated(text, sign):
    assert signs_of(text).get(sign) == "clear"


def test_a_temperature_told_as_the_answer_to_its_question_is_the_persons():
    assert signs_of("the temperature was 39", "red_flags") == {"fever": "clear"}


# --- the twenty-ninth session's two attacks: mixed answers to the safety questions, injury stories ---

@pytest.mark.parametrize("asked, text, sign", [
    ("red_flags", "no fever and both legs are numb", "both_legs"),  # "both legs are ..." a clause of its own
    ("red_flags", "no fever or weight loss and both my legs have gone numb", "both_legs"),
    ("red_flags", "none other than both legs going dead when I stand", "both_legs"),  # "other than" is "except"
    ("red_flags", "no, no, no... well the numbness round my privates I suppose", "saddle_numbness"),  # "no..." ends
    ("red_flags", "no to the legs. pins and needles in my bum cheeks and round my back passage though", "saddle_numbness"),
    ("red_flags", "I haven't got any of those except I can't feel the seat when I sit on the toilet", "saddle_numbness"),
    ("red_flags", "none though I was knocked over by a van", "major_trauma"),
    (None, "my mate had to fireman's lift me back to the car park", "difficulty_walking"),
    (None, "I was stretchered off and taken to A&E", "difficulty_walking"),
])
def test_a_sign_the_twenty_ninth_attacks_found_missed_is_stated(asked, text, sign):
    assert signs_of(text, asked).get(sign) == "clear"


@pytest.mark.parametrize("asked, text, sign", [
    ("red_flags", "nope. well, peeing has been a bit odd since sunday", "bladder_bowel_change"),
    ("red_flags", "Not really. Only that I keep dribbling after I go", "bladder_bowel_change"),
    ("red_flags", "none apart from things not working in the bedroom", "sexual_dysfunction"),
    ("red_flags", "not really, though it shoots into both legs when I cough", "both_legs_pain"),
    ("red_flags", "none of those apart from waking at night with it", "night_pain"),
])
def test_a_hedged_sign_in_a_mixed_answer_is_asked_once(asked, text, sign):
    assert signs_of(text, asked).get(sign) in {"clear", "possible"}


def test_a_place_list_between_a_feeling_and_the_saddle_keeps_them_together_but_another_clause_parts_them():
    assert "saddle_numbness" in read_message("pins and needles in my bum cheeks and round my back passage")["red_flags"]
    assert "both_legs" not in (read_message("numb in my bum and my legs ache").get("red_flags") or [])
    assert "both_legs" not in (read_message("I have no numbness in my bum and both legs").get("red_flags") or [])


@pytest.mark.parametrize("text", ["my foot is numb", "no tingling; numb on the outside of my foot",
                                  "none apart from tingles in my foot"])
def test_a_numb_or_tingling_foot_is_no_pain_below_the_knee(text):
    told = reading(text, "neuro_symptoms").findings["neuro_symptoms"]
    assert "pain_below_knee" not in told and {"numbness", "tingling"} & set(told)


@pytest.mark.parametrize("text", [
    "I've got so into reading about PHT, fell down a rabbit hole last night",
    "time went flying on the long run today", "a deep bruise-like ache at the sit bone",
    "sore bum cheek after a black run skiing", "I've been running around like a blue-arsed fly",
])
def test_an_idiom_of_the_injury_stories_is_no_sign(text):
    assert not {sign for sign, how in signs_of(text).items() if how == "clear"}


@pytest.mark.parametrize("asked, text, sign", [
    ("red_flags", "nope except I had 38.9 last night", "fever"),  # a fever's figure with its tenths
    ("red_flags", "no fever - oh actually I was 38.2 this morning", "fever"),
    ("red_flags", "not cancer as far as I know, but I've dropped loads of weight for no reason", "weight_loss"),
    ("injury_signs", "no sound at all, although there's a dark purple patch on my thigh", "bruising"),
    (None, "a big black mark on the back of my thigh", "bruising"),  # the thigh's own "back of" parts nothing
    (None, "a purple welt under my butt", "bruising"),
    (None, "my whole arse cheek was black and purple for a fortnight", "bruising"),
    (None, "I fell off the chairlift from about 4 metres up and landed on my bum", "major_trauma"),
    (None, "Tripped at the top and went down the entire staircase on my back", "major_trauma"),
])
def test_a_sign_of_the_attacks_second_look_is_stated(asked, text, sign):
    assert signs_of(text, asked).get(sign) == "clear"


@pytest.mark.parametrize("text", ["weight, no change", "saddle, no", "temp, normal"])
def test_an_item_named_then_denied_after_a_comma_is_denied(text):  # a fresh-eyes review
    assert not reading(text, "red_flags").possible.get("red_flags")


@pytest.mark.parametrize("text", ["no, my temp was 36.8", "none, I ran 38.5 miles last week", "no, I didn't have 38.9",
                                  "no, my son had 39.2", "none, I work a 37.5 hour week", "no, it was 38.5 degrees in Spain",
                                  "my parkrun was 39.2 though"])
def test_a_figure_that_is_no_fever_tells_none(text):
    assert "fever" not in (reading(text, "red_flags").findings.get("red_flags") or [])


@pytest.mark.parametrize("text", ["heard a crunch in my left glute as I went for the ball",
                                  "there was a tearing noise from my hamstring"])
def test_a_sound_told_of_the_hamstring_or_buttock_is_asked_about(text):
    assert signs_of(text).get("pop") == "possible"


@pytest.mark.parametrize("text", ["I heard a crunch when I sat on my glasses", "the branch went crack and I fell",
                                  "a tearing noise from the velcro as I took my brace off"])
def test_a_sound_of_a_thing_is_no_pop(text):
    assert "pop" not in signs_of(text)


@pytest.mark.parametrize("asked, text", [
    ("red_flags", "no… fever"), ("red_flags", "no... weakness in both legs"), ("injury_signs", "no... bruising"),
    ("red_flags", "I don't think my bum and both legs are numb"),
    ("red_flags", "I haven't noticed any numbness in my bottom and both legs going weak"),
])
def test_a_hesitant_or_whole_sentence_denial_still_denies(asked, text):
    assert not signs_of(text, asked)


@pytest.mark.parametrize("text", ["numb calf, sharp shooting feeling", "my calf is numb, it hurts",
                                  "my foot is numb and my calf is killing me", "tingling in my foot, sciatica all the way",
                                  "numb and sore down to my foot", "My calf is numb. It really hurts too.",
                                  "numbness down the outside of my calf"])
def test_a_numb_place_with_pain_told_beside_it_or_reached_is_still_below_the_knee(text):
    assert "pain_below_knee" in reading(text, "neuro_symptoms").findings["neuro_symptoms"]


def test_there_is_nothing_like_tells_what_follows():
    assert "both_legs" in reading("there's nothing like both legs going numb on the toilet to scare you", "red_flags").findings["red_flags"]


def test_a_gym_word_in_a_gap_still_excuses_but_a_written_word_does_not():  # "I can't lift my leg" is asked about
    assert not reading("I've lost my sprint power in my leg").possible.get("neuro_symptoms")
    assert reading("I can't lift my leg.").possible["neuro_symptoms"] == ["leg_weakness"]


def test_nothing_like_the_items_denies_them():
    assert reading("nothing like cancer or fever; numb round my backside since tuesday", "red_flags").findings["red_flags"] == []
    assert "difficulty_walking" in read_message("I don't much like hobbling around")["injury_signs"]  # a dislike


@pytest.mark.parametrize("text, sign", [
    ("Missed my footing on the scaffold at work and dropped about two storeys onto a pile of sand", "major_trauma"),
    ("Went base over apex off my mare at a jump and landed on the pole on my backside", "major_trauma"),
    ("Came off the trampoline at a mate's BBQ and landed on the patio on my bum", "major_trauma"),
    ("The physio at the club had to wheel me off in a chair after I pulled up", "difficulty_walking"),
    ("Since the injury I can't put any pressure through the leg", "difficulty_walking"),
    ("After I pulled it my leg just wouldn't let me walk, I had to sit on the kerb", "difficulty_walking"),
])
def test_an_injury_told_by_what_happened_is_stated(text, sign):
    assert signs_of(text).get(sign) == "clear"


@pytest.mark.parametrize("text", ["I can walk without holding onto the furniture now",
                                  "the physio won't let me walk more than 5k"])
def test_walking_allowed_or_managed_is_no_trouble_walking(text):
    assert "difficulty_walking" not in signs_of(text)


# --- the thirtieth session's two attacks: false alarms, and signs told in telegraphic answers ---

@pytest.mark.parametrize("asked, text", [
    ("red_flags", "no fever, weight loss or cancer"),
    ("red_flags", "No fevers, weight loss, cancer or falls"),
    ("red_flags", "I haven't had a fever, lost weight, had cancer or any bladder or bowel problems"),
    ("red_flags", "no fever, chills or weight loss"),
    ("red_flags", "fever, weight loss, cancer, none of those"),
    ("red_flags", "fever, weight loss, cancer, bladder stuff... none of those"),
    ("red_flags", "fever/weight loss/cancer: no"),
    ("red_flags", "none of those: fever, weight loss, cancer"),
    ("red_flags", "no to fever, weight loss, cancer"),
    ("neuro_symptoms", "no numbness, tingling or weakness in my legs"),
    ("injury_signs", "I didn't hear a pop, see any bruising or have trouble walking"),
    ("injury_signs", "no to the pop, bruising and walking"),
    (None, "No pop, bruising or trouble walking, it just came on during a hill session"),
])
def test_one_denial_of_a_list_denies_every_item(asked, text):
    """Every item is denied; a cauda equina sign reached only by the list's "no" is asked once
    (a fresh-eyes review: "no fever, leaking urine or stool sometimes" may tell it)."""
    told = signs_of(text, asked)
    assert not [sign for sign, how in told.items() if how == "clear" or sign not in CAUDA_EQUINA]
    assert "leg_weakness" not in reading(text, asked).possible.get("neuro_symptoms", [])


def test_a_list_closed_by_its_own_denial_asks_about_nothing():
    assert not signs_of("fever, weight loss, cancer, bladder stuff... none of those", "red_flags")
    assert not signs_of("none of those: fever, weight loss, numbness down there", "red_flags")


def test_the_rest_denied_leaves_the_item_told():
    assert reading("Yes weak leg, the rest no", "neuro_symptoms").possible["neuro_symptoms"] == ["leg_weakness"]


@pytest.mark.parametrize("asked, text, sign", [
    ("red_flags", "no fever, weight loss or night pain, but the numbness round my back passage is new", "saddle_numbness"),
    ("red_flags", "no, the fever, the weight loss, none of those but I do get a bit of numbness when I wipe", "saddle_numbness"),
    ("red_flags", "no fever, both legs are numb", "both_legs"),
    ("red_flags", "no fever, weight loss or my legs are numb", "both_legs"),
    ("red_flags", "fever no weight loss yes", "weight_loss"),
    ("red_flags", "fever - no / weight loss - yes", "weight_loss"),
    ("red_flags", "no fever weight loss yes", "weight_loss"),
    ("red_flags", "fever no weight loss no cancer yes", "cancer_history"),
])
def test_a_sign_told_beside_a_denied_list_or_answered_after_its_name_is_kept(asked, text, sign):
    assert sign in signs_of(text, asked)


@pytest.mark.parametrize("text", ["numbness in both legs, no, that's it", "Numbness in both legs, no. Wait, yes I do",
                                  "numbness in both legs, not really, more like pins and needles"])
def test_a_no_after_a_signs_name_and_a_comma_may_answer_something_else_and_denies_nothing(text):
    # "X, no, that's it" says yes to X and no to the rest: a fresh-eyes review found a comma's "no"
    # taken for X's denial losing 82 signs ("numbness in both legs, no" stays a clear sign)
    assert signs_of(text, "red_flags").get("both_legs") == "clear"


@pytest.mark.parametrize("text", ["fever no weight loss yes", "fever no weight loss no cancer yes"])
def test_an_item_answered_no_after_its_name_is_denied(text):
    assert "fever" not in signs_of(text, "red_flags")


@pytest.mark.parametrize("text", ["bowels no, bladder yes", "bladder yes bowels no", "bowels fine; bladder not",
                                  "bowel: no. bladder: yes.", "bowels are fine but my bladder isn't"])
def test_a_denial_of_one_organ_leaves_the_other_asked_about(text):
    assert signs_of(text, "red_flags").get("bladder_bowel_change") in {"clear", "possible"}


def test_an_aside_or_a_clause_is_no_list():
    assert reading("never had an issue with sore sit bones or, as some call it, numbus junkus. Now my sit bone aches").findings.get("pain_location") == "sit_bone"
    assert reading("they tested for saddle numbness and found none").possible["red_flags"] == ["saddle_numbness"]


@pytest.mark.parametrize("text, sign", [  # a fresh-eyes review of the list: the item joined by "or" ends it
    ("no fever or weight loss, numb when I wipe", "saddle_numbness"),
    ("no fever, weight loss or cancer, saddle numbness for 3 days", "saddle_numbness"),
    ("I haven't had a fever, lost weight or had cancer, numbness between my legs", "saddle_numbness"),
    ("no fever/chills, numb bum", "saddle_numbness"),
    ("no fever or weight loss, weakness in both legs", "both_legs"),
    ("no fever or weight loss, lost control of my bowels", "bladder_bowel_change"),
    ("no fever or weight loss, saddle numbness yes", "saddle_numbness"),
    ("No to fever, weight loss, cancer, bladder issues since tuesday", "bladder_bowel_change"),
    ("No to fever, weight loss, cancer, numb bum and weak legs though", "saddle_numbness"),
    ("no fever, weight loss or cancer, bladder yes", "bladder_bowel_change"),
    ("no fever or cancer, bladder issues", "bladder_bowel_change"),  # a denied cancer excuses no bladder trouble
    ("no fever or weight loss, fell off a ladder last week", "major_trauma"),  # no "weight * falling off"
])
def test_a_sign_told_after_a_denied_list_is_kept(text, sign):
    assert sign in signs_of(text, "red_flags")


def test_troubles_denied_with_a_list_are_no_clear_sign():
    for text in ["no issues with bladder, bowels or sex", "no bother with my bladder, bowels or sex"]:
        assert "clear" not in signs_of(text, "red_flags").values()


def test_no_longer_is_no_answer_after_an_item():
    assert "fever" not in signs_of("fever n, wt loss y", "red_flags")
    assert reading("bladder no longer works properly yes", "red_flags").possible.get("red_flags") or \
        reading("bladder no longer works properly yes", "red_flags").findings.get("red_flags")


@pytest.mark.parametrize("text", [
    "I walk funny in the mornings for the first few steps, then it loosens up after 10 mins",
    "I can't walk far without the ache starting under my bum, maybe a mile",
    "hard to walk fast uphill with my pram because the top of my hamstring pulls",
    "I can't walk as fast as my husband anymore, the hamstring near my bum tightens",
])
def test_a_limp_that_loosens_or_walking_only_limited_is_asked_about_once(text):
    assert signs_of(text).get("difficulty_walking") == "possible"


@pytest.mark.parametrize("asked, text, sign", [
    ("red_flags", "I get night sweats but that's the menopause", "fever"),
    ("red_flags", "I lost weight but on purpose, been dieting", "weight_loss"),
])
def test_a_sign_with_its_harmless_cause_after_a_but_is_asked_about_once(asked, text, sign):
    assert signs_of(text, asked).get(sign) == "possible"


@pytest.mark.parametrize("text", ["My patience finally snapped and I'm booking a physio", "I snapped a quick pic of my posture",
                                  "kids were popping bubble wrap", "a lump the size of a ping-pong ball",
                                  # (a fresh-eyes review, thirty-fourth session)
                                  "my wife hit me with her car door", "bent down under the horse and felt a pull in my hamstring",
                                  "the clothes horse fell on me", "my son hit me with his car seat when I was lifting it out",
                                  "I feel like I was run over by a truck after that asthma attack",
                                  "my pelvis is shattered after 3 hours in the saddle", "I have pain in my pelvis in 2 places",
                                  "the injections that went into my legs didn't help my bum pain",
                                  "it's like sitting on a bruise", "I did a crash diet in January"])
def test_idioms_of_pops_bruises_and_crashes_are_no_signs(text):
    assert not signs_of(text)


@pytest.mark.parametrize("text, sign", [
    ("tore it at the top of my hamstring, I had to go up the stairs on my bum for a week", "difficulty_walking"),
    ("I was hit by a taxi on my bike", "major_trauma"),
    ("I went down a full flight of concrete steps", "major_trauma"),
    ("I had to go up the stairs on my bum for a week after I tore it", "difficulty_walking"),
    ("the back of my thigh looks like an aubergine since the injury", "bruising"),
    ("my left leg has started going numb as well as the right", "both_legs"),
    ("I don't feel the need to pee anymore", "bladder_bowel_change"),
    ("my jeans are falling off me", "weight_loss"),
])
def test_a_sign_told_by_what_happens_is_asked_about(text, sign):
    assert sign in signs_of(text)


@pytest.mark.parametrize("text", ["not sure about fever, weight loss or cancer", "dunno about fever, weight loss or cancer"])
def test_a_doubt_before_a_list_asks_about_each_item(text):  # was read as weight loss and cancer: urgent
    told = reading(text, "red_flags")
    assert told.findings["red_flags"] == "not_sure"
    assert set(told.possible["red_flags"]) == {"fever", "weight_loss", "cancer_history"}


# --- thirty-first session: back pain and pain below the knee told beside another place -------

@pytest.mark.parametrize("text", ["The last three mornings I have woken up with sharp back and buttock pain on one side.",
                                  "Buttocks in pain all day and also the small of my back.",
                                  "It was like my right hip and lower back was on fire.",
                                  "I've been in rough shape because my back has gone out.",
                                  "My lower back was twinging and my bum hurts too."])
def test_a_low_back_told_beside_another_place_is_back_pain(text):  # the real set missed back pain 31 times
    assert "back_pain" in (read_message(text).get("neuro_symptoms") or [])


def test_the_place_named_first_stays_the_pain_location_beside_the_back():
    found = read_message("Buttocks in pain all day and also the small of my back.")
    assert found["pain_location"] == "buttock" and found["neuro_symptoms"] == ["back_pain"]


@pytest.mark.parametrize("text", [  # a fresh-eyes review's false alarms of the first version
    "I went back and my bum hurt", "back and forth pain in my bum when I rock", "no back pain, just my bum and hamstring",
    "Tried a gentle jog, went back and butt pain was there again within a mile.",
    "Pain at the top of my hamstring. I had a lumbar MRI last year which was completely clear.",
    "My back has gone back to normal after the physio though. Sit bone still sore.",
    "Sit bone ache, and after a rest it came back into my bum.",
    "Like a knife in my back when my boss told me I couldn't have a standing desk. Anyway, my sit bone hurts."])
def test_back_as_a_direction_a_test_or_an_idiom_is_no_back_pain(text):
    assert "back_pain" not in (read_message(text).get("neuro_symptoms") or [])


def test_in_the_answer_to_where_it_hurts_a_back_word_beside_the_place_is_no_back_pain():
    assert "neuro_symptoms" not in read_message("In my bum. It got worse when I went back to running.", "pain_location")


def test_a_back_that_went_out_is_a_sudden_start_and_back_pain():
    found = read_message("the random day my back went out")
    assert found["onset"] == "sudden" and "back_pain" in found["neuro_symptoms"]
    assert read_message("My lower back went out again Saturday.")["pain_location"] == "low_back"


def test_pain_that_goes_into_the_calves_goes_below_the_knee():
    assert "pain_below_knee" in read_message("the pain shoots from my bum into my calves")["neuro_symptoms"]


@pytest.mark.parametrize("text", ["I use a foam roller down my calves and up my hamstrings, and the top of my hamstring is tender.",
                                  "I stretch down the calf and hold it. My upper hamstring is still sore."])
def test_a_roller_or_a_stretch_down_the_calves_goes_nowhere_below_the_knee(text):
    assert "pain_below_knee" not in (read_message(text).get("neuro_symptoms") or [])


def test_pain_in_the_calf_is_still_a_place():
    assert read_message("I'm even getting pain in my calf now.")["pain_location"] == "other"


@pytest.mark.parametrize("text", ["I ran an excellent 3 miles, the next day my gluteal muscle started to hurt",  # r604
                                  "I first felt hip pain running on a Virginia forest trail."])  # r665
def test_an_activity_in_the_sentence_the_pain_began_is_no_aggravator(text):
    assert "aggravators" not in read_message(text)


@pytest.mark.parametrize("text, activity", [("It started hurting at mile 8 and got worse the longer I ran.", "running"),
                                            ("My sit bone started to hurt when I sit after my runs.", "sitting"),
                                            ("It started a month ago and now it hurts every time I run.", "running")])
def test_a_pain_that_began_and_comes_with_the_activity_each_time_is_made_worse_by_it(text, activity):
    assert activity in read_message(text)["aggravators"]


@pytest.mark.parametrize("text, activity", [("I pulled my hamstring sprinting and now the top of it aches when I sit.", "sitting"),
                                            ("I fell on the stairs and now sitting hurts.", "sitting"),
                                            ("I fell off my bike and since then it hurts when I drive.", "driving")])
def test_what_hurts_since_the_moment_of_injury_makes_it_worse(text, activity):  # a review found sitting dropped
    assert activity in read_message(text)["aggravators"]


@pytest.mark.parametrize("text", ["I was sprinting when I felt a pop", "I was running for the bus and felt a sudden pain"])
def test_what_the_person_was_doing_at_the_moment_of_injury_is_no_aggravator(text):
    assert "aggravators" not in read_message(text)


@pytest.mark.parametrize("text", ["My bum aches when I arch my lower back.", "The pain is in my bum rather than my lower back.",
                                  "The pain is in my sit bone, the physio pressed on my lower back and that didn't hurt at all.",
                                  "My buttock throbs at night and I lie on my lower back with my knees bent to ease it."])
def test_a_low_back_moved_compared_or_lain_on_is_no_back_pain(text):
    assert "back_pain" not in (read_message(text).get("neuro_symptoms") or [])


@pytest.mark.parametrize("text", ["It crept up over months. I did trip over the dog last week but that didn't change anything.",
                                  "I had to hit the ground running after Christmas with marathon training, and over six weeks a deep ache built up",
                                  "Gradually. My physio tweaked my hamstring exercises last month."])
def test_a_trip_or_a_tweak_in_passing_leaves_a_gradual_start(text):  # wordings a review withdrew
    assert read_message(text, None if "Gradually." not in text else "onset").get("onset") == "gradual"


# --- thirty-first session: danger signs told by what happened, in real people's words -----------
# Quoted from public pages that split to the tuning part (tests/real/README.md); a helper gathered
# 278 such sentences, half of them (by page) kept apart to measure on and never tuned on.

@pytest.mark.parametrize("text, sign", [
    ("He walked off even as I was leaning against a beam of the gazebo for support trying to determine if I'd be able to wobble home on my own.", "difficulty_walking"),  # https://www.jennettefulda.com/2014/12/and-we-all-fall-down-or-just-me-actually/
    ("I stepped up with my left foot & brought my right foot up and didn't clear the curb.", "leg_weakness"),  # http://reneesendelbach.blogspot.com/2019/08/the-fall.html
    ("This IDIOT is still moving, I'm on his bonnet and I've shattered his windscreen.", "major_trauma"),  # https://h2g2.com/entry/A2262485
    ("I rode at only ~9mph, but couldn't stop in time to avoid landing on the car's bonnet.", "major_trauma"),  # https://essiep64.wordpress.com/2013/10/23/over-the-top/
    ("My kids have aptly named me \"Mama Penguin,\" over the last 48 hours. I waddle like an Emperor Penguin and take nice slow steps wherever I go.", "difficulty_walking"),  # http://roadburnerblog.blogspot.com/2013/09/
    ("The first thing I knew, I was on the tarmac and sliding along.", "major_trauma"),  # https://forum.bikeradar.com/discussion/12954704/falling-off-a-bike/p3
    ("When the paramedics came they put me on a gurney to wheel me into the ambulance for a trip to the hospital.", "difficulty_walking"),  # https://chris2fer.wordpress.com/2008/08/13/i-cant-stand-up-easily/
    ("Getting tossed to the ground from a live, bucking animal hurts. Like hell.", "major_trauma"),  # http://jayner.blogspot.com/2007/10/why-i-will-not-be-bull-rider-any-time.html
    ("She couldn't get me up, so I laid there trying to catch my breath while she caught the horse and stuck him in the barn (cause a loose horse was the last thing we needed).", "difficulty_walking"),  # http://jayner.blogspot.com/2007/10/why-i-will-not-be-bull-rider-any-time.html
    ("Eventually I crawled my way into the house and collapsed on the couch.", "difficulty_walking"),  # http://jayner.blogspot.com/2007/10/why-i-will-not-be-bull-rider-any-time.html
    ("I went to bed on Christmas night after a lovely day of celebrations with family and woke up boxing day to my right foot not working.", "leg_weakness"),  # https://www.nationalfootdropsociety.com/lisa-smith-story
    ("Oof. Me and the bike came to a halt on our sides. The right side to be exact.", "major_trauma"),  # https://leifb73.com/2020/11/09/yes-i-crashed-my-motorcycle/
    ("Due to my MS, my right leg drags when I walk.", "leg_weakness"),  # https://anothergoodday.wordpress.com/2011/08/04/my-right-leg/
    ("Since then the problem has steadily gotten worse. Now, when I walk, I have to sling it to move forward.", "leg_weakness"),  # https://anothergoodday.wordpress.com/2011/08/04/my-right-leg/
    ("I had gone on my merry way, and around the 15 minute mark, my left leg was not doing too well, it was becoming more drop footy.", "leg_weakness"),  # https://shift.ms/ms-latest/ms---keep-it-light
    ("I always thought that this sort of thing happened to other people but no, yesterday I got hit by an actual, honest to god car.", "major_trauma"),  # https://thornyrose42.dreamwidth.org/12206.html
    ("I try to push myself up with my arms but my legs don't move.", "leg_weakness"),  # https://ankyllo.com/2019/07/29/how-i-broke-my-back-diary-blog/
    ("I eventually managed to crawl back upstairs, and watched my foot swell up over the next few hours.", "difficulty_walking"),  # https://onemanandhisblog.com/2005/10/ooops/
    ("And I had to go up the stairs to the flat backwards on my bum. Dignified, this is not.", "difficulty_walking"),  # https://onemanandhisblog.com/2005/10/ooops/
    ("I remember the Dr. telling me that I would most likely need an Ankle Foot Orthotic (AFO) brace to help me walk.", "leg_weakness"),  # https://www.caudaequinafoundation.org/single-post/2018/04/05/which-afo-brace-should-you-use-for-foot-drop-from-ces
    ("Saturday I took a flying leap off a motorcycle onto asphalt. My right hip, thigh, and knee offer sympathy.", "major_trauma"),  # https://elfs.livejournal.com/324971.html
])
def test_a_sign_told_by_what_happened_in_real_words_is_heard(text, sign):
    assert sign in danger_signs_in(text)


@pytest.mark.parametrize("text, sign", [
    ("I am not seriously injured (bruises/grazes) and there is only minor bike damage (buckled wheel and damaged rear brake - estimate for repair £23!).", "leg_weakness"),  # http://forum.ctc.org.uk/viewtopic.php?f=7&t=88464&p=799668
    ("The saddle actually broke. The billet (that is the strap that the girth buckles into) ripped, so there was nothing holding the saddle on!", "leg_weakness"),  # http://equusvilla.blogspot.com/2008/09/opps-i-fell-off-of-my-horse.html
    ("Anyway, 15 minutes in and I have drop foot, where I keep clippin' and trippin' (as we MSers always say*) and a bus pulls up just a couple of meters ahead.", "major_trauma"),  # https://shift.ms/ms-latest/ms---keep-it-light
    ("I had driven to work which is a 5 min drive (24 min walk, that I no longer enjoy unfortunately) and at the end of the work day, I got back in my car and my handbrake snapped.", "pop"),  # https://shift.ms/ms-latest/ms---keep-it-light
])
def test_a_snapped_handbrake_a_buckled_wheel_or_drop_foot_is_no_injury(text, sign):
    assert danger_signs_in(text).get(sign) != "clear"


def danger_signs_in(text):
    """As `signs_of`, with weakness of the leg (a nerve-type symptom that is a danger sign)."""
    return signs_of(text, fields=("red_flags", "injury_signs", "neuro_symptoms"))


@pytest.mark.parametrize("text", [  # real sentences of a harvest (the first two) and r1040, r1113
    "I have been walking with a limp which is now subsiding.",
    "I started to walk again, but as I neared the finish I did a kind of limp-run to cross the line.",
    "The final nail in the coffin came last May at the Jemez 50 Miler when I limped in the 50K and could barely walk",
    "I begin running and within 2 minutes I get a shock in the foot which makes me limp for three strides and then it's gone"])
def test_a_limp_told_as_slight_passing_or_long_past_is_asked_about_once(text):
    assert danger_signs_in(text).get("difficulty_walking") == "possible"


def test_a_limp_after_a_fall_today_is_still_trouble_walking():
    assert danger_signs_in("I fell off my bike this morning and I'm limping badly").get("difficulty_walking") == "clear"


@pytest.mark.parametrize("text", [  # a fresh-eyes review's false alarms of the first version of the wordings above
    "This injury is really holding me up in my marathon training.", "When I walk up the stairs it pulls on my bum.",
    "I need my legs to work properly for the marathon in April.", "My legs wouldn't move any faster in the last mile of the half.",
    "I had to drop footy this season because of the hamstring.", "Mile 20 hit me like a truck and my sit bone ached.",
    "I put my foot up on the bonnet of the car to stretch my hamstring.", "I launched into a 400 metres rep and my glute twinged.",
    "I keep sliding along the saddle on my road bike.", "I sleep with the baby on one side of me and the dog on the other.",
    "I crawled my way through the last 10k of the marathon.", "I do my calf stretches holding onto the wall.",
    "The insoles for my flat feet aren't working.", "I was hit by a wave of tiredness on the drive home."])
def test_everyday_words_near_a_sign_told_by_what_happened_are_no_sign(text):
    assert not {sign for sign in danger_signs_in(text) if sign in {"major_trauma", "difficulty_walking", "leg_weakness"}}


@pytest.mark.parametrize("text, sign, how", [
    ("I felt like something snapped inside my hamstring near the sit bone while sprinting.", "pop", "clear"),
    ("I dropped about 6 foot off a wall while bouldering and landed on my bum.", "major_trauma", "clear"),
    ("I couldn't get my legs to work when I tried to stand up.", "leg_weakness", "possible"),
    ("My husband and I took an arm each and got me into the car", "difficulty_walking", "possible")])
def test_a_sign_the_exclusions_must_leave_alone(text, sign, how):
    assert danger_signs_in(text).get(sign) == how


@pytest.mark.parametrize("text", ["My legs stopped working at mile 22 and I had to walk it in.",
                                  "At mile 22 my legs just stopped working, classic wall."])
def test_legs_that_stopped_at_a_race_mile_are_asked_about_not_an_emergency(text):  # a review: read as both legs
    assert danger_signs_in(text).get("both_legs") == "possible"


@pytest.mark.parametrize("text", ["my legs stopped working", "both my legs went numb at mile 10 and I can't feel my bum"])
def test_legs_that_stopped_or_went_numb_without_a_race_wall_are_both_legs(text):
    assert danger_signs_in(text).get("both_legs") == "clear"


# --- a harvest of real sentences, thirty-second session ------------------------------------------

@pytest.mark.parametrize("text", [
    "When I get up from sitting my inner thighs pop. What's wrong?",
    "my hamstring pops every time I squat",
    "it keeps popping whenever I stand up",
])
def test_a_pop_that_comes_again_with_a_movement_is_asked_about(text):  # a snapping hip, more often than a tear
    assert danger_signs_in(text).get("pop") == "possible"


@pytest.mark.parametrize("text", [
    "I felt a pop and now it hurts every time I sit",  # the cue is the pain's (a fresh-eyes review)
    "I heard a pop when I stand up out of the water",
    "I'm water skiing and when I get up out of the water I feel a huge pop at the top of my leg",
    "I often run hills and yesterday I felt a sharp pop high in my hamstring",
    "the familiar SNAP! and stabbing pain at the top of my hamstring, I've torn it twice before",
    "i was runnin and heard a pop now i cant sit down when i sit it kills",
    "My hamstring went pop and now it hurts whenever I sit",  # a second review
    "I felt my hamstring pop and now it hurts when I sit",
    "something popped at the top of my hamstring and now it hurts every time I sit",
    "Felt my hamstring go pop when I squat down to pick up the bag",
])
def test_a_pop_felt_or_heard_at_a_moment_is_still_stated_beside_a_word_of_each_time(text):
    assert danger_signs_in(text).get("pop") == "clear"


@pytest.mark.parametrize("text, told", [
    ("No to any: fever, weight loss, cancer, saddle numbness", {}),  # each had read every item as told
    ("No to all of it: fever, weight loss, cancer, numb bum", {}),
    ("nope to all - fever, weight loss, cancer", {}),
    ("No to everything: fever, weight loss, cancer", {}),
])
def test_a_list_opened_by_its_denial_denies_its_items(text, told):
    assert signs_of(text, "red_flags") == told


@pytest.mark.parametrize("text, sign", [
    ("no to fever, yes weight loss, no cancer, no bladder", "weight_loss"),  # items answered one by one
    ("No to fever, unexplained weight loss, no cancer, bladder fine", "weight_loss"),
    ("No to fever, leaking wee, no numbness", "bladder_bowel_change"),
    ("No to fever, pins and needles in both feet, bladder fine", "both_legs"),
])
def test_an_item_of_a_list_answered_item_by_item_keeps_its_own_answer(text, sign):
    assert sign in signs_of(text, "red_flags")


@pytest.mark.parametrize("text", [
    "I don't have any of those (fever, weight loss, cancer, numbness, bladder issues)",
    "nothing like that, fever weight loss cancer numbness bladder all fine",
    "Fever, weight loss, cancer, numbness, bladder - no to all of them",
    "fever, weight loss, cancer, no to all of it",
])
def test_the_safety_list_denied_in_a_list_of_its_own_tells_no_sign(text):  # each had read fever, weight loss and cancer
    assert signs_of(text, "red_flags") == {}


def test_a_sign_told_after_the_list_is_denied_is_still_told():
    assert signs_of("fever, weight loss, cancer - no to all of those, but I can't feel when I wipe", "red_flags") == {
        "saddle_numbness": "clear"}


# --- the safety list answered in own words: an attack of 364 answers, thirty-second session -----

@pytest.mark.parametrize("text", [
    "none of: fever, weight loss, cancer",
    "fever, weight loss, cancer, all no",
    "fever, weight loss, cancer - all no",
    "fever weight loss cancer all negative",
    "fever, weight loss, cancer - not had any",
    "Fever, unexplained weight loss, cancer, night pain - none of these apply",
    "Fever: no\nWeight loss: no\nCancer: no",
    "- fever: no\n- weight loss: no\n- cancer: no\n- numbness: no",
    "fever \u2717 weight loss \u2717 cancer \u2717",
    "no - (fever no, weight loss no, cancer no)",
])
def test_the_safety_list_denied_in_any_shape_tells_no_sign(text):  # each had read a sign as told
    assert "clear" not in signs_of(text, "red_flags").values()


@pytest.mark.parametrize("text, sign", [
    ("no fever, weight loss, cancer", "weight_loss"),  # denied or told, it cannot be said: asked once
    ("no fever, weight loss, cancer", "cancer_history"),
])
def test_a_bare_item_after_a_denied_first_one_with_no_or_is_asked_about(text, sign):  # was urgent (two of three)
    assert signs_of(text, "red_flags").get(sign) == "possible"


@pytest.mark.parametrize("text, sign", [
    ("none of those\nmy calf is swollen and painful", "calf_swelling"),  # a line of its own
    ("Fever: no\nWeight loss: yes\nCancer: no", "weight_loss"),
    ("none of those (both legs are numb)", "both_legs"),  # a bracket that tells
    ("no fever, night sweats", "fever"),  # the same value told again after its denial
    ("no fever, both legs are numb", "both_legs"),  # an item with a verb of its own is told
    ("no fever, weight loss, cancer, but I can't feel when I wipe", "saddle_numbness"),
])
def test_a_sign_told_beside_a_denied_list_in_any_shape_is_heard(text, sign):
    assert sign in signs_of(text, "red_flags")


def test_prose_wrapped_by_hand_still_reads_across_its_lines():
    assert "major_trauma" in signs_of("Last week while out training on my road bike I fell off my\nbike at 20mph onto the road")


@pytest.mark.parametrize("text, sign", [
    ("both my legs have gone numb x", "both_legs"),  # a kiss, no answer (a third fresh-eyes review)
    ("both legs numb N", "both_legs"),
    ("I can't feel\nmy bum or my privates since yesterday", "saddle_numbness"),  # Enter typed mid-sentence
    ("Since Tuesday I can't\nfeel anything down\nthere when I wipe", "saddle_numbness"),
    ("saddle numbness, trouble peeing - not anymore", "saddle_numbness"),  # a change, not a denial
    ("fever, weight loss, cancer, numb bum - all no except numb bum", "saddle_numbness"),
])
def test_a_sign_the_list_rules_must_leave_alone(text, sign):
    assert sign in signs_of(text, "red_flags")


@pytest.mark.parametrize("text", ["I don't\nhave a fever", "I haven't\nwet myself", "never had\ncancer",
                                  "I have had no\nfever or weight loss"])
def test_a_denial_typed_over_two_lines_still_denies(text):
    assert "clear" not in signs_of(text, "red_flags").values()


def test_an_emergency_sign_after_a_denied_item_is_still_told_at_once():
    assert signs_of("no fever, saddle numbness", "red_flags").get("saddle_numbness") == "clear"


def test_a_calf_beside_a_big_toe_is_no_swollen_calf():  # "calf ... big" had read a possible clot (a harvest)
    assert "calf_swelling" not in signs_of("My left calf and big toe went completely numb", "red_flags")


def test_the_risks_of_an_operation_explained_are_only_asked_about():
    told = signs_of("As was explained to me, this would include no control over my bowel and bladder and no sexual function.", "red_flags")
    assert "clear" not in told.values()


def test_an_echo_of_the_safety_list_after_its_denial_asks_about_its_emergency_signs_once():
    told = signs_of("None - no fever, weight loss, cancer, saddle numbness, bladder/bowel change, sexual problems, night pain",
                    "red_flags")
    assert "clear" not in told.values() and told.get("saddle_numbness") == "possible"  # was an emergency


# --- thirty-third session: what the annotated answers and a harvest of real sentences showed ---

@pytest.mark.parametrize("story", [
    "the feeling down there is gone",
    "all feeling between my legs has gone",
])
def test_the_feeling_down_there_gone_is_asked_about_once(story):
    # the same words tell relief ("... is gone now", after an ache): one confirming question, never missed
    reading = shared_reader().reading(story)
    assert reading.possible["red_flags"] == ["saddle_numbness"]


@pytest.mark.parametrize("story", ["the feeling down there has gone back to normal", "the funny feeling down there is gone"])
def test_a_feeling_down_there_back_to_normal_is_no_sign(story):
    reading = shared_reader().reading(story)
    assert "saddle_numbness" not in (reading.findings.get("red_flags") or []) + (reading.possible.get("red_flags") or [])


def test_a_blocked_nose_is_no_chest_symptom():
    assert "red_flags" not in read_message("I can't breathe through my nose since the cold")


@pytest.mark.parametrize("answer", [
    "I don't know about my bladder",
    "I haven't been to the toilet yet so I don't know about my bladder",  # tune r1123
])
def test_not_knowing_about_the_bladder_is_not_sure_not_an_emergency(answer):
    reading = shared_reader().reading(answer, asked="red_flags")
    assert reading.findings["red_flags"] == NOT_SURE
    assert "bladder_bowel_change" in reading.possible["red_flags"]  # its one-sign question follows


def test_not_knowing_when_the_bladder_needs_emptying_is_still_the_sign():
    assert read_message("I don't know when I need to pee", asked="red_flags")["red_flags"] == ["bladder_bowel_change"]


@pytest.mark.parametrize("answer, sign", [
    ("no; cancer was only my fear, I've never had it", "cancer_history"),  # tune r957
    ("cancer is my biggest worry, with my mum's history", "cancer_history"),
])
def test_a_sign_named_as_the_fear_is_asked_about_once(answer, sign):
    reading = shared_reader().reading(answer, asked="red_flags")
    assert sign not in (reading.findings.get("red_flags") or [])


def test_a_sign_told_before_a_fear_of_another_is_still_told():
    assert "cancer_history" in read_message("I had bowel cancer in 2019, and a relapse was my biggest fear")["red_flags"]


@pytest.mark.parametrize("story", ["the numbness in my leg is gone now", "the tingling has stopped"])
def test_a_numbness_told_gone_is_no_numbness_now(story):
    assert "neuro_symptoms" not in read_message(story)


def test_a_numbness_told_gone_beside_a_sign_told_after_it_stays():
    assert read_message("the numbness in my leg has gone, but my leg keeps giving way")["neuro_symptoms"] == ["numbness", "leg_weakness"]


@pytest.mark.parametrize("text", ["My bowel is not working the same, I can't hold it", "My bowel isn't working the same, I've had accidents"])
def test_bowels_not_working_the_same_are_still_the_sign(text):
    assert signs_of(text).get("bladder_bowel_change") == "clear"


# --- round thirty-three of real stories (tune) ------------------------------------------------

@pytest.mark.parametrize("story", ["So I went through the skylight and fell about 20 - 25 feet.",  # r1295
                                   "I fell 2 to 3 metres off the wall"])
def test_a_fall_whose_height_is_told_as_a_range_is_a_major_fall(story):
    assert "major_trauma" in read_message(story)["red_flags"]


@pytest.mark.parametrize("story", ["I fell back 20 - 30 metres in the parkrun", "I fell maybe 5 - 10 feet behind the others in the relay"])
def test_falling_back_in_a_race_by_a_range_is_no_fall_from_a_height(story):
    assert "red_flags" not in read_message(story)


@pytest.mark.parametrize("story", ["I couldn't stand on my right leg", "I can't stand on my left foot since the fall"])
def test_a_leg_told_by_its_side_that_cannot_be_stood_on_is_asked_about_once(story):
    # once: "I can't stand on my right leg for 30 seconds in the balance test" is not it (a fresh-eyes review)
    assert shared_reader().reading(story).possible.get("injury_signs") == ["difficulty_walking"]


def test_standing_told_impossible_at_the_end_of_a_sentence_is_asked_about_once():
    reading = shared_reader().reading("I attempted to get up, but my right leg felt funny, I couldn’t stand.")  # r1291
    assert reading.possible.get("injury_signs") == ["difficulty_walking"]
    for dislike in ("honestly I can't stand it.", "Sitting on hard chairs is the one thing I can't stand."):
        assert not shared_reader().reading(dislike).possible


def test_the_causes_of_a_condition_listed_in_general_are_asked_about_once():
    reading = shared_reader().reading("Causes include car accidents, falls from height and tumours.")
    assert "red_flags" not in reading.findings
    assert set(reading.possible["red_flags"]) == {"major_trauma", "cancer_history"}


@pytest.mark.parametrize("story", ["The causes can be a mystery, mine began after I was hit by a car",
                                   "My physio says causes include overuse and trauma, in my case I came off my motorbike",
                                   "This may be caused by falling off a ladder on Monday",
                                   "The physio said it can be caused by sitting a lot and I now have numbness in my groin"])
def test_the_persons_own_sign_after_a_word_of_causes_is_still_told(story):
    assert set(read_message(story)["red_flags"]) & {"major_trauma", "saddle_numbness"}


def test_being_kicked_is_no_kicking():
    assert "aggravators" not in read_message(
        "It feels like I am constantly being punched in the back while being kicked in the boys.")  # r1281
    assert read_message("it hurts when I kick a ball")["aggravators"] == ["kicking"]


@pytest.mark.parametrize("answer, sign", [("pee yes, numb no", "bladder_bowel_change"), ("pee: yes, numb: no", "bladder_bowel_change"),
                                          ("sciatica yes, numb no", "both_legs_pain"), ("weight yes, fever no", "weight_loss")])
def test_a_bare_item_told_yes_beside_one_told_no_is_asked_about_once(answer, sign):
    # the last note's "sciatica yes, numb no": the "yes" item was lost with the "no" one
    assert sign in shared_reader().reading(answer, asked="red_flags").possible["red_flags"]


def test_a_bare_item_word_in_a_clause_that_says_no_yes_is_no_item():
    assert not shared_reader().reading("That night, I still couldn't pee. And that required a second catheterization.",
                                       asked="red_flags").possible


@pytest.mark.parametrize("story", ["I fell 2 feet off a step", "I fell about 1-2 ft, just off a low box", "I fell 0.5 m onto the mat"])
def test_a_fall_told_lower_than_a_major_one_is_asked_about_once(story):
    reading = shared_reader().reading(story)
    assert "major_trauma" not in (reading.findings.get("red_flags") or [])


def test_a_fall_of_three_feet_or_a_metre_and_more_is_a_major_one():
    for story in ("I fell about 2-3 feet off the wall onto my back", "I fell 15 feet from a ladder", "fell nearly 3 metres onto concrete"):
        assert "major_trauma" in read_message(story)["red_flags"], story


def test_the_persons_own_sign_after_and_mine_ends_a_list_of_causes():
    assert "major_trauma" in read_message("Causes include car crashes, and mine was a car crash")["red_flags"]


@pytest.mark.parametrize("story", ["the horse kicked me square in the hamstring", "I got kicked by a mule on the farm",
                                   "My horse kicked me in the back of the thigh yesterday"])
def test_a_kick_by_an_animal_told_with_the_animal_first_is_a_major_accident(story):
    assert "major_trauma" in read_message(story)["red_flags"]


@pytest.mark.parametrize("story", ["I wasn't able to stand on my right leg", "I could barely stand on my right leg",
                                   "I couldn't even stand on my right leg", "couldn't stand at all."])
def test_standing_told_barely_or_not_even_done_is_asked_about_once(story):
    assert shared_reader().reading(story).possible.get("injury_signs") == ["difficulty_walking"]
    assert not shared_reader().reading("I was able to stand on my right leg fine").possible


def test_a_fear_followed_by_its_organ_told_fine_now_stays_a_fear():
    # "now" after "fine" tells the wellness, not the feared sign (a fresh-eyes review)
    reading = shared_reader().reading("I'm scared I'll lose bladder control, mine is fine now")
    assert "red_flags" not in reading.findings and reading.possible["red_flags"] == ["bladder_bowel_change"]
    assert read_message("I'm scared I'll lose bladder control and I can't pee properly now")["red_flags"] == ["bladder_bowel_change"]
