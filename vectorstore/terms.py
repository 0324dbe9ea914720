"""The words of a text as keyword search and answer scoring both see them, and how distinctive
a question's words are among a few texts (the IDF share the rerank and the quote selection use).
"""

from __future__ import annotations

import math
import os
import re

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no topic; BM25 would weigh them low anyway, but dropping them keeps queries short.
STOPWORDS = frozenset(
    "a an and are as at be been being but by can could did do does doing for from had has have having he her "
    "hers him his how i if in into is it its itself me more most my no nor not of on or our ours she should "
    "so some such than that the their theirs them then there these they this those to too very was we were "
    "what when where which while who whom why will with would you your yours about after again against all "
    "also any before between both during each few further here just once only other out over own same "
    "through under until up according article articles report reported reports published news".split()
)

# Capitalised words that are never a name (weekdays and months, lower-cased).
CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december".split()
)


def words(text: str) -> list[str]:
    """The lower-cased words of `text`, as keyword search and answer scoring both see them."""
    return _WORD.findall(text.lower())


def query_terms(text: str, limit: int = 40) -> list[str]:
    """Content words of a question, lower-cased, in order, without duplicates."""
    terms = [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(terms))[:limit]


def _idf_shares(query: str, vocabularies: list[set[str]], *, count_absent: bool) -> list[float]:
    """For each text (as its set of `words`), the IDF-weighted share of the query's content words
    it holds, 0..1, with the IDF local to these texts; words no text holds count only if
    `count_absent` (at the highest weight)."""
    n = len(vocabularies)
    weights = {}
    for term in query_terms(query):
        df = sum(term in v for v in vocabularies)
        if df or count_absent:
            weights[term] = math.log((n + 1) / (df + 0.5))
    total = sum(weights.values())
    if not total:
        return [0.0] * n
    return [sum(w for t, w in weights.items() if t in v) / total for v in vocabularies]


def distinctive_shares(query: str, vocabularies: list[set[str]]) -> list[float]:
    """Which of these texts holds the question's distinctive words: a word they all share (the
    story's topic) says little about which one answers, a word only one or two hold says a lot."""
    return _idf_shares(query, vocabularies, count_absent=False)


def term_coverage(query: str, vocabularies: list[set[str]]) -> list[float]:
    """How much of ALL the question's words each text holds. Unlike `distinctive_shares`, a word no
    text holds still counts: a question about who *designed* a bridge is not covered by sentences
    that only say "bridge"."""
    return _idf_shares(query, vocabularies, count_absent=True)


def stem(word: str) -> str:
    """A crude English stem, enough to match "reopened" with "reopen" and "appoints" with
    "appointed" (irregular forms such as "built"/"build" stay apart)."""
    for suffix in ("ing", "ed", "es", "s", "d"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Two words of one family share a long opening: "leadership" / "leaders", "chairs" / "chairman",
# "designed" / "designer" (not "fire" / "firefighters": too short to tell a family from a compound).
FAMILY_PREFIX = 5
FAMILY_SLACK = 2  # the shared opening may fall short of the shorter word by this many letters


def same_family(a: str, b: str) -> bool:
    shared = len(os.path.commonprefix([a, b]))
    return shared >= FAMILY_PREFIX and shared >= min(len(a), len(b)) - FAMILY_SLACK


def held_in(word: str, stems: set[str] | frozenset[str]) -> bool:
    """Whether `word` is among these `stem`med words, stemmed or in another form of its family."""
    return stem(word) in stems or any(same_family(word, s) for s in stems)


def missing_terms(query: str, texts: list[str], ignore: frozenset[str] = frozenset()) -> list[str]:
    """The question's content words that none of `texts` holds (`held_in`)."""
    held = {stem(w) for text in texts for w in words(text)}
    return [term for term in query_terms(query) if term not in ignore and not held_in(term, held)]
