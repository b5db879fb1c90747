"""The must-pass danger-sign table (tests/language/danger_signs.yml): every phrasing of a danger
sign is read, in every position a person may say it, and no near-miss is read as a sign.

Reader-level and fast: no Rasa server. A sign counts as read when the reader states it or
returns it as *possible*, for every sign: a possible sign makes the form ask its confirming
question first, and an unclear answer to that counts as the sign (policy v2 and v3). For a
near-miss, a possible sign is a wrong reading too: it would ask a needless alarm question.
"""
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

import pytest
import yaml

from pht.language.reader import shared_reader
from pht.triage.knowledge import load_knowledge
from harness.danger_signs import TABLE, positions

KNOWLEDGE = load_knowledge()
# Every danger sign the reader can return: the safety list, and the leg that gives way.
DANGER_SIGNS = {("red_flags", value) for value in KNOWLEDGE.fields["red_flags"]["values"]}
DANGER_SIGNS.add(("neuro_symptoms", "leg_weakness"))


def signs_read(message: str, asked: "str | None") -> Dict[Tuple[str, str], str]:
    """The danger signs the reader finds in a message: (field, value) -> "stated" or "possible"."""
    return signs_in(shared_reader().reading(message, asked))


def signs_in(reading: Any) -> Dict[Tuple[str, str], str]:
    """The danger signs of one reading: (field, value) -> "stated" or "possible"."""
    found = {}
    for field, value in DANGER_SIGNS:
        if value in (reading.possible.get(field) or []):
            found[(field, value)] = "possible"
        stated = reading.findings.get(field)
        if isinstance(stated, list) and value in stated:
            found[(field, value)] = "stated"
    return found


def _sign_cases() -> Iterator["pytest.param"]:
    for value, entry in TABLE["signs"].items():
        for phrase in entry["phrasings"]:
            yield pytest.param(entry["field"], value, phrase, id=f"{value}: {phrase}")


@pytest.mark.parametrize("field, value, phrase", list(_sign_cases()))
def test_every_danger_sign_phrasing_is_read_in_every_position(field, value, phrase):
    if value not in KNOWLEDGE.fields[field]["values"]:
        pytest.skip(f"{value} is not in the vocabulary yet (clinical policy version 3)")
    missed = [f"{name}: {message!r}" for name, message, asked in positions(phrase)
              if (field, value) not in signs_read(message, asked)]
    assert not missed, f"{value} not read in:\n" + "\n".join(missed)


@pytest.mark.parametrize("phrase", TABLE["near_misses"])
def test_a_near_miss_is_never_read_as_a_danger_sign(phrase):
    wrong = [f"{name}: {message!r} -> {signs}" for name, message, asked in positions(phrase)
             if (signs := signs_read(message, asked))]
    assert not wrong, "read as a danger sign in:\n" + "\n".join(wrong)


def test_the_table_has_enough_phrasings_of_every_sign():
    cauda_equina = {"saddle_numbness", "bladder_bowel_change", "sexual_dysfunction", "both_legs"}
    for value, entry in TABLE["signs"].items():
        assert len(entry["phrasings"]) >= (30 if value in cauda_equina else 10), value
    assert len(TABLE["near_misses"]) >= 40
    listed = {(entry["field"], value) for value, entry in TABLE["signs"].items()}
    assert DANGER_SIGNS <= listed, f"danger signs without phrasings: {DANGER_SIGNS - listed}"


# --- the independent table (tests/real/danger_signs.yml) --------------------------------------
# Written apart from the table above, from the real stories' own words (tests/real/README.md):
# every phrasing is read (stated or possible) in every position too, and no near-miss is.

