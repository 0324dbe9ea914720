"""Question analysis, the first stage of a question's path: what the question itself says.

Before anything is searched: a follow-up is folded into the conversation's previous question
(`retrieval_query`), a date range becomes a store filter, and the outlets the question names are
found — to restrict the quotes to them (`named_outlets`) or to abstain when it asks what an
outlet said that the store does not hold (`unknown_sources`). How one search is split into
sub-searches is the retriever's own plan (vectorstore/query_plan.py).
"""

from __future__ import annotations

import datetime as dt
import re

from vectorstore.query_plan import find_dates, find_outlets, mentions, outlet_aliases
from vectorstore.terms import CALENDAR_WORDS
from vectorstore.where import all_of


def named_outlets(question: str, outlets: list[str]) -> set[str]:
    """Outlets the question names as a proper name ("TechCrunch", "the Verge"), for answers that
    should quote them. Unlike `find_outlets` (a search filter, where a false hit only adds a
    search) a mention must hold a capital letter: a question about "fortune" or "time" does not
    mean the outlets Fortune or Time."""
    found: set[str] = set()
    for start, end, group in mentions(question, outlet_aliases(outlets)):
        if any(ch.isupper() for ch in question[start:end]):
            found.update(group.split("\x1f"))
    return found


def named_dates(question: str) -> set[dt.date]:
    """The calendar days the question names ("published on October 4, 2023", "on 4 October
    2023", "2023-10-04"; a day without a year is not one), so that of an outlet's articles the one
    of that day is quoted."""
    return set(find_dates(question, default_year=None))


def date_range_filter(since: dt.date | None, until: dt.date | None) -> dict | None:
    """The store filter for articles published from `since` through `until` (None = open end)."""
    return all_of([{"published_ord": {"$gte": since.toordinal()}} if since else None,
                   {"published_ord": {"$lte": until.toordinal()}} if until else None])


_NAME = r"(?P<name>[A-Z][\w.&-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w.&-]*)*)"
_KIND = r"(?:article|report|piece|review|story|column|coverage|feature|analysis|op-ed|editorial)s?"
_NAMED_SOURCE = [
    re.compile(r"\b(?:reported|published|written|covered)\s+by\s+(?:an?\s+|the\s+)?" + _NAME),
    re.compile(r"\b(?:" + _KIND + r"|another|one)\s+(?:from|by|in)\s+(?:an?\s+|the\s+)?" + _NAME),
    re.compile(r"\b(?:an?|the|another|one)\s+" + _NAME + r"(?:'s|’s)?\s+" + _KIND + r"\b"),
    re.compile(r"\b(?:from|by|in)\s+" + _NAME + r"(?:'s|’s)?\s+" + _KIND + r"\b"),
]
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|‘[^’]*’(?!\w)|“[^”]*”")
_LEADING_ARTICLE = re.compile(r"^(?:The|A|An)\s+")


def named_sources(question: str) -> list[str]:
    """Names the question attributes a claim to: "according to Reuters", "a Bloomberg article",
    "a piece by The Verge", "the TechCrunch report". Capitalised names only, so "according to
    the police" names nothing; whether a name is an outlet the store holds is the caller's check."""
    names: list[str] = []
    text = _QUOTED.sub("QUOTED", question)  # quoted titles are not outlet names
    for pattern in _NAMED_SOURCE:
        for m in pattern.finditer(text):
            name = m["name"].strip(" .,-")
            if name and "QUOTED" not in name and name.split()[0].lower() not in CALENDAR_WORDS and name not in names:
                names.append(name)
    return names


def unknown_sources(question: str, outlets: list[str]) -> list[str]:
    """Named sources (see `named_sources`) that match no outlet in the store."""
    aliases = outlet_aliases(outlets)
    unknown = []
    for name in named_sources(question):
        bare = _LEADING_ARTICLE.sub("", name)
        if not (find_outlets(name, aliases) or find_outlets(bare, aliases)
                or any(bare.lower() in alias for alias in aliases)):
            unknown.append(name)
    return unknown


_FOLLOW_UP = re.compile(r"\b(that|this|it|its|they|them|their|he|him|his|she|her|those|these|there|then)\b", re.IGNORECASE)


def retrieval_query(question: str, history: list[str]) -> str:
    """Fold the previous question into a follow-up ("what did Putin say about that?").

    A follow-up leans on the conversation through a pronoun or is very short; we search with
    both questions so the passages about the earlier topic are found.
    """
    if history and (_FOLLOW_UP.search(question) or len(question.split()) <= 4):
        return f"{history[-1]} {question}"
    return question


_KIND_OPENINGS = (
    (re.compile(r"^\s*how\s+(?:many|much)\b", re.IGNORECASE), "count"),
    (re.compile(r"^\s*(?:what|which)\s+(?:was|is|were|are)\s+the\s+(?:death\s+toll|number|total|figure|amount|cost|price)\b", re.IGNORECASE), "count"),
    # "What fine did he get?", "What fee will the council charge?": a sum
    (re.compile(r"^\s*what\s+(?:fines?|fees?|fares?|rent|salary|wages?|sum|amount|compensation|price|cost|bill)\b", re.IGNORECASE), "count"),
    # "what share of…", "what percentage of…": a figure too
    (re.compile(r"^\s*(?:what|which)\s+(?:(?:was|is|were|are)\s+the\s+)?(?:percent(?:age)?\b|(?:proportion|share|fraction)\s+of\b)", re.IGNORECASE), "count"),
    (re.compile(r"^\s*when\b|^\s*(?:(?:on|by|until|from|since)\s+)?what\s+(?:day|date|year|month)\b", re.IGNORECASE), "date"),
    (re.compile(r"^\s*where\b", re.IGNORECASE), "place"),
    (re.compile(r"^\s*(?:who|whom|whose)\b", re.IGNORECASE), "person"),
    (re.compile(r"^\s*(?:which|what)\s+(?:company|firm|business|organi[sz]ation|agency|group|person|official|team|contractor)\b", re.IGNORECASE), "person"),
    # "Why …?", "What reason does … give", "What caused …", "How does the trust explain …": a cause
    (re.compile(r"^\s*why\b|^\s*what\s+(?:reasons?|caused?|causes|is\s+behind|was\s+behind)\b"
                r"|^\s*how\s+(?:does|do|did)\s+[^?]{1,60}?\bexplain\b", re.IGNORECASE), "reason"),
)


def answer_kind(question: str) -> str:
    """What the question asks for, from its opening words: "count" (how many/much), "date"
    (when), "place" (where), "person" (who), "reason" (why, what caused), else "other" (yes/no,
    what …)."""
    for pattern, kind in _KIND_OPENINGS:
        if pattern.search(question):
            return kind
    return "other"
