"""Behaviour of the clinical engine against the policy (version 3, docs/clinical/policy.md).

Each test starts from a classic, low-risk PHT picture and changes one thing.
"""
import pytest

from pht.triage import Engine, FindingsError, assess, load_knowledge
from common import CLASSIC


def classic(**changes):
    """A classic PHT picture with every question answered and nothing worrying."""
    findings = dict(CLASSIC)
    for field, value in changes.items():
        if value is None:
            findings.pop(field, None)
        else:
            findings[field] = value
    return findings


def sudden(**changes):
    """A sudden start at the sit bone with no injury signs (acute, but not an avulsion)."""
    return classic(**{"onset": "sudden", "injury_signs": [], **changes})


def advice_ids(result, kind=None):
    return [item["id"] for item in result["advice"] if kind is None or item["kind"] == kind]


def advice_kinds(result):
    return [item["kind"] for item in result["advice"]]


# --- baseline ---------------------------------------------------------------------------

def test_classic_picture_is_routine_high_and_complete():
    result = assess(classic())
    assert result["urgency"] == "routine"
    assert result["urgency_rules"] == ["self_management"]
    assert result["likelihood"] == "high"
    assert result["likelihood_rule"] == "classic_picture"
    assert result["differentials"] == []
    assert result["complete"] is True
    assert result["missing"] == ["trend"]  # asked only when it can change the outcome
    assert result["care"]["level"] == "routine"


def test_engine_class_gives_the_same_result_as_assess():
    assert Engine().assess(classic()) == assess(classic())


# --- urgency: emergency ---------------------------------------------------------------

@pytest.mark.parametrize("flag", ["saddle_numbness", "bladder_bowel_change", "both_legs"])
def test_each_cauda_equina_flag_is_an_emergency(flag):
    result = assess(classic(red_flags=[flag]))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["cauda_equina"]
    assert result["care"]["level"] == "emergency"


def test_cauda_equina_with_avulsion_is_emergency_first_level_wins():
    result = assess(sudden(red_flags=["saddle_numbness"], injury_signs=["pop"]))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["cauda_equina"]
    assert "suspected_avulsion" not in result["urgency_rules"]


def test_cauda_equina_with_soon_criteria_is_still_emergency():
    result = assess(classic(red_flags=["both_legs"], pain_score=9, duration_days=200))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["cauda_equina"]


# --- urgency: urgent ------------------------------------------------------------------

