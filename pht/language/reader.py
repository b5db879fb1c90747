"""Reads findings from one free-text message ("my bum bone kills when I sit in meetings").

`Reader.read(text, asked)` returns the findings the message states, keyed by field name.
`asked` is the field the assistant just asked about (Rasa's `requested_slot`): only then do
bare answers such as "yes", "none", "6" or "not sure" mean something. Values mentioned in
passing are read for every field, so volunteered information is never asked again.
`Reader.reading(text, asked)` also returns, apart, the danger signs the message only
*possibly* mentions ("my leg feels weak"): the form confirms those with one question.
"""
from __future__ import annotations

import copy
import datetime
import gzip
import itertools
from collections import Counter, OrderedDict
import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import spacy_lookups_data

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..triage.engine import SAFETY_FIELD
from ..triage.knowledge import OVERTURN_CUES, TOGETHER_KEYS, Knowledge, flattened, load_knowledge
from . import numbers
from .questions import PAIN_WORDS
from .pipeline import (CLAUSE_GAP_BLOCKERS, GAP_BLOCKERS, KeyWordMatcher, NEGATIONS, SIGN_GAP_BLOCKERS, PLACE_FIELDS, answer_phrases, lemma_pattern, shared_pipeline,
                       synonym_phrases)

NOT_SURE = "not_sure"
POSSIBLE = "possible"
BARE = "bare"  # a `bare_as_answer` match: a topic word that answers only on its own
# The words besides the items themselves in an answer that only lists items ("yes, the weight
# and maybe the calf one too", "does weight count?"): a bare topic word counts only among these.
LIST_WORDS = {"yes", "yeah", "yep", "yup", "y", "ya", "the", "a", "an", "my", "and", "or", "&", "+", "plus", "also",
              "too", "maybe", "possibly", "perhaps", "probably", "definitely", "some", "bit", "little", "slight",
              "slightly", "one", "ones", "thing", "things", "item", "that", "this", "those", "these", "just", "only",
              "mainly", "mostly", "def", "with", "about", "of", "-", "/", "!", "?", ".", "(", ")",
              # asked back: "what about the calf?", "does weight count?"
              "what", "how", "does", "do", "is", "count", "counts", "relevant", "matter", "matters", "apply", "applies"}
NUMBER_READERS: Dict[str, Callable[[str, bool], Optional[int]]] = {
    "duration_days": numbers.duration_days,
    "age": numbers.age_years,
    "pain_score": numbers.pain_score,
}
# In a message told for someone else, an age told of them counts ("my 56-year-old mother")
PROXY_NUMBER_READERS: Dict[str, Callable[[str, bool], Optional[int]]] = {
    "age": partial(numbers.age_years, someone_elses=True),
}
CLAUSE_BREAKS = {".", ",", ";", ":", "–", "—", "!", "?", "but", "though", "although", "however", "except", "apart",
                 "whereas", "yet", "only", "just", "because", "cos", "coz"}
# Who or what a clause is told of, one base for the word sets below: the person ("I", "I'm", ...),
# and the words that open a clause of its own with its subject.
SUBJECT_I = {"i", "i'm", "i've", "i'd", "im", "ive"}
FIRST_PERSON = SUBJECT_I | {"me", "my", "myself"}
CLAUSE_SUBJECTS = {"i", "my", "it", "the", "now"}
# ("and now": what follows is told of the present, by the person: "I was playing with the kids and fell
# and now both legs are numb")
NEW_SUBJECT = CLAUSE_SUBJECTS | {"there", "its", "it's", "i'm", "sitting", "running"}
# after a comma, words that tell of the person now: a warning, a fear or a check ends there
TOLD_OF_ONESELF = SUBJECT_I | {"my", "both", "now"}
# a feeling of the nerve that a place below the knee may have without pain
ONLY_FELT = {"numbness", "tingling"}
PAIN_TOLD = (PAIN_WORDS - {"numb", "numbness", "tingling"}) | {
    "stabbing", "stab", "stabs", "shooting", "shoots", "shot", "sharp", "burns", "burn", "sting", "stings", "stinging", "fire",
    "shock", "shocks", "electric", "killing", "kills", "excruciating", "cramp", "cramps", "cramping", "pulsing", "throbs",
    "sciatica", "radiates", "radiating", "radiated", "uncomfortable", "agonising", "agonizing", "throb", "twinges"}
# the values whose parts may hold a list of places between them: a feeling "in my bum cheeks and round
# my back passage" reaches the saddle (an attack of mixed answers); "numb in my bum and down my legs"
# is no numbness of both legs
PLACES_LISTED_FOR = {"saddle_numbness"}
# the values whose parts may have "the back of" between them ("a black mark on the back of my thigh")
PLACED_BY_OF_FOR = {"bruising"}
# words that open a place: "... and round my back passage"
PLACE_PREPOSITIONS = {"in", "on", "round", "around", "near", "by", "between", "at", "under", "inside", "across", "over",
                      "into", "down", "up", "along", "behind", "below", "above"}
# "both legs are numb", "both feet went": the parts and the verbs of a "both" with a verb of its own
BOTH_PARTS = {"legs", "feet", "thighs", "calves", "sides", "buttocks", "cheeks"}
BOTH_VERBS = {"are", "is", "feel", "feels", "felt", "have", "has", "had", "went", "go", "goes", "gone", "were", "was",
              "keep", "kept", "get", "got", "'ve", "seem", "seemed", "started", "became", "turned", "ache", "ached",
              "hurt", "hurts", "tingle", "tingled", "buckle", "buckled", "gave", "give"}
# between a thing and what it did: "the tent has been leaking", "the roof keeps leaking"
AUXILIARIES = {"has", "have", "had", "been", "is", "are", "was", "were", "'s", "keeps", "kept", "always", "still"}
# "the back of my leg", "the side of my hip": a part named by the words after it
PARTS_PLACED_BY_OF = {"back", "side", "front", "top", "bottom"}
FINE_WORDS = {"fine", "normal", "ok", "okay", "good", "alright", "unaffected"}
DEGREE_WORDS = {"totally", "completely", "perfectly", "absolutely", "quite", "pretty", "all", "fine", "actually",
                "still", "generally", "mostly", "weirdly", "surprisingly", "usually"}
SAYING = {"say", "says", "said", "tell", "told", "think", "reckon", "reassure", "reassured"}
DISMISSIVE_VERBS = {"bother", "hurt", "affect", "aggravate", "make", "cause", "trouble", "matter", "change"}
NEGATION_WINDOW = 5
# how a mention is denied (Reader._denial): said of it, or only as an item of a denied list, or as
# an item of a list closed or opened by a denial of its own
SAID, LISTED, LIST_CLOSED = "said", "listed", "list_closed"
# ... or a bare item after a comma in a list whose first item is denied, with no "or" to join them
# ("no fever, weight loss, cancer"): denied or told, it cannot be said, so a danger sign is asked once
LIST_UNJOINED = "list_unjoined"
RECENT_READINGS = 256  # the readings kept, for a turn that reads its message more than once
# What the vocabulary's matchers find in a message, whatever was asked (`Reader._matched`)
Matched = Tuple[Tuple[tuple, ...], FrozenSet[int], Dict[str, FrozenSet[int]], Dict[str, FrozenSet[int]]]
# a figure's unit: "when I was 5 minutes from home" tells no age
UNITS_AFTER_A_FIGURE = {"minutes", "minute", "mins", "min", "hours", "hour", "hrs", "miles", "mile", "km", "seconds", "days",
                        "day", "weeks", "months", "o'clock", "am", "pm", "metres", "meters", "yards", "steps", "laps"}
# words before a resolution in its clause that say it is of something else, or of before:
# "I've lost bladder control but bowel wise that's all fine", "otherwise it's all fine", "I can't
# feel my legs. This morning it was fine." (a fresh-eyes review)
OTHER_THAN_THE_SIGN = {"bowel", "bowels", "bladder", "back", "legs", "leg", "everything", "otherwise", "else", "rest",
                       "apart", "other", "yesterday", "last", "before", "earlier", "until", "till", "ago", "week", "morning",
                       "this"}
# what may not follow a `resolved.at_end` cue and the word after it: "It was fine, then suddenly it all came out"
RESOLVED_UNDONE_AFTER = {"then", "suddenly", "until", "till"}
# what may follow a `resolved.at_end` cue ("but it went.", "it's gone now", "all fine since")
RESOLVED_AT_END_BEFORE = {".", "!", "?", ";", ",", ":", "–", "—", "and", "but", "now", "since", "after", "within",
                          "by", "again", "completely", "though", "thankfully", "luckily"}
ANSWER_NOS = {"no", "nope", "nah"}
# how a later change overturns a denial (vocabulary `overturned`)
STATED, MAYBE = "stated", "maybe"  # and POSSIBLE
SHORT_ANSWER_WORDS = 5  # an opening clause longer than this answers yes or no only with a `leading` word
# A negation does not reach past these: "I don't know why both my legs are numb" states it.
ASSERTED_AFTER = {"why"}
# Nor, for a danger sign, past one of these that opens a clause of its own with its subject ("I
# had no warning before it popped", "no pain until I lost control of my bladder": the pop and
# the loss of control happened). Not for other findings: "no pain after I run" denies running.
SIGN_CLAUSE_OPENERS = {"before", "after", "until", "till", "once"}
# after "no", words that deny what the person goes on to tell ("no way I've lost control", "no sign I ...")
DENIAL_NOUNS = {"way", "chance", "reason", "evidence", "sign", "signs", "indication", "suggestion", "hint", "proof",
                "question", "doubt", "danger", "risk"}
OWN_SUBJECTS = CLAUSE_SUBJECTS | {"he", "she", "we", "they", "something", "i'd", "it'd"}
# "Fever? No.": the answers that deny a finding the person asks of themselves
ASKED_AND_DENIED = {"no", "nope", "nah", "none", "never", "negative", "nil", "fine", "normal", "\u2717", "\u2718", "\u274c"}
# "can't stay in the saddle", "can't handle sitting": what cannot be borne hurts
ENDURING = {"stay", "last", "keep", "bear", "stand", "handle", "tolerate", "manage", "cope", "endure", "face"}
# Past forms that do not end in "-ed": after "didn't ... and", one of these (or a verb in "-ed")
# tells something that happened, which the "didn't" does not reach: "I didn't see the step and went
# down hard" (r1139). A bare form stays denied: "I didn't fall and hit my head".
IRREGULAR_PAST = {"went", "fell", "felt", "heard", "tore", "broke", "came", "got", "took", "ran", "threw", "gave",
                  "woke", "slid", "struck", "caught", "knew", "saw", "stood", "sat", "lay", "kept", "lost", "made",
                  "rode", "flew", "hurtled", "smashed", "was", "were", "had", "ended", "wound"}
DO_SUPPORT = {"did", "does", "do"}
SENSING = {"feel", "notice", "know", "tell", "sense", "realise", "realize"}
# What works or does not, as against a symptom: "bladder control same as always" is well, "the
# numbness is the same as always" is not
FUNCTION_NOUNS = {"control", "function", "feeling", "sensation", "bladder", "bowel", "bowels", "pee", "poo", "wee",
                  "waterworks", "toilet", "continence", "below", "there"}
# what asks whether something works: no to it is the sign ("Bladder control? Not really.")
WORKING_WORDS = {"control", "function", "feeling", "sensation", "strength", "power", "continence"}
# after an organ's word, what says it is well ("peeing normally", "bowels fine")
WELL_AFTER = FINE_WORDS | {"normally", "properly", "usual", "same"}
# "never expected", "didn't imagine", "never thought I'd ...": what follows happened
EXPECTING = {"expect", "expected", "imagine", "imagined", "dream", "dreamt", "dreamed", "anticipate", "anticipated"}
# "something's not right with my bladder", "my bowels haven't been normal", "it doesn't feel quite
# right down there": a "not" of how well something is says it is not well (NegEx's pseudo-negation):
# it denies nothing after it, and the word of wellness it negates excuses nothing (`not_with`).
# Only "not" and "never" negate so ("no, all fine with the waterworks" denies), and not after a
# negation of their own ("I haven't noticed anything not normal"); the word of wellness ends what
# it says ("no right leg numbness" is a side, "not the same as the numbness I had" a likeness)
WELLNESS = {"right", "normal", "ok", "okay", "fine", "good", "alright", "well", "regular", "usual", "same"}
NOT_OF_WELLNESS = {"not", "n't", "never"}
SUPPOSING = {"if", "whether", "unless", "case"}  # "if your bowels are not normal, call 999"
# what may stand between such a "not" and its word of wellness ("not feeling quite the same")
BEFORE_WELLNESS = {"be", "been", "being", "feel", "feels", "feeling", "felt", "seem", "seems", "seemed", "look", "looks",
                   "quite", "really", "very", "totally", "completely", "entirely", "exactly", "all", "that", "the", "as",
                   "100%", "working", "functioning"}
# what may follow a word of wellness that ends what it says ("not right with my bladder", "not
# normal since the fall", "not the same down there"): any other word makes it something else ("it's
# not normal to lose bladder control" is a judgement, "not right down both legs" a place, "I wasn't
# right about the numbness" a correction: a second fresh-eyes review)
AFTER_WELLNESS = {"with", "since", "lately", "recently", "now", "anymore", "yet", "again", "either", "though", "but",
                  "today", "these", "and", "here"}
DO_AND_BE = {"do", "does", "did", "am", "is", "are", "was", "were", "'m", "'re", "'s"}  # "does" has the lemma "doe"
# what may follow "not ... the same" that ends it ("the same down there", "the same since the birth")
SAME_ENDS = AFTER_WELLNESS | {"in", "around", "between", "down", "at", "when", "as", "there", "anymore", "any", "lately"}
WELL_WITH = {"right", "normal", "regular", "same", "usual"}  # not ok, fine or good "with" something: a dislike
# ... and what may follow only with its own next word ("not right down there", "not normal at all")
AFTER_WELLNESS_PAIRS = {("down", "there"), ("down", "below"), ("at", "all"), ("any", "more")}
# "I'm not sure whether I've lost feeling down there", "not certain if it's numb": a doubt told,
# not a denial of what follows
UNSURE_AFTER_NOT = {"sure", "certain", "100%"}
# "I don't much like hobbling around", "I didn't enjoy limping home": what is disliked happens
LIKING = {"like", "enjoy", "love", "fancy"}
# "I haven't seen my oncologist", "I didn't tell my husband": a negated visit or telling, whose
# object is the person named, does not negate the finding that person stands for.
MEETING_VERBS = {"see", "visit", "tell", "ring", "call", "phone", "contact", "consult"}
POSSESSIVES = {"my", "his", "her", "our", "their"}
DETERMINERS_AND_POSSESSIVES = {"a", "an", "the", *POSSESSIVES}
# where a sign feared in its own words (`warnings.in_clause`) stops reaching: "I'm worried my leg will
# give way so I use crutches and can't walk without them" states the crutches (a fresh-eyes review)
FEAR_ENDS = {".", "!", "?", ";", ",", ":", "-", "\u2013", "\u2014", "and", "so", "but", "then", "because", "as", "since",
             "though", "although"}
# a moment of injury, beside which trouble walking after a race is no soreness (`exertion`) and a
# bruise is no treatment's (`explained`)
INJURY_MOMENTS = {"pop", "major_trauma"}
# who does what to a thing (`_not_of_the_body`: "I snapped a photo")
PERSONS = {"i", "he", "she", "we", "you", "they"}
ADVERBS_BEFORE_A_VERB = {"just", "then", "also", "still", "always", "never", "again", "almost", "nearly", "kind", "sort",
                         "finally", "even", "simply", "actually", "instantly", "immediately", "suddenly", "literally"}
# a person named after one of these is not who the clause is about: "I slipped on the top stair
# of a friend's house and bumped down every step", "I fell at my mum's"
# ("with my granddad dying from leukaemia", "this happened to my brother", "for my dad the cancer
# came back" are about them: "with", "to" and "for" are not among them)
PLACE_OF_A_PERSON = {"of", "at", "from", "in", "on", "by", "near", "outside"}
QUANTIFIERS = {"one", "two", "three", "some", "all", "both", "many", "most", "several", "few", "none", "each", "any", "either", "neither"}
# A mention that only says when something else happened is not what a negation before it
# denies: "I could not continue running during chemo", "I haven't slept since the fall".
# "after" and "following" only when no onset verb lies between ("it didn't start after a fall").
WHEN_WORDS = {"during", "since", "throughout"}
WHEN_AFTER_WORDS = {"after", "following"}
ONSET_VERBS = {"start", "begin", "come", "happen", "develop", "occur", "appear", "follow", "trigger", "cause"}
# Sentences a race or workout reaches (`exertion` in vocabulary.yml): its own and the two after.
EXERTION_REACH = 3
# How far a likeness reaches (`likeness`): the "like" within so many words of the mention, the cue of the "like"
LIKENESS_REACH = 8
# words in a clause that say a place named in it is not the one that hurts (`_told_with_pain`)
NOT_THE_PAINFUL_PLACE = {"than", "rather", "instead", "not", "n't", "never", "no", "mri", "scan", "x-ray", "xray", "arch",
                         "lie", "lay", "stretch", "stretches", "support", "cushion", "pillow", "roll", "brace"}
# Where the cue rule's clause ends (see `cues` in vocabulary.yml).
CLAUSE_ENDS = {".", "!", "?", ";", ",", "but", "though", "although", "however", "whereas"}
# "my mum had breast cancer": a finding about somebody else is not the person's own.
OTHER_PEOPLE = {"mum", "mom", "mother", "dad", "father", "sister", "brother", "wife", "husband", "partner",
                "friend", "son", "daughter", "nan", "gran", "grandma", "grandmother", "grandad", "grandfather",
                "granddad", "grandpa", "granny", "nana", "grandparents",
                "aunt", "uncle", "cousin", "family", "colleague", "neighbour", "neighbor", "boss", "coworker", "someone",
                "somebody", "people", "patient", "girlfriend", "boyfriend",
                # the plural and the wider family ("one of my favourite aunts also got cancer")
                "mums", "moms", "dads", "sisters", "brothers", "friends", "sons", "daughters", "aunts", "auntie",
                "aunty", "uncles", "cousins", "colleagues", "neighbours", "neighbors", "parents", "relatives",
                "niece", "nephew", "nieces", "nephews", "grandson", "granddaughter", "stepdad", "stepmum", "stepmom",
                "stepfather", "stepmother", "sibling", "siblings",
                # people of the club, the team or the house ("a lad in my team can't get erections",
                # "my mate's hamstring went with a massive crack"; a probe, twenty-first session)
                # (not "kid" or "child": children are the company of the person's own falls, "I was playing
                # with the kids and fell")
                "mate", "mates", "lad", "lads", "bloke", "blokes", "guy", "lady", "ladies", "buddy", "buddies", "pal", "pals",
                "teammate", "teammates", "flatmate", "housemate", "roommate", "classmate", "coach",
                # a toddler, a pet, a client, a woman or man of a group ("My elderly dog has lost bladder
                # control", "A woman on the PHT facebook group said she lost bladder control"; a helper's
                # attack, twenty-fifth session)
                "toddler", "toddlers", "dog", "dogs", "cat", "puppy", "pet", "client", "clients", "woman", "man",
                "member", "members"}
# a relative the person does something to or is with ("I was carrying my son up the stairs and
# fell", "was playing with my son and fell off the trampoline"): the fall or the trouble walking
# told after them is the person's own, not the relative's
CARRYING_VERBS = {"carry", "carrying", "carried", "hold", "holding", "held", "lift", "lifting", "lifted",
                  "chase", "chasing", "chased", "push", "pushing", "pushed", "pull", "pulling", "pulled",
                  "help", "helping", "helped", "catch", "catching", "caught", "pick", "picking", "picked",
                  "drag", "dragging", "dragged", "swing", "swinging", "swung", "walking", "teaching", "taught",
                  "take", "taking", "took", "bring", "bringing", "brought",
                  # a race against a child: "I started racing my son and got a sharp pain" (round twenty-eight)
                  "race", "racing", "raced",
                  # company: "was playing with my son and fell off the trampoline"
                  "with"}
# where one takes a relative for their care: "I took my mum to the fracture clinic" tells of her
CARE_PLACES = {"hospital", "a&e", "er", "clinic", "gp", "doctor", "doctors", "doctor's", "physio", "appointment",
               "scan", "scans", "ward", "chemo", "x-ray", "surgery", "consultant", "specialist"}
# words that keep a sign told after a carried relative theirs ("after he fell off a ladder", "his leg gave way")
OTHERS_TOLD_OF = {"he", "she", "they", "his", "her", "their", "he's", "she's", "himself", "herself", "who", "whose"}
# where a carried relative is put ("into his wheelchair", "onto her bed"): their possessive there
# is no sign of theirs told after
PUT_INTO = {"into", "onto", "in", "on", "to", "off", "out", "of", "from", "up", "down", "over", "across"}
# children, someone else for every sign but those of a fall ("the kids had a fever"; "I was playing
# with the kids and fell" is the person's fall)
CHILDREN = {"kid", "kids", "child", "children", "baby", "babies", "boy", "girl", "newborn", "youngest", "eldest"}
# the body words of a sign told as another's after "her", "his" or "their" ("her bladder leaks",
# "his temperature"; not "I showed her bruising")
ORGANS = {"bladder", "bowel", "bowels", "legs", "leg", "bits", "bum", "genitals", "privates", "waterworks", "temperature", "temp", "feet"}
# the values told of what happens to the person while doing something to another (`CARRYING_VERBS`)
CARRIED_VALUES = {"major_trauma", "difficulty_walking", "pop", "bruising", "leg_weakness", "sudden"}
THIRD_PERSON = {"he", "she", "his", "her", "him", "he's", "she's", "himself", "herself"}
# a word with a capital after a lower-case word in the same sentence: a name ("Then Angela broke her arm")
NAME = re.compile(r"(?<=[a-z,;:] )([A-Z][a-z]+)\b")
NAMES = "names"
# a possessive that makes the thing named someone else's ("broke her arm", "his calf swelled")
OTHERS_OWN = {"his", "her", "their"}
# "who" opens a clause about the person just named ("my sister, who broke her tailbone"; "a
# woman who died of cancer"): with no "I" or "my" after it, the finding is someone else's,
# unless the person named is the one telling ("I am a 71-year-old woman who ...").
RELATIVE_WHO = {"who", "whose"}
# "As a runner who has had cancer, ...", "Being someone who ...": a sentence that opens by
# saying what the person is
SELF_DESCRIBING = {"as", "being"}


MIN_TYPO_LENGTH = 4
PAIN_NOUNS = {"pain", "ache", "soreness", "discomfort"}
RELIEF_WINDOW = 2  # words at most between an activity and a relieving cue after it
MAX_CORRECTIONS_KEPT = 10000
# `together` parts (see vocabulary.yml) may stand this many words apart, in one clause, with no
# other place named between them: "numbness down both legs", "no feeling in my legs".
TOGETHER_GAP = 5
# `possible_together_in_sentence` parts may stand in two clauses of one sentence, this many words
# apart: "my horse spooked and I came off", "a van turned left across me, I hit the side of it".
SENTENCE_TOGETHER_GAP = 10
# Where a sentence ends: a `not_with` phrase only excuses a possible sign in its own sentence.
SENTENCE_ENDS = {".", "!", "?", ";"}
CONTRASTS = {"but", "however", "yet", "although", "though", "whereas"}  # a warning's reach ends here
# Words of lately that end a harmless cause's or an old time's reach over a danger sign ("I had
# surgery years ago and since last week I can't pee" tells the sign as new), alone or after
# "this" or "last" ("this week", "last night").
LATELY = {"now", "today", "yesterday", "recently", "lately", "currently", "tonight"}
LATELY_AFTER_THIS_OR_LAST = {"week", "weekend", "morning", "night", "month", "few"}
LATELY_OPENERS = {"and", "since", "then", ",", ";", "from"}  # before a word of lately of its own
# A comma followed by one of these carries on the same clause for `together` ("my legs feel
# odd, they're numb").
SAME_CLAUSE_AFTER_COMMA = {"they", "both", "it's", "its"}
# "buttock ... right over the sit bone": a place inside the one named first is the main place.
MORE_SPECIFIC_PLACES = {"buttock": ["sit_bone", "upper_hamstring"],
                        "mid_hamstring": ["upper_hamstring", "sit_bone", "behind_knee"]}
