"""What a person's name and an outlet's name look like in a news article's lines.

Bylines, photo credits, trailers and datelines (ingest/lines.py) all ask whether a few words are
someone's name ("Jane Roe", "Ana de la Cruz") or a publication's ("The Conversation"); the
answers are shapes of capitalisation, not lists of names.
"""

from __future__ import annotations

import re

PARTICLES = {"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le", "bin", "ibn",
             "al", "el", "dos", "das", "ter", "ten", "y"}
CONNECTORS = {"of", "the", "and", "&", "for", "de", "du", "la", "el", "al", "on", "in", "at"}
_TOKEN = re.compile(r"\S+")


def is_name(part: str) -> bool:
    """A person's name: two to five words, capitalised (or initials, or particles such as 'van')."""
    words = part.split()
    if not 2 <= len(words) <= 5 or words[0].lower() in PARTICLES:
        return False
    return all((w[0].isupper() and all(c.isalpha() or c in ".'’-" for c in w)) or w in PARTICLES for w in words)


def names_of(part: str) -> list[str] | None:
    """"Jane Roe and John Doe" -> both names; None when any piece is not a name."""
    pieces = [p.strip() for p in re.split(r"\s+(?:and|&)\s+", part) if p.strip()]
    return pieces if pieces and all(is_name(p) for p in pieces) else None


def outlet_name(text: str) -> str:
    """The leading title-cased run of `text`: "The Conversation under a licence" -> "The Conversation"."""
    words: list[str] = []
    for word in _TOKEN.findall(text.strip().strip(".,;:—–-")):
        bare = word.strip(".,;:!?\"'”’()")
        if not bare or word[0] == "(":
            break
        if bare[0].isupper() or bare[0].isdigit() or (words and bare.lower() in CONNECTORS):
            words.append(word.rstrip(".,;:!?\"”’)"))
            if word[-1] in ".,;:!?" and not re.search(r"\.[a-z]{2,}$", word):  # "NBCNews.com" keeps its dot
                break
        else:
            break
        if len(words) >= 8:
            break
    while words and words[-1].lower() in CONNECTORS:
        words.pop()
    return " ".join(words)


def is_outlet(part: str) -> bool:
    return 0 < len(part) <= 60 and outlet_name(part) == part
