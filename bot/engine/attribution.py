"""Who said it? Label a quoted sentence as someone's claim, a dispute of a claim, or a report.

Readers of a contested story need to see that "the suspects tried to reach Ukraine" is Putin's
claim, not a fact the outlet vouches for. These are deliberately plain patterns over the quote
itself: they never add words that are not in the source, they only choose the label.

A speaker is a name ("Putin", "the Institute for the Study of War") or a named role ("the harbour
master", "Belarus' leader", "health officials"), never a bare singular noun ("leader"), which names
no one. The words that make a role are general newsroom vocabulary (speaker_words below), not
words picked from any one corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.speaker_words import (
    BODIES, DEMONYMS, GROUPS, HONORIFICS, NAME_PARTICLES, PERSON_ROLES, is_title_word, plural, role_noun,
)

__all__ = ["Attribution", "attribute", "find_speaker", "is_title_word"]

_VERBS = (
    r"said|says|say|claimed|claims|claim|asked|asks|told|tells|suggested|suggests|alleged|alleges|"
    r"insisted|insists|argued|argues|wrote|writes|stated|states|(?:added|adds)(?!\s+(?:\d|an?|another|more|new|extra|"
    r"further|one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands)\b)|warned|warns|accused|"
    r"accuses|denied|denies|maintained|maintains|announced|announces|declared|declares|blamed|blames|"
    r"acknowledged|acknowledges|conceded|concedes|assessed|assesses|concluded|concludes|reported|reports|"
    r"rejected|rejects|dismissed|dismisses|disputed|disputes|repeated|repeats|suggest|suggested|estimated|estimates"
)
# Words that may sit between a speaker and the verb: "has also said", "have continued to suggest".
_AUX = r"(?:has\s+|had\s+|have\s+|also\s+|later\s+|then\s+|again\s+|both\s+|nonetheless\s+|repeatedly\s+|publicly\s+|(?:continued|continue|continues)\s+to\s+)*"
_NAME_WORD = r"[A-Z][\w'’.\-]*"


def _alternatives(words) -> str:
    # longest first, so "spokeswoman" is not read as "spokes..." of a shorter entry
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


_ROLE_WORDS = set(PERSON_ROLES) | {plural(w) for w in PERSON_ROLES} | set(BODIES) | {plural(w) for w in BODIES} | set(GROUPS)
_ROLE = rf"(?:{_alternatives(_ROLE_WORDS)})\b"
# Lowercase words that may qualify a role ("harbour master", "the city's chief engineer"), but
# not sentence glue, which would make "then officials" or "that the minister" a speaker.
_GLUE = (
    "the|a|an|and|or|but|then|also|that|which|who|whom|whose|when|where|while|as|after|before|since|because|if|"
    "he|she|they|it|we|i|you|his|her|their|its|our|my|your|has|had|have|was|were|is|are|be|been|not|never|later|"
    "again|once|now|so|to|of|in|on|at|for|by|with|from|into|about|said|says|told|this|these|those|there|here"
)
_MODIFIER = rf"(?!(?:{_GLUE})\b)[a-z][a-z\-]*(?:['’]s)?"
_PARTICLE = rf"(?:{'|'.join(sorted(NAME_PARTICLES))})\s+"  # "Ursula von der Leyen"
_PROPER = rf"{_NAME_WORD}(?:\s+(?:of\s+the\s+|of\s+|for\s+the\s+|for\s+|in\s+|(?:{_PARTICLE}){{1,2}})?{_NAME_WORD}){{0,5}}"
# "the leader of the opposition", "the governor of Texas", "the head of the port authority"
_OF_WHAT = rf"(?:\s+of\s+(?:the\s+)?(?:{_PROPER}|(?:{_MODIFIER}\s+){{0,2}}(?!(?:{_GLUE})\b)[a-z]+))?"
# "Ukrainian officials", "Foreign Ministry spokeswoman Maria Zakharova", "the company", "health
# officials", "the harbour master", "the country's leader".
_NAME = (
    rf"(?:{_PROPER}(?:\s+(?:{_MODIFIER}\s+){{0,2}}{_ROLE}(?:\s+{_PROPER})?)?"
    rf"|(?:(?:[Tt]he|[Aa]n?)\s+)?(?:{_MODIFIER}\s+){{0,2}}{_ROLE}{_OF_WHAT}(?:\s+{_PROPER})?)"
)
# A sentence may open with glue before its subject: "But the minister said ...".
_LEAD = r"(?:(?:[Bb]ut|[Aa]nd|[Yy]et|[Tt]hen|[Hh]owever|[Mm]eanwhile|[Ll]ater|[Ee]arlier|[Ss]eparately|which|who),?\s+){0,2}"

_ACCORDING_TO = re.compile(rf"\b[Aa]ccording to (?P<who>(?:the )?{_NAME})")
_SUBJECT_VERB = re.compile(rf"(?:^|[,;:]\s*|\s[—–-]\s*|\bthat\s+){_LEAD}(?P<who>(?:[Tt]he\s+)?{_NAME})\s+{_AUX}(?:{_VERBS})\b")
# "The Institute for the Study of War, a research group in Washington, assessed that ..."
_APPOSITIVE_VERB = re.compile(rf"(?:^|[,;:]\s*)(?P<who>(?:[Tt]he\s+)?{_PROPER}),\s+[^,]{{3,80}},\s+{_AUX}(?:{_VERBS})\b")
# A closing quote; a straight apostrophe closes one only after punctuation (see _QUOTED_SPEAKER).
_CLOSE_QUOTE = r"(?:[”\"]|(?<=[,.!?])')"
# "Its managing director, Sandra Kowalczyk, said …", "The trust's chief nurse, Helen Okafor, told …",
# '"…," its chair, Tomasz Wielgosz, said': a lowercase job set off before the name, which is the speaker.
_OWNER = rf"(?:[Ii]ts|[Tt]he|[Hh]is|[Hh]er|[Tt]heir|{_PROPER}['’]s?)"
# "according to the board's chief engineer, Tobias Ferrant": the name set off after the role is the speaker.
_ACCORDING_TO_ROLE_NAME = re.compile(
    rf"\b[Aa]ccording to {_OWNER}\s+(?:[a-z][\w'’\-]*\s+){{0,4}}[a-z][\w'’\-]*,\s+(?P<who>{_PROPER})"
)
_ROLE_THEN_NAME = re.compile(
    rf"(?:^|[,;:]\s*|{_CLOSE_QUOTE}\s*){_LEAD}{_OWNER}\s+(?:[a-z][\w'’\-]*\s+){{0,4}}[a-z][\w'’\-]*,"
    rf"\s+(?P<who>{_PROPER}),\s+(?:[^,]{{3,80}},\s+)?{_AUX}(?:{_VERBS})\b"
)
# "..., health officials said." — the speaker named at the end of a sentence.
_TRAILING_SPEAKER = re.compile(rf",\s+(?P<who>(?:the\s+)?{_NAME})\s+(?:{_VERBS})\s*[.!?]?[”\"]?\s*$")
# "..., said a port official." — the same, with the verb first; only verbs whose object is not a
# listener ("..., told Live Science" names who heard it, not who said it).
_INVERTED_VERBS = r"said|says|added|adds|wrote|writes|explained|explains|noted|notes|insisted|insists|argued|argues|warned|warns|claimed|claims"
_TRAILING_VERB_SPEAKER = re.compile(rf",\s+(?:{_INVERTED_VERBS})\s+(?P<who>(?:the\s+|an?\s+)?{_NAME})\s*[.!?]?[”\"]?\s*$")
# '"…," said its chair, Tomasz Wielgosz.': the verb first, then the job set off before the name.
_VERB_THEN_ROLE_NAME = re.compile(
    rf",?\s*(?:{_INVERTED_VERBS})\s+{_OWNER}\s+(?:[a-z][\w'’\-]*\s+){{0,4}}[a-z][\w'’\-]*,\s+(?P<who>{_PROPER})\s*[.!?]?[”\"]?\s*$"
)
# Right after a closing quote a speaker may carry a lowercase job title: '..., said inspector Ruth
# Adeyemi', '...,” chief executive Marco Lind told reporters'. A straight apostrophe closes a
# quote only after punctuation (',' '.'): in "Belarus' leader said" it is a possessive.
_QUOTED_SPEAKER = rf"(?:the\s+|an?\s+)?(?:(?:[a-z]+\s+){{1,3}}{_PROPER}|{_NAME})"
_QUOTE_THEN_SPEAKER = re.compile(rf"{_CLOSE_QUOTE},?\s+(?P<who>{_QUOTED_SPEAKER})\s+(?:{_VERBS})\b")
_SPEAKER_AFTER_QUOTE_VERB = re.compile(rf"{_CLOSE_QUOTE},?\s+(?:{_VERBS})\s+(?P<who>{_QUOTED_SPEAKER})")

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "this", "that", "there", "the", "a", "an", "but", "and", "in", "on",
             "yet", "then", "however", "meanwhile", "later", "earlier", "separately", "which", "who"}
# What a court, a council or the weather does is no dispute of a claim: "was denied bail",
# "rejected the planning application", "a false alarm", "waves could undermine the clubhouse".
_NOT_A_CLAIM = r"(?:the\s+|a\s+|an\s+|its\s+|his\s+|her\s+|their\s+)?(?:\w+\s+)?(?:bail|entry|access|permission|visas?|parole|treatment|" \
    r"plans?|applications?|bids?|proposals?|motions?|offers?|appeals?|requests?|budgets?|schemes?|designs?)\b"
_DISPUTE = re.compile(
    r"\b(no (?:credible )?evidence|without evidence|baseless|unfounded|dubious|unsubstantiated|"
    r"falsely|(?:is|was|were|are|be|been|as|entirely|completely|totally|patently|wholly)\s+false|"
    r"false\s+(?:[\w'’-]+\s+){0,2}?(?:claims?|information|statements?|reports?|allegations?|accusations?|narratives?|rumou?rs?)|"
    r"false(?:,|\s+and)\s+mislead\w*|"
    rf"(?:denied|denies|rejected|rejects)(?!\s+{_NOT_A_CLAIM})|refuted|disputed|disputes|contradict\w*|debunk\w*|"
    r"undermin\w+\s+(?:[\w'’]+\s+){0,2}(?:claims?|case|arguments?|accounts?|credibility|assertions?|story|version|narrative|allegations?)|"
    r"no sign|not involved|no indication|no proof|unsupported|nothing to do with|no role in|no link|"
    r"not\s+(?:\w+\s+){0,3}any\s+(?:proof|evidence))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    kind: str  # "claim" (someone says), "dispute" (a claim is questioned or lacks evidence), "report"
    speaker: str = ""


_CONNECTORS = {"of", "the", "for", "in", "and"}
_PLURAL_ROLES = {plural(w) for w in PERSON_ROLES | BODIES}


def _bare(word: str) -> str:
    return word.strip(",.;:").lower()


def _is_name(words: list[str]) -> bool:
    """Capitalised words (with particles such as 'von der'), none of them a role: 'Ursula von der Leyen'."""
    if not words or not words[-1][:1].isupper():
        return False
    return all((w[:1].isupper() or w in NAME_PARTICLES) and not role_noun(_bare(w)) for w in words)


def _drop_titles(words: list[str]) -> list[str]:
    """'Belarusian President Alexander Lukashenko' -> 'Alexander Lukashenko': titles vary between
    outlets, names do not. Cut after the last person title or honorific that a name follows; a
    surname alone keeps its title ('Dr Browning', 'President Lukashenko'), as it says little alone."""
    for i in range(len(words) - 2, -1, -1):
        word = _bare(words[i])
        # "Attorney General Merrick Garland": 'general' is a title only after another title
        title = word in PERSON_ROLES or word in HONORIFICS or (word == "general" and i > 0 and _bare(words[i - 1]) in PERSON_ROLES)
        if title and words[i][:1].isupper() and _is_name(words[i + 1:]):
            if len(words) - i > 2:
                return words[i + 1:]
            # the whole title, without the nationality: "Thai Prime Minister Srettha" -> "Prime Minister Srettha"
            while i > 0 and words[i - 1][:1].isupper() and _bare(words[i - 1]) not in DEMONYMS:
                i -= 1
            return words[i:]
    # "Kremlin spokesman Dmitry Peskov", "City librarian Grace Molina": a lowercase word followed
    # by a capitalised name introduces that person, whatever the job.
    for i, word in enumerate(words[:-1]):
        if word.islower() and word not in _CONNECTORS and all(w[:1].isupper() or w in NAME_PARTICLES for w in words[i + 1:]):
            return words[i + 1:]
    return words


def _clean_speaker(who: str) -> str:
    who = who.strip().rstrip(".,;:")
    words = who.split()
    while words and words[0].lower() in _PRONOUNS and len(words) > 1:
        if words[0].lower() == "the" and words[1].islower():
            words = ["the"] + words[1:]  # "the company", "the harbour master": a role keeps its article
            break
        if words[0].lower() in ("a", "an") and len(words) == 2 and _bare(words[1]) in PERSON_ROLES | BODIES:
            words = [words[0].lower(), words[1]]  # "according to a spokesperson": "spokesperson" alone names no one
            break
        words = words[1:]
    words = _drop_titles(words)
    if not words or (len(words) == 1 and words[0].lower() in _PRONOUNS):
        return ""
    if len(words) == 1 and _bare(words[0]) in PERSON_ROLES | BODIES:
        return ""  # "leader said": a bare singular noun names no one
    first = _bare(words[0])
    # "Police said" -> "police", but a title keeps its capital ("Secretary of State ...") and so
    # does a name ("Police Scotland")
    if (first in GROUPS or first in _PLURAL_ROLES) and (len(words) == 1 or words[1].islower()):
        words = [words[0].lower()] + words[1:]  # "Officials in Kyiv said" -> "officials in Kyiv"
    return " ".join(words)


def find_speaker(sentence: str) -> str:
    """The named person or body a sentence attributes its content to, or "" if none."""
    for pattern in (_QUOTE_THEN_SPEAKER, _SPEAKER_AFTER_QUOTE_VERB, _SUBJECT_VERB, _ACCORDING_TO_ROLE_NAME, _ACCORDING_TO, _APPOSITIVE_VERB, _ROLE_THEN_NAME,
                    _VERB_THEN_ROLE_NAME, _TRAILING_SPEAKER, _TRAILING_VERB_SPEAKER):
        match = pattern.search(sentence)
        if match:
            speaker = _clean_speaker(match.group("who"))
            if speaker:
                return speaker
    return ""


# A sentence that names no speaker but goes on with the last one: a quotation standing alone
# ('"If we stay, we are spending every penny …"' after 'Chairman Steve Arkwright said …') or a
# pronoun that reports ("He said the roof …", '"…," she added.'). News writing names a speaker
# once and lets the next sentences lean on it.
_OPEN_QUOTE = re.compile(r"^\s*[“\"]")
_PRONOUN_SAID = re.compile(
    rf"(?:^{_LEAD}(?:He|She|They)\s+{_AUX}(?:{_VERBS})\b|{_CLOSE_QUOTE},?\s+(?:he|she|they)\s+{_AUX}(?:{_VERBS})\b"
    rf"|{_CLOSE_QUOTE},?\s+(?:{_VERBS})\s+(?:he|she)\b)"
)
# How many sentences back a speaker is looked for: a quotation may run over two sentences.
CARRY_BACK = 2


def _leans_on_the_last_speaker(sentence: str) -> bool:
    return _OPEN_QUOTE.match(sentence) is not None or _PRONOUN_SAID.search(sentence) is not None


def attribute(sentence: str, before: tuple[str, ...] = ()) -> Attribution:
    """Classify a quoted sentence; disputes win over claims, since they qualify them.

    `before` holds the sentences just above it in its article, nearest first: a sentence that
    names no one but goes on with the speaker of those (`_leans_on_the_last_speaker`) is theirs."""
    speaker = find_speaker(sentence)
    if not speaker and before and _leans_on_the_last_speaker(sentence):
        for previous in before[:CARRY_BACK]:
            speaker = find_speaker(previous)
            if speaker or not _leans_on_the_last_speaker(previous):
                break
    if _DISPUTE.search(sentence):
        return Attribution("dispute", speaker)
    if speaker:
        return Attribution("claim", speaker)
    return Attribution("report")