REAL_TABLE = yaml.safe_load((Path(__file__).parent / "real" / "danger_signs.yml").read_text(encoding="utf-8"))
# A sign told across sentences ("couldn't walk or feel my toes. As time progressed this would
# happen to my right foot": both legs, by "this" in the next sentence) is beyond reading one
# clause at a time; the person still gets the sign's own question.
ACROSS_SENTENCES = {"couldn’t walk or feel my toes. As time progressed this would happen to my right foot"}
# A sharp pain through the hamstring is how a strain feels as much as a tear: it is no pop of
# its own; with a sudden start the injury-signs question asks about a pop.
NOT_A_SIGN_ALONE = {"a sharp pain coursed through my right hamstring muscle",
                    # a torn hamstring is told of years ago as often as today (r055): no pop alone
                    "I knew immediately that I had torn my hamstring."}


# Round fourteen's phrasings (2026-12-04, ninth session) that the reader still misses, each
# with why: strict, so that a fix shows.
ROUND_FOURTEEN_LEFT = {
    "I couldn’t feel my legs, I could barely move my arms and I couldn’t use the bathroom- my system shut down.":
        "read as numbness of both legs (an emergency at once); the bathroom told after it is not read",
    "As for the penis’ other job, well, that’s not going so well.": "a euphemism with no word of function",
    "I remember going to the GP, hardly being able to walk & trying to lift my legs to walk, but they felt like they weren’t there…":
        "the legs and how they felt are in two clauses",
    "In October 2013, just a few months after giving up playing tennis, my eighty-eight-year-old father was diagnosed as having stage 4 prostate cancer.":
        "another person's cancer, in a sentence that opens with the writer's own life",
    "Indeed, several months before Carl was diagnosed with advanced metastatic cancer (stage 4), he lost quite a bit of weight. Nearly 50 pounds overnight.":
        "another person's weight loss",
    "My metabolism decided, exactly a month ago, that I'm carrying too much weight, and it was time to correct that. So it turned off my appetite.":
        "weight loss told only by its cause, a lost appetite",
    "It’s probably a blessing that I don’t remember anything else until I woke up laying on the deck 14′ below where my feet had just been.":
        "a fall told by where he woke up",
}
# Round sixteen's phrasings (2026-12-05, the misses attack's third round) that the reader still
# misses, each with why: strict, so that a fix shows.
ROUND_SIXTEEN_LEFT = {
    "I still walk unlike a lot of people with Cauda Equina Syndrome, although being left for 6 weeks by the docs and told I was ok yet with no reflex left side at all, no anal reflex and impotent prior to the op!":
        "the 'no' of 'no anal reflex' reaches over 'and' to 'impotent' (a rule for it would also undo 'no loss of bowel and bladder control')",
    "My sciatica is back, but it’s… weird. Both legs this time.": "both legs and the sciatica are in two sentences",
    "I was dx over three years ago with bilateral IDC.": "an abbreviation ('IDC' is also 'I don't care')",
    "I can’t remember if I fell forward or back, but I did roll as I went down, smacking pretty much every part of my body on the way down.":
        "the stairs are in the sentence before",
    "He had accidentally stepped where there was no plywood and fell through the ceiling!":
        "the 'no' of 'no plywood' reaches over 'and' to the fall (as above)",
}
# Round seventeen's phrasings (2026-12-05, false alarms weighted to cauda equina) that the reader
# still misses, each with why: strict, so that a fix shows.
ROUND_SEVENTEEN_LEFT = {
    "All of a sudden, I started to feel – nothing down there.":
        "a dash for a pause splits 'feel' from 'nothing down there' into two clauses (a dash often starts a new thought)",
}
# Round eighteen's phrasings (2026-12-05, false alarms weighted to infection or fracture and acute
# injury) that the reader still misses, each with why: strict, so that a fix shows.
ROUND_EIGHTEEN_LEFT = {
    "Seconds after the accident, a passerby photographed me as I managed to get myself up onto my knees, knowing I was injured, but not how badly.":
        "'the accident' alone is as often a toilet accident (a near miss of bladder and bowel), so it is no sign by itself",
}
NEAR_MISSES_LEFT = {
    # round eighteen's rules taken out again after a second fresh-eyes review (2026-12-05)
    'my car was written off in a crash last year but I was fine, this started in May':
        "a crash 'last year' as a long-ago cue also made a second, recent crash in the sentence only possible ('I came off my bike last year, and again on Sunday') (a second fresh-eyes review, round eighteen)",
    'I was worried it was a fracture but the x-ray was clear':
        "'worried it was' as a doubt also made a confirmed fracture only possible ('I was worried it was a fracture and the X-ray showed one') (a second fresh-eyes review, round eighteen)",
    'I lost a stone for my wedding':
        'a wedding as the cause of weight lost also excused weight lost without trying beside it (a second fresh-eyes review, round eighteen)',
    'my right calf is bigger than my left because I kick with it':
        "the kicking or dominant leg as the cause of a bigger calf also excused a hot, red calf swollen overnight, and matched 'non-dominant' (a second fresh-eyes review, round eighteen)",
    'I get breathless running up hills':
        'breathless on hills as a figure of effort also hid breathlessness beside a swollen calf, a possible clot (a second fresh-eyes review, round eighteen)',
    'I was burning up on the hill climb':
        'a hill climb, a spin class, the rain or a start line as the cause of a fever also made a measured fever of 39 or an infected wound only possible (a second fresh-eyes review, round eighteen)',
    'my legs gave out on the last rep of squats':
        "legs that gave out on the last rep also hid a leg weak 'ever since' (a second fresh-eyes review, round eighteen)",
    'I was limping after I stubbed my toe':
        "a stubbed toe or a blister as the cause of a limp also made 'I can't walk, my leg gave way' only possible (a second fresh-eyes review, round eighteen)",
    "I've got a bruise on my forearm from the gym":
        "the forearm as a place elsewhere also hid 'a bruise the size of my forearm' (a second fresh-eyes review, round eighteen)",
    "I got rear-ended at the lights last year but wasn't hurt":
        "a crash 'last year' as a long-ago cue also made a second, recent crash in the sentence only possible ('I came off my bike last year, and again on Sunday') (a second fresh-eyes review, round eighteen)",
    # round eighteen (2026-12-05)
    "He had chest pain which forced him to turn round and drive 450 miles home.":
        "a message all of 'he' may be told for him (r508, 'He cracked his hip when he fell', is annotated his major trauma)",
    "He broke his foot in September and had surgery to put 2 screws in and has been crutching around ever since.":
        "a message all of 'he' may be told for him (as r508)",
    "On Wednesday, he added another bone to his tally: a spiral fracture of the tibia, courtesy of a quick move in a game of Capture the Flag.":
        "a message all of 'he' may be told for him (as r508)",
    "Its' a pity as I'd hoped to have another good mileage week but I suppose it has been a rest for my legs, even though many joints have had a feverish ache.":
        "'feverish' is the fever's own word; the cold is told only in the page's title",
    "My child runs with a broken leg in a cast.":
        "'child' and 'kid' as other people would also make 'was playing with the kids and fell off the trampoline' somebody else's fall",
    # a second fresh-eyes review, twenty-first session: each rule that read these also hid a real sign
    "I had some numbness between my legs last week which has now completely gone":
        "'completely gone' as a resolution also read 'My bladder control has completely gone' as a sign gone",
    "None of that, like, saddle numbness stuff, or bladder stuff":
        "an aside after a word that may end a clause keeps its comma: joining also made 'No, seriously, can't feel when I wipe' a denial",
    "No fever, no weight loss, no, er, cancer history, and no bladder or bowel problems":
        "a 'no' after a comma answers: joining over its aside also made 'No, um, wet myself last night' a denial",
    "I had a hernia op 15 years ago and couldn't pee properly for a day afterwards":
        "a cauda equina sign's own clause ends at 'and': a long-ago cue across it also made 'I used to run every day and both my legs are numb' only possible",
    "I used to be a jockey and came off horses all the time":
        "'I used to be a' tells a former role, not an event long ago ('I used to be a chef and I've lost a stone without trying')",
    "my pop died of bowel cancer":
        "'pop' for a grandfather: as one of the other people it would also make 'I felt a pop and couldn't walk' somebody else's",
    "Anyway my right thigh is sore and I think they'll be a big bruise there tomorrow.":
        "the rule that excused it also hid real signs (a fresh-eyes review, 2026-12-05): asked, not excused",
    'The last time I ran I sustained an agonising injury in my hip, it stopped me in my tracks and I limped home in pain, sobbing my heart out.':
        "the rule that excused it also hid real signs (a fresh-eyes review, 2026-12-05): asked, not excused",
    "I drink water throughout the day. As a result I'm constantly getting up to go pee.": "the cause is in the sentence before",
    "I had an epidural and couldn't feel my legs for a few hours after the birth":
        "legs still numb or weak after an epidural or a spinal block can be a bleed or an abscess on the nerves, so "
        "neither explains both legs (a fresh-eyes review, round seventeen); the reader cannot yet tell that these have worn off",
    # (round fifteen: a weight loss told with its diet or training is asked once, `explained`)
    "How I Lost a Stone and a Half Without Even Noticing!":
        "a weight loss stated clearly is never excused by the words around it, as no danger sign is",
    "It's when you can't walk down a flight of stairs. Oh sure, going up the stairs is a breeze.":
        "'you' meaning anybody is read as the person",
}