def test_pop_after_sudden_onset_is_urgent():
    result = assess(sudden(injury_signs=["pop"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["suspected_avulsion"]


def test_bruising_and_difficulty_walking_together_after_sudden_onset_is_urgent():
    result = assess(sudden(injury_signs=["bruising", "difficulty_walking"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["suspected_avulsion"]


@pytest.mark.parametrize("sign", ["bruising", "difficulty_walking"])
def test_one_of_bruising_or_difficulty_walking_alone_is_soon_not_urgent(sign):
    result = assess(sudden(injury_signs=[sign]))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["acute_injury"]


def test_pop_without_sudden_onset_is_not_an_avulsion():
    result = assess(classic(injury_signs=["pop"]))
    assert result["urgency"] == "routine"
    assert "hamstring_avulsion" not in result["differentials"]


@pytest.mark.parametrize("flag", ["fever", "major_trauma"])
def test_infection_or_fracture_flag_is_urgent_within_24_hours(flag):
    result = assess(classic(red_flags=[flag]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["infection_or_fracture"]
    assert result["today"] is False


def test_a_swollen_calf_alone_is_urgent_today():
    result = assess(classic(red_flags=["calf_swelling"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["possible_clot"]
    assert result["today"] is True
    assert "today" in result["care"]["headline"]


def test_a_swollen_calf_with_breathlessness_is_an_emergency():
    result = assess(classic(red_flags=["calf_swelling", "chest_symptoms"]))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["clot_in_lungs"]


def test_fever_with_a_numb_leg_is_an_emergency():
    result = assess(classic(red_flags=["fever"], neuro_symptoms=["numbness"]))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["spinal_infection"]


@pytest.mark.parametrize("deficit", [{"neuro_symptoms": ["leg_weakness"]}, {"red_flags": ["fever", "both_legs"]}])
def test_fever_with_any_nerve_deficit_is_an_emergency(deficit):
    findings = {**classic(red_flags=["fever"]), **deficit}
    assert "spinal_infection" in assess(findings)["urgency_rules"]


def test_leg_weakness_is_urgent():
    result = assess(classic(neuro_symptoms=["leg_weakness"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["leg_weakness"]


@pytest.mark.parametrize("flags", [
    ["cancer_history", "weight_loss"],
    ["cancer_history", "night_pain"],
    ["weight_loss", "night_pain"],
    ["cancer_history", "weight_loss", "night_pain"],
])
def test_two_or_more_serious_signs_are_urgent(flags):
    result = assess(classic(red_flags=flags))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["several_serious_signs"]


@pytest.mark.parametrize("flag", ["weight_loss", "night_pain"])
def test_exactly_one_serious_sign_is_soon(flag):
    result = assess(classic(red_flags=[flag]))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["one_serious_sign"]


@pytest.mark.parametrize("location", ["sit_bone", "upper_hamstring"])
def test_adolescent_sudden_onset_at_sit_bone_or_upper_hamstring_is_urgent(location):
    result = assess(sudden(age=17, pain_location=location))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["adolescent_avulsion"]


def test_adolescent_sudden_onset_mid_thigh_is_soon_not_urgent():
    result = assess(sudden(age=17, pain_location="mid_hamstring"))
    assert result["urgency"] == "soon"
    assert "adolescent_avulsion" not in result["urgency_rules"]


def test_urgent_wins_over_soon_criteria():
    result = assess(sudden(injury_signs=["pop"], pain_score=9, duration_days=120))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["suspected_avulsion"]


# --- policy version 3: cancer history ---------------------------------------------------

@pytest.mark.parametrize("age", [20, 49, 50, 80, None])
def test_cancer_history_alone_is_soon_with_a_doctor_at_any_age(age):
    result = assess(classic(red_flags=["cancer_history"], age=age))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["cancer_history_new_pain"]
    assert "doctor" in result["reasons"][0]["text"]


@pytest.mark.parametrize("change", [{"trend": "worse"}, {"aggravators": ["sitting", "coughing_sneezing"]},
                                    {"pain_score": 7}])
def test_cancer_history_with_pain_getting_worse_cough_pain_or_severe_pain_is_urgent(change):
    result = assess(classic(red_flags=["cancer_history"], **change))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["cancer_with_progressive_pain"]


def test_cancer_history_with_pain_the_same_stays_soon():
    assert assess(classic(red_flags=["cancer_history"], trend="same"))["urgency"] == "soon"


@pytest.mark.parametrize("change", [
    {"neuro_symptoms": ["tingling"]}, {"neuro_symptoms": ["numbness"]}, {"neuro_symptoms": ["pain_below_knee"]},
    {"neuro_symptoms": ["leg_weakness"]}, {"red_flags": ["cancer_history", "both_legs_pain"]},
    {"onset": "sudden", "injury_signs": ["difficulty_walking"]},
])
def test_cancer_history_with_a_nerve_type_symptom_or_new_difficulty_walking_is_an_emergency(change):
    findings = classic(red_flags=["cancer_history"])
    findings.update(change)
    result = assess(findings)
    assert result["urgency"] == "emergency"
    assert "metastatic_compression" in result["urgency_rules"]


def test_the_trend_is_asked_when_cancer_history_makes_it_decide():
    assert Engine().could_change_outcome(classic(red_flags=["cancer_history"]), "trend")


def test_the_trend_is_not_asked_when_it_cannot_change_the_outcome():
    assert not Engine().could_change_outcome(classic(), "trend")


def test_age_over_50_alone_raises_nothing():
    assert assess(classic(age=75))["urgency"] == "routine"


# --- policy version 3: sexual dysfunction, both legs, the cauda equina companions ----------

def test_erection_trouble_with_normal_feeling_is_urgent_today():
    result = assess(classic(red_flags=["sexual_dysfunction"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["sexual_dysfunction"]
    assert result["today"] is True
    assert "cauda_equina_syndrome" in result["differentials"]


@pytest.mark.parametrize("companion", [
    {"red_flags": ["sexual_dysfunction", "both_legs_pain"]}, {"neuro_symptoms": ["leg_weakness"]},
    {"neuro_symptoms": ["numbness"]}, {"trend": "worse"},
    {"unsure": {"red_flags": ["bladder_bowel_change"]}},
])
def test_erection_trouble_with_a_cauda_equina_companion_is_an_emergency(companion):
    findings = classic(red_flags=["sexual_dysfunction"])
    findings.update(companion)
    result = assess(findings)
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"][0] == "cauda_equina"
    assert result["likelihood"] == "low"


def test_loss_of_genital_feeling_is_saddle_numbness_an_emergency():
    knowledge = load_knowledge()
    saddle = knowledge.fields["red_flags"]["values"]["saddle_numbness"]["synonyms"]
    sexual = knowledge.fields["red_flags"]["values"]["sexual_dysfunction"]["synonyms"]
    assert "lost feeling in my penis" in saddle and "lost feeling in my penis" not in sexual
    assert assess(classic(red_flags=["saddle_numbness"]))["urgency"] == "emergency"


def test_pain_down_both_legs_is_urgent():
    result = assess(classic(red_flags=["both_legs_pain"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["both_legs_pain"]


def test_aching_at_both_sit_bones_is_no_flag():
    from pht.language.reader import shared_reader
    found = shared_reader().reading("both my sit bones ache when I sit", "red_flags").findings
    assert not {"both_legs", "both_legs_pain"} & set(found.get("red_flags") or [])


# --- policy version 3: unsure and incomplete screens -----------------------------------------

def test_saddle_numbness_unsure_after_the_reask_is_urgent_today_and_recorded_unsure():
    result = assess(classic(unsure={"red_flags": ["saddle_numbness"]}))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["cauda_equina_unsure"]
    assert result["today"] is True
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"
    assert result["screens"]["red_flags"]["items"]["fever"] == "absent"


def test_saddle_numbness_unsure_with_leg_weakness_is_an_emergency():
    result = assess(classic(unsure={"red_flags": ["saddle_numbness"]}, neuro_symptoms=["leg_weakness"]))
    assert result["urgency"] == "emergency"
    assert result["urgency_rules"] == ["cauda_equina"]
    assert result["screens"]["red_flags"]["items"]["saddle_numbness"] == "unsure"


def test_leg_weakness_unsure_is_urgent():
    result = assess(classic(unsure={"neuro_symptoms": ["leg_weakness"]}))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["leg_weakness"]
    assert result["screens"]["neuro_symptoms"]["items"]["leg_weakness"] == "unsure"


def test_an_abandoned_red_flag_screen_is_urgent_today_and_recorded_incomplete():
    result = assess(classic(red_flags=None, incomplete=["red_flags"]))
    assert result["urgency"] == "urgent"
    assert result["urgency_rules"] == ["red_flag_screen_incomplete"]
    assert result["today"] is True
    assert result["screens"]["red_flags"]["state"] == "incomplete"
    assert set(result["screens"]["red_flags"]["items"].values()) == {"not_asked"}


def test_an_abandoned_nerve_screen_is_at_least_soon():
    result = assess(classic(neuro_symptoms=None, incomplete=["neuro_symptoms"]))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["nerve_screen_not_complete"]
    assert result["complete"] is False


@pytest.mark.parametrize("screen", ["red_flags", "neuro_symptoms", "injury_signs"])
def test_no_unsure_or_incomplete_item_of_any_screen_is_ever_routine(screen):
    engine = Engine()
    base = sudden() if screen == "injury_signs" else classic()
    for value in engine.knowledge.values(screen):
        assert engine.assess({**base, "unsure": {screen: [value]}})["urgency"] != "routine", value
    assert engine.assess({**base, "incomplete": [screen]})["urgency"] != "routine"


def test_a_screen_mentioned_only_in_passing_leaves_the_other_items_not_asked():
    result = assess(classic(red_flags=["saddle_numbness"], partly_asked=["red_flags"]))
    items = result["screens"]["red_flags"]["items"]
    assert items["saddle_numbness"] == "present" and items["fever"] == "not_asked"


def test_no_screen_item_is_ever_reported_as_none_when_not_asked():
    result = assess({"pain_location": "sit_bone"})
    assert {item for screen in result["screens"].values() for item in screen["items"].values()} == {"not_asked"}


@pytest.mark.parametrize("flag", ["night_pain", "cancer_history", "weight_loss", "fever"])
def test_the_fit_is_never_good_with_a_sign_of_something_else(flag):
    assert assess(classic(red_flags=[flag]))["likelihood"] == "moderate"


# --- how outcomes are told (policy v2) ------------------------------------------------------

def test_an_emergency_is_told_as_what_to_do_now_and_nothing_else_but_the_safety_net():
    result = assess(classic(red_flags=["saddle_numbness"]))
    assert result["telling"] == ["care", "safety_net"]
    assert "emergency" in result["care"]["headline"].lower()


def test_an_urgent_outcome_is_told_as_what_and_by_when_then_what_it_could_be_without_a_plan():
    result = assess(sudden(injury_signs=["pop"]))
    assert result["telling"] == ["care_by_when", "could_be", "safety_net"]
    assert "24 hours" in result["care"]["headline"]


@pytest.mark.parametrize("findings", [classic(), classic(pain_score=8)], ids=["routine", "soon"])
def test_soon_and_routine_are_told_with_fit_plan_rehab_and_safety_net(findings):
    assert assess(findings)["telling"] == ["care", "fit", "plan", "rehab", "safety_net"]


# --- urgency: soon --------------------------------------------------------------------

def test_sudden_onset_without_injury_signs_is_soon():
    result = assess(sudden())
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["acute_injury"]


@pytest.mark.parametrize("symptom", ["numbness", "tingling", "pain_below_knee"])
def test_nerve_type_symptom_is_soon(symptom):
    result = assess(classic(neuro_symptoms=[symptom]))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["nerve_signs"]


def test_coughing_sneezing_aggravator_is_a_nerve_sign_and_soon():
    result = assess(classic(aggravators=["sitting", "bending_forward", "coughing_sneezing"]))
    assert result["urgency"] == "soon"
    assert result["urgency_rules"] == ["nerve_signs"]
    assert result["likelihood"] == "moderate"


def test_back_pain_alone_is_not_a_nerve_type_sign():
    result = assess(classic(neuro_symptoms=["back_pain"]))
    assert result["urgency"] == "routine"
    assert result["likelihood"] == "high"
    assert "lumbar_radicular_pain" not in result["differentials"]


@pytest.mark.parametrize("score, level", [(0, "routine"), (6, "routine"), (7, "soon"), (10, "soon")])
def test_pain_score_of_seven_or_more_is_soon(score, level):
    result = assess(classic(pain_score=score))
    assert result["urgency"] == level
    assert ("severe_pain" in result["urgency_rules"]) is (level == "soon")


@pytest.mark.parametrize("days, level", [(0, "routine"), (90, "routine"), (91, "soon"), (400, "soon")])
def test_duration_over_90_days_is_soon(days, level):
    result = assess(classic(duration_days=days))
    assert result["urgency"] == level
    assert ("persistent_pain" in result["urgency_rules"]) is (level == "soon")


def test_several_soon_criteria_are_all_reported():
    result = assess(classic(pain_score=8, duration_days=120, neuro_symptoms=["tingling"]))
    assert result["urgency"] == "soon"
    assert set(result["urgency_rules"]) == {"severe_pain", "persistent_pain", "nerve_signs"}


# --- age boundaries -------------------------------------------------------------------

@pytest.mark.parametrize("age, level, rules", [
    (15, "soon", ["under_16"]),
    (16, "routine", ["self_management"]),
    (17, "routine", ["self_management"]),
    (18, "routine", ["self_management"]),
])
def test_age_boundaries_with_gradual_onset(age, level, rules):
    result = assess(classic(age=age))
    assert result["urgency"] == level
    assert result["urgency_rules"] == rules


@pytest.mark.parametrize("age, level, rule", [
    (15, "urgent", "adolescent_avulsion"),
    (16, "urgent", "adolescent_avulsion"),
    (17, "urgent", "adolescent_avulsion"),
    (18, "soon", "acute_injury"),
])
def test_age_boundaries_with_sudden_onset_at_sit_bone(age, level, rule):
    result = assess(sudden(age=age))
    assert result["urgency"] == level
    assert rule in result["urgency_rules"]
    assert ("ischial_apophyseal_injury" in result["differentials"]) is (age < 18)


# --- likelihood -----------------------------------------------------------------------

@pytest.mark.parametrize("location", ["mid_hamstring", "behind_knee", "low_back", "outer_hip", "groin", "other"])
def test_pain_away_from_sit_bone_buttock_and_upper_hamstring_is_low_likelihood(location):
    result = assess(classic(pain_location=location))
    assert result["likelihood"] == "low"
    assert result["likelihood_rule"] == "location_not_typical"


def test_suspected_avulsion_is_low_likelihood():
    result = assess(sudden(injury_signs=["pop"]))
    assert result["likelihood"] == "low"
    assert result["likelihood_rule"] == "avulsion_more_likely"


def test_suspected_cauda_equina_is_low_likelihood():
    result = assess(classic(red_flags=["bladder_bowel_change"]))
    assert result["likelihood"] == "low"
    assert result["likelihood_rule"] == "cauda_equina_more_likely"


@pytest.mark.parametrize("location", ["sit_bone", "upper_hamstring"])
def test_classic_picture_at_typical_location_is_high_likelihood(location):
    result = assess(classic(pain_location=location))
    assert result["likelihood"] == "high"
    assert result["likelihood_rule"] == "classic_picture"


@pytest.mark.parametrize("change", [
    {"pain_location": "buttock"},
    {"aggravators": ["sitting"]},
    {"aggravators": ["sitting", "running", "stairs"]},
    {"aggravators": []},
    {"neuro_symptoms": ["tingling"]},
    {"neuro_symptoms": ["leg_weakness"]},
    {"aggravators": ["sitting", "bending_forward", "coughing_sneezing"]},
    {"onset": "sudden", "injury_signs": []},
    {"onset": "sudden", "injury_signs": ["bruising"]},
], ids=[
    "buttock", "one_typical_aggravator", "running_and_stairs_not_typical", "no_aggravators",
    "nerve_sign", "leg_weakness", "coughing_sneezing", "sudden_onset", "sudden_bruising_only",
])
def test_partial_picture_is_moderate_likelihood(change):
    result = assess(classic(**change))
    assert result["likelihood"] == "moderate"
    assert result["likelihood_rule"] == "partial_picture"


# --- differentials --------------------------------------------------------------------

@pytest.mark.parametrize("findings, differential", [
    (sudden(injury_signs=["pop"]), "hamstring_avulsion"),
    (sudden(pain_location="mid_hamstring"), "hamstring_strain"),
    (classic(pain_location="low_back", neuro_symptoms=["tingling"]), "lumbar_radicular_pain"),
    (classic(pain_location="buttock", neuro_symptoms=["numbness"]), "deep_gluteal_syndrome"),
    (classic(pain_location="behind_knee"), "distal_hamstring_tendinopathy"),
    (classic(pain_location="outer_hip"), "gluteal_tendinopathy"),
    (classic(pain_location="groin"), "hip_joint"),
    (classic(red_flags=["saddle_numbness"]), "cauda_equina_syndrome"),
    (classic(red_flags=["cancer_history"]), "serious_pathology"),
    (classic(red_flags=["fever"]), "serious_pathology"),
    (classic(red_flags=["major_trauma"]), "serious_pathology"),
    (classic(red_flags=["calf_swelling"]), "deep_vein_thrombosis"),
    (sudden(age=16), "ischial_apophyseal_injury"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_differential_is_named_when_the_picture_points_there(findings, differential):
    result = assess(findings)
    assert differential in result["differentials"]
    details = {item["id"]: item for item in result["differential_details"]}
    assert details[differential]["name"]


def test_gradual_mid_thigh_pain_is_not_a_strain():
    assert "hamstring_strain" not in assess(classic(pain_location="mid_hamstring"))["differentials"]


def test_buttock_pain_without_nerve_signs_is_not_deep_gluteal_syndrome():
    result = assess(classic(pain_location="buttock"))
    assert "deep_gluteal_syndrome" not in result["differentials"]


def test_low_back_pain_without_nerve_signs_is_not_radicular():
    result = assess(classic(pain_location="low_back"))
    assert "lumbar_radicular_pain" not in result["differentials"]


# --- completeness ---------------------------------------------------------------------

def test_unknown_red_flags_make_the_result_incomplete():
    result = assess(classic(red_flags=None))
    assert result["complete"] is False
    assert "incomplete" in advice_kinds(result)
    assert "red_flags" in result["missing"]


def test_answered_empty_red_flags_make_the_result_complete():
    result = assess(classic(red_flags=[]))
    assert result["complete"] is True
    assert "incomplete" not in advice_kinds(result)


def test_null_red_flags_count_as_unknown():
    findings = classic()
    findings["red_flags"] = None
    result = assess(findings)
    assert result["complete"] is False
    assert "incomplete" in advice_kinds(result)


def test_injury_signs_are_missing_only_after_sudden_onset():
    assert "injury_signs" not in assess(classic())["missing"]
    assert "injury_signs" in assess(classic(onset="sudden"))["missing"]


# --- shape of every result ------------------------------------------------------------

SCENARIOS = {
    "routine": classic(),
    "routine_no_red_flags": classic(red_flags=None),
    "soon": classic(pain_score=8),
    "soon_sudden": sudden(),
    "urgent_avulsion": sudden(injury_signs=["pop"]),
    "urgent_clot": classic(red_flags=["calf_swelling"]),
    "emergency": classic(red_flags=["saddle_numbness"]),
    "empty": {},
}
EXPECTED_LEVEL = {
    "routine": "routine", "routine_no_red_flags": "routine", "soon": "soon",
    "soon_sudden": "soon", "urgent_avulsion": "urgent", "urgent_clot": "urgent",
    "emergency": "emergency", "empty": "routine",
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_result_has_a_reason_care_and_safety_net(name):
    result = assess(SCENARIOS[name])
    level = EXPECTED_LEVEL[name]
    assert result["urgency"] == level
    assert len(result["reasons"]) >= 1
    assert [item["kind"] for item in result["reasons"]][:1] == ["urgency"]
    assert f"care_{level}" in advice_ids(result, "care")
    assert f"safety_net_{level}" in advice_ids(result, "safety_net")
    # the safety net closes the advice; only the cauda equina warning card may follow it
    closing = [item["kind"] for item in result["advice"] if item["kind"] != "warning_card"]
    assert closing[-1] == "safety_net"
    assert [item["kind"] for item in result["advice"]].index("safety_net") >= len(closing) - 1


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_reason_and_advice_item_cites_known_sources(name):
    sources = load_knowledge().sources
    result = assess(SCENARIOS[name])
    items = result["reasons"] + result["advice"] + result["differential_details"]
    for item in items:
        assert item["source"], item
        unknown = [key for key in item["source"] if key not in sources]
        assert unknown == [], item
    for item in result["reasons"] + result["advice"]:
        assert item["text"].strip(), item


@pytest.mark.parametrize("findings", [
    classic(red_flags=["saddle_numbness"]),
    sudden(injury_signs=["pop"]),
    classic(red_flags=["fever"]),
    classic(neuro_symptoms=["leg_weakness"]),
    sudden(age=16),
], ids=["emergency", "avulsion", "fever", "leg_weakness", "adolescent"])
def test_emergency_and_urgent_results_give_no_load_change_advice(findings):
    result = assess(findings)
    assert result["urgency"] in ("emergency", "urgent")
    kinds = advice_kinds(result)
    assert "load_change" not in kinds
    assert "rehab_stage" not in kinds
    assert "pain_rule" not in kinds


@pytest.mark.parametrize("findings", [classic(), classic(pain_score=8)], ids=["routine", "soon"])
def test_routine_and_soon_results_give_the_load_plan(findings):
    kinds = advice_kinds(assess(findings))
    assert "load_change" in kinds
    assert "pain_rule" in kinds
    assert kinds.count("rehab_stage") == 4
    assert "timeline" in kinds


# --- load-change advice is specific ---------------------------------------------------

def test_sitting_aggravator_gives_break_up_sitting_advice():
    ids = advice_ids(assess(classic(aggravators=["sitting", "driving"], load_changes=[])), "load_change")
    assert "break_up_sitting" in ids


def test_no_sitting_reported_gives_no_sitting_advice():
    ids = advice_ids(assess(classic(aggravators=["driving", "deep_squat"], load_changes=[])), "load_change")
    assert "break_up_sitting" not in ids
    assert "driving_position" in ids
    assert "gym_low_hip_flexion" in ids


def test_stretching_aggravator_gives_no_stretching_advice():
    ids = advice_ids(assess(classic(aggravators=["sitting", "stretching"])), "load_change")
    assert "no_stretching" in ids


def test_no_stretching_aggravator_gives_no_stretching_advice_absent():
    ids = advice_ids(assess(classic(aggravators=["sitting", "bending_forward"])), "load_change")
    assert "no_stretching" not in ids


def test_hills_and_sprints_give_flat_easy_running_advice():
    ids = advice_ids(assess(classic(aggravators=["uphill_running", "sprinting"], load_changes=[])), "load_change")
    assert "flat_easy_running" in ids
    assert "roll_back_volume" not in ids


def test_more_volume_gives_roll_back_volume_advice():
    ids = advice_ids(assess(classic(load_changes=["more_volume"])), "load_change")
    assert "roll_back_volume" in ids


def test_general_load_advice_is_always_part_of_the_plan():
    ids = advice_ids(assess(classic(aggravators=[], load_changes=[])), "load_change")
    assert ids == ["general_load"]


@pytest.mark.parametrize("days, timeline", [(41, "early"), (42, "established")])
def test_timeline_depends_on_duration(days, timeline):
    result = assess(classic(duration_days=days))
    texts = [item["text"] for item in result["advice"] if item["kind"] == "timeline"]
    expected = load_knowledge().advice["timeline"][timeline]["text"]
    assert texts == [expected]


# --- invalid input --------------------------------------------------------------------

@pytest.mark.parametrize("findings", [
    classic(colour="red"),
    classic(pain_location="knee"),
    classic(red_flags=["headache"]),
    classic(aggravators="sitting"),
    classic(age="35"),
    classic(age=True),
    classic(pain_score=False),
    classic(pain_score=11),
    classic(pain_score=-1),
    classic(age=35.5),
    classic(morning_stiffness="yes"),
    classic(sport="  "),
], ids=[
    "unknown_field", "unknown_choice_value", "unknown_list_value", "list_as_string",
    "string_age", "bool_age", "bool_pain_score", "pain_score_11", "pain_score_negative",
    "fractional_age", "string_boolean", "blank_text",
])
def test_invalid_findings_raise_findings_error(findings):
    with pytest.raises(FindingsError) as error:
        assess(findings)
    assert error.value.problems
    assert all(isinstance(problem, str) and problem for problem in error.value.problems)


@pytest.mark.parametrize("raw", [[], "sit_bone", 42, None], ids=["list", "string", "number", "none"])
def test_non_object_findings_raise_findings_error(raw):
    with pytest.raises(FindingsError):
        assess(raw)


def test_unknown_field_problem_names_the_field():
    with pytest.raises(FindingsError) as error:
        assess(classic(colour="red"))
    assert any("colour" in problem for problem in error.value.problems)


def test_every_problem_is_reported_at_once():
    with pytest.raises(FindingsError) as error:
        assess(classic(colour="red", pain_score=11, age="old"))
    assert len(error.value.problems) == 3


def test_whole_number_float_is_accepted():
    assert assess(classic(age=35.0))["findings"]["age"] == 35


def test_every_condition_compiled_answers_as_the_rules_language_reads_it():
    """The engine evaluates conditions compiled to functions (speed: the form weighs every answer
    to every question left against all the rules); `matches` is the reference reading of the
    rules language. Both agree on every condition of the knowledge base, for many findings."""
    import random

    from pht.triage.engine import compiled, matches

    engine = Engine()
    knowledge = engine.knowledge
    conditions = engine._all_conditions()
    fields = [name for name in knowledge.fields if knowledge.fields[name]["kind"] != "text"]
    rng = random.Random(19)
    for _ in range(300):
        findings = {}
        for name in rng.sample(fields, rng.randint(0, len(fields))):
            answers = engine.possible_answers(name)
            answer = rng.choice(answers)
            if knowledge.fields[name]["kind"] == "list":
                answer = sorted(set(answer) | set(rng.sample(knowledge.values(name), rng.randint(0, 3))))
            findings[name] = answer
        if rng.random() < 0.3:
            findings["unsure"] = {"red_flags": rng.sample(knowledge.values("red_flags"), 2)}
        if rng.random() < 0.2:
            findings["incomplete"] = ["red_flags"]
        for condition in conditions:
            assert compiled(condition, engine.definitions)(findings) == matches(condition, findings, engine.definitions)
