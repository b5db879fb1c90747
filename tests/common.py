"""Findings shared by the tests."""

# A classic, low-risk PHT picture with every question answered and nothing worrying.
CLASSIC = {
    "pain_location": "sit_bone",
    "onset": "gradual",
    "duration_days": 40,
    "red_flags": [],
    "neuro_symptoms": [],
    "aggravators": ["sitting", "bending_forward"],
    "load_changes": ["more_volume"],
    "pain_score": 4,
    "morning_stiffness": True,
    "worse_next_day": True,
    "age": 35,
    "sport": "running",
}