# "radiated down to the back of my hamstrings" goes down, but not below the knee.
ABOVE_KNEE = {"sit_bone", "upper_hamstring", "mid_hamstring", "buttock"}
DOWN_TO_WINDOW = 6
# A sentence this long tells a story: an activity in it needs a cue (`cues_in_stories`).
STORY_SENTENCE_WORDS = 8
# Words at least this common (log probability, from spacy-lookups-data) are real words, not typos.
COMMON_WORD_LOG_PROB = -16.0


def common_english_words() -> Set[str]:
    """About 90,000 common English words (and number words), so they are never "corrected"."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        probabilities = json.load(handle)
    return {word for word, log_prob in probabilities.items() if log_prob >= COMMON_WORD_LOG_PROB}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


@dataclass(frozen=True)
class Mention:
    """One synonym (or, with `possible`, one phrase that only possibly means it) in the text."""

    field: str
    value: str
    start: int
    end: int
    negated: bool
    possible: bool = False
    explained: bool = False  # possible only for a harmless cause told beside it (`explained`)
    # only possible because of a doubt about it ("I'm not sure whether I've lost feeling down
    # there"): its words still mean it, and hide what they hold as a statement's would
    doubted: bool = False
    # words that state a danger sign clearly, made only possible by what stands round them
    # (someone else named, a doubt, a warning, a time past, a harmless cause told beside them):
    # never dropped by a `not_with`; a phrase only possible of its own, told beside a harmless
    # cause, still is ("I leak when I jump on the trampoline with the kids")
    clear_words: bool = False

    def contains(self, other: "Mention") -> bool:
        return self.start <= other.start and other.end <= self.end and (self.end - self.start) > (other.end - other.start)


# Slang written with symbols, and quotation marks around a word ('my "sit" bone'), which the
# word-by-word reading cannot see through.
SYMBOL_SLANG = {"a$$": "ass", "@rse": "arse", "@ss": "ass", "b*m": "bum", "a**": "ass"}


# "I couldn't walk or feel my toes", "I can't sit, stand or walk", "trouble sitting or walking": the
# "couldn't" belongs to every verb of the list, so it is written out before each ("... or couldn't
# feel my toes", "can't sit, can't stand or can't walk") for the phrases that need it to match.
# "barely" and "hardly" join only over "or" and "nor": "I barely sleep and walk a lot" says no
# trouble walking.
INABILITY_WORDS = (r"can't|cannot|can not|couldn't|could not|unable to|not able to|struggle to|struggled to|"
                   r"struggling to|hard to|difficult to|impossible to|trouble|difficulty|problems")
LIST_VERB = r"\w+(?: up| down| out)?"
SHARED_VERBS = (r"feel|move|lift|control|hold|pass|pee|wee|poo|stand|walk|sit|bend|sleep|climb|get|keep|tell|go|"
                r"empty|stop|feeling|moving|lifting|controlling|holding|passing|peeing|weeing|pooing|standing|"
                r"walking|sitting|bending|sleeping|climbing|getting|going|emptying|stopping")
# ... unless the list is of what hurts for a while ("I can't sit, stand or walk for long"): then it
# tells how long each can be done, not an inability (a fresh-eyes review)
LIMITED_TIME = (r"for long|for very long|for too long|for a long|for longer|for more than|for any length|"
                r"for extended|for prolonged|too long|very long")
INABILITY_BEFORE_ING = {"trouble", "difficulty", "problems"}  # "trouble sitting or walking", not "trouble to walk"
DENIED_BEFORE = re.compile(r"\b(?:not|no|never|none|nothing|without)\b|n't\b")
SHARED_INABILITY = re.compile(
    rf"\b(?:({INABILITY_WORDS}) ({LIST_VERB}((?:, {LIST_VERB})*),? (or|nor|and))"
    rf"|(barely|hardly) ({LIST_VERB}((?:, {LIST_VERB})*),? (or|nor))) (?=(?:{SHARED_VERBS})\b)"
    rf"(?!\w+(?: up| down| out)? (?:{LIMITED_TIME})\b(?! without))"
    rf"(?!\w+ing (?:is|was|are|were|helps|help|eases|ease|seems|makes|feels|does|has|the|my|a|an|his|her|our|their)\b)")


def _inability_shared(match: "re.Match[str]") -> str:
    """The inability of a list written out before each of its verbs (SHARED_INABILITY); none after
    a denial earlier in its clause ("I have not had any trouble sitting, standing or walking")."""
    clause = re.split(r"[.,;!?]|\b(?:but|and|so|because|as|though)\b", match.string[:match.start()])[-1]
    word = str(match.group(1) or match.group(5))
    following = match.string[match.end():].split(" ", 1)[0]
    if DENIED_BEFORE.search(clause) or following.endswith("ing") != (word in INABILITY_BEFORE_ING):
        return match.group(0)  # "I struggle to sit and walking around helps": a new clause
    verbs = str(match.group(2) or match.group(6))
    return f"{word} " + re.sub(r"(,? (?:or|nor|and)$|,) ?", lambda joint: str(joint.group(1)) + f" {word} ", verbs)


# "I fell of my bike", "barley walk": a typo that is a word of its own, written right where what
# follows says which word was meant (an attack, session 26); a person's fall only, not "a note pad
# that fell of a table" (r788)
FELL_OF = re.compile(r"\b((?:i|he|she|we|they) (?:fell|came)|thrown) of (?=(?:my|a|the|his|her|our|their|an) (?:\w+ )?"
                     r"(?:bike|bicycle|motorbike|motorcycle|scooter|horse|pony|ladder|roof|wall|scaffolding|tree|trampoline|"
                     r"balcony|cliff|ledge)\b)")
# "I couldn't weight-bear", "weightbear", "non-weight bearing": one spelling for the phrases; "I could
# neither sit nor walk" is "could not sit, could not walk"
WEIGHT_BEAR = re.compile(r"\b(?:(non)[- ])?weight[- ]?(bear)")
NEITHER = re.compile(r"\b(could|can|was able to|am able to) neither (\w+) nor (?=(?:%s)\b)" % SHARED_VERBS)
BARLEY = re.compile(r"\bbarley (?=(?:walk|walked|walking|move|moved|moving|stand|stood|standing|sit|get|got|make|made|able|put|bear|feel|felt|hobble|limp)\b)")


# "zero saddle numbness", "zero control of my bladder": "zero" before a sign's own words is "no" (a
# denial, or the phrase of a sign that holds "no"); not a number ("zero out of ten", "zero days").
ZERO_AS_NO = re.compile(r"\bzero\b(?=\s+(?:feeling|sensation|control|strength|power|numbness|tingling|issues?|problems?|"
                        r"trouble|bladder|bowels?|leaking|leaks?|erections?|saddle|pins|weakness|pain|fever|weight|loss|"
                        r"incontinence|accidents?)\b)")  # not "zero sleep and wet the bed" (a fresh-eyes review)


# "I've lost 10lbs", "down 6kgs": a weight written against its number is one word to the
# tokenizer, so "lost * lbs" would not find it; the number and its unit are written apart.
UNIT_GLUED = re.compile(r"\b(\d+(?:\.\d+)?)(lbs?|kgs?|kilos?|kilograms?|pounds)\b")


# "when I wipe, I can't feel it": the comma after an opening "when I wipe" ends no clause (the
# saddle's parts are read together in one clause)
TOILET_OPENING = re.compile(r"\b((?:when|whenever|if|after)\s+(?:i|you)\s+(?:wipe|wiped|pee|peed|wee|weed|poo|pooed|go to the (?:loo|toilet)|went to the (?:loo|toilet)))\s*,")
# "I've lost weight, no idea why", "I've had a fever, not sure why": the sign without a cause it
# could be put down to (the unexplained of it), neither a doubt nor a "no"
REASON_UNKNOWN = re.compile(r"\b(?:i'm |i am )?(?:not sure|unsure|no idea|(?:i )?(?:don't|do not|dont) know|dunno|can't say|cannot say|"
                            r"not certain|no clue|(?:i )?(?:can't|cannot) explain|(?:i )?(?:can't|cannot) think) why\b")


# "no... the numbness round my privates": an ellipsis after a "no" ends the answer's "no", as a full
# stop does, when a statement of its own follows ("no... fever" is a hesitant denial; a story's "sit
# down....even when I sleep it hurts" runs on); "none other than", "aside from" are "except" (an
# attack of mixed answers: "none other than both legs going dead")
ELLIPSIS = re.compile(r"\b(no|nope|nah|none|nothing|not really)\s*(?:\.{2,}|\u2026)\s*(?=(?:well|actually|wait|oh|but|though|"
                      r"except|apart|only|maybe|i|i'm|i've|my|the|there|it|it's|just|hmm|um|erm)\b)")
ENDS_DENIED = re.compile(r"\b(?:no|nope|nah|none(?: of (?:those|them|these|it))?|not really|nothing|neither)\W*$")
EXCEPT_WORDS = re.compile(r"\b(?:other than|aside from|besides|save for|excepting)\b")


# A line of a list ends its sentence: a line that denies the whole list ("none of those" / "my
# calf is swollen"; not a bare "no", which may be the next line's: "No / pop / no bruising") or an
# item with its answer after a mark ("fever: no" / "weight loss: yes").
# Any other line runs on into the next, as prose wrapped by hand or typed with Enter mid-sentence
# does ("I don't / have a fever", "I can't feel / my bum"; a fresh-eyes review of 790 probes).
LIST_LINE = re.compile(r"^(?:(?:none|nothing)(?: of (?:those|them|these|the above|that))?(?: apply| at all)?"
                       r"|no to (?:all|everything|any)(?: of (?:them|those|these|it|the above))?"
                       r"|[-*\u2022]?\s*[a-z][a-z /&'()]{1,40}?\s*[:\-\u2013=]\s*(?:no|yes|none|nope|nah|nil|n|y))[.!]?$")


def _lines_as_sentences(text: str) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "\n".join(line.rstrip() + (" ." if number < len(lines) - 1 and LIST_LINE.match(line.strip()) else "")
                     for number, line in enumerate(lines))


def _normalise(text: str) -> str:
    text = _lines_as_sentences(text.lower().replace("\u2019", "'").replace("\u2018", "'"))
    if not ENDS_DENIED.search(text):  # "no... the fever, the weight loss, none of those" denies them all
        text = ELLIPSIS.sub(r"\1. ", text)
    text = EXCEPT_WORDS.sub("except", text)
    for written, word in SYMBOL_SLANG.items():
        text = text.replace(written, word)
    text = re.sub(r'["\u201c\u201d]', " ", text)
    text = SHARED_INABILITY.sub(_inability_shared, text)
    text = UNIT_GLUED.sub(r"\1 \2", text)
    text = BARLEY.sub("barely ", FELL_OF.sub(r"\1 off ", text))
    text = WEIGHT_BEAR.sub(lambda match: f"{match.group(1) + ' ' if match.group(1) else ''}weight {match.group(2)}", text)
    text = NEITHER.sub(lambda match: f"{match.group(1)} not {match.group(2)}, {match.group(1)} not ", text)
    text = ZERO_AS_NO.sub("no", text)
    text = REASON_UNKNOWN.sub("unexplained", text)
    text = TOILET_OPENING.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


# An aside is left out with its commas only after a word that cannot end a clause ("issues with,
# like, bladder control", "I don't have, um, any numbness", "a bit of trouble, like, going for a
# wee"); elsewhere its comma stays: "No pain, honestly, I wet myself last night" and "No,
# seriously, can't feel when I wipe" deny no wetting and no feeling (two fresh-eyes reviews)
JOINED_OVER_AN_ASIDE = {"with", "of", "about", "in", "on", "to", "for", "from", "around", "between", "have", "had", "has",
                        "got", "any", "some", "trouble", "issues", "problems", "feel", "felt", "noticed", "not", "n't",
                        "never", "don't", "didn't", "haven't", "hasn't", "hadn't", "doesn't", "wasn't"}


def _aside_left_out(match: "re.Match[str]") -> str:
    """What an aside between commas (vocabulary `asides`) is left out for: a space after a word
    that cannot end a clause, else a comma. A "no" joins only inside a clause ("there's no, as
    far as I can tell, loss of feeling"), not as an answer ("No, honestly, ...")."""
    preceding = re.findall(r"[a-z']+|[^\sa-z']", match.string[:match.start()])
    word = preceding[-1] if preceding else ""
    joins = word in JOINED_OVER_AN_ASIDE or (word == "no" and len(preceding) > 1 and re.match(r"[a-z']", preceding[-2]))
    return " " if joins else ", "


def _phrase_regex(phrases: Iterable[str]) -> "re.Pattern[str]":
    alternatives = sorted((re.escape(_normalise(str(phrase))) for phrase in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % "|".join(alternatives))


@dataclass(frozen=True)
class InClause:
    """An entry of `asked_once_in_clause` (vocabulary.yml): a sign of `values` in a clause with one
    of `cues` is only possible, unless the mention's own words say otherwise."""

    cues: Any  # a matcher of the cue phrases
    values: FrozenSet[str]
    unless_words: FrozenSet[str]  # a word of the mention that keeps it stated ("numb" legs at mile 10)
    only_words: FrozenSet[str]  # when given, the mention must hold one of these ("pops", not "popped")
    unless_before: FrozenSet[str]  # a word in the three before the mention that keeps it stated ("felt a")

    def asks(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the mention from `start` to `end` is the kind this entry asks about once."""
        words = {token.lower_ for token in doc[start:end]}
        return (not words & self.unless_words and (not self.only_words or bool(words & self.only_words))
                and not {token.lower_ for token in doc[max(0, start - 3):start]} & self.unless_before)


class Reader:
    """Turns free text into findings values using the vocabulary and the spaCy pipeline."""

    def __init__(self, knowledge: Optional[Knowledge] = None, nlp: Optional[Language] = None,
                 validate: bool = False) -> None:
        """`validate`: check every pattern against spaCy's schema (a test does; it took a
        third of every process's start)."""
        self.knowledge = knowledge or load_knowledge()
        self.nlp = nlp or shared_pipeline()
        self.validate = validate
        # a turn reads the same message up to four times (the extraction, the form's check, the
        # corrections, a story told again): the latest readings are kept (`reading`)
        self._recent: "OrderedDict[Tuple[str, Optional[str], bool], Reading]" = OrderedDict()
        self._recent_matches: "OrderedDict[str, Matched]" = OrderedDict()  # `_matched`, by the words read
        self.matcher = self._new_matcher()
        for field, value, phrase in synonym_phrases(self.knowledge):
            self.matcher.add(f"{field}|{value}", [lemma_pattern(self.nlp, phrase, field in PLACE_FIELDS,
                                                                blockers=self._gap_blockers(field, value))])
        self.as_answer: Dict[str, KeyWordMatcher] = {}
        for field, value, phrase in answer_phrases(self.knowledge):
            self.as_answer.setdefault(field, self._new_matcher()).add(
                value, [lemma_pattern(self.nlp, phrase, field in PLACE_FIELDS)])
        self.possible_not_with: Dict[str, KeyWordMatcher] = {}
        self.possible_own_words: Dict[str, Set[str]] = {}
        self.not_with_in_clause: Set[str] = set()
        for field, value, entry in possible_values(self.knowledge):
            self.matcher.add(f"{field}|{value}|{POSSIBLE}", [lemma_pattern(self.nlp, str(p), blockers=self._gap_blockers(field, value))
                                                             for p in entry["possible"]])
            for phrase in entry.get("possible_as_answer", []):  # "I just fell over" to the safety question
                self.as_answer.setdefault(field, self._new_matcher()).add(
                    f"{value}|{POSSIBLE}", [lemma_pattern(self.nlp, str(phrase))])
            for phrase in entry.get("bare_as_answer", []):  # "pee", "the weight" to the safety question
                self.as_answer.setdefault(field, self._new_matcher()).add(
                    f"{value}|{POSSIBLE}|{BARE}", [lemma_pattern(self.nlp, str(phrase))])
            if entry.get("not_with"):
                self.possible_not_with[f"{field}|{value}"] = self._cue_matcher(entry["not_with"])
                # the words the possible phrases write out themselves ("lift" of "can't lift my leg")
                self.possible_own_words[f"{field}|{value}"] = {
                    word.lstrip("=") for phrase in entry.get("possible", []) for word in str(phrase).lower().split()
                    if word != "*"}
            if entry.get("not_with_in_clause"):
                self.not_with_in_clause.add(f"{field}|{value}")
        # in any message, a sign stated by its parts together, or only possibly ("I hit the ground
        # at speed", `possible_together`: asked once), one matcher for both
        self.together = self._together_matcher("together", "possible_together", "possible_together_in_sentence")
        self.together_in_order = {(field, value) for field, value, entry in together_values(self.knowledge, "together_in_order")}
        # to a safety question, a sign told only by its parts together, in words of its own
        # ("my leg wouldn't take my weight"): possibly that sign, asked once
        self.answer_together = self._together_matcher("possible_together_as_answer")
        guesses = self.knowledge.vocabulary.get("guesses", {})
        self.guesses = self._cue_matcher(guesses.get("cues"))
        self.guessed_fields = set(guesses.get("fields", []))
        self.warnings = self._cue_matcher(self.knowledge.vocabulary.get("warnings", {}).get("cues"))
        self.warnings_in_clause = self._cue_matcher(self.knowledge.vocabulary.get("warnings", {}).get("in_clause"))
        checks = self.knowledge.vocabulary.get("warnings", {}).get("checks") or {}
        self.checks = {side: self._cue_matcher(checks.get(side)) for side in ("before", "after")}
        historical = self.knowledge.vocabulary.get("historical", {})
        doubts = self.knowledge.vocabulary.get("doubts", {})
        self.doubts = {side: self._cue_matcher(doubts.get(side)) for side in ("before", "after")}
        self.historical = self._cue_matcher(historical.get("cues"))
        self.historical_values = set(historical.get("values", []))
        own_clause = historical.get("own_clause") or {}
        self.historical_own_clause = self._cue_matcher(own_clause.get("cues"))
        self.historical_own_values = set(own_clause.get("values", []))
        exertion = self.knowledge.vocabulary.get("exertion", {})
        self.exertion = self._cue_matcher(exertion.get("cues"))
        self.exertion_values = set(exertion.get("values", []))
        # the values an item of a list "no X, Y, Z" (no "or") only possibly tells (`unjoined_list_items`)
        self.unjoined_values = set(self.knowledge.vocabulary.get("unjoined_list_items", {}).get("values", []))
        # a cue in the clause of a sign that makes it only possible: a race's mile beside legs that
        # stopped (the runner's wall), a pop that comes whenever the person gets up (`asked_once_in_clause`):
        # an InClause per entry: numb legs at mile 10 are still told, so is "I felt a pop and now it
        # hurts every time I sit"
        self.asked_once_in_clause = [
            InClause(self._cue_matcher(entry.get("cues")), frozenset(entry.get("values", [])),
                     frozenset(entry.get("unless_words", [])), frozenset(entry.get("only_words", [])),
                     frozenset(entry.get("unless_before", [])))
            for entry in self.knowledge.vocabulary.get("asked_once_in_clause", {}).values()]
        # screen -> value -> a matcher of the words that tell its topic (`unheard_topics`)
        self.unheard_topics = {field: {value: self._cue_matcher(words) for value, words in values.items()}
                               for field, values in (self.knowledge.vocabulary.get("unheard_topics") or {}).items()}
        gives = self.knowledge.vocabulary.get("what_gave") or {}
        self.gives_values = set(gives.get("values", []))
        self.gives_verbs = {str(word).lower() for word in gives.get("verbs", [])}
        self.gives_things = {str(word).lower() for word in gives.get("things", [])}
        likeness = self.knowledge.vocabulary.get("likeness", {})
        self.likeness = self._cue_matcher(likeness.get("cues"))
        self.likeness_values = set(likeness.get("values", []))
        resolved = self.knowledge.vocabulary.get("resolved") or {}
        self.resolved = self._cue_matcher(resolved.get("cues"))
        self.resolved_at_end = self._cue_matcher(resolved.get("at_end"))
        self.resolved_of_its_word = self._cue_matcher(resolved.get("of_its_word"), in_clause=True)
        self.any_time = set(self.knowledge.vocabulary.get("any_time", []))
        self.presupposed = {value: {str(phrase).lower() for phrase in phrases}
                            for value, phrases in self.knowledge.vocabulary.get("denial_presupposes", {}).items()}
        self.also_mine = self._cue_matcher(self.knowledge.vocabulary.get("also_mine"))
        unresolved = self.knowledge.vocabulary.get("unresolved", {})
        self.unresolved_before = self._cue_matcher(unresolved.get("before"))
        self.unresolved_after = self._cue_matcher(unresolved.get("after"))
        self.unresolved_signs = set(unresolved.get("signs", []))
        overturned = self.knowledge.vocabulary.get("overturned", {})
        self.overturned = {key: self._cue_matcher(overturned.get(key)) for key in OVERTURN_CUES}
        inability = {_normalise(str(long)): str(short) for long, short in
                     self.knowledge.vocabulary.get("inability", {}).items()}
        self.inability = (inability, re.compile("|".join(
            ("(?<=\\w)" if long.startswith("n't") else r"(?<![\w'])") + re.escape(long) + r"(?![\w'])"
            for long in sorted(inability, key=len, reverse=True)))) if inability else None
        self.inability_kept = {str(word).lower() for word in self.knowledge.vocabulary.get("inability_kept", [])}
        lost = self.knowledge.vocabulary.get("lost_ability", {})
        self.lost_ability = re.compile(
            r"(?<![\w'])(?:" + "|".join(re.escape(_normalise(str(cue))) for cue in lost["before"]) + r") "
            r"([^.;!?]{1,60}?),? (?:" + "|".join(re.escape(_normalise(str(cue))) for cue in lost["after"]) + r")(?=\s*(?:[.,;!?]|$))"
        ) if lost.get("before") and lost.get("after") else None
        # a value told by words that, in a message about something else, name another value
        # (`in_context`: a seat in a story of riding is the saddle)
        self.in_context = {(field, value): (self._cue_matcher(entry["in_context"]["words"]),
                                            self._cue_matcher(entry["in_context"]["context"]),
                                            str(entry["in_context"]["read_as"]))
                           for field, spec in self.knowledge.fields.items()
                           for value, entry in (spec.get("values") or {}).items()
                           if isinstance(entry, dict) and entry.get("in_context")}
        minimised = self.knowledge.vocabulary.get("minimised", {})
        self.minimised = self._cue_matcher(minimised.get("cues"))
        self.minimised_values = set(minimised.get("values", []))
        # the cauda equina signs (those with a concrete re-ask): a list's denial only asks about them
        self.cauda_equina = frozenset(value for spec in self.knowledge.fields.values()
                                      for value, entry in (spec.get("values") or {}).items()
                                      if isinstance(entry, dict) and entry.get("concrete"))
        by_organ = self.knowledge.vocabulary.get("explained_organs") or {}
        self.organ_sign, organs = by_organ.get("sign"), by_organ.get("organs") or {}  # the sign whose causes may be of one organ
        explained = {value: list(cues) for value, cues in (self.knowledge.vocabulary.get("explained") or {}).items()}
        if organs:
            explained.setdefault(self.organ_sign, []).extend(cue for organ in organs.values() for cue in organ["causes"])
        self.explained = {value: self._cue_matcher(cues) for value, cues in explained.items()}
        # (a cause of one organ's change, the words that name that organ's change)
        self.organs = {name: (self._cue_matcher(organ["causes"]), self._cue_matcher(organ["words"]))
                       for name, organ in organs.items()}
        relieving = self.knowledge.vocabulary.get("relieving", {})
        self.relieving = {side: self._cue_matcher(relieving.get(side)) for side in ("before", "after", "only_for", "treatments")}
        self.relieved_fields = set(relieving.get("fields", []))
        self.relieving_conditions = {str(word).lower() for word in relieving.get("conditions", [])}
        self.spellings = {str(k).lower(): str(v).lower() for k, v in self.knowledge.vocabulary.get("spellings", {}).items()}
        asides = sorted((re.escape(_normalise(str(aside))) for aside in self.knowledge.vocabulary.get("asides") or []),
                        key=len, reverse=True)
        # ", like, " in the middle of a sentence: left out with its commas (vocabulary `asides`)
        self.asides = re.compile(r"\s*,\s*(?:%s)\s*,\s*" % "|".join(asides)) if asides else None
        self.cues = {field: self._cue_matcher(spec["cues"]) for field, spec in self.knowledge.fields.items()
                     if spec.get("cues")}
        # words round a cue that take its meaning away ("worse after" is no "after" of a change)
        self.not_cues = {field: self._cue_matcher(spec["not_cues"]) for field, spec in self.knowledge.fields.items()
                         if spec.get("not_cues")}
        self.place_keepers = {(field, value) for field, spec in self.knowledge.fields.items()
                              for value, entry in (spec.get("values") or {}).items()
                              if isinstance(entry, dict) and entry.get("keeps_places")}
        # a field's phrases that tell how something happened leave another's inside them to be
        # read too (`does_not_hide`: "I hurt my back" is a sudden start and back pain)
        self.not_hidden = {(field, other) for field, spec in self.knowledge.fields.items()
                           for other in spec.get("does_not_hide") or []}
        # `cues_in_stories` (vocabulary.yml): `true`, or its options
        stories = {field: spec["cues_in_stories"] if isinstance(spec["cues_in_stories"], dict) else {}
                   for field, spec in self.knowledge.fields.items() if spec.get("cues_in_stories")}
        self.in_stories_cued = list(stories)
        self.story_scope = {field: options.get("scope", "sentence") for field, options in stories.items()}
        # (field, value) findings in whose clause a `cues_in_stories` field's mention does not count
        self.story_not_with = {field: set(options.get("not_with", {}).items()) for field, options in stories.items()
                               if options}
        self.doing = self._cue_matcher([cue for options in stories.values() for cue in options.get("while", [])])
        # a sentence that tells the pain starting (`started`), with no word of a pain that comes
        # back each time (`unless_started`): an activity in it is when it began, not what makes it
        # worse ("the day after my run my glute started to hurt")
        self.started = {field: (self._cue_matcher(options["started"]), self._cue_matcher(options.get("unless_started")))
                        for field, options in stories.items() if options.get("started")}
        places = self.knowledge.vocabulary.get("not_pain_places", {})
        self.not_pain_places = {side: self._cue_matcher(places.get(side)) for side in ("feelings", "pain")}
        self.not_findings = self._cue_matcher(self.knowledge.vocabulary.get("not_findings"), in_clause=True)
        # a field's own: "the pain runs down my leg" is no running, but still the pain's path
        self.field_not_findings = {field: self._cue_matcher(flattened(spec["not_findings"]), in_clause=True)
                                   for field, spec in self.knowledge.fields.items() if spec.get("not_findings")}
        self.field_story_not_findings = {field: self._cue_matcher(flattened(spec["not_findings_in_stories"]), in_clause=True)
                                         for field, spec in self.knowledge.fields.items() if spec.get("not_findings_in_stories")}
        # (field, value) -> matchers of the body parts that put it elsewhere, of those that keep it,
        # and of the measures that name a part without placing anything there ("the size of my hand")
        self.elsewhere = {(field, value): (self._cue_matcher(entry["elsewhere"]["places"]),
                                           self._cue_matcher(entry["elsewhere"]["unless"]),
                                           self._cue_matcher(entry["elsewhere"]["measures"])
                                           if entry["elsewhere"].get("measures") else None)
                          for field, spec in self.knowledge.fields.items()
                          for value, entry in (spec.get("values") or {}).items()
                          if isinstance(entry, dict) and entry.get("elsewhere")}
        # (field, value) -> a matcher of the parts near the hamstring where the value may still be
        # its own ("a snap in my hip", `elsewhere.near`); its `unless` parts are the elsewhere ones
        self.near = {(field, value): self._cue_matcher(entry["elsewhere"]["near"])
                     for field, spec in self.knowledge.fields.items()
                     for value, entry in (spec.get("values") or {}).items()
                     if isinstance(entry, dict) and (entry.get("elsewhere") or {}).get("near")}
        # (field, value) -> matchers of one leg named and of words that name both (`one_leg`)
        self.one_leg = {(field, value): (self._cue_matcher(entry["one_leg"]["named"]), self._cue_matcher(entry["one_leg"]["unless"]))
                        for field, spec in self.knowledge.fields.items()
                        for value, entry in (spec.get("values") or {}).items()
                        if isinstance(entry, dict) and entry.get("one_leg")}
        self.unlisted = {field: self._cue_matcher(spec["unlisted"]) for field, spec in self.knowledge.fields.items()
                         if spec.get("unlisted")}
        answers = self.knowledge.vocabulary["answers"]
        self.answer_regex = {kind: _phrase_regex(phrases) for kind, phrases in answers.items()}
        self.answer_regex.setdefault("all", re.compile(r"(?!)"))  # a vocabulary without "all" answers
        self.answer_regex.setdefault("leading", re.compile(r"(?!)"))
        phrases = [phrase for _, _, phrase in synonym_phrases(self.knowledge)]
        phrases += [phrase for _, _, phrase in answer_phrases(self.knowledge)]
        phrases += [str(phrase) for group in answers.values() for phrase in group]
        phrases += [str(p) for _, _, entry in possible_values(self.knowledge) for p in entry["possible"]]
        phrases += [str(p) for key in TOGETHER_KEYS
                    for _, _, entry in together_values(self.knowledge, key) for group in entry[key] for part in group for p in part]
        self.vocabulary_words = sorted({word for phrase in phrases for word in re.findall(r"[a-z]+", phrase.lower())})
        self.english = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
        self.known_words = set(self.vocabulary_words) | set(self.english.values()) | common_english_words()
        self.words_by_length: Dict[int, List[str]] = {}
        for word in self.vocabulary_words:
            self.words_by_length.setdefault(len(word), []).append(word)
        self.corrections: Dict[str, str] = {}
        self.word_pipes = [(name, process) for name, process in self.nlp.pipeline if name != "entity_ruler"]

    def _new_matcher(self) -> KeyWordMatcher:
        """An empty matcher on the pipeline's words (spaCy's pattern check only with `validate`)."""
        return KeyWordMatcher(self.nlp.vocab, validate=self.validate)

    def _cue_matcher(self, phrases: Optional[Iterable[Any]], in_clause: bool = False) -> KeyWordMatcher:
        """A matcher of `phrases` by lemma (vocabulary.yml's cue lists); with none, one that finds
        nothing. `in_clause`: a gap ("*") does not run over a comma or an "and" either."""
        matcher = self._new_matcher()
        if phrases:
            blockers = CLAUSE_GAP_BLOCKERS if in_clause else GAP_BLOCKERS
            matcher.add("cue", [lemma_pattern(self.nlp, str(phrase), blockers=blockers) for phrase in phrases])
        return matcher

    # -- public ------------------------------------------------------------------------

    def read(self, text: str, asked: Optional[str] = None, infer: bool = True) -> Dict[str, Any]:
        """Findings stated in `text`; `asked` is the field just asked about, if any.
        With `infer`, findings implied by others are added (a pop means a sudden start)."""
        return self.reading(text, asked, infer).findings

    def reading(self, text: str, asked: Optional[str] = None, infer: bool = True) -> "Reading":
        """The findings `text` states, and apart from them the danger signs it only possibly
        mentions (field -> values), which are not findings until confirmed. A message read
        lately is not read again: a copy of its reading is given, so a caller may change it."""
        key = (text or "", asked, infer)
        if key in self._recent:
            self._recent.move_to_end(key)
            return copy.deepcopy(self._recent[key])
        reading = self._read_afresh(text, asked, infer)
        self._recent[key] = copy.deepcopy(reading)
        if len(self._recent) > RECENT_READINGS:
            self._recent.popitem(last=False)
        return reading

    def _read_afresh(self, text: str, asked: Optional[str], infer: bool) -> "Reading":
        raw = text or ""
        text = self.correct_typos(_normalise(raw))
        if not text:
            return Reading({}, {})
        doc = self._doc(text)
        doc.user_data[NAMES] = _names(raw)
        proxy = _told_for_someone_else(doc)  # "My 56-year-old mother has trouble ...": her age
        mentions = self._mentions(doc, asked, proxy=proxy)
        definite = [mention for mention in mentions if not mention.possible]
        found: Dict[str, Any] = {}
        for field, spec in self.knowledge.fields.items():
            if spec.get("checkins_only"):
                continue  # asked only with the consent to check-ins (vocabulary.yml)
            value = self._read_field(field, spec, text, definite, asked == field, for_someone_else=proxy)
            if value is not None:
                found[field] = value
        if asked == SAFETY_FIELD and _fever_figure(doc) and isinstance(found.get(asked, []), list):
            # "nope except I had 38.9 last night": a temperature's figure as the answer to the list
            # that asks about fever is the fever (an attack of mixed answers)
            found[asked] = list(dict.fromkeys((found.get(asked) or []) + ["fever"]))
        if infer:
            self._apply_implications(found, asked, self._told_with_pain(doc, definite, found) if asked is None else [])
        if asked and asked not in found and self._says(text, "unsure"):
            found[asked] = NOT_SURE
        possible = self._possible(doc, mentions, found)
        if asked is not None and asked in self.unheard_topics and found.get(asked) == [] and not possible.get(asked):
            # "I don't feel it when I need a poo now" to the safety list: a "no" that goes on to tell
            # of an organ of the cauda equina is no "none"; its sign gets its confirming question
            unheard = self._unheard_topics(doc, asked, mentions) if _sensing_denied(doc) else []
            if unheard:
                possible[asked] = unheard
        return Reading(found, possible)

    def _unheard_topics(self, doc: Doc, field: str, mentions: List[Mention]) -> List[str]:
        """The values of `field` (vocabulary `unheard_topics`) whose topic words stand in the answer
        outside every mention read and not followed by a word that says all is well."""
        covered = {index for mention in mentions for index in range(mention.start, mention.end)}
        found = []
        for value, matcher in self.unheard_topics[field].items():
            for _, start, end in matcher(doc):
                following = {token.lower_ for token in doc[end:end + 3]}
                if covered.intersection(range(start, end)) or following & WELL_AFTER:
                    continue
                found.append(value)
                break
        return found

    def _doc(self, text: str) -> Doc:
        """The tokens and lemmas of `text`. The pipeline's entity ruler is for Rasa: the reader
        matches the vocabulary itself, so it is not run here (it took a third of the time)."""
        doc = self.nlp.make_doc(text)
        for _, process in self.word_pipes:
            doc = process(doc)
        return doc

    def named_values(self, text: str, negated_only: bool = False) -> Dict[str, Set[Any]]:
        """Every value the text names, stated, negated or only possibly (field -> values); a
        number field names the number it reads. "I never said below the knee" names
        `pain_below_knee`: what a correction is about, whatever it says of it. With
        `negated_only`, only the values named negated ("not below the knee")."""
        text = self.correct_typos(_normalise(text or ""))
        if not text:
            return {}
        named: Dict[str, Set[Any]] = {}
        for mention in self._mentions(self._doc(text), None, told=False):
            if mention.negated or not negated_only:
                named.setdefault(mention.field, set()).add(mention.value)
        if negated_only:
            return named
        for field, read_number in NUMBER_READERS.items():
            number = read_number(text, False)
            if number is not None:
                named.setdefault(field, set()).add(number)
        return named

    def unlisted_named(self, field: str, text: str) -> List[str]:
        """The things `text` names that answer `field`'s question but are none of its options
        (`unlisted` in vocabulary.yml: "walking" to "what makes it worse?"), in the person's words;
        not one the person turns round ("not walking", "walking is fine") or says eases the pain
        ("walking helps"), as for the options."""
        matcher = self.unlisted.get(field)
        if matcher is None:
            return []
        doc = self._doc(self.correct_typos(_normalise(text or "")))
        spans = sorted(((start, end) for _, start, end in matcher(doc)), key=lambda span: (span[0], -span[1]))
        longest: List[tuple] = []
        reached = -1
        for start, end in spans:
            if start >= reached:  # the longest of overlapping phrases
                longest.append((field, "unlisted", start, end, False))
                reached = end
        clause = _numbered_by(doc, CLAUSE_ENDS)
        relieved = self._relieved(doc, longest, clause) if field in self.relieved_fields else set()
        mentioned = {index for _, _, start, end, _ in longest for index in range(start, end)}
        said = [doc[start:end].text for position, (_, _, start, end, _) in enumerate(longest)
                if position not in relieved and not self._is_negated(doc, start, end, mentioned)]
        return list(dict.fromkeys(said))

    @staticmethod
    def told_plainly(field: str, text: str) -> bool:
        """Whether `text` tells `field` so plainly that what was read needs no confirming
        question when the urgency depends on it (`confirm_whenever_urgency_depends`): how long,
        in one amount among no other times (`numbers.duration_told_plainly`); how it has gone
        (`trend`) never in a story, which may tell of one ride or of a year ago."""
        return numbers.duration_told_plainly(text) if field == "duration_days" else field != "trend"

    def yes_or_no(self, text: str) -> Optional[bool]:
        """True for "yes", False for "no", None when the answer is unclear or "not sure"."""
        return self._yes_or_no(_normalise(text or ""))

    def opening_answer(self, text: str) -> str:
        """The words of a story that can answer a question: its first clause ("no, it only ...":
        a "no" further in, "It swelled up a lot ... no longer sore", or a "maybe 8 months", does
        not). A longer opening clause answers only with a `leading` word at its head ("yes, and
        I limp since"): "It is the first scan I have had" tells, it does not answer."""
        doc = self._doc(_normalise(text or ""))
        first = "".join(token.text_with_ws for token, number in zip(doc, _numbered_by(doc, CLAUSE_ENDS))
                        if number == 0 and token.lower_ not in CLAUSE_ENDS).strip()
        if len(first.split()) > SHORT_ANSWER_WORDS:
            head = self.answer_regex["leading"].match(first)
            return head.group(0) if head else ""
        return first

    def says_abnormal(self, text: str) -> bool:
        """Whether the answer describes a feeling that is not normal (`answers: abnormal`)."""
        return "abnormal" in self.answer_regex and self._says(_normalise(text or ""), "abnormal")

    def says_not_sure(self, text: str) -> bool:
        """Whether the answer is "not sure" ("I don't know", "maybe"), as opposed to one that
        says nothing usable at all."""
        return self._says(_normalise(text or ""), "unsure")

    @staticmethod
    def _other_organ(organ_words: Dict[str, List[Tuple[int, int]]], mention: Mention, other: Mention) -> bool:
        """Whether two mentions of one sign name different organs (`organ_words`: each organ's
        words in the message): "bowels no, bladder yes" denies only the bowels (an attack of
        telegraphic answers)."""
        def organs_of(told: Mention) -> Set[str]:
            return {name for name, spans in organ_words.items()
                    if any(told.start <= start and end <= told.end for start, end in spans)}

        own, others = organs_of(mention), organs_of(other)
        return bool(own and others and not own & others)

    def _possible(self, doc: Doc, mentions: List[Mention], found: Dict[str, Any]) -> Dict[str, List[str]]:
        """Values only possibly mentioned: not negated, not already stated clearly, and with
        none of the value's `not_with` phrases in its sentence. A word that only says all is well
        ("fine", "ok") excuses in its own clause: "told I was ok yet ... impotent" is no denial."""
        possible: Dict[str, List[str]] = {}
        sentence = _numbered_by(doc, SENTENCE_ENDS)
        clause = _numbered_by(doc, CLAUSE_BREAKS)
        denied = {at for mention in mentions if mention.negated and self._is_sign(mention.field, mention.value)
                  for at in range(mention.start, mention.end)}
        organ_words = {name: [(start, end) for _, start, end in words(doc)] for name, (_, words) in self.organs.items()}
        for mention in mentions:
            if not mention.possible or mention.negated or mention.value in (found.get(mention.field) or []):
                continue
            if any(other.value == mention.value and other.field == mention.field and other.negated
                   and not self._other_organ(organ_words, mention, other)
                   # "I wouldn't say my bits don't feel right, but my bum is numb": a denied phrase
                   # that holds its own "not" denies nothing else (a third fresh-eyes review)
                   and not any(doc[at].lower_ in NOT_OF_WELLNESS for at in range(other.start, other.end))
                   for other in mentions):
                continue  # "down the back of my leg, not past the knee": denied in the same message
            key = f"{mention.field}|{mention.value}"
            not_with, in_clause = self.possible_not_with.get(key), key in self.not_with_in_clause
            # a `not_with` word that is one of the phrase's own written words excuses nothing: "I
            # can't lift my leg" is no gym lift (not "lost my sprint power": a word of the gap)
            # a `not_with` word that is a danger sign denied excuses nothing either: "no fever or
            # cancer, bladder issues" (a fresh-eyes review)
            own = self.possible_own_words.get(key, set())
            if not_with is not None and not mention.clear_words and any(
                    _same_stretch(doc, start, end, mention.start, clause, sentence, in_clause)
                    and not (mention.start <= start and end <= mention.end
                             and all(doc[at].lower_ in own for at in range(start, end)))
                    and not denied.intersection(range(start, end))
                    and not _wellness_negated(doc, start, end)
                    for _, start, end in not_with(doc)):
                continue
            values = possible.setdefault(mention.field, [])
            if mention.value not in values:
                values.append(mention.value)
        return possible

    def correct_typos(self, text: str) -> str:
        """Replace misspelt words with the vocabulary word they are one or two edits from
        ("sittting" -> "sitting", "hamstirng" -> "hamstring"). Known English words are kept."""
        def fix(match: "re.Match[str]") -> str:
            word = match.group(0)
            if word in self.spellings:
                return self.spellings[word]
            if "'" in word:
                return word  # a contraction ("wouldn't" is no misspelt "couldn't")
            if len(word) < MIN_TYPO_LENGTH or word in self.known_words or word in self.english:
                return word
            if word not in self.corrections:
                if len(self.corrections) > MAX_CORRECTIONS_KEPT:
                    self.corrections.clear()
                self.corrections[word] = self._closest_vocabulary_word(word)
            return self.corrections[word]

        text = re.sub(r"[a-z]+(?:'[a-z]+)*", fix, text)
        if self.asides:  # "no issues with, like, bladder control": the denial reaches the bladder
            text = self.asides.sub(lambda match: _aside_left_out(match), text)
        if self.lost_ability:  # "I used to be able to hold my pee, not anymore" (vocabulary `lost_ability`)
            text = self.lost_ability.sub(lambda match: f"i can't {match.group(1)}", text)
        if self.inability:  # "I don't think I can walk" is "I can't walk" (vocabulary `inability`)
            short, long_way = self.inability
            text = long_way.sub(lambda match: match.group(0) if self._inability_kept(match.group(0), match.string[:match.start()])
                                else short[match.group(0)], text)
        return text

    def _same_organ(self, doc: Doc, causes: List[int], start: int, end: int) -> List[int]:
        """The harmless causes at `causes` that may explain the bladder or bowel change told at
        start..end: a cause of one organ's change (vocabulary `explained_organs`) explains none
        told in the other organ's words ("on codeine and I haven't peed in 2 days")."""
        named = {name for name, (_, words) in self.organs.items()
                 if any(start <= at < end for _, at, _ in words(doc))}
        one_organ = {at: name for name, (organ_causes, _) in self.organs.items() for _, at, _ in organ_causes(doc)}
        return [at for at in causes if at not in one_organ or not named - {one_organ[at]}]

    def _inability_kept(self, long_way: str, before: str) -> bool:
        """Whether one of the two words before a long way round of an inability, in its clause,
        turns it round (vocabulary `inability_kept`): "it hasn't stopped me from running". A long
        way round that is a negation itself ("could I not", "not able to") is turned round by
        nothing before it: "not only could I not run" cannot run."""
        def negation(word: str) -> bool:
            return word in self.inability_kept or (word.endswith("n't") and "n't" in self.inability_kept)
        if any(negation(word) for word in long_way.split()):
            return False
        words = re.split(r"[.,;:!?()]", before)[-1].split()[-2:]
        # "it not only stops me from walking" stops them: a "not" of "not only" turns nothing round
        return any(negation(word) and words[index + 1:index + 2] not in (["only"], ["just"])
                   for index, word in enumerate(words))

    def _closest_vocabulary_word(self, word: str) -> str:
        """The vocabulary word one edit from `word` (two for words of 8 letters or more), else `word`."""
        allowed = 1 if len(word) < 8 else 2
        near = [known for length in range(len(word) - allowed, len(word) + allowed + 1)
                for known in self.words_by_length.get(length, [])]
        if not near:
            return word
        best = min(near, key=lambda known: (edit_distance(word, known, allowed + 1), known))
        return best if edit_distance(word, best, allowed + 1) <= allowed else word

    def answered_none(self, text: str) -> bool:
        """Whether the text as a whole says "none" / "nothing"."""
        return self._says(_normalise(text), "none")

    # -- fields ------------------------------------------------------------------------

    def _read_field(self, field: str, spec: Dict[str, Any], text: str, mentions: List[Mention], asked: bool,
                    for_someone_else: bool = False) -> Any:
        kind = spec["kind"]
        if kind == "number":
            number = (for_someone_else and PROXY_NUMBER_READERS.get(field) or NUMBER_READERS[field])(text, asked)
            if number is not None and spec["min"] <= number <= spec["max"]:
                return number
            return None
        own = [mention for mention in mentions if mention.field == field]
        positive = [mention.value for mention in own if not mention.negated]
        negated = [mention.value for mention in own if mention.negated]
        if kind == "boolean":
            if positive:
                return True
            if negated:
                return False
            if asked:
                return self._yes_or_no(text)
            return None
        if kind == "choice":
            if not positive or (spec.get("one_value_only") and len(set(positive)) > 1):
                return None
            # the place named first is the main one, unless a place inside it is named too
            inside = [value for value in MORE_SPECIFIC_PLACES.get(positive[0], []) if value in positive] if field == "pain_location" else []
            return inside[0] if inside else positive[0]
        ordered = [value for value in spec.get("values", {}) if value in positive]
        if kind == "list":
            if asked and not spec.get("screen") and self._says(text, "all") and not negated:
                # "everything" to "what makes it worse?": every option that is an activity
                return [value for value, entry in spec["values"].items() if not entry.get("not_everything")]
            if ordered:
                return ordered
            if asked and not self._says(text, "unsure") and (
                    negated or self._says(text, "none") or self._yes_or_no(text) is False):
                return []  # "no idea" is not "none of these"
            return None
        # free text (sport): a recognised value (the first among the options) or else a sport
        # named in a story (`named`), unless one told covers another ("a triathlete ... my long
        # run": triathlon; "running out a ground ball": baseball) or all told make one up ("run,
        # swim ... on the bike": triathlon), "none", or the person's own words
        told = ordered + [value for value in dict.fromkeys(positive) if value not in ordered]
        if told:
            covers = spec.get("covers", {})
            covering = [value for value in told if set(covers.get(value, [])) & set(told)]
            made_up = [value for value, parts in spec.get("made_of", {}).items() if set(parts) <= set(told)]
            return (covering or made_up or told)[0]
        if asked:
            if self._says(text, "none") or self._yes_or_no(text) is False:
                return "none"
            if not self._says(text, "unsure"):
                return text[:60]
        return None

    def _apply_implications(self, found: Dict[str, Any], asked: Optional[str], told: Sequence[Mention] = ()) -> None:
        """Findings that follow from others (`implies` in vocabulary.yml): a pop means a sudden
        start, whatever else the message says of how it began; pain in the low back is back
        pain beside whatever else the nerve question finds.
        A field's own `implies` holds for the answer to its question ("when it happened, did you
        notice ...?"); in a story only a value's does ("I couldn't walk" tells no sudden start).
        In a story, a value of a one-value field told in a clause with a word of pain but not kept
        still implies what it implies in a list ("sharp buttock pain, and my lower back aches":
        the buttock is the place, and the low back hurts too, which is back pain)."""
        for mention in told:
            for other, implied in self._implied_by(mention).items():
                if self.knowledge.fields[other]["kind"] == "list":
                    _add_to_list(found, other, implied)
        for field, spec in self.knowledge.fields.items():
            if found.get(field):
                for other, value in (spec.get("implies", {}) if field == asked else {}).items():
                    found.setdefault(other, value)
                values = found[field] if isinstance(found[field], list) else [found[field]]
                for value in values:
                    entry = spec.get("values", {}).get(value, {}) or {}
                    if asked is None:  # `suggests`: what a story makes likely, when it tells nothing else
                        for other, suggested in entry.get("suggests", {}).items():
                            found.setdefault(other, suggested)
                    for other, implied in entry.get("implies", {}).items():
                        if self.knowledge.fields[other]["kind"] != "list":
                            found[other] = implied  # "I felt a pop, then it gradually got worse": the pop was a moment
                        else:
                            _add_to_list(found, other, implied)

    def _implied_by(self, mention: Mention) -> Dict[str, Any]:
        """What the value of a mention implies (`implies` of the value in vocabulary.yml)."""
        return (self.knowledge.fields[mention.field].get("values", {}).get(mention.value) or {}).get("implies") or {}

    def _told_with_pain(self, doc: Doc, mentions: List[Mention], found: Dict[str, Any]) -> List[Mention]:
        """The values of one-value fields a story tells but does not keep (`found`), that imply
        something, in a clause with a word of pain in it ("the small of my back aches too"), not a
        place named for another reason ("a lumbar MRI that was clear", "lower back stretches")."""
        mentions = [mention for mention in mentions
                    if not mention.negated and self.knowledge.fields[mention.field]["kind"] == "choice"
                    and found.get(mention.field) != mention.value and self._implied_by(mention)]
        if not mentions:
            return []
        clause = _numbered_by(doc, CLAUSE_ENDS)
        painful = {clause[start] for _, start, _ in self.not_pain_places["pain"](doc)}
        # not one set against the pain ("in my bum rather than my lower back", "pressed on my lower
        # back and that didn't hurt"), a test of it ("a lower back MRI") or a posture ("when I arch
        # my lower back", "lying on my lower back")
        aside = {clause[token.i] for token in doc if token.lower_ in NOT_THE_PAINFUL_PLACE or token.lemma_ in NOT_THE_PAINFUL_PLACE}
        return [mention for mention in mentions if clause[mention.start] in painful - aside]

    def _says(self, text: str, answer_kind: str) -> bool:
        return bool(self.answer_regex[answer_kind].search(text))

    def _yes_or_no(self, text: str) -> Optional[bool]:
        if self._says(text, "unsure"):
            return None
        if self._says(text, "deny"):
            return False
        if self._says(text, "affirm"):
            return True
        return None

    # -- mentions ----------------------------------------------------------------------

    def _matched(self, doc: Doc) -> "Matched":
        """What the vocabulary's matchers find in `doc`, whatever was asked: the values named
        (field, value, start, end, only possibly), and the words that name no finding
        (everywhere, in one field, in one field's stories). The same words are read again with
        another question asked or for another purpose in a turn, so the last few are kept."""
        found = self._recent_matches.get(doc.text)
        if found is not None:
            self._recent_matches.move_to_end(doc.text)
            return found

        def indices(matches: Iterable[Tuple[int, int, int]]) -> FrozenSet[int]:
            return frozenset(index for _, start, end in matches for index in range(start, end))

        named = tuple((field, value, start, end, bool(possibly)) for match_id, start, end in self.matcher(doc)
                      for field, value, *possibly in [self.nlp.vocab.strings[match_id].split("|")])
        def whole(matches: Iterable[Tuple[int, int, int]]) -> Iterator[Tuple[int, int, int]]:
            # "pop in my back" is no "pop in the back of my leg": a phrase ending on a part that
            # the words after it place ("the back of ...") does not name that part
            return (match for match in matches
                    if not (doc[match[2] - 1].lower_ in PARTS_PLACED_BY_OF and match[2] < len(doc) and doc[match[2]].lower_ == "of"))

        found = (named, indices(whole(self.not_findings(doc))),
                 {field: indices(matcher(doc)) for field, matcher in self.field_not_findings.items()},
                 {field: indices(matcher(doc)) for field, matcher in self.field_story_not_findings.items()})
        self._recent_matches[doc.text] = found
        if len(self._recent_matches) > RECENT_READINGS:
            self._recent_matches.popitem(last=False)
        return found

    def _mentions(self, doc: Doc, asked: Optional[str], told: bool = True, proxy: Optional[bool] = None) -> List[Mention]:
        """The values the words name, with their assertion; with `told`, as a story states
        them (`_in_stories`), else every value named ("I never said driving" names driving),
        also by the words that name a value only as an answer ("it only goes to the back of
        the thigh"). `proxy`: whether the message is told for someone else, if known."""
        matched, ignored, ignored_in_field, ignored_in_stories = self._matched(doc)
        raw: List[tuple] = list(matched)
        ignored_for = {field: ignored | indices for field, indices in ignored_in_field.items()}
        for field, indices in ignored_in_stories.items():  # not in the answer to its own question
            if field != asked:
                ignored_for[field] = ignored_for.get(field, ignored) | indices
        raw += self._together(doc, raw)
        raw = self._read_in_context(doc, raw)
        answering = list(self.as_answer) if not told else [asked] if asked in self.as_answer else []
        answers: List[tuple] = []
        clause = _numbered_by(doc, CLAUSE_ENDS)
        if answering:  # words that name a value only as the answer to its question,
            # and give way to a danger sign ("my back" inside "around my back passage")
            # (one that holds the sign's words whole still answers: "the numbness one" to the
            # safety question points at an item, whatever "numbness" alone names)
            # (a phrase that only possibly means a sign hides the words inside it that answer its
            # question with another value: "I can't pull my foot up" to the nerve question is asked
            # about as weakness, not "my foot" denied)
            taken = [(field, value, start, end, possible) for field, value, start, end, possible in raw
                     if self.knowledge.fields[field].get("screen")]
            bare: Set[Tuple[int, int]] = set()
            for field in answering:
                for match_id, start, end in self.as_answer[field](doc):
                    value, possible = self._answer_value(match_id)
                    if not any(other_start < end and start < other_end and not start <= other_start < other_end <= end
                               and (not possibly or other_field == field and other_value != value
                                    and other_start <= start and end <= other_end)
                               for other_field, other_value, other_start, other_end, possibly in taken):
                        answers.append((field, value, start, end, possible))
                        if self.nlp.vocab.strings[match_id].endswith(f"|{BARE}"):
                            bare.add((start, end))
            # a bare topic word ("pee", "the weight", "calf and night") points at an item of the
            # list only in a clause that says nothing else: "my knee is swollen" or "I work
            # nights" names no swollen calf and no night pain (vocabulary `bare_as_answer`)
            if bare:
                items_named = {index for item in raw + answers if (item[2], item[3]) not in bare
                               for index in range(item[2], item[3])}
                answers = [item for item in answers if (item[2], item[3]) not in bare
                           or _only_items(doc, clause, item[2], items_named | set(range(item[2], item[3])))]
            # a small fall is only possibly a major one, whatever the word "fell" alone would say
            # in its clause ("I fell from standing on the ice"), that value only ("the calf one and
            # the legs one" picks the calf for sure); not a word inside a longer answer that names
            # the value outright ("leaking" in "the leaking one")
            hedged = [(field, value, clause[start]) for field, value, start, end, possible in answers if possible
                      and not any(other[0] == field and not other[4] and other[2] <= start < end <= other[3]
                                  and (other[2], other[3]) != (start, end) for other in answers)]
            answers = [item for item in answers if item[4] or (item[0], item[1], clause[item[2]]) not in hedged]
            # a place told numb or tingling ("my foot is numb", "pins and needles in my calf") names
            # no pain below the knee, unless its clause tells of pain too (an attack of mixed answers)
            felt = {clause[item[2]] for item in raw if item[0] == "neuro_symptoms" and item[1] in ONLY_FELT}
            if felt and not _pain_told(doc):
                answers = [item for item in answers if not (item[1] == "pain_below_knee" and clause[item[2]] in felt
                                                            and not _travels_to(doc, item[2]))]
            answers += self._together(doc, raw, self.answer_together, answering)
        # a phrase that only looks like a finding ("my bruised bum") still names its place
        def outside_not_findings(items: List[tuple]) -> List[tuple]:
            return [item for item in items if item[0] in PLACE_FIELDS
                    or not ignored_for.get(item[0], ignored).intersection(range(item[2], item[3]))]

        raw, answers = outside_not_findings(raw), outside_not_findings(answers)
        if asked in self.unlisted:  # "a new saddle" to "what changed?" is a change, not cycling
            unlisted = {index for _, start, end in self.unlisted[asked](doc) for index in range(start, end)}
            raw = [item for item in raw if item[0] == asked or self.knowledge.fields[item[0]].get("screen")
                   or not unlisted.issuperset(range(item[2], item[3]))]
        # to a one-value question (not a place), the words that name a value outright win over
        # those that name one only as an answer elsewhere: "I felt it gradually getting worse"
        # started gradually (a longer answer holding them, "not getting better", still wins)
        named = [item for item in raw if item[0] not in PLACE_FIELDS and self.knowledge.fields[item[0]].get("kind") == "choice"]
        raw += [item for item in answers if not any(other[0] == item[0] and not item[2] <= other[2] < other[3] <= item[3]
                                                    for other in named)]
        kept = self._longest_per_field(raw)
        mentioned = {index for _, _, start, end, _ in kept for index in range(start, end)}
        # what each word tells (field, value, where its phrase starts), a phrase that starts there first:
        # an "or" joins a list only between two findings (`_listed`)
        told_at: Dict[int, Tuple[str, str, int]] = {}
        for field, value, start, end, _ in sorted(kept, key=lambda item: (item[0] in PLACE_FIELDS, -item[2])):
            for index in range(start, end):
                if index not in told_at or told_at[index][2] != index and start == index:
                    told_at[index] = (field, value, start)
        # a danger sign's phrase that holds its own negation ("can't get aroused") uses it up,
        # even where a longer phrase of the sign won: "I can't get aroused down there since last
        # week" is not a denial of "aroused down there since"
        mentioned |= {index for field, value, start, end, _ in raw if self._is_sign(field, value)
                      and any(doc[at].lower_ in NEGATIONS for at in range(start, end)) for index in range(start, end)}
        sentence = _numbered_by(doc, SENTENCE_ENDS)
        cue_starts = {field: self._cue_starts(field, doc) for field in self.cues}
        cued = {field: {clause[cue_start] for cue_start in starts} for field, starts in cue_starts.items()}
        # Fields with cues are checked from the last in the vocabulary to the first, each
        # against the mentions still standing: "run hills" beside "sit" is no training change
        # without a word like "more" or "started", and then "sit" needs no pain word.
        for field in reversed([field for field in self.knowledge.fields if field in self.cues]):
            kept = [item for item in kept if item[0] != field or field == asked or clause[item[2]] in cued[field]
                    or not self._needs_cue(field, item[2], item[3], kept, clause)]
        if told:
            kept = self._in_stories(doc, kept, asked, clause, sentence, cue_starts)
        guessed = self._guessed(doc, clause)
        # "it feels as if I lost control of my bladder", "as you may have guessed": a likeness
        # or an aside, not a warning
        warned = [(start, _warning_end(doc, start, sentence)) for _, start, end in self.warnings(doc)
                  if not (start > 0 and doc[start - 1].lower_ in {"as", "though"}) and not _fear_come_true(doc, end)]
        # the cues below concern danger signs only: matched only in a message that names one
        any_sign = any(self._is_sign(item[0], item[1]) for item in kept)
        if any_sign:  # the feared sign's own words: to its clause's end
            warned += [(start, next((at for at in range(end, len(doc)) if doc[at].lower_ in FEAR_ENDS or sentence[at] != sentence[start]),
                                    len(doc)))
                       for _, start, end in self.warnings_in_clause(doc) if not _fear_come_true(doc, end)]
        # "the doctor checked my bladder control", "my bladder was tested": looked for, asked once
        checked = ([(start, _check_end(doc, start, sentence)) for _, start, _ in self.checks["before"](doc)],
                   [start for _, start, _ in self.checks["after"](doc)]) if any_sign else ([], [])
        this_year = datetime.date.today().year
        long_ago = [at for _, at, end in self.historical(doc)
                    if _of_long_ago(doc, at, end, this_year)] if self.historical_values and any_sign else []
        long_ago_own = [at for _, at, end in self.historical_own_clause(doc)
                        if _of_long_ago(doc, at, end, this_year)] if self.historical_own_values and any_sign else []
        own_clause = _numbered_by(doc, OWN_CLAUSE_ENDS) if long_ago_own else []
        doubts: Optional[Tuple[List[int], List[int]]] = None  # vocabulary `doubts`, matched at the first sign
        explanations: Dict[str, List[int]] = {}  # vocabulary `explained`, matched at the first mention of its value
        # "after finishing the marathon ... today I could hardly walk": sore after a race, its
        # sentence and the two after it
        sore_after = {sentence[start] + ahead for _, start, _ in self.exertion(doc) for ahead in range(EXERTION_REACH)}
        told_values = {item[1] for item in kept}
        # (where each cue is, its entry), each matched only beside a value it concerns
        in_clause = [([at for _, at, _ in entry.cues(doc)], entry)
                     for entry in self.asked_once_in_clause if entry.values & told_values]
        # ... not when an injury is told in the message: "after the parkrun I felt a pop and couldn't walk";
        # nor a bruise beside it or a sudden start a treatment's
        injury_told = any(item[1] in INJURY_MOMENTS for item in kept)
        injured_suddenly = injury_told or any(item[1] == "sudden" for item in kept)
        # "My junk was numb. Now it's not.": what has gone, in its sentence or the one before
        # (not "it hasn't gone away", "it never went away", "the doctors haven't solved it")
        # "but it went", "it's fine": only where its clause ends (not "it went numb"; `resolved.at_end`)
        resolutions = list(self.resolved(doc)) + [(key, start, end) for key, start, end in self.resolved_at_end(doc)
                                                  if _ends_resolved(doc, end)] if any_sign else []
        # "the numbness down there is gone": a sign's own word told gone (`resolved.of_its_word`)
        of_its_word = [(start, end) for _, start, end in self.resolved_of_its_word(doc) if _ends_resolved(doc, end)] if (
            any_sign or any(item[1] in self.unresolved_signs for item in kept)) else []
        unresolved = ([cue for _, cue, _ in self.unresolved_before(doc)],
                      [cue for _, cue, _ in self.unresolved_after(doc)]) if resolutions or of_its_word else ([], [])
        # (sentence, start) of each: a sign told before it in its sentence, or in the sentence
        # before, has gone ("it went away, but now I can't feel when I wipe" tells a sign after it)
        gone = [(sentence[start], start) for _, start, end in resolutions
                if self._tells_gone(doc, start, end, kept, clause, sentence, unresolved)]
        # ... its span, unless the rest of its sentence tells a sign or a numbness again ("the tingling
        # in both legs has gone and now they're completely numb", "... has stopped, and they've gone
        # weak and numb"; not "it feels normal now")
        signs_at = [item[2] for item in kept if self._is_sign(item[0], item[1]) or item[1] in self.unresolved_signs] if of_its_word else []
        gone_by_its_word = [(start, end) for start, end in of_its_word
                            if self._tells_gone(doc, start, end, kept, clause, sentence, unresolved)
                            and not _told_again_after(end, sentence, signs_at)]
        overturns: Optional[Dict[str, List[int]]] = None  # vocabulary `overturned`, matched at the first denial
        # "wasn't going fast": a slight fall (its cues looked for only beside a value they concern)
        slight = any(item[1] in self.minimised_values for item in kept) and bool(self.minimised(doc))
        relieved = self._relieved(doc, kept, clause)
        kept = [item for position, item in enumerate(kept) if position not in relieved]
        if proxy is None:
            proxy = _told_for_someone_else(doc)
        # "my mum had cancer and so did I": somebody else's, and the person's too
        also_mine = [start for _, start, _ in self.also_mine(doc)]
        mentions = []
        for field, value, start, end, possible in kept:
            sign = self._is_sign(field, value)  # asked once, never dropped
            clear_words = sign and not possible
            if (field in self.guessed_fields and guessed(start)) or (
                    value == "pain_below_knee" and self._stops_above_knee(doc, end, kept)):
                continue
            temperature = _temperature_told(doc, start, end, sentence) if value == "fever" else None
            if temperature == NOT_THE_BODY:
                continue  # "the temperature hit 38 in Spain", "water temp of 12", "my temp was 36.5"
            # "the temperature went up to 39": asked once whose (not as the answer to its question)
            possible = possible or (temperature == "the" and not asked)
            if value in self.gives_values and self._not_of_the_body(doc, value, start, end):
                continue  # "the resistance band snapped", "the chair gave way", "I buckled my seatbelt"
            if self._elsewhere(doc, field, value, start, clause):
                continue  # "his left elbow is all kinds of black and blue": not the back of the thigh
            if self._near(doc, field, value, start, clause):
                possible = True  # "the familiar snap struck my left hip": asked once whether at the thigh
            if any(cue < start < scope_end for cue, scope_end in warned) and not _presupposed(doc, end) and not (
                    sign and _now_after(doc, end, sentence)):
                if not sign:
                    continue  # "if you get any tingling, go to A&E": what to watch for
                possible = True  # a danger sign in a warning: asked once, never dropped
            if sign and (any(cue < start < scope_end for cue, scope_end in checked[0])
                         or any(end <= cue and clause[cue] == clause[start] for cue in checked[1])):
                possible = True  # "the doctor checked my bladder control and it was fine": asked once
            if value in self.historical_values and any(_told_beside(doc, at, start, sentence, clause) for at in long_ago):
                # "it all started when I had a car accident 14 years ago": asked once; not past a
                # "but" or "now" ("I had chest pain years ago but now I can't breathe" is stated)
                possible = True
            if value in self.historical_own_values and long_ago_own and not _lately_told(doc, start, own_clause, sentence) and any(
                    own_clause[at] == own_clause[start] and _told_beside(doc, at, start, sentence, clause) for at in long_ago_own):
                possible = True  # "I used to wet myself as a kid": asked once, in its own clause only
            if (field, value) in self.one_leg and self._of_one_leg(doc, field, value, start, clause):
                possible = True  # "my entire leg from my buttocks to my feet would go numb": asked once
            if value == LOW_FALL_VALUE and _low_fall(doc, start, end):
                possible = True  # "I fell about 2-3 feet off the sofa": a fall told lower than a major one's, asked once
            if value in self.likeness_values and self._told_as_likeness(doc, end, sentence):
                possible = True  # "I shuffle around like ... a little old man": asked once, never dropped
            if value in self.exertion_values and sentence[start] in sore_after and not injury_told:
                possible = True  # "today I could hardly walk" the day after a marathon: asked once, never dropped
            if any(value in entry.values and any(clause[at] == clause[start] for at in cues) and entry.asks(doc, start, end)
                   for cues, entry in in_clause):
                possible = True  # "my legs stopped working at mile 22", "my hip pops when I get up": asked once, never dropped
            if value in self.explained and value not in explanations:  # matched once per value
                explanations[value] = [at for _, at, _ in self.explained[value](doc)]
            causes = explanations.get(value, [])
            if causes and value == self.organ_sign:
                # of this mention's organ: "on codeine, I haven't pooed ... and I haven't peed" tells
                # a bowel change codeine explains and a bladder change it does not
                causes = self._same_organ(doc, causes, start, end)
            # the harmless cause told beside the sign, in its sentence with no "but" or "now"
            # between them: "I had a UTI last year. Now I've wet myself twice" is no leak explained
            explained = any(_told_beside(doc, at, start, sentence, clause, own=range(start, end), by_but=value not in self.cauda_equina)
                            for at in causes)
            if explained and not (value == "bruising" and injured_suddenly) and temperature != MEASURED:
                possible = True  # night sweats with the menopause: asked once, never dropped
            if slight and value in self.minimised_values:
                possible = True  # "No serious harm done, as I wasn't going fast": asked once whether it was major
            gone_by_word = any(begin <= start < until for begin, until in gone_by_its_word)  # "the numbness ... is gone"
            if sign and value not in self.any_time and (gone_by_word or any(
                    sentence[start] == told and start < cue or sentence[start] == told - 1 for told, cue in gone)):
                possible = True  # a danger sign that has gone: asked once whether it is there now, never dropped
            if not sign and value in self.unresolved_signs and gone_by_word:
                continue  # "the numbness down there is gone": no numbness now (not a danger sign: nothing to ask)
            mine_too = any(start < cue and sentence[cue] == sentence[start] for cue in also_mine)
            if self._about_someone_else(doc, start, end, value) and not mine_too:
                if proxy and not self.knowledge.fields[field].get("screen"):
                    pass  # a message told for someone else: their places, pain and activities count
                elif proxy or field == SAFETY_FIELD and self.knowledge.fields[field]["values"][value].get("concrete"):
                    # a cauda equina sign ("my husband says he can't pass water"), or any danger sign in a
                    # message told for someone else ("my husband fell off a ladder"): asked once, never dropped
                    possible = True
                else:
                    continue  # "my dad had a blood clot" is family history
            elif not proxy and not mine_too and self._someone_elses_own(doc, start, end):
                if not sign:
                    continue  # "Then Angela broke her arm really badly"
                possible = True  # a danger sign, asked once: "Yesterday Tom lost control of his bladder" may be told for Tom
            elif (sign and not proxy and not mine_too and start >= 1 and doc[start - 1].lower_ in OTHERS_OWN
                  and doc[start].lower_ in ORGANS and not _in_own_words(doc, start, end)):
                possible = True  # "the lady next to me said her bladder leaks": hers, asked once
            elif sign and not proxy and not mine_too and self._goes_on_about_someone_else(doc, start, end, value):
                possible = True  # "my mother was diagnosed ... yes, the really rubbish kind of cancer": asked once
            doubt_before = doubt_after = False
            if sign:  # "I'm not sure whether I've lost feeling down there": asked once, its "not" no denial
                if doubts is None:
                    doubts = ([at for _, at, _ in self.doubts["before"](doc)], [at for _, at, _ in self.doubts["after"](doc)])
                doubt_before = any(at < start and clause[at] == clause[start] for at in doubts[0])
                if not doubt_before and doubts[0]:
                    # a doubt before a list reaches every item: "not sure about fever, weight loss or
                    # cancer", "dunno about fever, weight loss or cancer" (the attacks' leftovers)
                    head = _listed(doc, start, end, mentioned, told_at, need_denial=False)
                    doubt_before = head is not None and head >= 0 and any(
                        at < head and clause[at] == clause[head] for at in doubts[0])
                doubt_after = any(at >= end and sentence[at] == sentence[start] for at in doubts[1])
            denial = None if doubt_before else self._denial(doc, start, end, mentioned, sign, told_at)
            negated = denial not in (None, LIST_UNJOINED)
            if denial == LIST_UNJOINED:
                possible = True  # "no fever, weight loss, cancer": the weight loss asked once, neither told nor denied
            if denial == LISTED and value in self.cauda_equina:
                # a cauda equina sign reached only by a list's denial ("no saddle numbness, bladder or
                # bowel changes"; "no fever, leaking urine or stool sometimes" may tell it): asked once,
                # unless the list is closed or opened by a denial of its own ("..., none of those")
                negated, possible = False, True
            if negated and doc[start:end].text in self.presupposed.get(value, ()):
                # "no evidence of mets in my ribs": only a cancer is checked for its spread; asked
                # once ("the scan showed no metastases and I have never had cancer" denies it)
                negated, possible = False, True
            if sign and not negated and self._only_says_when(doc, start) and any(
                    doc[index].lower_ in NEGATIONS for index in self._clause_before(doc, start)):
                possible = True  # "I could not continue running during chemo": asked once
            # "my bladder's a bit off, not sure": asked once; "no numbness down there, I think" stays a denial
            doubted = not possible and (doubt_before or (doubt_after and not negated))
            possible = possible or doubted
            if negated and field in self.relieved_fields and self._unable(doc, start, end, clause):
                negated = False  # "I couldn't even sit down without pain", "can't stay in the saddle": it hurts
            if negated:  # "I never used to have trouble peeing but now I do": the denial overturned
                if overturns is None:  # the cues matched once, for the first denial
                    overturns = {key: [at for _, at, _ in matcher(doc)] for key, matcher in self.overturned.items()}
                turned = self._overturned(start, end, sentence, overturns, sign)
                if turned == STATED or turned == MAYBE and not sign:
                    negated = False
                elif turned in (POSSIBLE, MAYBE) and sign:
                    negated, possible = False, True
            if not (possible or negated) and self._excused(doc, field, value, start, sentence):
                continue  # "it shoots down my leg to the knee": stops above it
            mentions.append(Mention(field, value, start, end, negated, possible, explained, doubted,
                                    clear_words=clear_words and possible))
        return self._resolve_across_fields(mentions, asked)

    @staticmethod
    def _overturned(start: int, end: int, sentence: List[int], cues: Dict[str, List[int]], sign: bool) -> Optional[str]:
        """How a later change in its sentence overturns the denial of the value at `start`-`end`
        (vocabulary `overturned`, `cues` its matches' starts): STATED, POSSIBLE (a danger sign
        asked once), MAYBE (a danger sign asked once, another value stated), or None."""
        def found(key: str, later: bool) -> bool:
            return any(sentence[cue] == sentence[start] and (cue >= end if later else cue < start) for cue in cues[key])

        if found("so_far", True):
            return POSSIBLE  # "no numbness until now": so far, or from now on
        past = found("past", False) or found("past_negations", False)
        if found("until", True) and (past or sign) and not found("future_negations", False):
            return STATED  # "I never had numbness down there until last week"
        if past and found("now", True):
            return STATED  # "I never used to have trouble peeing but now I do"
        if past and found("now_maybe", True):
            return MAYBE  # "I used to have no problems with my bladder, now I leak"
        return None

    def _gap_blockers(self, field: str, value: str) -> List[str]:
        """What a gap ("*") in a phrase of `value` may not hold: a danger sign's keeps to its clause,
        and one marked `gaps_in_clause` runs over no comma either ("no weight loss, fell off a
        ladder" is no "weight * falling off": a fresh-eyes review, thirtieth session)."""
        if (self.knowledge.fields[field].get("values") or {}).get(value, {}).get("gaps_in_clause"):
            return sorted(set(SIGN_GAP_BLOCKERS) | {","})
        return SIGN_GAP_BLOCKERS if self._is_sign(field, value) else GAP_BLOCKERS

    def _is_sign(self, field: str, value: str) -> bool:
        """Whether `value` of `field` is a danger sign the reader may ask about once (it has a
        confirming question, vocabulary `confirm`)."""
        return "confirm" in (self.knowledge.fields[field].get("values") or {}).get(value, {})

    def _tells_gone(self, doc: Doc, start: int, end: int, kept: List[tuple], clause: List[int],
                    sentence: List[int], unresolved: Tuple[List[int], List[int]]) -> bool:
        """Whether the `resolved` cue at `start`-`end` tells that a sign has gone: not negated
        ("it hasn't gone away"), hoped for or foretold ("the physio said it would wear off"),
        asked about in the present ("will it go away?"), undone ("it went away and came back")
        (`unresolved` in vocabulary.yml), nor told of another thing named in its clause ("my
        back ache has cleared up", "the pain went away")."""
        before = [index for index in range(max(0, start - NEGATION_WINDOW), start) if clause[index] == clause[start]]
        if any(doc[index].lower_ in NEGATIONS for index in before if index >= start - 3):
            return False
        hoped_for, undone = unresolved  # the starts of `unresolved` cues: before, after
        if any(cue in before for cue in hoped_for):
            return False
        if any(start < cue and sentence[cue] == sentence[start] for cue in undone):
            return False
        word = doc[start]
        if _in_question(doc, start, sentence) and word.lower_ in {word.lemma_, word.lemma_ + "s", word.lemma_ + "es"}:
            return False
        if any(doc[index].lower_ in OTHER_THAN_THE_SIGN for index in before):
            return False  # "but bowel wise that's all fine", "otherwise it's all fine", "Yesterday it was fine."
        return not any(doc[index].lower_ in PAIN_NOUNS for index in before) and not any(
            clause[item[2]] == clause[start] and item[3] <= start and item[0] != SAFETY_FIELD
            and item[1] not in self.unresolved_signs for item in kept)

    def _elsewhere(self, doc: Doc, field: str, value: str, start: int, clause: List[int]) -> bool:
        """Whether a value told of a part of the body it does not concern (vocabulary `elsewhere`:
        a bruise on the elbow is no bruising of the thigh) is told of that part: its clause names
        one of `places` (not inside one of `measures`: "a bruise the size of my hand") and none of
        `unless`."""
        matchers = self.elsewhere.get((field, value))
        if matchers is None:
            return False
        places, unless, measures = matchers
        measured = {at for _, begin, end in measures(doc) for at in range(begin, end)} if measures else set()
        return _told_of(doc, places, unless, start, clause, measured)

    def _near(self, doc: Doc, field: str, value: str, start: int, clause: List[int]) -> bool:
        """Whether a value is told of a part near the hamstring (vocabulary `elsewhere.near`: a
        snap in the hip, the back or the groin) and its clause names none of `unless`: only
        possibly the hamstring's own."""
        near = self.near.get((field, value))
        return near is not None and _told_of(doc, near, self.elsewhere[(field, value)][1], start, clause)

    def _not_of_the_body(self, doc: Doc, value: str, start: int, end: int) -> bool:
        """Whether a pop or a give told by a bare verb (vocabulary `what_gave`) is told of a thing:
        its subject just before it is one of the `things` after "the", "a" or a possessive ("the band
        snapped", "a tyre popped", "the chair gave way"), or after "I", "he" or "she" its object is
        ("I snapped a photo", "I buckled my seatbelt"). A noun's "pop" ("a loud pop") and anything
        else ("my hamstring snapped", "the left one gave way", "I popped the top of my hamstring")
        stay the sign. "Something gave way" is no leg that gave way (it may be a pop)."""
        if doc[start].lower_ not in self.gives_verbs or (end - start > 2 and value != "bladder_bowel_change"):
            return False
        if value == "leg_weakness" and start >= 1 and doc[start - 1].lower_ == "something":
            return True
        verb = start
        while start >= 1 and start > verb - 3 and doc[start - 1].lower_ in AUXILIARIES:
            start -= 1  # "the tent has been leaking since the storm"
        for size in (1, 2):  # "the chair gave way", "the resistance band snapped"
            named = [token.lower_ for token in doc[max(start - size, 0):start]]
            if (start > size and doc[start - size - 1].lower_ in DETERMINERS_AND_POSSESSIVES
                    and all(doc[at].is_alpha for at in range(start - size, start))
                    and not set(named) & (DETERMINERS_AND_POSSESSIVES | ADVERBS_BEFORE_A_VERB | PERSONS)
                    and not any(word.endswith("ly") for word in named)):  # "my leg suddenly gave way"
                return bool(set(named) & self.gives_things)
        if start >= 1 and doc[start - 1].lower_ in PERSONS and end < len(doc) and doc[end].lower_ in DETERMINERS_AND_POSSESSIVES:
            named = [token.lower_ for token in doc[end + 1:end + 3] if token.is_alpha]
            return bool(set(named) & self.gives_things)
        return False

    def _told_as_likeness(self, doc: Doc, end: int, sentence: List[int]) -> bool:
        """Whether a "like" follows the mention ending at `end` in its sentence, with one of the
        vocabulary's `likeness` cues soon after it ("... like a cruel caricature of a little old man")."""
        likes = [at for at in range(end, min(len(doc), end + LIKENESS_REACH))
                 if doc[at].lower_ == "like" and sentence[at] == sentence[end - 1]]
        return bool(likes) and any(like < at <= like + LIKENESS_REACH and sentence[at] == sentence[like]
                                   for _, at, _ in self.likeness(doc) for like in likes)

    def _of_one_leg(self, doc: Doc, field: str, value: str, start: int, clause: List[int]) -> bool:
        """Whether feet or toes told at `start` end one leg named before them in their clause
        (vocabulary `one_leg`: "my left leg is numb down to my toes"), with no word in the clause
        that names both ("both", "either", "legs")."""
        named, unless = self.one_leg[(field, value)]
        before = set(self._clause_before(doc, start))  # not past "and my": "my leg hurts and my feet are numb"
        return (any(at in before for _, at, _ in named(doc))
                and not any(clause[at] == clause[start] for _, at, _ in unless(doc)))

    def _answer_value(self, match_id: int) -> Tuple[str, bool]:
        """The value an `as_answer` match names, and whether only possibly (`possible_as_answer`)."""
        value, *possibly = self.nlp.vocab.strings[match_id].split("|")
        return value, bool(possibly)  # `bare_as_answer` too

    def _excused(self, doc: Doc, field: str, value: str, start: int, sentence: List[int]) -> bool:
        """Whether one of the value's `not_with` phrases stands in the mention's sentence, for a
        value whose clear statements they excuse too (`not_with_clear`, never a danger sign)."""
        not_with = self.possible_not_with.get(f"{field}|{value}")
        if not_with is None or not self.knowledge.fields[field]["values"][value].get("not_with_clear"):
            return False  # a danger sign stated clearly is never excused
        return any(sentence[other] == sentence[start] for _, other, _ in not_with(doc))

    def _together_matcher(self, *keys: str) -> KeyWordMatcher:
        """A matcher of the parts of every value's groups under `keys` (`together` in
        vocabulary.yml, or a key of the same form); each group is named by its key and number."""
        matcher = self._new_matcher()
        for key in keys:
            for field, value, entry in together_values(self.knowledge, key):
                for number, group in enumerate(entry[key]):
                    for part, phrases in enumerate(group):
                        matcher.add(f"{field}|{value}|{key}:{number}|{part}|{len(group)}",
                                    [lemma_pattern(self.nlp, str(p)) for p in phrases])
        return matcher

    def _together(self, doc: Doc, raw: List[tuple], matcher: Optional[KeyWordMatcher] = None,
                  fields: Optional[Iterable[str]] = None) -> List[tuple]:
        """Values stated by their parts together (`together` in vocabulary.yml): each part of a
        group in one clause, at most TOGETHER_GAP words apart, with no place named and no
        negation between them. "reduced feeling around my genitals" is saddle numbness;
        "numb in my bum and my legs ache" is not numbness of both legs. A group of any key but
        `together` (`possible_together`; with `matcher`, the answer's own
        `possible_together_as_answer`, for `fields` only) tells its value only possibly."""
        place_spans = [(start, end) for field, _, start, end, _ in raw if field == "pain_location"]
        clause, sentence = _numbered(doc, _ends_together_clause), _numbered_by(doc, SENTENCE_ENDS)
        parts: Dict[Tuple[str, str, str, int], Dict[int, List[Tuple[int, int]]]] = {}
        only = None if fields is None else set(fields)
        for match_id, start, end in (matcher or self.together)(doc):
            field, value, group, part, parts_in_group = self.nlp.vocab.strings[match_id].split("|")
            if only is not None and field not in only:
                continue
            parts.setdefault((field, value, group, int(parts_in_group)), {}).setdefault(int(part), []).append((start, end))
        found: List[tuple] = []
        for (field, value, group, size), spans in parts.items():
            if len(spans) < size:
                continue
            possibly = not group.startswith("together:")
            in_order = (field, value) in self.together_in_order and group.split(":")[0] in {"together", "possible_together"}
            scope, reach = ((sentence, SENTENCE_TOGETHER_GAP) if group.startswith("possible_together_in_sentence:")
                            else (clause, TOGETHER_GAP))
            for combination in itertools.product(*(spans[part] for part in sorted(spans))):
                ordered = sorted(combination)
                if in_order and list(combination) != ordered:
                    continue  # "impossible to sit and walking is ok" is no walking that was impossible
                if len({scope[start] for start, _ in ordered}) > 1:
                    continue
                gaps = [range(left_end, right_start) for (_, left_end), (right_start, _) in zip(ordered, ordered[1:])]
                # a place whose words run into the next part is that part's own ("a black mark on the
                # back of my thigh", "a purple welt under my butt"), no other place between them
                places = {index for start, end in place_spans for index in range(start, end)
                          if not any(start < part_end and part_start < end for part_start, part_end in ordered)
                          and not (value in PLACED_BY_OF_FOR and _placed_by_of(doc, index))}
                listed = value in PLACES_LISTED_FOR  # "in my bum cheeks and round my back passage"
                if not all(_gap_joins(doc, gap, places, listed, reach) for gap in gaps):
                    continue
                # a part that already says the value on its own needs no other: "black and blue and
                # had to drag my leg" is a bruise and a dragged leg, not one bruise "... my leg" that
                # would hide the leg inside it
                if any((other[0], other[1]) == (field, value) and not other[4] and (other[2], other[3]) in ordered
                       for other in raw):
                    continue
                # "I don't feel the same in my genitals": its "not feeling the ..." negates a word of
                # wellness, not the feeling; asked once (thirty-sixth session)
                found.append((field, value, ordered[0][0], max(end for _, end in ordered),
                              possibly or any(_not_the_same(doc, start, end) for start, end in ordered)))
        # the parts give way to a statement of the same value they cut into, a clear one or one
        # whose own negation would deny them: "can't pee 2) numb bum" is "can't pee", not a "pee
        # ... numb" that the "can't" would then deny; "I haven't been for a poo in 5 days and
        # can't feel anything" is the possible "haven't been for a poo"
        def cut(item: tuple, other: tuple) -> bool:
            return ((other[0], other[1]) == item[:2] and other[2] < item[3] and item[2] < other[3]
                    and not item[2] <= other[2] < other[3] <= item[3]
                    and (not other[4] or any(doc[index].lower_ in NEGATIONS for index in range(other[2], item[2]))))
        return [item for item in found if not any(cut(item, other) for other in raw)]

    def _read_in_context(self, doc: Doc, raw: List[tuple]) -> List[tuple]:
        """A value whose words lie wholly within its `in_context` words, in a message that has
        one of its `context` words, is read as the other value: "the seat was killing me" in a
        story of a ride is cycling, not sitting."""
        read, found = [], {}  # each rule's words and context matched once, when first needed
        for item in raw:
            key = (item[0], item[1])
            if key in self.in_context:
                if key not in found:
                    words, context, _ = self.in_context[key]
                    found[key] = [(start, end) for _, start, end in words(doc)] if context(doc) else []
                if any(start <= item[2] and item[3] <= end for start, end in found[key]):
                    item = (item[0], self.in_context[key][2], *item[2:])
            read.append(item)
        return read

    @staticmethod
    def _longest_per_field(raw: List[tuple]) -> List[tuple]:
        """Within one field, keep the longest of overlapping matches; a clear statement
        always wins over a phrase that only possibly means a danger sign. The same words that
        only possibly mean either of two signs possibly mean both ("the numbness one" to the
        safety question: around the genitals, or in both legs)."""
        kept: List[tuple] = []
        for item in sorted(raw, key=lambda m: (not m[4], m[3] - m[2]), reverse=True):
            field, _, start, end, possible = item
            if not any(k[0] == field and k[2] < end and start < k[3]
                       and not (possible and k[4] and (k[2], k[3]) == (start, end)) for k in kept):
                kept.append(item)
        return sorted(kept, key=lambda m: m[2])

    def _resolve_across_fields(self, mentions: List[Mention], asked: Optional[str]) -> List[Mention]:
        """Drop a mention inside a longer one of another field ("sit" inside "sit bone").

        Danger signs and the field just asked about are never dropped, and a phrase that only
        possibly means a danger sign hides nothing; nor does one whose value keeps the place
        in its words (`keeps_places`: "my lower back is sore" is back pain, in the low back),
        nor one of a field that leaves it to be read (`does_not_hide`: "I hurt my back" is a
        sudden start and back pain), unless it answers its own free-text question ("my runs" to
        "what is your main sport?" says nothing of what makes it worse).
        Where two fields share the same words ("hills"), the field just asked about wins;
        otherwise both are kept.
        """
        kept = []
        for mention in mentions:
            if mention.field not in {SAFETY_FIELD, asked}:
                if any(other.field != mention.field and (not other.possible or other.doubted) and other.contains(mention)
                       and ((other.field, mention.field) not in self.not_hidden
                            or other.field == asked and self.knowledge.fields[asked]["kind"] == "text")
                       and not (mention.field in PLACE_FIELDS and (other.field, other.value) in self.place_keepers)
                       for other in mentions):
                    continue
                twins = [o for o in mentions if (o.start, o.end) == (mention.start, mention.end) and o.field != mention.field
                         and not o.possible]  # "weakness" to the safety question: still a weak leg
                if twins and asked in {o.field for o in twins}:
                    continue
            kept.append(mention)
        return kept

    def _cue_starts(self, field: str, doc: Doc) -> List[int]:
        """Where `field`'s cue words stand in `doc`, leaving out those inside its `not_cues`."""
        taken = {index for _, start, end in self.not_cues[field](doc) for index in range(start, end)} \
            if field in self.not_cues else set()
        return [start for _, start, _ in self.cues[field](doc) if start not in taken]

    def _needs_cue(self, field: str, start: int, end: int, found: List[tuple], clause: List[int]) -> bool:
        """A mention needs a cue word in its clause only beside a mention of a `cues_needed_with`
        field elsewhere in the same clause (`clause` numbers the clause of every token).
        Where both fields read the same words ("hill repeats"), both readings stay."""
        rivals = set(self.knowledge.fields[field].get("cues_needed_with", []))
        return any(other in rivals and clause[other_start] == clause[start]
                   and (other_end <= start or end <= other_start)
                   for other, _, other_start, other_end, _ in found)

    def _in_stories(self, doc: Doc, kept: List[tuple], asked: Optional[str], clause: List[int],
                    sentence: List[int], cue_starts: Dict[str, List[int]]) -> List[tuple]:
        """What a story (not the answer to the field's own question) must say around a mention
        for it to count: an activity of a `cues_in_stories` field needs one of the field's cues
        in its sentence ("I was running to catch my dog" says nothing of what makes it worse;
        "pain was worse when I did intervals" names no training change) and, with `not_with`, is
        not in the clause of that finding ("I was running for the bus and felt a sudden pain":
        what the person was doing when it happened), and a place named in
        a clause about numbness or bruising, with no word of pain, is no pain location
        (`not_pain_places` in vocabulary.yml). `clause` and `sentence` number the clause and the
        sentence of every word; `cue_starts` are where each field's cue words stand."""
        lengths = Counter(sentence)
        short = {number for number, length in lengths.items() if length < STORY_SENTENCE_WORDS}
        # where each field's cue must be: its sentence, or with `scope: clause` its clause
        scope = {field: clause if self.story_scope.get(field) == "clause" else sentence for field in self.in_stories_cued}
        # the sentences (or clauses) where each field's mentions count: those with one of its
        # cues, and short sentences
        in_short = [index for index in range(len(doc)) if sentence[index] in short]
        counts_in = {field: {scope[field][start] for start in cue_starts[field]}
                     | {scope[field][index] for index in in_short}
                     for field in self.in_stories_cued if field != asked}
        not_pain = set()
        if asked != "pain_location":
            feelings = {clause[start] for _, start, _ in self.not_pain_places["feelings"](doc)}
            not_pain = feelings - {clause[start] for _, start, _ in self.not_pain_places["pain"](doc)}
        # where the moment it happened is told (`not_with`): a field's mentions in its clause do
        # not count, nor, after a `while` word in their clause, in its sentence ("as I bent to
        # stretch after my run, my back gave": what the person was doing)
        moment_starts = {field: [start for other, value, start, _, _ in kept if (other, value) in findings]
                         for field, findings in self.story_not_with.items() if field in counts_in}
        moments = {field: {clause[start] for start in starts} for field, starts in moment_starts.items()}
        moment_sentences = {field: {sentence[start] for start in starts} for field, starts in moment_starts.items()}
        doing = {start for _, start, _ in self.doing(doc)}
        again = {field: [start for _, start, _ in unless(doc)] for field, (_, unless) in self.started.items()}
        began_in = {field: {sentence[start] for _, start, _ in started(doc)} - {sentence[start] for start in again[field]}
                    for field, (started, _) in self.started.items() if field in counts_in}

        def since_the_moment(field: str, start: int) -> bool:
            """Whether the activity is told after the moment as what hurts now, each time ("I pulled
            my hamstring sprinting and now it aches when I sit")."""
            return any(moment < cue < start and clause[moment] == clause[cue] == clause[start]
                       for moment in moment_starts.get(field, []) for cue in again.get(field, []))

        return [item for item in kept
                if not (item[0] in counts_in and scope[item[0]][item[2]] not in counts_in[item[0]])
                and not (item[0] in began_in and sentence[item[2]] in began_in[item[0]])
                and not (item[0] in moments and clause[item[2]] in moments[item[0]] and not since_the_moment(item[0], item[2]))
                and not (item[0] in moment_sentences and sentence[item[2]] in moment_sentences[item[0]]
                         and self._while_doing(doing, item[2], clause))
                and not (item[0] == "pain_location" and clause[item[2]] in not_pain)]

    @staticmethod
    def _while_doing(doing: Set[int], start: int, clause: List[int]) -> bool:
        """Whether a `while` word ("as I", "while", "I was") stands before `start`, in its clause."""
        return any(cue < start and clause[cue] == clause[start] for cue in doing)

    @staticmethod
    def _clause_before(doc: Doc, start: int) -> Iterable[int]:
        """Indexes of the words before `start` in the same clause, nearest first."""
        for index in range(start - 1, -1, -1):
            token = doc[index].lower_
            if token in CLAUSE_BREAKS or (token == "-" and index > 0 and doc[index - 1].whitespace_ and doc[index].whitespace_):
                return  # a dash set apart by spaces ends a clause too: "no - my calf is swollen"
            if token in {"and", "or"} and index + 1 < len(doc) and (doc[index + 1].lower_ in NEW_SUBJECT
                                                                     or _both_told_of(doc, index + 1)
                                                                     and _only_no_before(doc, index)):
                return
            if token in ANSWER_NOS and index + 1 < start and doc[index + 1].lower_ in NEW_SUBJECT and (
                    index == 0 or doc[index - 1].is_punct):
                return  # "no I can't pee": the "no" answers, the clause after it says what is
            yield index

    def _guessed(self, doc: Doc, clause: List[int]) -> "Any":
        """Whether a word at an index is inside a guess or a figure of speech ("I thought I'd
        just popped a muscle", "it felt like a pulled hamstring"): `guesses` in vocabulary.yml,
        for the fields it names; a danger sign is never dropped this way."""
        cue_starts = [start for _, start, _ in self.guesses(doc)]
        if not cue_starts:
            return lambda start: False
        return lambda start: any(cue < start and clause[cue] == clause[start] for cue in cue_starts)

    def _relieved(self, doc: Doc, kept: List[tuple], clause: List[int]) -> Set[int]:
        """The positions in `kept` of activities that ease the pain rather than make it worse
        (`relieving` in vocabulary.yml): a cue before one in its clause ("it's fine when I
        run"), or a cue just after the nearest one ("sitting down to ease it"; in "it hurts when
        I sit and running helps" only running helps)."""
        limits = [start for _, start, _ in self.relieving["only_for"](doc)]

        def relieves(start: int, end: int) -> bool:
            """A cue turned round ("sitting is not fine") or borne only for a while ("fine
            for 20 minutes, then it kills", `only_for`) tells of no relief."""
            turned = any(doc[index].lower_ in NEGATIONS for index in range(max(0, start - RELIEF_WINDOW), start)
                         if clause[index] == clause[start])
            return not turned and not any(end <= limit <= end + RELIEF_WINDOW and clause[limit] == clause[start]
                                          for limit in limits)

        before = [start for _, start, end in self.relieving["before"](doc) if relieves(start, end)]
        after = [start for _, start, end in self.relieving["after"](doc) if relieves(start, end)]
        # what the person does to help ("I tried to stretch more", "a whole set of stretches")
        treated = {index for _, start, end in self.relieving["treatments"](doc) for index in range(start, end)}
        activities = [(position, item) for position, item in enumerate(kept) if item[0] in self.relieved_fields]
        relieved = {position for position, (_, _, start, end, _) in activities if treated.issuperset(range(start, end))}
        if not before and not after:
            return relieved
        relieved |= {position for position, (_, _, start, _, _) in activities
                     if any(cue < start and clause[cue] == clause[start] for cue in before)}
        sentence = _numbered_by(doc, SENTENCE_ENDS)
        # words of pain, leaving out the pain that a relieving cue is about ("the pain goes away")
        hurts = [start for _, start, _ in self.cues["aggravators"](doc)
                 if not (doc[start].lower_ in PAIN_NOUNS and any(0 < cue - start <= 2 for cue in after))]
        for position, (_, value, start, end, _) in activities:
            # "If I sit with my back supported ..., the pain is much less", "if I run slowly the
            # pain goes away": the activity is the condition, and what follows in its clause or
            # the next eases the pain, with no word of pain in its clause or before the cue ("when
            # I run it hurts, and goes away when I stop", "it hurts when I sit but running is
            # fine" are no relief of the activity) and no other activity in between ("by
            # the back of the chair" is the same sitting)
            condition = any(doc[index].lower_ in self.relieving_conditions and clause[index] == clause[start]
                            for index in range(start))
            if condition and any(cue >= end and clause[cue] in (clause[start], clause[start] + 1)
                                 and sentence[cue] == sentence[start]
                                 and not any((end <= hurt < cue or clause[hurt] == clause[start]) for hurt in hurts)
                                 and not any(end <= other[2] < cue and other[1] != value for _, other in activities)
                                 for cue in after):
                relieved.add(position)
        for cue in after:
            nearest = max(((item[3], position) for position, item in activities
                           if item[3] <= cue <= item[3] + RELIEF_WINDOW and clause[cue] == clause[item[2]]), default=None)
            if nearest and not self._unable(doc, kept[nearest[1]][2], kept[nearest[1]][3], clause):
                relieved.add(nearest[1])
        return relieved

    @staticmethod
    def _cannot_bear(doc: Doc, start: int, end: int, clause: List[int]) -> bool:
        """An activity the person cannot do without something after it ("I couldn't even sit
        down without having pain", "can't run without it hurting") or cannot bear, a word of
        enduring before it ("my bum just can't stay in the saddle", "I can't handle sitting"),
        in one clause."""
        without = any(doc[index].lower_ == "without" for index in range(end, min(len(doc), end + 3))
                      if clause[index] == clause[start])
        enduring = any(doc[index].lemma_ in ENDURING for index in range(max(0, start - NEGATION_WINDOW), start)
                       if clause[index] == clause[start])
        return (without or enduring) and Reader._unable(doc, start, end, clause)

    @staticmethod
    def _unable(doc: Doc, start: int, end: int, clause: List[int]) -> bool:
        """Whether the person says they cannot do the activity at `start`-`end` ("couldn't even
        sit", "unable to sit"): an inability word in its words or shortly before, in its clause.
        Then "without pain" after it turns back on itself: the activity hurts."""
        return any(doc[index].lower_ in {"cannot", "unable"} or (doc[index].lower_ in {"n't", "not"} and index > 0
                                                               and doc[index - 1].lemma_ in {"can", "could", "ca"})
                   for index in range(end - 1, max(-1, start - NEGATION_WINDOW - 1), -1) if clause[index] == clause[start])

    def _stops_above_knee(self, doc: Doc, end: int, kept: List[tuple]) -> bool:
        """"it radiated down to the back of my hamstrings": the pain goes down, to a place above
        the knee, named in the same clause just after; so it is not pain below the knee."""
        clause_end = next((index for index in range(end, len(doc)) if doc[index].lower_ in CLAUSE_ENDS), len(doc))
        return any(field == "pain_location" and value in ABOVE_KNEE and end <= start < min(clause_end, end + DOWN_TO_WINDOW)
                   for field, value, start, _, _ in kept)

    def _about_someone_else(self, doc: Doc, start: int, end: int, value: str = "") -> bool:
        """"my dad had a clot": somebody else is the subject of the clause, not the person
        ("someone shot me in the back of the leg" is about the person; "I was carrying my son up
        the stairs and fell" is the person's fall, for a value of `CARRIED_VALUES`)."""
        if _in_own_words(doc, start, end):
            return False
        for index in self._clause_before(doc, start):
            token = doc[index].lower_
            if token in RELATIVE_WHO:
                return not _describes_the_person(doc, index)  # "a woman who died of cancer"
            if (token in OTHER_PEOPLE or token in CHILDREN and value not in CARRIED_VALUES) and not _after_a_preposition(doc, index):
                if value in CARRIED_VALUES and _carried(doc, index, start, end):
                    continue  # "I was carrying my son up the stairs and fell": the person's fall
                return True
            if _the_person_at(doc, index):
                return False
        return False

    def _someone_elses_own(self, doc: Doc, start: int, end: int) -> bool:
        """"Then Angela broke her arm really badly": the words of the finding make it another's
        ("her arm") and its clause names that other by name (in a message not told for someone
        else; "He cracked his hip when he fell" may be told for him)."""
        if _in_own_words(doc, start, end) or not any(doc[index].lower_ in OTHERS_OWN for index in range(start, end)):
            return False
        names = doc.user_data.get(NAMES) or set()
        return any(doc[index].lower_ in names for index in self._clause_before(doc, start))

    @staticmethod
    def _goes_on_about_someone_else(doc: Doc, start: int, end: int, value: str = "") -> bool:
        """A sign told with no one named after a relative named earlier in its sentence may be
        the relative's: "my mother was diagnosed with stage 4 cancer... yes, the really rubbish
        kind of cancer". Not when the sign's own words are the person's ("then wet myself", "lost
        control of my bladder"), nor after a person named only as company or place ("a run with
        my brother", "at my mum's")."""
        if _in_own_words(doc, start, end):
            return False
        for index in range(start - 1, -1, -1):
            token = doc[index].lower_
            if token in SENTENCE_ENDS or _the_person_at(doc, index):
                return False
            if token in OTHER_PEOPLE and index > 0 and doc[index - 1].lower_ in POSSESSIVES:
                if value in CARRIED_VALUES and _carried(doc, index, start, end):
                    continue  # "I was carrying my son up the stairs and fell": the person's fall
                return not _after_a_preposition(doc, index, also=frozenset({"with"}))
        return False

    def _is_negated(self, doc: Doc, start: int, end: int, mentioned: Set[int], sign: bool = False,
                    told_at: Optional[Dict[int, Tuple[str, str, int]]] = None) -> bool:
        return self._denial(doc, start, end, mentioned, sign, told_at) not in (None, LIST_UNJOINED)

    def _denial(self, doc: Doc, start: int, end: int, mentioned: Set[int], sign: bool = False,
                told_at: Optional[Dict[int, Tuple[str, str, int]]] = None) -> Optional[str]:
        """How the mention is denied, if it is: SAID by a negation word shortly before it in the
        same clause, by the person's own question and answer, or by "... doesn't bother it" or
        "... is fine" after it; LISTED, only as an item of a list whose head is denied ("no fever,
        weight loss or cancer"); LIST_CLOSED, as an item of a list closed or opened by a denial of
        its own ("fever, weight loss, cancer, none of those"). Other findings in between do not
        count against the distance: in "no problems with my bladder or bowels" the "no" reaches
        the bowels too."""
        owner = start if doc[start].lower_ in POSSESSIVES else start - 1
        if owner >= 1 and doc[owner].lower_ in POSSESSIVES and doc[owner - 1].lemma_ in MEETING_VERBS:
            return None  # "I hadn't seen my oncologist since January": the visit is negated, not the cancer
        if self._only_says_when(doc, start):
            return SAID if self._asked_and_denied(doc, end, start) else None
        distance = 0
        subject_between = False  # the person as a subject between a "no" and a sign
        # "I couldn't stand or couldn't walk" (a shared inability written out): a phrase that
        # states an inability itself is not turned round by the one before the "or"
        inability = any(doc[index].lower_ in NEGATIONS for index in range(start, end))
        told_past = False  # "... and went down hard": a past form after "and", which "didn't" cannot reach
        for index in self._clause_before(doc, start):
            if inability and doc[index].lower_ in {"or", "nor", "and"}:
                break
            if doc[index].text == "(" and any(doc[at].lower_ in SUBJECT_I | OWN_SUBJECTS | PREDICATES - {"had", "has", "have"} | {"my"}
                                                for at in range(index + 1, _bracket_end(doc, index))):
                break  # "none of those (both legs are numb)": the bracket tells, the "none" is the list's
            if index in mentioned:
                if _contrast_after(doc, index):
                    break  # "not a fever, it's a temperature of 39": the "not" is the fever's
                continue
            if doc[index].lower_ in ASSERTED_AFTER:
                break  # "nobody can explain why both my legs go numb": what follows "why" is so
            if sign and doc[index].lower_ in SIGN_CLAUSE_OPENERS and doc[index + 1].lower_ in OWN_SUBJECTS:
                break  # "I had no warning before it popped": the pop is told, not denied
            if sign and doc[index].lower_ == "no" and subject_between and doc[index + 1].lower_ not in DENIAL_NOUNS:
                break  # "No pain now I can't control my bladder": the "no" is the pain's (not "I don't think I ...")
            subject_between = subject_between or doc[index].lower_ in SUBJECT_I
            told_past = told_past or (doc[index].lower_ == "and" and _past_form(doc[index + 1]))
            if doc[index].lower_ in NEGATIONS:
                if _negates_wellness(doc, index, start):
                    break  # "something's not right with my bladder": the bladder is not well
                answer = _answered_after(doc, end)
                if answer is not None and (_postfix_no(doc, index, mentioned) or doc[answer].lower_ not in ANSWER_NOS | {"n"}
                                           and any(at in mentioned for at in range(index + 1, start))):
                    break  # "fever no weight loss yes", "no fever weight loss yes": the "no" is the fever's
                if told_past and index > 0 and doc[index - 1].lower_ in DO_SUPPORT:
                    break  # "I didn't appreciate that fact and went down hard": the fall happened
                # "I never expected I would slip and fall": what was not expected happened
                verb = doc[index + 1].lemma_ if index + 1 < len(doc) else ""
                if verb in UNSURE_AFTER_NOT and doc[index].lower_ in {"not", "n't", "never"}:
                    break  # "I'm not sure whether I've lost feeling down there": a doubt, no denial
                past = doc[index].lower_ == "never" or (index > 0 and doc[index - 1].lower_ in {"did", "had"})
                unexpected = past and (verb in EXPECTING or (doc[index].lower_ == "never" and verb == "think"))
                # a dislike is told by a verb's "not" ("I don't much like hobbling"); "nothing like
                # cancer or fever" denies, but "there's nothing like both legs going numb to scare
                # you" tells (a fresh-eyes review)
                liked = [doc[ahead].lemma_ for ahead in range(index + 1, min(index + 3, start))
                         if doc[ahead].lower_ not in {"much", "really", "very"}
                         and (doc[index].lower_ in {"not", "n't", "never"} or _nothing_like_idiom(doc, index))]
                return None if unexpected or liked[:1] and liked[0] in LIKING else SAID
            distance += 1
            if distance >= NEGATION_WINDOW:
                break
        listed = None  # "no fever, weight loss or cancer", "fever, weight loss, none of those"
        if not inability:
            head = _listed(doc, start, end, mentioned, told_at)
            if head == -1:
                listed = LIST_CLOSED
            elif head is not None and self._is_negated(doc, head, head + 1, mentioned, sign, told_at):
                listed = LISTED
            elif head is None and sign and told_at and start in told_at and _bare_item(doc, start, end):
                loose = _listed(doc, start, end, mentioned, told_at, unjoined=True)
                # an emergency sign only in an echo of the safety list: five items or more from its
                # denied first one ("None - no fever, weight loss, cancer, saddle numbness, ...")
                if told_at[start][1] not in self.unjoined_values and not (loose is not None and _echoes_the_list(doc, loose)):
                    loose = None
                # not an item of the same value as the denied one: "no fever, night sweats" tells the sweats
                same = loose in told_at and told_at[loose][1] == told_at[start][1]
                # nor after a "not" that sets one against the other: "not the pee one, the night one"
                contrast = loose is not None and any(doc[at].lower_ == "not" for at in range(max(0, loose - 3), max(0, loose)))
                if (loose is not None and 0 <= loose < start and not same and not contrast
                        and self._is_negated(doc, loose, loose + 1, mentioned, sign, told_at)):
                    listed = LIST_UNJOINED
        if self._asked_and_denied(doc, end, start):
            return SAID  # "Fever? No. Weight loss? No.": the person's own question and answer
        # After the mention: other findings joined by "and"/"or" are skipped ("my bladder and
        # bowels are normal"), then "... doesn't bother it" or "... is (totally) fine".
        after = []
        for index in range(end, min(len(doc), end + 8)):
            lemma = doc[index].lemma_
            if index in mentioned or (lemma in {"and", "or"} and index + 1 in mentioned):
                continue
            if lemma in CLAUSE_BREAKS or lemma in {"and", "or"} or lemma in SAYING:
                break  # "my oncologist says it's fine": what somebody says of "it" denies no oncologist
            after.append((lemma, doc[index].lower_, index))
        words = [word for _, word, _ in after]
        of_a_function = doc[end - 1].lemma_ in FUNCTION_NOUNS  # "bladder control", not "the numbness": the same as always is well
        if of_a_function and (_says_unchanged(words) or _says_unchanged(words[1:]) and after[:1] and after[0][0] in {"be", "feel", "seem"}):
            return SAID  # "bladder control same as always", "my bowels are no different to before"
        fine = _fine_at(words) if of_a_function else None
        if fine is not None:  # "pee and poo all normal thanks" (not "fine for 20 minutes, then it kills")
            return listed if self._borne_only_for(doc, after[fine][2] + 1) else SAID
        for index, (lemma, word, _) in enumerate(after[:4]):
            following = [lemma for lemma, _, _ in after[index + 1: index + 3]]
            if not following:
                break
            if lemma in {"not", "never"} and following[0] in DISMISSIVE_VERBS:
                return SAID
            if word == "all" and index == 0 and (_fine_at(following[:1]) is not None or following[0] in ALL_DENIED):
                return SAID  # "fever weight loss cancer numbness bladder all fine", "... all normal"
            if lemma in {"be", "feel", "seem"} or word == "'s":
                fine = _fine_at(following)
                if fine is not None and index > 0 and after[index - 1][1] in NOT_OF_WELLNESS:
                    return listed  # "my bowels haven't been normal": not well ("not really, it feels normal" denies)
                # "sitting is fine for 20 minutes, then it kills": borne only so long, it hurts
                return SAID if fine is not None and not self._borne_only_for(doc, after[index + 1 + fine][2] + 1) else listed
        return listed

    def _only_says_when(self, doc: Doc, start: int) -> bool:
        """Whether the mention at `start` follows "during", "since" or "throughout" (or "after",
        "following" with no onset verb before them in the clause), with at most a determiner
        between: it tells when something else did or did not happen, and is itself so."""
        before = _word_before(doc, start, DETERMINERS_AND_POSSESSIVES | {"that", "this"})
        if before < 0:
            return False
        word = doc[before].lower_
        if word in WHEN_WORDS:
            return True
        if word not in WHEN_AFTER_WORDS:
            return False
        return not any(doc[index].lemma_ in ONSET_VERBS for index in self._clause_before(doc, before))

    def _asked_and_denied(self, doc: Doc, end: int, start: int) -> bool:
        """Whether the mention from `start` to `end` is asked and answered no by the person, as
        forum posts list them: "Fever? No.", "Numbness down there? None at all.", "Limping? Not
        really." ("No idea" answers nothing, nor does "Not really sure"). Not when what is asked
        is what works ("Bladder control? Not really.", "Can I walk? No."): that no is the sign."""
        if _asks_what_works(doc, start, end):
            return False
        # "fever yes, cancer no", "weight loss - no": a "no" right after the item, ending its clause
        after = end
        while after < len(doc) and doc[after].text in {":", "-", "\u2013", "="}:
            after += 1
        if after > end and self._denied_by_answer_at(doc, after):
            return True
        if after < len(doc) and doc[after].lower_ in ASKED_AND_DENIED - {"fine", "normal"} and (
                after + 1 == len(doc) or doc[after + 1].lower_ in CLAUSE_BREAKS | {"and", "or", "/", ")"}):
            return True
        if after < len(doc) and doc[after].lower_ in ANSWER_NOS | ITEM_NOS and _answered_next(doc, after + 1):
            return True  # "fever no weight loss yes": each item answered after it
        ask = next((index for index in range(end, min(len(doc), end + 3)) if doc[index].text == "?"), None)
        if ask is None or ask + 1 >= len(doc):
            return False
        answer = doc[ask + 1].lower_
        unsure = ask + 2 < len(doc) and doc[ask + 2].lower_ in {"idea", "clue"}
        return (answer in ASKED_AND_DENIED and not unsure) or self._denied_by_answer_at(doc, ask + 1)

    def _denied_by_answer_at(self, doc: Doc, at: int) -> bool:
        """Whether the words from `at` are a no of the vocabulary's `answers` (`deny` or `none`),
        not a not-sure, with nothing more in their clause ("Not really." but not "Not really sure",
        "Nothing major")."""
        rest = doc[at:].text
        if self.answer_regex["unsure"].match(rest):
            return False
        said = max((match.end() for match in (self.answer_regex[kind].match(rest) for kind in ("deny", "none")) if match),
                   default=0)
        if not said:
            return False
        following = next((token for token in doc[at:] if token.idx >= doc[at].idx + said), None)
        return following is None or following.lower_ in CLAUSE_BREAKS | {"and", "or"}

    def _borne_only_for(self, doc: Doc, end: int) -> bool:
        """Whether `relieving: only_for` words follow `end` at once ("fine for a bit", "OK at first")."""
        return any(end <= start <= end + RELIEF_WINDOW for _, start, _ in self.relieving["only_for"](doc))


def _sensing_denied(doc: Doc) -> bool:
    """Whether a verb of feeling or noticing is negated ("I don't really feel it when ...", "I
    can't tell when ...", "never notice"): the "no" of such an answer may be the sign itself."""
    return any(token.lemma_ in SENSING and any(doc[at].lower_ in NEGATIONS for at in range(max(0, index - 3), index))
               for index, token in enumerate(doc))


def _fine_at(words: List[str]) -> Optional[int]:
    """Where a word that says all is well stands at the start of `words`: "fine" at 0, "all
    normal" at 1 (a degree word before it); None if they do not begin so."""
    if words[:1] and words[0] in FINE_WORDS:
        return 0
    if words[1:2] and words[0] in DEGREE_WORDS and words[1] in FINE_WORDS:
        return 1
    return None


def _asks_what_works(doc: Doc, start: int, end: int) -> bool:
    """Whether the words of a mention, or its sentence before it, ask whether something works
    ("Bladder control?", "Sensation down there?", "Strength in both legs?", "Can I walk?"), so
    that a no answers that it does not."""
    opening = start
    while opening > 0 and doc[opening - 1].lower_ not in SENTENCE_ENDS:
        opening -= 1
    return any(doc[index].lower_ in WORKING_WORDS or doc[index].lemma_ in {"can", "able"} for index in range(opening, end))


def _negates_wellness(doc: Doc, negation: int, limit: int) -> bool:
    """Whether the "not" at `negation` negates a word of wellness before `limit` that ends what it
    says ("not right with my bladder", "doesn't feel quite normal", "haven't been the same"), with no
    negation of its own before it in the clause: it then says something is not well."""
    if doc[negation].lower_ not in NOT_OF_WELLNESS or _negated_or_supposed_before(doc, negation):
        return False
    at = _past_linking_words(doc, negation + 1, min(limit, negation + 5))
    return at is not None and doc[at].lower_ in WELLNESS and _ends_wellness(doc, at)


def _links_to_wellness(token: Token) -> bool:
    """Whether a word may stand between a "not" and its word of wellness (`BEFORE_WELLNESS`)."""
    return token.lower_ in BEFORE_WELLNESS or token.lemma_ in BEFORE_WELLNESS


def _past_linking_words(doc: Doc, start: int, stop: int) -> Optional[int]:
    """The first word from `start` (before `stop`) that is no linking word ("feel", "quite", "the"):
    the word of wellness a "not" may negate, or None."""
    return next((index for index in range(start, stop) if not _links_to_wellness(doc[index])), None)


def _not_the_same(doc: Doc, start: int, end: int) -> bool:
    """Whether the words from `start` to `end` are a "don't feel the ..." or "not feeling the ..."
    that goes on "the same" and ends there ("I don't feel the same in my genitals", "I'm not
    feeling the same around my anus"): something is not as it was, no feeling lost. Not "can't
    feel the same ..." (an inability: the feeling is less), nor "the same sensation", nor another
    verb ("my bowel isn't working the same"): a fresh-eyes review found "right", "well" and "as
    well" after "can't feel", and bowels not working the same, telling the sign."""
    for negation in range(start, end):
        if doc[negation].lower_ in NOT_OF_WELLNESS and negation > 0 and (
                doc[negation - 1].lower_ in DO_AND_BE or doc[negation - 1].lemma_ in {"do", "be"}):
            same = _past_linking_words(doc, negation + 1, min(len(doc), negation + 5))
            return (same is not None and same >= end and doc[same].lower_ == "same"
                    and any(doc[index].lemma_ == "feel" for index in range(negation + 1, same))
                    and (same + 1 == len(doc) or doc[same + 1].is_punct or doc[same + 1].lower_ in SAME_ENDS))
    return False


def _ends_wellness(doc: Doc, index: int) -> bool:
    """Whether the word of wellness at `index` ends what it says: the message or a clause ends
    after it, or a word of `AFTER_WELLNESS` follows ("not right or left leg" is a side)."""
    if index + 1 >= len(doc) or doc[index + 1].is_punct:
        return True
    after = doc[index + 1].lower_
    following = doc[index + 2].lower_ if index + 2 < len(doc) else ""
    if after in {"and", "or"} and following in {"left", "right"}:
        return False  # "no right and left leg numbness"
    if after == "with":  # "not right with my bladder" is not well, "not ok with it" a dislike
        return doc[index].lower_ in WELL_WITH
    # "not right down below" is the saddle's trouble, "not right down below the knee" a leg's place
    third = doc[index + 3].lower_ if index + 3 < len(doc) else ""
    return after in AFTER_WELLNESS or (after, following) in AFTER_WELLNESS_PAIRS and third not in DETERMINERS_AND_POSSESSIVES


def _negated_or_supposed_before(doc: Doc, negation: int) -> bool:
    """Whether another negation stands before `negation` in its clause ("I haven't noticed
    anything not normal", "I can't say anything's not right": a double negative), or a word that
    supposes what follows ("if your bowels are not normal, call 999", "asked me if my bladder
    wasn't right", "in case it doesn't feel right down there"): no "not well" is then told."""
    for index in range(negation - 1, max(-1, negation - 8), -1):
        word = doc[index].lower_
        if word in CLAUSE_BREAKS:
            return False
        if word in ANSWER_NOS and (index == 0 or doc[index - 1].is_punct) and all(
                doc[at].is_punct for at in range(index + 1, negation)):
            return False  # "no, not normal, I keep leaking": the "no" answers
        if word in NEGATIONS or word in SUPPOSING:  # "can't" is "ca" and "n't"
            return True
    return False


def _wellness_negated(doc: Doc, start: int, end: int) -> bool:
    """Whether words from `start` to `end` that only say all is well ("normal", "as usual") are
    negated: "my bladder isn't normal" is no "normal"."""
    if not all(doc[at].lower_ in WELLNESS | {"as"} for at in range(start, end)):
        return False
    for index in range(start - 1, max(-1, start - 5), -1):
        if doc[index].lower_ in NEGATIONS:
            return _negates_wellness(doc, index, end)
        if not _links_to_wellness(doc[index]):
            return False
    return False


def _says_unchanged(words: List[str]) -> bool:
    """Whether words begin by saying something is as it always was ("same as always", "the same as
    usual", "no different to before", "as good as it ever was", "unchanged")."""
    words = words[1:] if words[:1] == ["the"] else words
    return (words[:2] == ["same", "as"] or words[:2] in (["no", "different"], ["not", "different"])
            or words[:3] == ["as", "good", "as"] or words[:1] == ["unchanged"])


def _past_form(token: Any) -> bool:
    """Whether a word is a verb's past form that differs from its bare form ("went", "landed")."""
    word = token.lower_
    return word in IRREGULAR_PAST or (word.endswith("ed") and token.lemma_ != word)


TEMPERATURE_WORDS = {"temperature", "temperatures", "temp", "temps", "fever", "fevers", "thermometer"}
NOT_THE_BODY = "not_the_body"
MEASURED = "measured"  # a fever's own figure: "a temperature of 39 at the start line" is no start line's
# the weather's, the water's, a room's: "the temperature" with no figure in a sentence of one of these
WEATHER_WORDS = {"weather", "outside", "sun", "sunny", "shade", "heatwave", "forecast", "sea", "pool",
                 "lido", "lake", "river", "room", "office", "thermostat", "heating", "aircon", "climate", "spain",
                 "summer", "winter", "holiday", "humidity", "humid", "wind", "windchill", "celsius", "fahrenheit"}
# a reading, not a date, a time, an age or a count: "of 39", "was 38.5", "hit 101", "39 degrees", "39c"
FIGURE = re.compile(r"^(\d{2,3}(?:\.\d{1,2})?)(?:°|°c|°f|c|f)?$")
READING_BEFORE = {"of", "was", "is", "at", "hit", "hitting", "reached", "reaching", "to", "around", "about", "over", "above", "'s",
                  "be", "been", "read", "reads", "said", "says", "showed", "shows", "went"}
# what a figure is when these follow it: a time, a date, a count, a weight or a distance, no temperature
# ("39 miles", "38.5 kg", "at 10 pm", "the 38th")
NOT_A_READING = {"pm", "am", "th", "st", "nd", "rd", "o'clock", "hrs", "hours", "days", "weeks", "months", "years", "year", "yrs",
                 "minutes", "mins", "seconds", "secs", "times", "miles", "mile", "km", "kms", "k", "kg", "kgs", "kilos", "lbs",
                 "pounds", "%", "percent", "mm", "cm", "metres", "meters"}
TEMPERATURE_UNITS = {"degrees", "degree", "deg", "°", "°c", "°f", "c", "f", "celsius", "fahrenheit"}


# a temperature written with its tenths ("38.9", "39.2c"): a fever's own figure, as an answer
FEVER_TENTHS = re.compile(r"^(3[7-9]|4[0-2])\.\d(?:°|°c|c)?$")


TIMED_THINGS = {"parkrun", "run", "race", "time", "pb", "lap", "split", "pace", "marathon", "10k", "5k", "km", "mile",
                "miles", "swim", "ride", "time's", "bmi", "size", "shoe", "shoes", "waist", "version"}


def _fever_figure(doc: Doc) -> bool:
    """Whether an answer tells the person's own fever by its figure with tenths ("I had 38.9 last
    night", "spiked to 38.5"): told as a temperature (after "had", "was", "hit", "spiked to" ...,
    with a degree sign, or beside a word of temperature), 38.0 or more, not a weight, a distance or
    a time, and not denied or told of somebody else in its clause (a fresh-eyes review)."""
    sentence = _numbered_by(doc, SENTENCE_ENDS)
    for index, token in enumerate(doc):
        if not FEVER_TENTHS.match(token.lower_) or float(token.lower_.rstrip("°c")) < 38.0:
            continue
        following = doc[index + 1].lower_ if index + 1 < len(doc) else ""
        same = [other.lower_ for other, at in zip(doc, sentence) if at == sentence[index]]
        told = (token.lower_.endswith(("°", "c")) or following in TEMPERATURE_UNITS - {"f"}
                or index > 0 and doc[index - 1].lower_ in READING_BEFORE | {"had"}
                or bool(set(same) & TEMPERATURE_WORDS))
        before = [doc[at].lower_ for at in Reader._clause_before(doc, index)]
        if set(before) & TIMED_THINGS:
            continue  # "my parkrun was 39.2": a time
        if (told and following not in NOT_A_READING and not set(same) & WEATHER_WORDS
                and not set(before) & (NEGATIONS | OTHER_PEOPLE | CHILDREN | {"he", "she", "his", "her", "they"})):
            return True
    return False


# A fall whose height is told by a figure lower than these (the last figure before its unit, so
# the top of a range) is asked about once, not taken as a major one: "I fell about 2-3 feet off the
# sofa", "fell 1-2 m onto a crash mat" (a fresh-eyes review, thirty-seventh session). The policy
# names no height; a fall of 3 feet or 1 metre and more is the usual mark of a dangerous one.
LOW_FALL_VALUE = "major_trauma"
LOW_FALL_BELOW = {"feet": 3.0, "foot": 3.0, "ft": 3.0, "'": 3.0, "metres": 1.0, "meters": 1.0, "metre": 1.0, "meter": 1.0, "m": 1.0}


def _low_fall(doc: Doc, start: int, end: int) -> bool:
    """Whether the fall told from `start` to `end` gives its height by a figure below LOW_FALL_BELOW."""
    for index in range(max(start + 1, 1), end):
        below = LOW_FALL_BELOW.get(doc[index].lower_)
        if below is not None:
            try:
                return abs(float(doc[index - 1].text)) < below  # "10 -12 feet": the "-12" of a range
            except ValueError:
                return False
    return False


def _temperature_told(doc: Doc, start: int, end: int, sentence: List[int]) -> Optional[str]:
    """How a fever told by its temperature is told: of no body (NOT_THE_BODY) when the figures
    after it are none of a fever ("a temperature of 14 degrees", "my temp was 36.5") or when "the
    temperature" stands in a sentence of weather, water or a room; MEASURED with a fever's figure
    (no harmless cause beside it excuses it); "the" when "the temperature" is told with no one's
    (asked once); else None."""
    at = next((index for index in range(start, end) if doc[index].lower_ in TEMPERATURE_WORDS), None)
    if at is None:
        return None
    figures = [float(found.group(1)) for index in range(at + 1, min(len(doc), at + 10)) if sentence[index] == sentence[at]
               for found in [FIGURE.match(doc[index].lower_)]
               if found and (doc[index - 1].lower_ in READING_BEFORE or index + 1 < len(doc) and doc[index + 1].lower_ in TEMPERATURE_UNITS)
               and not (index + 1 < len(doc) and doc[index + 1].lower_ in NOT_A_READING)]
    if figures and not any(37.5 <= figure <= 43 or 99.5 <= figure <= 110 for figure in figures):
        return NOT_THE_BODY
    if at >= 1 and doc[at - 1].lower_ == "the":
        same = [index for index in range(len(doc)) if sentence[index] == sentence[at]]
        return NOT_THE_BODY if not figures and any(doc[index].lower_ in WEATHER_WORDS for index in same) else "the"
    return MEASURED if figures else None


def _in_own_words(doc: Doc, start: int, end: int) -> bool:
    """Whether the words at `start`-`end` hold the person's own "I", "my" or "myself" ("lost
    control of my bladder"): a finding told so is theirs, whoever else the sentence names."""
    return any(doc[index].lower_ in FIRST_PERSON for index in range(start, end))


def _the_person_at(doc: Doc, index: int) -> bool:
    """Whether the word at `index` is the person themself ("I", "my"), not the start of a
    relative of theirs ("my dad")."""
    return doc[index].lower_ in FIRST_PERSON and not (index + 1 < len(doc) and doc[index + 1].lower_ in OTHER_PEOPLE)


def _word_before(doc: Doc, index: int, skipping: Set[str]) -> int:
    """The position of the word before `index`, past any of `skipping` ("during the chemo",
    "of a friend's house"); -1 at the start."""
    before = index - 1
    while before >= 0 and doc[before].lower_ in skipping:
        before -= 1
    return before


def _carried(doc: Doc, index: int, sign_start: int, sign_end: int) -> bool:
    """Whether the person at `index` is what the one telling does something to or is with
    ("carrying my son", "playing with my son"), with at most a determiner or a possessive
    between, and the sign from `sign_start` to `sign_end` is the teller's: no "he", "she", "his", "who" ... anywhere
    in the rest of the sentence ("helping my dad who can't walk", "his leg gave way", "a crash
    she was in"), and no "after" or place of care between ("took my son to hospital after a fall
    down the stairs", "took my mum to the fracture clinic"). Where the relative is put ("lifting
    my dad into his wheelchair and felt a pop in my hamstring") leaves the pop the teller's,
    but not a sign that is that very thing ("into his wheelchair" is his trouble walking)."""
    before = _word_before(doc, index, DETERMINERS_AND_POSSESSIVES)
    if before < 0 or doc[before].lower_ not in CARRYING_VERBS:
        return False
    if any(doc[between].lower_ == "after" or doc[between].lower_ in CARE_PLACES
           for between in range(index + 1, min(len(doc), sign_end + 1))):
        return False  # the place of care may follow the sign's word: "the fracture clinic"
    for after in range(index + 1, len(doc)):
        if doc[after].lower_ in SENTENCE_ENDS:
            return True
        if doc[after].lower_ in OTHERS_TOLD_OF and not _put_somewhere(doc, after, sign_start):
            return False
    return True


def _put_somewhere(doc: Doc, possessive: int, sign_start: int) -> bool:
    """Whether the possessive at `possessive` only says where a carried relative is put ("into
    his wheelchair"), before a sign the teller tells after an "and" or a comma ("... and felt a
    pop in my hamstring"); not "on his badly broken leg", not a sign that starts at or before it
    ("in his wheelchair", "a pop in his leg")."""
    return (doc[possessive].lower_ in OTHERS_OWN and doc[possessive - 1].lower_ in PUT_INTO
            and possessive < sign_start
            and any(doc[between].lower_ in {"and", ","} for between in range(possessive + 1, sign_start)))


def _after_a_preposition(doc: Doc, index: int, also: FrozenSet[str] = frozenset()) -> bool:
    """Whether the person at `index` is named after a preposition of place ("of a friend's
    house", "at my mum's"; `also` more, such as "with"), with at most a determiner or a
    possessive between."""
    before = _word_before(doc, index, DETERMINERS_AND_POSSESSIVES)
    if before < 0 or doc[before].lower_ not in PLACE_OF_A_PERSON | also:
        return False
    # "one of my aunts got cancer": the aunt is who the clause is about
    return not (doc[before].lower_ == "of" and before > 0 and doc[before - 1].lower_ in QUANTIFIERS)


def _names(text: str) -> Set[str]:
    """The words written with a capital inside a sentence ("Then Angela broke her arm"), lower
    case: the names of people (or places) the message speaks of; never "I"."""
    return {match.group(1).lower() for match in NAME.finditer(text)} - FIRST_PERSON


def _told_for_someone_else(doc: Doc) -> bool:
    """Whether a whole message is told for somebody else ("My husband's been complaining of pain
    in his lower back that he says is radiating down his leg"; "my own mother fell and broke her
    hip ... phoned me because he couldn't help her get up"): it names another person and speaks
    of them as "he" or "she" more often than the teller says "I", "me" or "my" of anyone but
    them ("my husband" is theirs; "Mine came on slowly. My teammate couldn't walk after his
    fall" is told by the person). Their pain, places and what makes it worse are then the
    findings; their danger signs are still asked about, as any told of someone else."""
    words = [token.lower_ for token in doc]
    if not any(word in OTHER_PEOPLE for word in words):
        return False
    theirs = sum(word in THIRD_PERSON for word in words)
    mine = sum(word in FIRST_PERSON | {"mine"} and not (
        word == "mine" and index > 1 and words[index - 1] == "of" and words[index - 2] in OTHER_PEOPLE  # "a friend of mine"
        or index + 1 < len(words) and words[index + 1] in OTHER_PEOPLE
        or index + 2 < len(words) and words[index + 2] in OTHER_PEOPLE)  # "my own mother", "my 70-year-old dad"
        for index, word in enumerate(words))
    return theirs > 0 and theirs > mine


def _describes_the_person(doc: Doc, who: int) -> bool:
    """Whether the "who" at `who` opens a clause about the person themself: "I am a 71-year-old
    woman who was diagnosed with ...", "I'm someone who ..." (a "who" after "I am a ..." in its
    sentence), or a sentence opening "As a runner who has had cancer, ..." / "Being someone
    who ...", not "my sister, who broke her tailbone" or "I read about a woman who died"."""
    named_other = False  # "As my mum who had cancer says": the mum ("as a mum who ..." is the person)
    for index in range(who - 1, max(-1, who - 12), -1):
        token = doc[index].lower_
        if token in SENTENCE_ENDS:
            return False
        if token in {"am", "'m", "i'm", "im"} or (token == "was" and index > 0 and doc[index - 1].lower_ == "i"):
            return True
        named_other = named_other or (token in OTHER_PEOPLE and index > 0
                                      and doc[index - 1].lower_ in {"my", "our", "his", "her", "their", "your"})
        if (token in SELF_DESCRIBING and not named_other
                and (index == 0 or doc[index - 1].lower_ in SENTENCE_ENDS | {"speaking", "and", "but"})):
            return True
    return False


def _warning_end(doc: Doc, cue: int, sentence: List[int]) -> int:
    """Where a warning's reach ends: the end of its sentence, a word of contrast before it
    ("my physio warned me about cauda equina but I have no bladder control" states the sign), or
    ", and" with a new subject ("I'm going to have a cracking bruise, and my back aches"), or a
    reason ("I looked like I was drunk because both my legs went numb" states the sign)."""
    for index in range(cue + 1, len(doc)):
        if sentence[index] != sentence[cue] or doc[index].lower_ in CONTRASTS or doc[index].lower_ in {"because", "cos", "coz"}:
            return index
        if (doc[index].lower_ == "and" and doc[index - 1].text == "," and index + 1 < len(doc)
                and doc[index + 1].lower_ in NEW_SUBJECT | {"mine"}):
            return index  # ", and mine was a car crash": the person's own
        if doc[index].text == "," and index + 1 < len(doc) and (doc[index + 1].lower_ in TOLD_OF_ONESELF | {"mine"}
                                                                 or doc[index + 1:index + 4].text.lower() == "in my case"):
            return index  # "What if it's cauda equina, I can't feel when I wipe": the fear ends at the comma
        if doc[index].lower_ in {"as", "since"}:
            return index  # "I'm worried it will be permanent as I can't feel my privates": a reason
        if doc[index].lower_ == "and" and " ".join(token.lower_ for token in doc[index + 1:index + 3]) in AND_NOW_I:
            return index  # "... to go back if I got numbness down there and I have numbness down there now"
    return len(doc)


AND_NOW_I = {"i have", "i 've", "i 'm", "i am", "now i", "now my", "now both", "i can't", "i ca", "i can", "i 'd", "i now"}


def _now_after(doc: Doc, end: int, sentence: List[int]) -> bool:
    """Whether a word of lately follows what ends at `end` in its sentence ("What happens if I
    can't pee at all since yesterday": the sign is there now), not "never since", nor after a
    word that says all is well ("I'm scared I'll lose bladder control, mine is fine now": what is
    so now is the wellness; a fresh-eyes review, thirty-seventh session)."""
    for index in range(end, len(doc)):
        if sentence[index] != sentence[end - 1] or doc[index].lower_ in FINE_WORDS:
            return False
        if _lately_at(doc, index):
            return True
    return False


def _told_again_after(end: int, sentence: List[int], signs_at: List[int]) -> bool:
    """Whether a sign or a numbness (`signs_at`: where each starts) is told in the rest of the
    sentence of what ends at `end` ("... has gone and now they're numb")."""
    return any(at >= end and sentence[at] == sentence[end - 1] for at in signs_at)


def _lately_at(doc: Doc, index: int) -> bool:
    """Whether the word at `index` tells of lately: "today", "now", "this week", "last night", or
    "since" (not "never since")."""
    word = doc[index].lower_
    if word in LATELY or (word in {"this", "last"} and index + 1 < len(doc) and doc[index + 1].lower_ in LATELY_AFTER_THIS_OR_LAST):
        return True
    return word == "since" and index > 0 and doc[index - 1].lower_ not in {"never", "ever", "not", "n't"}


def _presupposed(doc: Doc, end: int) -> bool:
    """Whether what ends at `end` is asked about as something the person has: "how do I know if the
    numbness down there is serious" (it is there; only its meaning is asked)."""
    following = [token.lower_ for token in doc[end:end + 3]]
    return len(following) >= 2 and following[0] in {"is", "'s", "was"} and following[1] in ASKED_OF_WHAT_IS


# "... is serious", "... is normal": a question of what something the person has means
ASKED_OF_WHAT_IS = {"serious", "bad", "normal", "dangerous", "worrying", "something", "concerning", "an", "a"}


def _fear_come_true(doc: Doc, end: int) -> bool:
    """Whether a fear or a future ending at `end` is told as come true or as the present going on
    ("My worst fear came true and I wet myself", "scared it'll stay like this"): no warning."""
    following = [token.lower_ for token in doc[end:end + 4]]
    if {"true", "happened", "happening"} & set(following):
        return True
    return (bool(following) and doc[end - 1].lower_ in {"'ll", "will", "might"} and following[0] in PRESENT_GOING_ON
            and following[:2] != ["get", "to"])  # "scared it will get to the point where I can't walk": a future


# "scared it'll stay like this", "worried it will be permanent": the state now, going on
PRESENT_GOING_ON = {"stay", "be", "never", "remain", "last", "always", "keep", "get"}
# a clinician's finding ends an examination's reach: "The doctor checked and said I have saddle numbness"
FINDINGS_TOLD = {"said", "says", "found", "showed", "confirmed", "diagnosed", "still", "which"}


def _check_end(doc: Doc, cue: int, sentence: List[int]) -> int:
    """Where an examination's reach (vocabulary `warnings.checks`) ends: a warning's end, or a
    word of now or since, or "and" or a comma before the person told of ("The nurse asked me if
    I'd wet myself and I have, twice today", "I checked my pants and I'd wet myself")."""
    end = _warning_end(doc, cue, sentence)
    for index in range(cue + 1, end):
        word = doc[index].lower_
        following = doc[index + 1].lower_ if index + 1 < len(doc) else ""
        if word in {"now", "since"} | FINDINGS_TOLD or (
                word in {"and", ","} and following in TOLD_OF_ONESELF | {"'d", "had", "have", "it", "it's", "found", "said", "is"}):
            return index
    return end


# words round a harmless cause (vocabulary `explained`) that say it is not the cause
DENIED_CAUSE_BEFORE = {"no", "not", "n't", "never", "without", "negative", "ruled"}
DENIED_CAUSE_AFTER = {"negative", "clear", "ruled"}
CAUSE_AFTER_BUT = {"that", "that's", "thats", "it", "it's", "its", "on", "due"}


def _told_of(doc: Doc, places: KeyWordMatcher, unless: KeyWordMatcher, start: int, clause: List[int],
             skipped: Optional[Set[int]] = None) -> bool:
    """Whether the clause of the word at `start` names one of `places` (not one lying on a
    `skipped` word) and none of `unless` (vocabulary `elsewhere`)."""
    skipped = skipped or set()
    named = {clause[at] for _, at, end in places(doc) if not skipped.intersection(range(at, end))}
    return clause[start] in named and clause[start] not in {clause[at] for _, at, _ in unless(doc)}


def _ends_resolved(doc: Doc, end: int) -> bool:
    """Whether a `resolved.at_end` cue ending at `end` ends its clause (or comes before a word of
    time), and what follows does not undo it ("it was fine, then suddenly ...")."""
    if end == len(doc):
        return True
    if doc[end].lower_ not in RESOLVED_AT_END_BEFORE:
        return False
    return not any(doc[index].lower_ in RESOLVED_UNDONE_AFTER for index in range(end, min(len(doc), end + 3)))


def _of_long_ago(doc: Doc, start: int, end: int, this_year: int) -> bool:
    """Whether a cue of long ago (vocabulary `historical`) at `start`-`end` tells of long ago: not a
    distance or a time of day ("when I was 5 minutes from home", "at 6 I got up"), not this year or
    last ("since my fall in 2026"), not a time something has lasted since ("ever since my back
    operation 2 years ago") or is like ("like I did as a kid"), not the person's age now ("I'm in
    my 40s")."""
    if end < len(doc) and doc[end].lower_ in UNITS_AFTER_A_FIGURE:
        return False
    for token in doc[start:end]:
        if token.shape_ == "dddd" and int(token.text) >= this_year - 1:
            return False
        if token.is_digit and doc[start].lower_ == "at" and int(token.text) <= 12:
            return False
    before = [doc[index].lower_ for index in range(max(0, start - 6), start)]
    if "since" in before or "like" in before[-4:]:
        return False
    return not (before[-2:] in (["i", "'m"], ["i", "am"]) or before[-1:] in (["i'm"], ["im"]))


# where a cauda equina sign's own clause ends, for a time long ago told in it (`historical.own_clause`)
OWN_CLAUSE_ENDS = {".", "!", "?", ";", ",", ":", "and", "so", "but", "though", "although", "because", "as", "since", "then"}


def _lately_told(doc: Doc, start: int, clause: List[int], sentence: List[int]) -> bool:
    """Whether the sign starting at `start` is told of lately: a word of lately in its own clause
    ("I had a fall years ago and peed myself this morning" has none before the "and"; "... years
    ago I lost bladder control since Monday" has), not "never since"; or "again" in its sentence
    ("I used to wet myself as a kid and now I'm doing it again")."""
    for index, token in enumerate(doc):
        if token.lower_ == "again" and sentence[index] == sentence[start] and index > start:
            return True
        if clause[index] == clause[start] and _lately_at(doc, index):
            return True
    return False


def _told_beside(doc: Doc, cue: int, mention: int, sentence: List[int], clause: List[int],
                 own: range = range(0), by_but: bool = False) -> bool:
    """Whether a harmless cause at `cue` (vocabulary `explained`), or a cue of long ago
    (`historical`), is told beside the sign at `mention`: in its sentence, with no contrast or
    word of lately between them ("I've had a UTI before but now I can't feel when I pee", "I
    had chest pain years ago but now I can't breathe", "surgery years ago and since last week I
    can't pee" tell a sign apart from the cue). A cue denied in its clause or tested away counts
    for nothing, so a sign beside it stays stated; the sign's `own` words deny no cause ("I can't
    lift my foot in the cast")."""
    if sentence[cue] != sentence[mention]:
        return False
    # a cause denied or tested away is none: "no UTI, I've lost control of my bladder", "it
    # wasn't when I coughed", "tested negative for covid", "tested for a UTI and it was clear"
    # (in the cue's own clause, `clause` numbering by CLAUSE_ENDS: "my legs aren't weak, the
    # pain buckles me" denies no pain)
    if any(doc[index].lower_ in DENIED_CAUSE_BEFORE for index in range(max(0, cue - 4), cue)
           if clause[index] == clause[cue] and index not in own):
        return False
    if any(doc[index].lower_ in DENIED_CAUSE_AFTER for index in range(cue + 1, min(len(doc), cue + 8)) if sentence[index] == sentence[cue]):
        return False
    low, high = sorted((cue, mention))

    def lately(index: int) -> bool:  # a word of lately of its own, not the cue's ("cystitis last week and ...")
        word = doc[index].lower_
        if word == "now":
            return True
        if word == "since" or not _lately_at(doc, index):
            return False
        return any(doc[between].lower_ in LATELY_OPENERS for between in range(low + 1, index))

    # a contrast parts a cause told first from a sign told after it ("a UTI before but now I can't
    # feel when I pee"); after the sign, "but that's", "but it's", "but on" bring the cause in
    # ("night sweats but that's the menopause", "I lost weight but on purpose": an attack on false
    # alarms), never for a cauda equina sign (`by_but`), nor "but I'm on codeine" (a fresh-eyes review)
    return not any(doc[index].lower_ in CONTRASTS and not (by_but and mention < cue and doc[index + 1].lower_ in CAUSE_AFTER_BUT)
                   or lately(index) for index in range(low + 1, high))


def _same_stretch(doc: Doc, start: int, end: int, mention: int, clause: List[int], sentence: List[int],
                  in_clause: bool = False) -> bool:
    """Whether the `not_with` phrase at start..end stands where it excuses the mention: a lone
    word that only says all is well ("ok", "fine") in the mention's clause, any other phrase in
    its sentence, or in its clause for a value with `not_with_in_clause`."""
    lone_fine = end - start == 1 and doc[start].lower_ in FINE_WORDS
    if lone_fine and _asks_if_fine(doc, start, sentence):
        return False  # "Is it normal that I couldn't feel when I peed?" asks, it does not say all is well
    stretch = clause if lone_fine or in_clause else sentence
    return stretch[start] == stretch[mention]


def _in_question(doc: Doc, index: int, sentence: List[int]) -> bool:
    """Whether the sentence of the word at `index` ends with a question mark."""
    last = max(position for position in range(len(doc)) if sentence[position] == sentence[index])
    return doc[last].text == "?"


def _asks_if_fine(doc: Doc, fine: int, sentence: List[int]) -> bool:
    """Whether the word that says all is well at `fine` is asked about: in a question ("..., is
    that ok?") or after "is it" / "is that" ("is it normal that ...")."""
    before = [doc[index].lower_ for index in range(max(0, fine - 2), fine)]
    return _in_question(doc, fine, sentence) or (len(before) == 2 and before[0] in {"is", "was", "are"}
                                     and before[1] in {"it", "that", "this"})


def _contrast_after(doc: Doc, index: int) -> bool:
    """Whether a mention ending at `index` is followed by "it's" / "it is" / "it was", which
    sets what comes next against it ("not X, it's Y")."""
    following = [doc[i].lower_ for i in range(index + 1, min(len(doc), index + 4)) if doc[i].lower_ != ","]
    return following[:2] in (["it", "'s"], ["it", "is"], ["it", "was"], ["it's"]) or following[:1] == ["it's"]


def _numbered(doc: Doc, ends: "Any") -> List[int]:
    """The number of the stretch (sentence, clause) every token is in; `ends(token, next)`
    says whether a token closes its stretch."""
    numbers, number = [], 0
    for index, token in enumerate(doc):
        numbers.append(number)
        number += bool(ends(token, doc[index + 1] if index + 1 < len(doc) else None))
    return numbers


def _only_items(doc: Doc, clause: List[int], at: int, named: Set[int]) -> bool:
    """Whether the clause of the word at `at` names items of a list and nothing else: every
    word in it is inside a value named (`named`) or one of LIST_WORDS ("yes, the weight and the
    calf one"), or the comma, semicolon or colon that closes it when it says yes ("pee yes, numb
    no", "pee: yes": the pee is told; not "That night, I still couldn't pee")."""
    words = [(index, token.lower_) for index, token in enumerate(doc) if clause[index] == clause[at]]
    says_yes = any(word in ITEM_YES for _, word in words)
    return all(index in named or word in LIST_WORDS or says_yes and word in ITEM_CLOSERS for index, word in words)


ITEM_CLOSERS = {",", ";", ":"}  # what closes an item's clause, beside the list's own words (`_only_items`)


def _add_to_list(found: Dict[str, Any], field: str, value: Any) -> None:
    """Add `value` to the list `found[field]`, unless the field holds something else (an answer
    of "not sure")."""
    if isinstance(found.get(field), list) or field not in found:
        found[field] = list(dict.fromkeys(list(found.get(field) or []) + [value]))


def _numbered_by(doc: Doc, ends: Set[str]) -> List[int]:
    """`_numbered`, a stretch ending at any of the words `ends`."""
    return _numbered(doc, lambda token, _: token.lower_ in ends)


def _nothing_like_idiom(doc: Doc, index: int) -> bool:
    """Whether the "nothing" at `index` opens "there's nothing like ..." (what follows happened)."""
    return doc[index].lower_ == "nothing" and index > 0 and doc[index - 1].lower_ in {"'s", "is", "was", "s"}


def _placed_by_of(doc: Doc, index: int) -> bool:
    """Whether the word at `index` is a part placed by what follows "of" ("the back of my thigh")."""
    return (doc[index].lower_ in PARTS_PLACED_BY_OF and index + 1 < len(doc) and doc[index + 1].lower_ == "of")


def _travels_to(doc: Doc, start: int) -> bool:
    """Whether a place is where something travels to ("pins and needles down my calf", "into my
    foot"): a feeling that goes below the knee, not one that stays in the foot."""
    before = start - 1
    while before >= 0 and (doc[before].lower_ in DETERMINERS_AND_POSSESSIVES | {"of", "outside", "inside"}
                           or _placed_by_of(doc, before)):
        before -= 1  # "down the outside of my calf"
    return before >= 0 and doc[before].lower_ in {"down", "into", "to", "past", "below", "through"}


def _pain_told(doc: Doc) -> bool:
    """Whether the answer has a word of pain not denied just before it ("numb calf, sharp shooting
    feeling"; not "no pain below the knee, but my foot is numb")."""
    return any(token.lower_ in PAIN_TOLD and not any(doc[before].lower_ in NEGATIONS for before in range(max(0, index - 2), index))
               for index, token in enumerate(doc))


def _places_listed(doc: Doc, gap: range, places: Set[int]) -> bool:
    """Whether every place named inside the gap between a group's parts is one of a list of places
    that the next place closes ("pins and needles in my bum cheeks and round my back passage":
    the place, then "and" or "or" and a word of place); "numb in my bum and my legs ache" names
    another place, which parts the group."""
    inside = sorted(places.intersection(gap))
    for index in inside:
        if index + 1 in places:
            continue
        joint = doc[index + 1].lower_ if index + 1 < len(doc) else ""
        following = doc[index + 2].lower_ if index + 2 < len(doc) else ""
        if joint not in {"and", "or", "&"} or following not in PLACE_PREPOSITIONS:
            return False
    return True


def _gap_joins(doc: Doc, gap: range, places: Set[int], listed: bool, reach: int) -> bool:
    """Whether two parts of a group are joined across `gap`: no negation in it, no place named in
    it (unless `listed` lets a list of places stand there, `_places_listed`), and at most `reach`
    words, a listed place's own words not counted."""
    inside = places.intersection(gap)
    if inside and not (listed and _places_listed(doc, gap, places)):
        return False
    return len(gap) - len(inside) <= reach and not any(doc[index].lower_ in NEGATIONS for index in gap)


# A list of findings under one denial ("no fever, weight loss or cancer", "fever, weight loss,
# cancer, none of those"; an attack on false alarms): the words a list's items may hold besides
# the findings, the words after its last item that make the item a subject of a clause of its own
# ("no fever, and my bladder is weird"), and the denials that close a list
LIST_FILLERS = {"any", "the", "a", "an", "some", "my", "of", "in", "around", "down", "on", "&", "/"}
LIST_CLOSERS = {"none", "no", "nope", "nah", "neither", "never", "negative", "not", "nil"}
# what after a list's closing denial takes something out of it ("all no except numb bum")
EXCEPTIONS = {"except", "apart", "but", "though", "although", "however"}
ECHO_COMMAS = 4  # "no fever, weight loss, cancer, numbness, bladder problems": the safety list's words given back
# "..., all no", "... all negative": every item before it denied
ALL_DENIED = {"no", "negative", "none", "nope", "clear"}
# words between a list and its closing denial ("fever, weight loss, cancer, all no", "- definitely not")
CLOSER_LEADS = {"all", "definitely", "absolutely", "certainly", "totally"}
# a list item told as done or had is no bare item ("lost weight", "heard a pop", "had cancer"), nor
# one told with its own time ("wetting myself since friday")
ITEM_VERBS = {"lost", "losing", "lose", "heard", "hear", "felt", "feel", "had", "have", "has", "got", "get", "getting",
              "can't", "cant", "cannot", "couldn't", "ca", "wet", "peed", "pooed", "fell", "since"}
ITEM_NOUNS_IN_ING = {"swelling", "bruising", "tingling", "feeling", "bleeding", "something", "nothing", "morning",
                     "evening", "sitting", "walking", "running", "popping", "numbing"}
LIST_CLOSER_ENDS = {"of those", "of them", "of these", "of the above", "of that", "to all", "at all", "to any",
                    "had any", "had any of them", "had any of those", "had any of these", "had any of that", "any",
                    "of these apply", "of those apply", "of them apply", "of the above apply", "apply", "applicable",
                    "thanks", "thank you",
                    # "fever, weight loss, cancer, numbness, bladder - no to all of them"
                    "to all of them", "to all of those", "to all of these", "to all of the above", "to all of it",
                    "to any of them", "to any of those", "to any of these", "to everything", "to the lot"}
PREDICATES = {"is", "are", "was", "were", "'s", "'re", "has", "have", "had", "feel", "feels", "felt", "seem", "seems",
              "went", "goes", "gone", "go", "keeps", "kept", "keep", "started", "starts", "comes", "came", "can", "ca",
              "could", "will", "wo", "does", "do", "did", "been", "getting", "gets", "got", "happened", "happens"}
LIST_ITEM_WORDS = 2  # words of an item that is no finding ("no pain, numbness or tingling"): "pain"
LIST_SEPARATORS = {",", "or", "nor", "and", "/"}
LIST_OTHERS = {"rest", "others", "other", "else"}
LIST_OR_NOT = {"so", "two", "three", "four", "rather", "something", "other", "another", "more"}
LIST_TROUBLES = {"issues", "issue", "problems", "problem", "trouble", "troubles", "bother", "worries", "changes", "change", "difficulty",
                 "difficulties", "signs", "sign", "symptoms"}
LIST_DENYING_VERBS = {"have", "get", "notice", "see", "feel", "hear", "experience", "suffer", "had", "got"}
# what denies a whole list before it: "none of those: fever, weight loss", "no to fever, weight loss, cancer"
LIST_OPENERS = re.compile(r"(?:\bnone(?: of(?: (?:those|them|these|the above))?)?|\bno|\bnope|\bnah)\s*[:(]$"
                          # "no to fever, ...", "No to all of it:", "nope to all -", "No to everything:"
                          r"|\b(?:no|nope|nah) to(?: the| any| all| everything| the lot)?(?: of (?:it|them|those|these|the above))?\s*[:(,\-\u2013]?$"
                          # "I don't have any of those (fever, weight loss, cancer, ...)"
                          r"|(?:n't|\bnot|\bnever)(?: \w+)? any(?: of (?:those|them|these|the above))?\s*[:(]$")


def _listed(doc: Doc, start: int, end: int, mentioned: Set[int],
            told_at: Optional[Dict[int, Tuple[str, str, int]]] = None, need_denial: bool = True,
            unjoined: bool = False) -> Optional[int]:
    """Where the list of findings that the mention from `start` to `end` is an item of begins,
    when it is a list under one denial: its items set apart by commas and its last joined by
    "or" or "nor" ("no fever, weight loss or cancer": the "no" reaches them all), or closed by a
    denial of its own ("fever, weight loss, cancer, none of those": -1). None for no such list: a
    comma with no "or" ends the denial ("no fever, both legs numb"), so does ", and", "both"
    after a comma and an item that a verb follows ("no fever, weight loss or my legs are numb")."""
    def joins(at: int) -> bool:
        """Whether the "or" at `at` joins two items of the list ("weight loss or cancer", "chills or
        anything"), not two words of one ("my genitals or anus", "bum/groin", "a fever or two", "a
        stone or so", "my leg is weak or gives out"; a fresh-eyes review)."""
        if told_at is None:
            return True
        before, after = at - 1, at + 1
        while before >= 0 and doc[before].lower_ in LIST_FILLERS | {","}:
            before -= 1
        while after < len(doc) and doc[after].lower_ in LIST_FILLERS:
            after += 1
        if after >= len(doc) or doc[after].lower_ in LIST_OR_NOT or doc[after].like_num or before >= 0 and doc[before].like_num:
            return False
        first, second = told_at.get(before), told_at.get(after)
        if first is None or second is None:
            return True  # "fever, chills or night sweats", "cancer or anything like that"
        return not (PLACE_FIELDS.intersection({first[0], second[0]}) or first[2] == second[2])

    # an item after a comma whose own words hold the list's "or" ("no numbness, tingling or weakness
    # in my legs", "no saddle numbness, bladder or bowel changes")
    after_comma = start > 0 and doc[start - 1].text == ","
    joined = any(doc[at].lower_ in {"or", "nor"} and (after_comma and not doc[at + 1].like_num or joins(at))
                 for at in range(start, end))
    crossed = False
    head, unknown, items = start, 0, 1

    def separates(at: int, step: int = 1) -> bool:
        while 0 <= at < len(doc) and doc[at].lower_ in LIST_FILLERS - {"/"}:
            at += step
        return 0 <= at < len(doc) and doc[at].lower_ in LIST_SEPARATORS

    commas = []
    verbs = False
    index = start - 1
    while index >= 0:
        word = doc[index].lower_
        if word in {",", "and"}:
            if doc[index + 1].lower_ in {"and", "both", "but"} | SUBJECT_I:
                break
            commas += [index] if word == "," else []
            unknown = 0
        elif word in {"or", "nor", "/"}:
            joined, unknown = joined or joins(index), 0
        elif word in PREDICATES and not (index > 0 and doc[index - 1].lower_ in {",", "or", "nor"}):
            break  # an item with a verb of its own is a clause: "no pins and needles, my leg is weak or gives out"
        elif index in mentioned or word in LIST_FILLERS:
            head = index if index in mentioned else head
        elif (index > 0 and doc[index - 1].lower_ in {",", "or", "nor"} and doc[index].is_alpha
              and word not in NEGATIONS | OWN_SUBJECTS | CLAUSE_BREAKS):
            unknown, verbs = 0, True  # the verb of an item ("I haven't had a fever, lost weight, had cancer or ...")
        elif (doc[index].is_alpha and word not in NEGATIONS | OWN_SUBJECTS | PREDICATES | CLAUSE_BREAKS
              and (unknown or separates(index + 1)) and unknown < LIST_ITEM_WORDS):
            unknown, head = unknown + 1, index  # an item that is no finding, whole between its commas
        else:
            break
        items += head == index and separates(index + 1)
        index -= 1
    if unknown and index >= 0 and doc[index].lower_ not in NEGATIONS | LIST_FILLERS | {":", "to"}:
        return None  # "sit without pain, let alone bend forward": no item, the words of a clause
    if verbs and index >= 0 and doc[index].lower_ in {"no", "none", "nope", "nah"}:
        return None  # a bare "no" denies no verb after it: "no cancer, had a fever, sweats or chills"
    # the list opens with its denial: "no", "never", "without", or "didn't have", "haven't noticed"
    # (not "a place you weren't supposed to be sitting on, or even slipping on ice")
    # or "no issues with", "haven't had any problems with"
    opened = index >= 0 and (doc[index].lower_ in NEGATIONS or doc[index].lemma_ in LIST_DENYING_VERBS and any(
        doc[at].lower_ in NEGATIONS for at in range(max(0, index - 3), index)) or doc[index].lower_ in {"with", "of"}
        and index > 0 and doc[index - 1].lower_ in LIST_TROUBLES and any(
            doc[at].lower_ in NEGATIONS for at in range(max(0, index - 5), index - 1)))
    crossed = any(head < comma for comma in commas)
    unknown = 0
    index = end
    while index < len(doc):
        word = doc[index].lower_
        if word in {",", "and"}:
            if index + 1 < len(doc) and doc[index + 1].lower_ in {"and", "both", "but"} | SUBJECT_I:
                break
            following = index + 1
            while following < len(doc) and doc[following].lower_ in LIST_FILLERS | {"or", "nor"}:
                following += 1
            crossed = crossed or word == "," and following < len(doc) and doc[following].is_alpha
            unknown = 0
        elif word in {"or", "nor", "/"}:
            joined, unknown = joined or joins(index), 0
        elif word in PREDICATES and not separates(index - 1, -1):
            break
        elif index in mentioned:
            items += separates(index - 1, -1)
            unknown = 0
        elif word in LIST_FILLERS:
            pass
        elif word in LIST_OTHERS:
            return None  # "yes weak leg, the rest no": only the others are denied
        elif (doc[index].is_alpha and word not in NEGATIONS | OWN_SUBJECTS | CLAUSE_BREAKS | LIST_CLOSERS
              and (unknown and word not in PREDICATES or separates(index - 1, -1)) and unknown <= LIST_ITEM_WORDS):
            items, unknown = items + (not unknown), unknown + 1  # "had cancer", "walking", "see any bruising"
        else:
            break
        index += 1
    if index < len(doc) and doc[index].lower_ in PREDICATES or any(doc[at].lower_ in PREDICATES for at in range(start, end)):
        return None
    answer = _answered_after(doc, end)
    if answer is not None and doc[answer].lower_ in ITEM_YES:
        return None  # "no fever or weight loss, saddle numbness yes": the item's own yes (a fresh-eyes review)
    # the item joined by "or" ends the list: "no fever or weight loss, numb when I wipe" denies no
    # numbness (a fresh-eyes review); a "/" ends it only when no "or" follows ("no fever/chills, numb bum")
    ors = [at for at in range(head, end) if doc[at].lower_ in {"or", "nor", "/"}]
    later_or = any(doc[at].lower_ in {"or", "nor"} for at in range(end, index))
    if ors and not unjoined and (doc[ors[-1]].lower_ != "/" or not later_or) and any(
            doc[at].lower_ in {",", "and", ";"} for at in range(ors[-1] + 1, end)):
        return None
    # a list opened or closed by its own denial holds only its items, to the end of its clause
    # ("no to fever, weight loss, cancer, bladder issues since tuesday" tells the bladder)
    pure = index >= len(doc) or doc[index].is_punct  # not "..., numb bum and weak legs though"
    opening = doc[max(0, head - 6):head].text.strip()  # "no to all of it:"
    # (not when an item answers itself: "No to everything: bladder fine, bowels fine, both legs numb")
    answered = any(doc[at].lower_ in FINE_WORDS | ITEM_YES | ANSWER_NOS for at in range(head, index))
    if items > 1 and pure and not answered and LIST_OPENERS.search(opening):
        return -1  # "none of those: fever, weight loss, cancer", "no to fever, weight loss, cancer"
    closer = index
    while closer < len(doc) and (doc[closer].text in {"-", "\u2013", ":", "=", "...", "\u2026", ".."}
                                 or doc[closer].lower_ in CLOSER_LEADS):
        closer += 1
    lead = index - 1  # "fever, weight loss, cancer, all no": the comma before "all"
    while lead > 0 and doc[lead].lower_ in CLOSER_LEADS:
        lead -= 1
    set_apart = closer > index or lead >= 0 and doc[lead].text == ","  # not "tested for it and found none"
    if closer < len(doc) and doc[closer].lower_ in LIST_CLOSERS and items > 1 and set_apart:
        rest = doc[closer + 1:closer + 6].text
        # whole words: "any" is not "anymore"
        ending = max((words for words in LIST_CLOSER_ENDS if rest.startswith(words) and not rest[len(words):len(words) + 1].isalnum()),
                     key=len, default="")
        after = doc[closer + 1 + len(ending.split()):]
        # not "..., all no except numb bum", "... - not anymore": the exception or the change is told
        if not len(after) or after[0].lower_ in CLAUSE_BREAKS - EXCEPTIONS:
            return -1
    # `unjoined`: also a list with no "or" whose first item a denial opens ("no fever, weight loss, cancer")
    return head if crossed and (joined or unjoined) and (opened or not need_denial) and head < start else None


def _echoes_the_list(doc: Doc, head: int) -> bool:
    """Whether the list from `head` runs on, item after item, to five or more, as the safety
    list's own words given back do: four commas or more to the end of its sentence."""
    commas = 0
    for at in range(head, len(doc)):
        if doc[at].text in SENTENCE_ENDS:
            break
        commas += doc[at].text == ","
    return commas >= ECHO_COMMAS


def _bracket_end(doc: Doc, opening: int) -> int:
    """Where the bracket opened at `opening` closes (the end of the message if it does not)."""
    return next((at for at in range(opening + 1, len(doc)) if doc[at].text == ")"), len(doc))


def _bare_item(doc: Doc, start: int, end: int) -> bool:
    """Whether the mention from `start` to `end` is an item of a list by itself: its own words
    and the list's fillers between the separators around it, no verb of its own ("weight loss",
    "numb bum", not "lost weight", "heard a pop", "wetting myself since friday")."""
    before, after = start - 1, end
    while before >= 0 and doc[before].lower_ in LIST_FILLERS:
        before -= 1
    while after < len(doc) and doc[after].lower_ in LIST_FILLERS:
        after += 1
    separated = (before < 0 or doc[before].text in {",", ":", "-", "("} or doc[before].lower_ in {"or", "nor", "and", "to"}) and (
        after >= len(doc) or doc[after].text in {",", ".", ";", ")", "?", "!"} or doc[after].lower_ in {"or", "nor", "and"})
    return separated and not any(_told_as_a_verb(doc[at]) or doc[at].lower_ in SUBJECT_I for at in range(start, end))


def _told_as_a_verb(token: Any) -> bool:
    """Whether a word of an item tells it as something done or had ("lost", "heard", "had", "wetting")."""
    word = token.lower_
    return word in PREDICATES or word in ITEM_VERBS or (word.endswith("ed") and len(word) > 4) or (
        word.endswith("ing") and len(word) > 5 and word not in ITEM_NOUNS_IN_ING)



# Telegraphic answers to a list, each item answered after it ("fever no weight loss yes", "fever -
# no / weight loss - yes"; an attack of mixed answers): the words that answer an item, and the
# signs between an item and its answer
ITEM_YES = {"yes", "yeah", "yep", "yup", "y", "\u2713", "\u2714", "\u2705"}
ITEM_NOS = {"n", "\u2717", "\u2718", "\u274c"}  # "fever ✗ weight loss ✓" ("x" signs a message off with a kiss)
ITEM_ANSWERS = ANSWER_NOS | ITEM_YES | ITEM_NOS
NOT_AN_ANSWER_AFTER_NO = {"longer", "more", "way", "idea", "one", "problem", "problems", "issues", "change", "changes", "sign", "signs"}
ITEM_ANSWER_SIGNS = {":", "-", "\u2013", "="}
ITEM_WORDS = 4  # words of the next item before its own answer


def _answered_after(doc: Doc, end: int) -> Optional[int]:
    """The index of the yes or no that answers the item ending at `end` ("weight loss yes",
    "weight loss - yes"), closing its clause; None when none does."""
    at = end
    while at < len(doc) and doc[at].text in ITEM_ANSWER_SIGNS:
        at += 1
    if at < len(doc) and doc[at].lower_ in ITEM_ANSWERS and (
            at + 1 == len(doc) or doc[at + 1].lower_ in CLAUSE_BREAKS | {"/", "and"} or doc[at + 1].is_punct
            or _answered_next(doc, at + 1)):
        return at
    return None


def _postfix_no(doc: Doc, index: int, mentioned: Set[int]) -> bool:
    """Whether the "no" at `index` answers the item just before it ("fever no", "fever - no /")."""
    if doc[index].lower_ not in ANSWER_NOS | {"n"} or index + 1 < len(doc) and doc[index + 1].lower_ in NOT_AN_ANSWER_AFTER_NO:
        return False
    before = index - 1
    while before >= 0 and doc[before].text in ITEM_ANSWER_SIGNS | {"/"}:
        before -= 1
    return before >= 0 and before in mentioned


def _answered_next(doc: Doc, start: int) -> bool:
    """Whether the words from `start` are a next item answered after it, as in "fever no weight
    loss yes": up to a few words with no negation or subject, then a yes or no ending the clause."""
    at = start
    while at < len(doc) and doc[at].text in {"/", ","}:
        at += 1
    if at < len(doc) and doc[at].lower_ in NOT_AN_ANSWER_AFTER_NO:
        return False  # "bladder no longer works properly yes"
    for ahead in range(at, min(len(doc), at + ITEM_WORDS + 1)):
        word = doc[ahead].lower_
        if ahead > at and word in ITEM_ANSWERS:
            return _answered_after(doc, ahead) == ahead
        if not doc[ahead].is_alpha or word in NEGATIONS | OWN_SUBJECTS | PREDICATES | ITEM_ANSWERS:
            return False
    return False


def _both_told_of(doc: Doc, start: int) -> bool:
    """Whether "both (my) legs" at `start` is the subject of a verb of its own ("no fever and both
    legs are numb"): a clause of its own, which a "no" before the "and" does not reach (an attack
    of mixed answers); "no numbness in my bum and both legs" stays one denied list."""
    words = [token.lower_ for token in doc[start:start + 5]]
    if words[:1] != ["both"]:
        return False
    rest = words[1:]
    if rest[:1] and rest[0] in {"my", "of", "the"}:
        rest = rest[2:] if rest[0] == "of" else rest[1:]
    return (len(rest) >= 2 and rest[0] in BOTH_PARTS and rest[1] in BOTH_VERBS
            and not set(rest[2:4]) & (FINE_WORDS | {"same", "fine"}))  # "both legs are the same as always"


def _only_no_before(doc: Doc, index: int) -> bool:
    """Whether the clause before the "and" at `index` is denied only by a bare "no" or "none" of
    its own ("no fever and both legs are numb"), not by a verb's "not" or a doubt whose reach is
    the whole sentence ("I don't think my bum and both legs are numb")."""
    words = []
    for at in range(index - 1, -1, -1):
        if doc[at].lower_ in CLAUSE_BREAKS:
            break
        words.append(doc[at])
    return (any(token.lower_ in {"no", "none"} for token in words)
            and not any(token.lower_ in {"not", "n't", "never", "nothing"} or token.lemma_ in UNSURE_AFTER_NOT | {"say", "notice"}
                        for token in words))


def _ends_together_clause(token: Any, following: Any) -> bool:
    word = token.lower_
    if word == ",":
        return following is None or following.lower_ not in SAME_CLAUSE_AFTER_COMMA
    if word in {"and", "or"}:
        return following is not None and following.lower_ in NEW_SUBJECT
    return word in CLAUSE_ENDS


@dataclass(frozen=True)
class Reading:
    """What one message says: `findings` it states, and danger signs it only `possible`-ly
    mentions (field -> values), to be confirmed before they count."""

    findings: Dict[str, Any]
    possible: Dict[str, List[str]]


def together_values(knowledge: Knowledge, key: str = "together") -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    """(field, value, vocabulary entry) for every value stated by parts `together` (or by the
    groups of another `key` of the same form)."""
    for field, spec in knowledge.fields.items():
        for value, entry in spec.get("values", {}).items():
            if entry.get(key):
                yield field, value, entry


def possible_values(knowledge: Knowledge) -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    """(field, value, vocabulary entry) for every value with `possible` phrases."""
    for field, spec in knowledge.fields.items():
        for value, entry in spec.get("values", {}).items():
            if entry.get("possible"):
                yield field, value, entry


CORRECTION_CUES = re.compile(r"\b(actually|i mean|i meant|sorry|correction|no wait|rather|to be exact|let me correct)\b")


def is_correction(text: str) -> bool:
    """Whether the message corrects an earlier answer ("actually it's been three months")."""
    return bool(CORRECTION_CUES.search(_normalise(text or "")))


@lru_cache(maxsize=1)
def shared_reader() -> Reader:
    """The reader for this process, built once on first use."""
    return Reader()


def read_message(text: str, asked: Optional[str] = None) -> Dict[str, Any]:
    """Findings stated in one message (see `Reader.read`)."""
    return shared_reader().read(text, asked)
