"""Checks a model-written sentence must pass before anyone sees it.

A sentence is kept only if
1. it cites at least one passage, and every number it cites was given to the model;
2. every span it puts in double quotes appears verbatim (up to whitespace and apostrophe style)
   in one of the passages it cites — a quote is a claim about the source, so it must be exact;
3. enough of its content words occur in the cited passages (`min_support`), a cheap guard
   against a sentence that cites a real passage but says something else.

Unquoted paraphrase is not proven faithful by these checks; that is why every sentence carries
its citations and the sources are listed. Sentences are split with the same segmenter as the
articles, with citation markers kept on the sentence they close.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.engine.answer import CANNOT_ANSWER
from ingest.text import sentence_spans
from vectorstore.records import Passage

MARKER = re.compile(r"\[\s*(?:passages?\s*)?(\d+(?:\s*[,;–-]\s*\d+)*)\s*\]", re.IGNORECASE)
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*(?:passages?\s*)?\d+(?:\s*[,;–-]\s*\d+)*\s*\])+", re.IGNORECASE)
_PARTIAL_MARKER = re.compile(r"\[[\d,;\s–-]*$")
# "... staged." [2] Then ...: pysbd keeps this together; split after the marker.
_AFTER_CLOSING_MARKERS = re.compile(r"(?<=[.!?][”\"])(\s*(?:\[[\d,;\s–-]+\])+)\s+(?=[A-Z“\"])|(?<=[.!?])(\s*(?:\[[\d,;\s–-]+\])+)\s+(?=[A-Z“\"])")
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "about above after again against also among been before being below between both could does doing down during each "
    "from further have having here into itself just more most other over same should some such than that their theirs "
    "them then there these they this those through under until very were what when where which while whom will with "
    "would your passage passages source sources according".split()
)
_STEM = 5  # compare words by their first letters: "arrested" supports "arrest"


def normalise(text: str) -> str:
    """Whitespace collapsed, curly apostrophes straightened: how quotes are compared."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def cited_numbers(sentence: str) -> list[int]:
    """Passage numbers a sentence cites, in order, without repeats ("[1-3]" is 1, 2, 3)."""
    numbers: list[int] = []
    for match in MARKER.finditer(sentence):
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
            span = range(bounds[0], bounds[-1] + 1) if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 20 else bounds
            numbers.extend(n for n in span if n not in numbers)
    return numbers


def strip_markers(sentence: str) -> str:
    return " ".join(MARKER.sub(" ", sentence).split()).replace(" .", ".").replace(" ,", ",")


def quoted_spans(sentence: str) -> list[str]:
    """Text in double quotes (“…” or "…"); single quotes are too often apostrophes to count."""
    return [m.group(1) or m.group(2) for m in _QUOTED.finditer(sentence) if (m.group(1) or m.group(2)).strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of model output; a marker that pysbd put at the start of the next sentence moves back."""
    pieces: list[str] = []
    for s, e in sentence_spans(text):
        pieces.extend(p for p in _split_after_markers(text[s:e]) if p.strip())
    sentences: list[str] = []
    for piece in pieces:
        lead = _LEADING_MARKERS.match(piece)
        if lead and sentences:
            sentences[-1] = f"{sentences[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end():].strip()
        if piece:
            sentences.append(piece.strip())
    return sentences


def _split_after_markers(sentence: str) -> list[str]:
    parts, cursor = [], 0
    for match in _AFTER_CLOSING_MARKERS.finditer(sentence):
        group = match.group(1) or match.group(2)
        end_of_markers = match.start() + len(group)
        parts.append(sentence[cursor:end_of_markers].strip())
        cursor = match.end()
    parts.append(sentence[cursor:].strip())
    return parts


def is_abstention(sentence: str) -> bool:
    """The model used the fixed phrase for "the passages don't answer this"."""
    wanted = normalise(CANNOT_ANSWER).lower().rstrip(".")
    return wanted in normalise(strip_markers(sentence)).lower()


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in _WORD.findall(normalise(text).lower()) if len(w) >= 4 and w not in _STOPWORDS}


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one sentence: kept or not, why not, and which passages it cites."""

    sentence: str
    ok: bool
    reason: str = ""
    cites: tuple[int, ...] = field(default_factory=tuple)


def check_sentence(sentence: str, passages: list[Passage], *, min_support: float = 0.4) -> SentenceCheck:
    """Apply the three checks of this module to one sentence."""
    cites = tuple(cited_numbers(sentence))
    if not cites:
        return SentenceCheck(sentence, False, "cites no passage")
    unknown = [n for n in cites if not 1 <= n <= len(passages)]
    if unknown:
        return SentenceCheck(sentence, False, f"cites passage {unknown[0]}, which was not given", cites)
    cited_text = [normalise(passages[n - 1].text) for n in cites]
    for quote in quoted_spans(sentence):
        parts = [normalise(p) for p in _ELLIPSIS.split(quote.strip(" ,.;:")) if p.strip(" ,.;:")]
        if not any(all(p.strip(" ,.;:") in text for p in parts) for text in cited_text):
            return SentenceCheck(sentence, False, "quotes words that are not in the cited passages", cites)
    words = _stems(strip_markers(sentence))
    if words and min_support > 0:
        available = set().union(*(_stems(passages[n - 1].text) for n in cites))
        support = len(words & available) / len(words)
        if support < min_support:
            return SentenceCheck(sentence, False, "says things the cited passages do not", cites)
    return SentenceCheck(sentence, True, "", cites)


class SentenceAssembler:
    """Turns streamed text into complete sentences, so each can be checked before it is shown.

    A sentence is released once text of the next one has arrived (its citation markers may still
    be coming right after its full stop) and enough of that next sentence is there for the
    segmenter to be sure of the boundary; `finish()` releases the rest. Feeding the whole text at
    once and calling `finish()` gives the same sentences as `split_sentences`.
    """

    LOOKAHEAD_CHARS = 12

    def __init__(self) -> None:
        self.text = ""
        self._released = 0  # how many sentences of `text` were already released

    def feed(self, delta: str) -> list[str]:
        self.text += delta
        sentences = split_sentences(self.text)
        if len(sentences) < 2:
            return []
        tail = _PARTIAL_MARKER.sub("", strip_markers(sentences[-1]))
        ready = len(sentences) - 1 if len(tail.strip()) >= self.LOOKAHEAD_CHARS else len(sentences) - 2
        return self._release(sentences, ready)

    def finish(self) -> list[str]:
        sentences = split_sentences(self.text)
        return self._release(sentences, len(sentences))

    def _release(self, sentences: list[str], upto: int) -> list[str]:
        if upto <= self._released:
            return []
        out = sentences[self._released:upto]
        self._released = upto
        return out
