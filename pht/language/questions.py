"""Whether a message asks the assistant something, or tells it about the pain.

The intent classifier learned FAQ questions from their words, and a real story shares them
("I noticed a localized pain near my sit bone after sitting on hard chairs" was `faq/sitting_tips`
at 0.90). What decides here is the form of the sentences, from the vocabulary's `asking` cues:
a story is read in full and starts or continues the pre-screen; only a message that asks gets an
FAQ answer (actions/conversation.py ActionAnswerQuestion), and then "shall we go on?". A plain
request for help after a story ("Any advice?", `asking: for_help`) asks for the pre-screen
itself, and what a message tells beside its question (`told_and_asks`) is read as a story.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, List, Mapping, Optional, Tuple

from ..triage import Knowledge, load_knowledge

SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
QUOTED_QUESTION = re.compile(r"[\"\u201c][^\"\u201c\u201d]{1,120}\?[\"\u201d]")
CLAUSE = re.compile(r"[,;:(\u2013\u2014]|\s-\s")
WORD = re.compile(r"[a-z0-9'-]+")
# A message that is one short sentence ending with "?" asks ("stretching ok?").
SHORT_QUESTION_WORDS = 6
# A question this short ("What?", "Seriously?") with the story going on after it exclaims.
EXCLAMATION_WORDS = 2
# A first-person message this long that asks nothing tells the person's story.
ACCOUNT_WORDS = 15
# Words that tell about oneself or name a pain: with findings read, a message holding one is
# an account of the pain ("pain when sitting"); "stretching" alone is a topic to ask about.
OWN_WORDS = {"i", "me", "my", "myself", "i'm", "i've", "im", "ive", "i'd", "mine"}
PAIN_WORDS = {"pain", "pains", "painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "achy", "sore",
              "soreness", "tender", "twinge", "niggle", "burning", "throbbing", "stiff", "discomfort", "agony",
              "spasm", "spasms", "tightness", "injury", "injured", "strained", "bruising", "bruised", "numb",
              "numbness", "tingling", "suffer", "suffered", "suffering"}


class QuestionForm:
    """Reads the form of a message's sentences with the vocabulary's `asking` cues."""

    def __init__(self, knowledge: Optional[Knowledge] = None) -> None:
        vocabulary: Mapping[str, Any] = (knowledge or load_knowledge()).vocabulary
        cues: Mapping[str, Any] = vocabulary["asking"]
        self.questions = {str(word).lower() for word in cues["questions"]}
        self.openers = {str(word).lower() for word in cues["openers"]}
        self.then = {str(word).lower() for word in cues["then"]}
        self.when = {str(word).lower() for word in cues["when"]}
        self.when_then = {str(word).lower() for word in cues["when_then"]}
        self.telling = {str(word).lower() for word in cues.get("telling", [])}
        self.going_on = {str(word).lower() for word in cues.get("going_on", [])}
        self.rhetorical = [str(phrase).lower() for phrase in cues.get("rhetorical", [])]
        self.tags = {str(phrase).lower() for phrase in cues.get("tags", [])}
        self.stated = _phrases(cues["stated"], anywhere=True) if cues.get("stated") else None
        self.phrases = _phrases(cues["phrases"], anywhere=True)
        self.opening_phrases = _phrases(cues["opening_phrases"], anywhere=False)
        fillers = "|".join(re.escape(str(word).lower()) for word in cues.get("help_fillers", []))
        help_phrases = "|".join(re.escape(str(phrase).lower())
                                for phrase in sorted(cues.get("for_help", []), key=len, reverse=True))
        self.for_help = re.compile(rf"(?:(?:{fillers})\s+)*(?:{help_phrases})(?:\s+(?:{fillers}))*") if help_phrases else None
        commands = vocabulary.get("commands", {})
        self.commands = {name: _phrases(words, anywhere=True) for name, words in commands.items()}
        onward = vocabulary.get("commands_onward", {})
        self.commands_onward = {name: ({str(word).lower() for word in words.get("after", [])},
                                       {str(word).lower() for word in words.get("unless", [])})
                                for name, words in onward.items()}
        alone = vocabulary.get("commands_alone", {})
        around = "|".join(re.escape(str(word).lower()) for word in alone.get("fillers", []))
        self.commands_alone = {name: re.compile(rf"\W*(?:(?:{around})\W+)*{_phrases(words, anywhere=False).pattern}"
                                                rf"(?:\W+(?:{around}))*\W*") for name, words in alone.get("words", {}).items()}

    def commands_to(self, text: str, command: str) -> bool:
        """Whether the message holds one of the vocabulary's words for `command` (`commands`:
        "go back", "previous", "undo" ...), as a command taken from its words must."""
        pattern, alone, plain = self.commands.get(command), self.commands_alone.get(command), _plain(text).strip()
        said = pattern is not None and any(not self._told_onward(command, plain[match.end():])
                                          for match in pattern.finditer(plain))
        return said or bool(alone and alone.fullmatch(plain))

    def _told_onward(self, command: str, rest: str) -> bool:
        """Whether the words after a command's own tell of the person's life, not the questions
        (`commands_onward`): "going back to work soon" is no "go back"."""
        after, unless = self.commands_onward.get(command, (set(), set()))
        following = WORD.findall(rest)
        return bool(following) and following[0] in after and not unless & set(following[1:4])

    def asks(self, text: str) -> bool:
        """Whether any sentence of the message is a question to the assistant. A plain request
        for help after the person's own story ("... Any advice?", "What could this be?",
        "Thanks in advance!") asks for what the pre-screen does, not for an FAQ answer: such a
        message asks nothing; on its own, with no story, it still asks."""
        return self.told_and_asks(text)[1]

    def tells_of_pain(self, text: str) -> bool:
        """Whether a message names a pain and asks nothing ("waking up in pain every day")."""
        return bool(set(WORD.findall(_plain(text))) & PAIN_WORDS) and not self.asks(text)

    def only_asks_for_help(self, text: str) -> bool:
        """Whether the whole message is a plain request for help ("any advice?", "help!", "what
        should I do?"): what the pre-screen is for, before its questions."""
        words = WORD.findall(_plain(text))
        return bool(words and self.for_help and self.for_help.fullmatch(" ".join(words)))

    def told_and_asks(self, text: str) -> Tuple[str, bool]:
        """(what the message tells, whether it asks the assistant anything). What it tells, lower
        case: its sentences that ask nothing, and a sentence's clauses left when a request for
        help is taken out ("my sit bone hurts when I sit. Should I stop running?" tells "my sit
        bone hurts when i sit."); empty when it tells nothing."""
        plain = _plain(text)
        unquoted = QUOTED_QUESTION.sub(" ", plain)  # 'I'm thinking, "Did I rip my pants?"': a thought told
        if WORD.search(unquoted):
            plain = unquoted
        sentences = [part.strip() for part in SENTENCE.findall(plain) if part.strip()]
        told: List[str] = []
        questions = helps = False
        for index, sentence in enumerate(sentences):
            if not self._sentence_asks(sentence, index, sentences):
                told.append(sentence)
                continue
            rest = self._without_help(sentence)
            if rest is None or (rest and self._sentence_asks(rest, index, sentences)):
                questions = True  # what it asks is left out, what it tells of the pain kept
                told.extend(self._telling_clauses(rest if rest is not None else sentence))
                continue
            helps = True
            if rest:
                told.append(rest)
        told_text = " ".join(told)
        words = set(WORD.findall(told_text))
        if helps and not words & (OWN_WORDS | PAIN_WORDS):
            questions = True  # "any advice?" with no story of the person's own
        return told_text, questions

    def _sentence_asks(self, sentence: str, index: int, sentences: List[str]) -> bool:
        asking = self.stated.sub(" ", sentence) if self.stated else sentence  # "it would be a good idea to ..." tells
        if self.phrases.search(asking) or (index == 0 and self.opening_phrases.match(sentence)):
            return True
        clause = self._not_exclaimed(sentence, last=index == len(sentences) - 1)
        return bool(clause) and self._form_asks(clause, len(sentences))

    def _telling_clauses(self, sentence: str) -> List[str]:
        """The clauses of a question that tell of the person's own pain and ask nothing ("my sit
        bone hurts, can I run?" -> "my sit bone hurts"; "can I run with it?" -> none)."""
        clauses = [clause.strip() for clause in CLAUSE.split(sentence)]
        return [clause for clause in clauses
                if set(WORD.findall(clause)) & (OWN_WORDS | PAIN_WORDS) and not self.phrases.search(clause)
                and not self._clause_asks(WORD.findall(clause))]

    def _without_help(self, sentence: str) -> Optional[str]:
        """The sentence without its clauses that only ask for help with the story ("my bum
        hurts, any advice?" -> "my bum hurts"); None when no clause is such a request."""
        if self.for_help is None:
            return None
        clauses = [clause.strip() for clause in CLAUSE.split(sentence)]
        kept = [clause for clause in clauses if not self.for_help.fullmatch(" ".join(WORD.findall(clause)))]
        if len(kept) == len(clauses):
            return None
        return ", ".join(clause for clause in kept if clause)

    def _not_exclaimed(self, sentence: str, last: bool) -> str:
        """The part of a sentence that may still ask, without what only exclaims: a first clause
        that opens with `asking: rhetorical` ("Do you have any idea how hard it is ...?"; "Guess
        what, can I still run?" asks), a phrase ending in a question word only when it is the
        whole clause ("You know what helps?" asks); or a lone "What?" with the story going on
        after it ("... my buttock is SORE! What? I just bent down!"). A lone "Why?" or "How?" asks."""
        words = WORD.findall(sentence)
        if not last and len(words) <= EXCLAMATION_WORDS and sentence.endswith("?") and words[:1] not in (["why"], ["how"]):
            return ""
        first = CLAUSE.split(sentence, maxsplit=1)
        clause = WORD.findall(first[0])
        for phrase in self.rhetorical:
            said = phrase.split()
            if clause[:len(said)] == said and (clause == said or said[-1] not in self.questions):
                return first[1] if len(first) > 1 else ""
        return sentence

    def _form_asks(self, sentence: str, count: int) -> bool:
        words = WORD.findall(sentence)
        if not words:
            return False
        clauses = CLAUSE.split(sentence)
        if len(clauses) > 1 and " ".join(WORD.findall(clauses[-1])) in self.tags:
            return self._form_asks(",".join(clauses[:-1]).strip() + ".", count)  # "It hurts, doesn't it?"
        if sentence.endswith("?") and (words[0] in self.questions | self.openers | self.when
                                       or (count == 1 and len(words) <= SHORT_QUESTION_WORDS)):
            return True
        # a `going_on` clause after the first, in a sentence that ends with a full stop or an
        # exclamation mark, goes on from the clause before ("sore when I run - which is a
        # problem with races coming up."),
        # and so does one that opens like a question ("the huge positive, from my viewpoint, is
        # that walking is not making it worse.")
        told = sentence.endswith((".", "!"))
        return any(self._clause_asks(WORD.findall(clause), going_on=told and index > 0, told=told)
                   for index, clause in enumerate(clauses))

    def _clause_asks(self, words: List[str], going_on: bool = False, told: bool = False) -> bool:
        if not words:
            return False
        second = words[1] if len(words) > 1 else ""
        return ((words[0] in self.questions and f"{words[0]} {second}" not in self.telling)
                or (words[0] in self.openers and second in self.then and not going_on)
                or (words[0] in self.when and second in self.when_then
                    and not (told and f"{words[0]} {second}" in self.telling)  # "Which is when I fell!"
                    and not (going_on and words[0] in self.going_on)))

    def tells_story(self, text: str, findings: Mapping[str, Any]) -> bool:
        """Whether a message describes the person's own pain and asks nothing: findings were
        read, it says "I"/"my" or names a pain, and no sentence of it asks."""
        if not findings or self.asks(text):
            return False
        words = set(WORD.findall(_plain(text)))
        return bool(words & OWN_WORDS or words & PAIN_WORDS)


    def tells_own_account(self, text: str) -> bool:
        """Whether a message is a first-person account (ACCOUNT_WORDS words or more, "I"/"my")
        that asks nothing, findings read or not: "He diagnosed that I had damaged part of my
        hamstring ... today it is evident the left is worse" is a story, never an FAQ."""
        words = WORD.findall(_plain(text))
        return len(words) >= ACCOUNT_WORDS and bool(set(words) & OWN_WORDS) and not self.asks(text)


def _phrases(phrases: Any, anywhere: bool) -> "re.Pattern[str]":
    ordered = sorted((str(phrase).lower() for phrase in phrases), key=len, reverse=True)
    return re.compile((r"\b" if anywhere else "") + "(?:" + "|".join(map(re.escape, ordered)) + r")\b")


def _plain(text: str) -> str:
    return (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=1)
def question_form() -> QuestionForm:
    """The one QuestionForm of this process (it compiles the vocabulary's cues once)."""
    return QuestionForm()
