"""Who said it? Label a quoted sentence as someone's claim, a dispute of a claim, or a report.

Readers of a contested story need to see that "the suspects tried to reach Ukraine" is Putin's
claim, not a fact the outlet vouches for. These are deliberately plain patterns over the quote
itself: they never add words that are not in the source, they only choose the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.speaker_words import TITLE_WORDS

_VERBS = (
    r"said|says|say|claimed|claims|claim|asked|asks|told|tells|suggested|suggests|alleged|alleges|"
    r"insisted|insists|argued|argues|wrote|writes|stated|states|added|adds|warned|warns|accused|"
    r"accuses|denied|denies|maintained|maintains|announced|announces|declared|declares|blamed|blames|"
    r"acknowledged|acknowledges|conceded|concedes|assessed|assesses|concluded|concludes|reported|reports|"
    r"rejected|rejects|dismissed|dismisses|disputed|disputes|repeated|repeats|suggest|suggested|estimated|estimates"
)
# Words that may sit between a speaker and the verb: "has also said", "have continued to suggest".
_AUX = r"(?:has\s+|had\s+|have\s+|also\s+|later\s+|then\s+|again\s+|both\s+|nonetheless\s+|repeatedly\s+|publicly\s+|(?:continued|continue|continues)\s+to\s+)*"
_NAME_WORD = r"[A-Z][\w'’.\-]*"
_ROLE = (
    r"(?:experts|officials|official|spokesperson|spokesman|spokeswoman|analysts|investigators|authorities|"
    r"president|leader|ministry|government|agency|company|police|prosecutors|researchers|librarian|affiliate|"
    r"(?:state\s+)?(?:television|media)|court\s+records|records|bloggers)"
)
_PROPER = rf"{_NAME_WORD}(?:\s+(?:of\s+the\s+|of\s+|for\s+the\s+|for\s+|in\s+)?{_NAME_WORD}){{0,5}}"
# "Ukrainian officials", "Foreign Ministry spokeswoman Maria Zakharova", "the company", "health officials".
_NAME = rf"(?:{_PROPER}(?:\s+{_ROLE}(?:\s+{_PROPER})?)?|(?:[Tt]he\s+|[a-z]+\s+)?{_ROLE})"

_ACCORDING_TO = re.compile(rf"\b[Aa]ccording to (?P<who>(?:the )?{_NAME})")
_SUBJECT_VERB = re.compile(rf"(?:^|[,;:]\s*|\s[—–-]\s*|\bthat\s+)(?P<who>(?:[Tt]he\s+)?{_NAME})\s+{_AUX}(?:{_VERBS})\b")
# "The Institute for the Study of War, a research group in Washington, assessed that ..."
_APPOSITIVE_VERB = re.compile(rf"(?:^|[,;:]\s*)(?P<who>(?:[Tt]he\s+)?{_PROPER}),\s+[^,]{{3,80}},\s+{_AUX}(?:{_VERBS})\b")
# "..., health officials said." — the speaker named at the end of a sentence.
_TRAILING_SPEAKER = re.compile(rf",\s+(?P<who>(?:the\s+)?{_NAME})\s+(?:{_VERBS})\s*[.!?]?[”\"]?\s*$")
# Right after a closing quote a speaker may carry a lowercase job title: '..., said inspector Ruth
# Adeyemi', '...,” chief executive Marco Lind told reporters'.
_QUOTED_SPEAKER = rf"(?:the\s+|an?\s+)?(?:(?:[a-z]+\s+){{1,3}}{_PROPER}|{_NAME})"
_QUOTE_THEN_SPEAKER = re.compile(rf"[”\"'],?\s+(?P<who>{_QUOTED_SPEAKER})\s+(?:{_VERBS})\b")
_SPEAKER_AFTER_QUOTE_VERB = re.compile(rf"[”\"'],?\s+(?:{_VERBS})\s+(?P<who>{_QUOTED_SPEAKER})")

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "this", "that", "there", "the", "a", "an", "but", "and", "in", "on"}
_DISPUTE = re.compile(
    r"\b(no (?:credible )?evidence|without evidence|baseless|unfounded|dubious|unsubstantiated|"
    r"false(?:ly)?|denied|denies|rejected|rejects|refuted|undermin\w+|contradict\w*|debunk\w*|"
    r"no sign|not involved|no indication|no proof|unsupported|nothing to do with|no role in|no link|"
    r"not\s+(?:\w+\s+){0,3}any\s+(?:proof|evidence))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    kind: str  # "claim" (someone says), "dispute" (a claim is questioned or lacks evidence), "report"
    speaker: str = ""


_GROUP_NOUNS = {"officials", "analysts", "experts", "investigators", "authorities", "police", "prosecutors", "researchers", "inspectors"}
_CONNECTORS = {"of", "the", "for", "in", "and"}


def _clean_speaker(who: str) -> str:
    who = who.strip().rstrip(".,;:")
    words = who.split()
    while words and words[0].lower() in _PRONOUNS and len(words) > 1:
        if words[0].lower() == "the" and words[1].islower():
            words = ["the"] + words[1:]  # "the company": a generic speaker keeps its article
            break
        words = words[1:]
    # "President Vladimir Putin" -> "Vladimir Putin": titles vary between outlets, names do not.
    while len(words) > 2 and words[0].lower() in TITLE_WORDS and words[1][:1].isupper():
        words = words[1:]
    # "Foreign Ministry spokeswoman Maria Zakharova" -> "Maria Zakharova": a role word followed by
    # a capitalised name introduces that person.
    for i, word in enumerate(words[:-1]):
        if word.islower() and word not in _CONNECTORS and all(w[:1].isupper() for w in words[i + 1:]):
            words = words[i + 1:]
            break
    if not words or (len(words) == 1 and words[0].lower() in _PRONOUNS):
        return ""
    if words[0].lower() in _GROUP_NOUNS:
        words = [words[0].lower()] + words[1:]  # "Officials in Kyiv said" -> "officials in Kyiv"
    return " ".join(words)


def find_speaker(sentence: str) -> str:
    """The named person or body a sentence attributes its content to, or "" if none."""
    for pattern in (_QUOTE_THEN_SPEAKER, _SPEAKER_AFTER_QUOTE_VERB, _ACCORDING_TO, _SUBJECT_VERB, _APPOSITIVE_VERB, _TRAILING_SPEAKER):
        match = pattern.search(sentence)
        if match:
            speaker = _clean_speaker(match.group("who"))
            if speaker:
                return speaker
    return ""


def attribute(sentence: str) -> Attribution:
    """Classify a quoted sentence; disputes win over claims, since they qualify them."""
    speaker = find_speaker(sentence)
    if _DISPUTE.search(sentence):
        return Attribution("dispute", speaker)
    if speaker:
        return Attribution("claim", speaker)
    return Attribution("report")
