"""Numbers, durations, ages and pain scores in free text ("six weeks", "a fortnight", "7/10").

Plain functions over lower-case strings; they return None when the text does not say.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

UNIT_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_VAGUE = {"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a couple": 2, "couple": 2, "a few": 3, "few": 3,
          "quite a few": 3, "a good few": 3, "several": 4, "many": 6}
# "for months", "months now": a unit with no amount is more than a few of it (several).
_SEVERAL = 4
_NUMBER_WORD = re.compile(
    r"\b(?:(%s)(?:[\s-]+(%s))?|(%s))\b" % ("|".join(TENS_WORDS), "|".join(UNIT_WORDS), "|".join(UNIT_WORDS))
)
# "the last three mornings I have woken up with ...": a morning or an evening is a day
_DAYS_PER_UNIT = {"day": 1, "night": 1, "morning": 1, "evening": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30, "mo": 30, "mth": 30,
                  "year": 365, "yr": 365}
_UNIT = r"(day|night|morning|evening|week|wk|fortnight|month|mth|mo|year|yr)s?\b"
_AMOUNT = r"(\d+(?:\.\d+)?|a couple of|couple of|a couple|couple|quite a few|a good few|a few|few|several|many|an|a)"
# A closer figure for the same unit right after a vague one: "a few months, maybe five".
_CLOSER_AMOUNT = re.compile(r"\s*,?\s*(?:maybe|probably|perhaps|about|around|roughly|nearer|closer to|more like|or)\s+(\d+)\b(?!\s*(?:[a-z]|/|%))")
_BARE_UNIT = re.compile(r"(?<![\w'])(days|weeks|months|years)\b")
_DURATION = re.compile(
    _AMOUNT + r"(\s+and\s+a\s+half)?\s*-?\s*" + _UNIT + r"(\s+and\s+a\s+half)?"
)
# A range ("12-18 months", "2 or 3 weeks", "six to eight weeks") counts at its higher end, as
# the real-language set is annotated: the longer figure decides "more than 6 weeks" safely.
_RANGE = re.compile(r"\b(\d+)\s*(?:-|–|to|or)\s*(\d+)\s*" + _UNIT)
_HALF_UNIT = re.compile(r"\bhalf\s+an?\s+" + _UNIT)
# "3 days a week" is a frequency and "34 years old" an age, not how long the pain has lasted;
# "two weeks prior to my diagnosis", "10 days after that ride", "6 years later", "3 weeks into
# training", "6 weeks since my last run", "3 weeks since I stopped running" count from another
# event, not back from today.
_ANOTHER_EVENT = r"prior to|before|after|later|into|post|since\s+(?:my\s+last|the\s+last|i\s+(?:last|stopped|quit|gave\s+up|had\s+to\s+stop))"
_NOT_DURATION_AFTER = re.compile(rf"^\s*(a|an|per|each|every|old|of age|{_ANOTHER_EVENT})\b")
# In a story, "after almost 3 weeks off" is a break, not how long ("3 weeks off and on" is).
_A_BREAK = re.compile(r"^\s*off\b(?!\s+(?:and|&)\s+on)")
# "Eight weeks in and it still hurts", "6 weeks into this injury": how long, counted by the person.
_INTO_IT = re.compile(r"^\s*(?:in(?:\s+now)?\s*(?:and\b|,|now\b)|into\s+(?:this|it\b|(?:the|my)\s+(?:injury|pain|rehab|recovery)))")
# "Week 3 of this stupid hamstring thing", "day 10 of not being able to sit".
_NTH_UNIT = re.compile(r"\b(day|week|month)\s+(\d{1,3})\s+of\b")
# ... unless the pain is why: "4 months off work because of this pain" is how long it has lasted.
# ("3 weeks off from the gym", "2 weeks off with the kids" are a break: "with" and "from" need the pain)
_OFF_FOR_THE_PAIN = re.compile(r"^\s*off\b[^.;!?]{0,20}?\b(?:(?:because of|due to)\s+(?:the|this|my|it)\b"
                               r"|(?:with|from)\s+(?:the|this|my|it)\s+(?:pain|injury|hamstring|back|bum|butt|buttock|sciatica)\b)")
_FROM_ANOTHER_EVENT = re.compile(rf"^\s*({_ANOTHER_EVENT})\b")
# "Four years later and I still can't sit": counted from the start to today, so how long.
_LATER_STILL = re.compile(r"^\s*later\b(?:(?!\b(?:was|were|had)\b)[^.;!?]){0,25}\bstill\b(?!\s+(?:was|were|had)\b)")
_DURATION_CONTEXT = re.compile(
    r"\b(for|since|past|last|these|been|about|around|roughly|nearly|almost|ago|now|started|began|start|over|than|lasted|lasting|so far)\b"
    r"|\bx\s?(?=\d)"  # "back pain x3 months"
)
# "the first time in 20 years", "in 10 years' time": an amount of time that is not how long;
# nor is how long each bout lasts ("after longer runs it lingers for a few days"), or a break
# ("after almost 3 weeks off").
# "over the next few days" tells a story forward from the start, not back from today.
# Nor is how long a treatment was done or helped, a spell when it was fine, or a time off to come
# ("which I iced for a few days", "the first one helped for about two months", "I was okay for
# a few days and then ...", "will be off ballet for 2 weeks").
_NOT_DURATION_BEFORE = re.compile(r"(first time in|first .{0,12} in|haven't .{0,20} in|hadn't .{0,20} in|every|each|next"
                                  r"|\b(?:lingers?|lasts)(?: around)?(?: for)?(?: about| around| up to)?"
                                  r"|\b(?:iced|icing|rested|resting|helped|worked|okay|ok|fine|pain free|pain-free)(?: it| them)?"
                                  r" for(?: about| around| roughly| nearly| almost)?"
                                  r"|\bwill be off\b.{0,20}\bfor(?: about| around)?"
                                  r"|\b(?:lasted only|only lasted|(?:that|which|symptoms) lasted)(?: for)?(?: about| around| roughly| nearly| almost| up to)?)\s*$")
# "Two weeks ago I was diagnosed", "a couple of weeks ago I got x-rays": when a test or a
# diagnosis was, not how long the pain has lasted.
_A_TEST_AGO = re.compile(r"^\s*ago\b,?\s+(?:i\s+)?(?:was\s+(?:finally\s+)?diagnosed|(?:got|had|went for)\s+(?:an?\s+|my\s+|some\s+)?"
                         r"(?:x-?rays?|mri|scans?|ct|blood tests?|results|tests?)\b)")
# "for the last month", "since last week", "last month I started": one unit.
_LAST_UNIT = re.compile(r"\b(?:the\s+)?(?:last|past)\s+(day|week|month|year)\b(?!\s*'s)")
# Today and yesterday, but not "yesterday's long run was a nightmare" (the day of a run, not of the pain).
# "it happened tonight", "it just happened", "an hour ago": today too (round twenty-six, r1030)
_DAY_WORDS = [(re.compile(r"(?<!by )\b(today|tonight|this morning|this afternoon|this evening|just happened(?! again)|just now|"
                          r"(?:an|one|a couple of|a few|\d+|two|three) (?:hours?|minutes?|mins?) ago)\b(?!'s)"), 0), (re.compile(r"\b(yesterday|last night)\b(?!'s)"), 1)]
# In a story, "today" dates the start only beside a word of starting ("it started today") or of
# a moment of injury ("yesterday I squatted down and heard a pop", "until yesterday when I felt
# pain"): "today it is a sharp pain", "today it is evident" say how it is now.
_TODAY_START = re.compile(r"\b(start\w*|began|begun|came on|happened|since|woke|waking|awoke|did it|pulled|tore|injur\w*|felt it|fell|"
                          r"fall\w*|crash\w*|slipped|landed|twisted|strained|first|developed|wrenched|tweaked|popped|snapped|"
                          r"heard a|felt (?:a|an|this|pain|something)|hurt (?:my|it)|bent (?:down|over)|squatt?ed)\b")
# A sentence about the pain, or about its start.
_PAIN_WORDS = re.compile(
    r"\b(pain|pains|painful|hurt|hurts|hurting|ache|aches|ached|aching|achy|sore|soreness|tender|twinges?|niggles?|niggling|"
    r"started|starting|began|begun|noticed|came on|symptoms?|injur\w*|pulled|tore|torn|strained|agony|problem|issue|discomfort|"
    r"going on|lasted|lasting|had (?:it|this)|lived with|living with|live with|suffer\w*|struggl\w*|dealing with|dealt with|"
    r"spasm\w*|bother\w*|experienced)\b")
# A sentence about something else in the person's life.
_LIFE_WORDS = re.compile(
    r"\b(run|running|ran|rode|runner|train|training|trained|compet\w*|rac\w*|walk\w*|play\w*|cycl\w*|rid\w*|swim\w*|"
    r"work\w*|job|married|lived|since i was|sport|doing|done|practis\w*|practic\w*|ski\w*|hik\w*|lift\w*|"
    r"cancer|chemo\w*|radiotherapy|diagnos\w*|born|pregnan\w*|retired)\b")
_AGE_PATTERNS = [
    re.compile(r"\b(\d{1,3})\s*(?:years?|yrs?|y/?o)\s*old\b"),
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:year|yr)s?\s*-\s*old\b"),
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|yrs)\b"),
    re.compile(r"\baged?\s*:?\s*(\d{1,3})\b"),
    re.compile(r"\bi(?:'m| am)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?(\d{1,3})\b(?!\s*(?:%|kg|cm|km|miles?|min|/|out|days?|weeks?|months?|years?))"),
]
# forum shorthand: "42F", "(35M)", "35/m" at the start, "F42"; a bare "60m" is a distance
_SHORTHAND = [
    re.compile(r"(?<![\d.])(1[3-9]|[2-9]\d)\s?/?f\b"),
    re.compile(r"(?:^\W*|\()(1[3-9]|[2-9]\d)\s?/?m\b"),
    re.compile(r"(?:^\W*|\()[fm]\s?/?(1[3-9]|[2-9]\d)\b"),
]
# "shuffling like a 80 year old man", "feeling like I was 80 years old", "I feel 90"
_A_LIKENESS = re.compile(r"\b(?:(?:like|as if|as though)\s+(?:an?|some|i\s+(?:was|am|were)|i'm)|feel|feels|feeling|felt)\s*$")
# "he looked about 8 yrs old", "my son is 12 years old", "my 80 year old mum": somebody else's age
# (the person's own, "I'm 34", is told with "I", or as "a 45 year old mum of two")
_SOMEONE_ELSES = re.compile(r"\b(?:he|she|they|he's|she's|his|her|their|son|sons|daughter|daughters|kid|kids|child|"
                            r"children|husband|wife|mum|mom|mother|dad|father|partner|boyfriend|girlfriend|brother|"
                            r"sister|friend|baby|grandson|granddaughter|grandchild|dog|cat|horse|niece|nephew|patient)"
                            r"\b[^.,;!?)]*$")
_SOMEONE_AFTER = re.compile(r"^\s*(?:son|sons|daughter|daughters|kid|kids|child|children|boy|girl|mum|mom|mother|dad|"
                            r"father|husband|wife|dog|cat|horse|baby|grandson|granddaughter|patient)\b(?!\s+of\b)")
# "a fever of 99F", "it was 20F this morning", "in 15F weather" tell no age
_A_TEMPERATURE = re.compile(r"fever|temp|°|degree|fahrenheit")
# in forum shorthand, "it was 20F this morning", "in 15F weather", "hill sprints (60m)", "60m
# sprints": a temperature or a distance, not an age
_NOT_SHORTHAND_BEFORE = re.compile(r"\b(?:was|is|in|at|below|about|around|minus|sprints?|dash|hurdles?|repeats?|reps|"
                                   r"intervals?|hills?|swim|swam|ran|run|race|track)\W*$")
_NOT_SHORTHAND_AFTER = re.compile(r"^\s*(?:weather|out|outside|sprints?|dash|hurdles?|repeats?|reps|intervals?|hills?|"
                                  r"swim|run|race|track|metres?|meters?)\b")
_PAIN_OUT_OF_TEN = re.compile(r"\b(\d{1,2}(?:\.\d)?)\s*(?:/|out of)\s*10\b")


def words_to_digits(text: str) -> str:
    """Replace number words with digits: "twenty five weeks" -> "25 weeks"."""

    def replace(match: "re.Match[str]") -> str:
        if match.group(3):
            return str(UNIT_WORDS[match.group(3)])
        return str(TENS_WORDS[match.group(1)] + (UNIT_WORDS[match.group(2)] if match.group(2) else 0))

    return _NUMBER_WORD.sub(replace, text)


def _amount(raw: str) -> float:
    return _VAGUE[raw] if raw in _VAGUE else float(raw)


def duration_days(text: str, asked: bool) -> Optional[int]:
    """Days since the pain started, when the text gives an amount with a unit.

    When the question was not asked, the amount must come with a word such as "for",
    "since" or "ago", so that "I run 3 days a week" is not read as a duration.
    """
    text = _for_durations(text)
    return _pain_duration(text, _duration_candidates(text, asked), asked)


# "Well, yesterday... I fell down a flight of stairs": an ellipsis is a pause, not the end of
# the sentence that tells what happened that day
_ELLIPSIS = re.compile(r"\.{3,}|…")


def _for_durations(text: str) -> str:
    return _ELLIPSIS.sub(",", words_to_digits(text.lower()))


# "A few months", "several weeks", "a couple of years": how long only roughly
_ROUGH_AMOUNT = re.compile(r"\b(?:few|several|couple|many|some|quite a while|a while)\b")


def duration_told_plainly(text: str) -> bool:
    """Whether a message tells how long the pain has lasted in one amount and no other time
    ("pain at my sit bone for 6 weeks"), not among other times of a story ("a year ago I was
    sweeping ... within the last week it hurts"), nor roughly ("for quite a few months"), nor
    in a sentence about something else ("During the last month the grandchildren stayed")."""
    text = _for_durations(text)
    candidates = _duration_candidates(text, False)
    if len(candidates) != 1 or _ROUGH_AMOUNT.search(text):
        return False
    rank = _pain_rank(text, candidates[0][0])
    return rank is not None and rank < _NO_PAIN_IN_ITS_SENTENCE  # not "During the last month the grandchildren stayed"


def _duration_candidates(text: str, asked: bool) -> List[Tuple[int, int]]:
    """Every amount of time in `text` (lower case, numbers in digits) that could tell how long
    the pain has lasted: (position, days), in order."""
    candidates: List[Tuple[int, int]] = []  # (position, days), in the order they appear
    for pattern, days in _DAY_WORDS:
        candidates += [(match.start(), days) for match in pattern.finditer(text)
                       if asked or _TODAY_START.search(_sentence_around(text, match.start()))]
    context = asked or bool(_DURATION_CONTEXT.search(text))
    half = _HALF_UNIT.search(text)
    if half and context:
        candidates.append((half.start(), round(_DAYS_PER_UNIT[half.group(1)] / 2)))
    fortnight = re.search(r"\bfortnight\b", text)
    if fortnight and not re.search(r"\d\s*fortnights?", text) and context:
        candidates.append((fortnight.start(), 14))
    for match in _LAST_UNIT.finditer(text):
        if asked or _DURATION_CONTEXT.search(text[max(0, match.start() - 25): match.end() + 25]):
            candidates.append((match.start(), _DAYS_PER_UNIT[match.group(1)]))
    for match in _NTH_UNIT.finditer(text):  # "week 3 of this", "day 10 of not being able to sit"
        stop = _STRETCH_ENDS.search(text, match.end())
        rest = text[match.end(): stop.start() if stop else len(text)]
        if (_PAIN_WORDS.search(rest) or re.match(r"\s*(this|it|not|being unable)\b", rest)) and not _LIFE_WORDS.search(rest):
            candidates.append((match.start(), int(match.group(2)) * _DAYS_PER_UNIT[match.group(1)]))
    ranges = {}
    for match in _RANGE.finditer(text):
        ranges[match.start(2)] = match.start()
    for match in _DURATION.finditer(text):
        after = text[match.end():]
        later_still = bool(_LATER_STILL.match(after))
        if (_NOT_DURATION_AFTER.match(after) and not _INTO_IT.match(after)) or _A_TEST_AGO.match(after) \
                or _NOT_DURATION_BEFORE.search(text[max(0, match.start() - 25): match.start()]):
            if not (_FROM_ANOTHER_EVENT.match(after) and re.search(r"\bfor\s*$", text[:match.start()]) or later_still):
                continue  # "for 2 weeks after the marathon" still tells how long
        counted = _OFF_FOR_THE_PAIN.match(after) or _INTO_IT.match(after)  # how long, whatever stands round it
        if not asked and not counted and (_A_BREAK.match(after) or not (
                later_still or _DURATION_CONTEXT.search(text[max(0, match.start() - 25): match.end() + 8]))):
            continue
        amount = _amount(match.group(1))
        if match.group(2) or match.group(4):
            amount += 0.5
        closer = _CLOSER_AMOUNT.match(after)
        if closer:  # "quite a few months, maybe five": five months
            amount = float(closer.group(1))
        start = ranges.get(match.start(), match.start())  # the higher end of a range, where the range starts
        candidates = [(position, days) for position, days in candidates if not start <= position < match.start()]
        candidates.append((start, round(amount * _DAYS_PER_UNIT[match.group(3)])))
    for match in _BARE_UNIT.finditer(text) if not candidates else ():  # vaguer than any amount
        if re.search(r"(\d|\b(?:a|an|few|several|many|couple|of|the|those|these|some|in|per|every))\s*$", text[:match.start()]):
            continue  # an amount ("3 months", "a few months") or no duration ("in months", "the months")
        if asked or re.search(r"\b(for|been)\s*$", text[:match.start()]):  # "over months" tells how it came on
            candidates.append((match.start(), _SEVERAL * _DAYS_PER_UNIT[match.group(1)[:-1]]))
    return sorted(candidates)


# Years told where the stretch or sentence is not about the pain alone (`_pain_rank` 2 or 3)
# belong to the life story ("nearly 5 years since my bum sat in a saddle", "the worst road trip
# for many a year"): unless asked, they are left for the question, which costs one question,
# where a year read wrongly would send the person to be seen for persistent pain.
_NOT_ABOUT_THE_PAIN, _LIFE_SCALE_DAYS = 2, 365
_NO_PAIN_IN_ITS_SENTENCE = 3  # `_pain_rank` of an amount whose sentence tells of no pain


def _pain_duration(text: str, candidates: List[Tuple[int, int]], asked: bool) -> Optional[int]:
    """The duration that belongs to the pain, not to the life story: "I've done race walking for
    three years ... then last month I started to have pain" is a month. The first candidate of
    the best rank wins (`_pain_rank`); with none ranked, the first when the question was asked."""
    ranked = [(rank, position, days) for position, days in candidates
              for rank in [_pain_rank(text, position)] if rank is not None
              and (asked or rank < _NOT_ABOUT_THE_PAIN or days < _LIFE_SCALE_DAYS)]
    if ranked:
        return min(ranked)[2]
    return candidates[0][1] if asked and candidates else None


def _pain_rank(text: str, position: int) -> Optional[int]:
    """How surely the amount at `position` tells how long the pain has lasted, best first:
    0, its own stretch of the sentence is about the pain and nothing else ("I've been running for
    10 years and never had an injury until 3 weeks ago when my hamstring started to ache" is 3
    weeks); 1, its sentence is about the pain and its stretch not about a sport or a job; 2, its
    stretch is about the pain and a sport at once; 3, its sentence is about nothing else; None,
    it belongs to the life story."""
    stretch, sentence = _stretch_around(text, position), _sentence_around(text, position)
    pain_here, life_here = bool(_PAIN_WORDS.search(stretch)), bool(_LIFE_WORDS.search(stretch))
    if pain_here and not life_here:
        return 0
    following = _sentence_after(text, position) if _AGO.search(stretch) else ""
    if _EVER_SINCE.search(following) and _PAIN_WORDS.search(following) and not _duration_candidates(following, False):
        return 1  # "I fell on the ice 3 years ago. I've been cursed with a new pain ever since."
    if _PAIN_WORDS.search(sentence):
        return 1 if not life_here else 2 if pain_here else None
    return None if _LIFE_WORDS.search(sentence) else 3


_AGO = re.compile(r"\bago\b")
_EVER_SINCE = re.compile(r"\b(?:ever since|since then|since that (?:day|time|moment))\b")
_STRETCH_ENDS = re.compile(r"[.!?;\n]|\b(?:but|until|till|then|although|though|whereas)\b|\band(?= (?:my|i|it)\b)")


def _stretch_around(text: str, position: int) -> str:
    """The stretch of its sentence the character at `position` is in: ended by punctuation or by
    a word that turns the story ("but", "until", "then")."""
    before = [match.end() for match in _STRETCH_ENDS.finditer(text, 0, position)]
    after = _STRETCH_ENDS.search(text, position)
    return text[max(before, default=0): after.start() if after else len(text)]


def _sentence_after(text: str, position: int) -> str:
    """The sentence after the one the character at `position` is in ("" for the last)."""
    ends = [index for index in (text.find(mark, position) for mark in ".!?;\n") if index >= 0]
    return _sentence_around(text, min(ends) + 1) if ends and min(ends) + 1 < len(text) else ""


def _sentence_around(text: str, position: int) -> str:
    """The sentence of `text` the character at `position` is in (ended by . ! ? ; or a new line)."""
    start = max(text.rfind(mark, 0, position) for mark in ".!?;\n") + 1
    ends = [index for index in (text.find(mark, position) for mark in ".!?;\n") if index >= 0]
    return text[start:min(ends, default=len(text))]


def age_years(text: str, asked: bool, someone_elses: bool = False) -> Optional[int]:
    """The person's age, from "34", "I'm 34" or "34 years old"; with `someone_elses` (a message
    told for another person), an age told of somebody else counts too ("my 56-year-old mother")."""
    text = words_to_digits(text.lower())
    for pattern in _AGE_PATTERNS + _SHORTHAND:
        for match in pattern.finditer(text):
            if not _tells_no_age(text, match, shorthand=pattern in _SHORTHAND, someone_elses=someone_elses):
                return int(match.group(1))
    if asked:
        numbers = _whole_numbers(text)
        if len(numbers) == 1:
            return numbers[0]
    return None


def pain_score(text: str, asked: bool) -> Optional[int]:
    """Worst pain 0-10, from "7/10", "7 out of 10" or, when asked, "about a seven" or "6-7"."""
    text = words_to_digits(text.lower())
    match = _PAIN_OUT_OF_TEN.search(text)
    if match:
        return round(float(match.group(1)))
    if asked:
        numbers = [number for number in _whole_numbers(text) if 0 <= number <= 10]
        if numbers:
            return max(numbers)  # "6 or 7": the question asks for the worst
    return None


def _tells_no_age(text: str, match: "re.Match[str]", shorthand: bool, someone_elses: bool = False) -> bool:
    """Whether an age pattern's number is something else: a temperature ("a fever of 99F"), a
    likeness ("like a 80 year old man"), or, in forum shorthand, a temperature or a distance
    told by the words around it ("it was 20F this morning", "60m sprints")."""
    before, after = text[:match.start()], text[match.end():]
    own = re.search(r"\bi(?:'m| am)\b", text[max(0, match.start() - 12): match.end()])
    return bool(_A_TEMPERATURE.search(text[max(0, match.start() - 25): match.end() + 10])
                or not (own or someone_elses) and (_SOMEONE_ELSES.search(before[-30:]) or _SOMEONE_AFTER.search(after))
                or _A_LIKENESS.search(before[-16:])
                or shorthand and (_NOT_SHORTHAND_BEFORE.search(before[-20:]) or _NOT_SHORTHAND_AFTER.search(after)))


def _whole_numbers(text: str) -> List[int]:
    return [int(number) for number in re.findall(r"(?<![\d.])\d{1,3}(?![\d.])", text)]


_VAGUE_TIME = re.compile(
    r"\b(since|from|around|about|at|before|after|over)\s+(the\s+)?(easter|christmas|xmas|summer|winter|spring|autumn|fall|"
    r"new year|half term|the holidays|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|last year|the start of the year|the marathon|the race|my holiday|the season)\b"
    r"|\b(a while|ages|a long time|forever|some time|for a bit)\b"
)


def is_vague_time(text: str) -> bool:
    """Whether the text names a time without an amount ("since Easter", "a while")."""
    return bool(_VAGUE_TIME.search(text.lower()))