def _field_of(value: str) -> str:
    return next(field for field, spec in KNOWLEDGE.fields.items() if value in spec.get("values", {}))


def _real_cases() -> Iterator["pytest.param"]:
    for value, rows in REAL_TABLE["signs"].items():
        for row in rows:
            marks = [pytest.mark.xfail(reason="told across sentences", strict=True)] if row["text"] in ACROSS_SENTENCES else []
            if row["text"] in NOT_A_SIGN_ALONE:
                marks = [pytest.mark.xfail(reason="no sign alone: asked in the injury-signs question", strict=True)]
            if row["text"] in ROUND_FOURTEEN_LEFT:
                marks = [pytest.mark.xfail(reason=ROUND_FOURTEEN_LEFT[row["text"]], strict=True)]
            if row["text"] in ROUND_SIXTEEN_LEFT:
                marks = [pytest.mark.xfail(reason=ROUND_SIXTEEN_LEFT[row["text"]], strict=True)]
            if row["text"] in ROUND_SEVENTEEN_LEFT:
                marks = [pytest.mark.xfail(reason=ROUND_SEVENTEEN_LEFT[row["text"]], strict=True)]
            if row["text"] in ROUND_EIGHTEEN_LEFT:
                marks = [pytest.mark.xfail(reason=ROUND_EIGHTEEN_LEFT[row["text"]], strict=True)]
            yield pytest.param(_field_of(value), value, row["text"], id=f"{value}: {row['text'][:60]}", marks=marks)


