"""Who said it? Label a quoted sentence as someone's claim, a dispute of a claim, or a report.

Readers of a contested story need to see that "the suspects tried to reach Ukraine" is Putin's
claim, not a fact the outlet vouches for. These are deliberately plain patterns over the quote
itself: they never add words that are not in the source, they only choose the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = (
    r"said|says|say|claimed|claims|claim|asked|asks|told|tells|suggested|suggests|alleged|alleges|"
    r"insisted|insists|argued|argues|wrote|writes|stated|states|added|adds|warned|warns|accused|"
    r"accuses|denied|denies|maintained|maintains|announced|announces|declared|declares|blamed|blames"
)
_NAME_WORD = r"[A-Z][\w'’.\-]*"
_ROLE = r"(?:experts|officials|spokesperson|spokesman|spokeswoman|analysts|investigators|authorities|president|leader|ministry)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:of\s+the\s+|of\s+|for\s+the\s+|for\s+)?{_NAME_WORD}){{0,5}}(?:\s+{_ROLE})?"

_ACCORDING_TO = re.compile(rf"\baccording to (?:the )?(?P<who>{_NAME})")
_SUBJECT_VERB = re.compile(rf"(?:^|[,;:—–-]\s*|\bthat\s+)(?P<who>(?:[Tt]he\s+)?{_NAME})\s+(?:has\s+|had\s+|also\s+|later\s+|then\s+)*(?:{_VERBS})\b")
_QUOTE_THEN_SPEAKER = re.compile(rf"[”\"'],?\s+(?P<who>(?:the\s+)?{_NAME})\s+(?:{_VERBS})\b")
_SPEAKER_AFTER_QUOTE_VERB = re.compile(rf"[”\"'],?\s+(?:{_VERBS})\s+(?P<who>(?:the\s+)?{_NAME})")

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "this", "that", "there", "the", "a", "an", "but", "and", "in", "on"}
_DISPUTE = re.compile(
    r"\b(no (?:credible )?evidence|without evidence|baseless|unfounded|dubious|unsubstantiated|"
    r"false(?:ly)?|denied|denies|rejected|rejects|refuted|undermin\w+|contradict\w*|debunk\w*|"
    r"no sign|not involved|no indication|no proof)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    kind: str  # "claim" (someone says), "dispute" (a claim is questioned or lacks evidence), "report"
    speaker: str = ""


_TITLES = {"president", "prime", "minister", "foreign", "spokeswoman", "spokesman", "spokesperson", "belarusian", "russian", "ukrainian", "mr.", "ms.", "dr."}


def _clean_speaker(who: str) -> str:
    who = who.strip().rstrip(".,;:")
    words = who.split()
    while words and words[0].lower() in _PRONOUNS and len(words) > 1:
        words = words[1:]
    # "President Vladimir Putin" -> "Vladimir Putin": titles vary between outlets, names do not.
    while len(words) > 2 and words[0].lower() in _TITLES:
        words = words[1:]
    if not words or (len(words) == 1 and words[0].lower() in _PRONOUNS):
        return ""
    return " ".join(words)


def find_speaker(sentence: str) -> str:
    """The named person or body a sentence attributes its content to, or "" if none."""
    for pattern in (_QUOTE_THEN_SPEAKER, _SPEAKER_AFTER_QUOTE_VERB, _ACCORDING_TO, _SUBJECT_VERB):
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