@pytest.mark.parametrize("field, value, phrase", list(_real_cases()))
def test_every_real_danger_sign_phrasing_is_read_in_every_position(field, value, phrase):
    missed = [f"{name}: {message!r}" for name, message, asked in positions(phrase)
              if (field, value) not in signs_read_any(message, asked, field)]
    assert not missed, f"{value} not read in:\n" + "\n".join(missed)


@pytest.mark.parametrize("row", [
    pytest.param(row, id=row["text"][:60], marks=[pytest.mark.xfail(reason=NEAR_MISSES_LEFT[row["text"]], strict=True)]
                 if row["text"] in NEAR_MISSES_LEFT else []) for row in REAL_TABLE.get("near_misses", [])])
def test_a_real_near_miss_is_not_read_as_its_sign(row):
    field = _field_of(row["not"])
    assert row["not"] not in (shared_reader().read(row["text"]).get(field) or [])


def signs_read_any(message: str, asked: "str | None", field: str) -> Dict[Tuple[str, str], str]:
    """Like `signs_read`, for the injury signs and nerve symptoms of the independent table too."""
    reading = shared_reader().reading(message, asked)
    found = signs_in(reading)
    for value in (reading.findings.get(field) or []) if isinstance(reading.findings.get(field), list) else []:
        found.setdefault((field, value), "stated")
    for value in reading.possible.get(field) or []:
        found.setdefault((field, value), "possible")
    return found
