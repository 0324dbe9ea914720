"""After an answer is composed: rank it by who vouches for each source, and say how old it is.

The answer engine picks the sentences; this step only reorders and annotates them, so a quote is
never changed. Within each side of a story (claims, reports, disputes) verified outlets come
before context ones, then older reports before newer, so a reader of an evolving story sees what
was known when. If even the newest cited source is old, the answer says so with the date it was
given ("as of"), because "no newer source" is not "nothing changed".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.engine.answer import Answer, Citation
from bot.engine.speaker_words import is_title_word
from bot.engine.trust import TIER_RANK, UNKNOWN, Registry
from vectorstore.records import Passage

KIND_ORDER = {"claim": 0, "report": 1, "dispute": 2}


def _published(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def _order_key(c: Citation) -> tuple:
    return (TIER_RANK.get(c.tier, TIER_RANK[UNKNOWN]), KIND_ORDER.get(c.kind, 1), c.published_at[:10] or "9999", -c.score)


def apply_trust(answer: Answer, registry: Registry) -> Answer:
    """Label citations and sources with their tier, order them, and renumber the sources."""
    tier = {ref.document_id: registry.tier_for_url(ref.url) for ref in answer.sources + answer.closest}
    answer.closest = [replace(r, tier=tier[r.document_id]) for r in answer.closest]
    if answer.abstained:
        return answer
    labelled = [replace(c, tier=tier.get(c.document_id, UNKNOWN)) for c in answer.citations]
    # the quote that answers best stays first; tier and date order the others that bear on the question
    ranked = labelled[:1] + sorted(labelled[1:], key=_order_key)
    numbers: dict[str, int] = {}
    for c in ranked:
        numbers.setdefault(c.document_id, len(numbers) + 1)
    by_id = {r.document_id: r for r in answer.sources}
    answer.citations = [replace(c, n=numbers[c.document_id]) for c in ranked]
    answer.sources = [replace(by_id[d], n=n, tier=tier[d]) for d, n in numbers.items()]
    return answer


# Words that may precede a surname without being a first name: titles, honorifics and nationality
# adjectives ("President", "Dr", "Belarusian"; attribution.is_title_word), plus sentence glue.
_GLUE = {"the", "a", "an", "in", "on", "but", "and", "according"}


def _first_name(word: str) -> bool:
    return word.lower() not in _GLUE and not is_title_word(word)


# Courtesy titles a full name replaces ("Mr Pryce" -> "Gordon Pryce"); a rank or a profession
# stays with it ("Dr Tulloch" -> "Dr Hamish Tulloch").
_COURTESY = {"mr", "mrs", "ms", "miss", "mx"}


def full_speaker_names(answer: Answer, passages: list[Passage]) -> Answer:
    """'Claim by Lukashenko' -> 'Claim by Alexander Lukashenko', 'Claim by Mr Pryce' -> 'Claim by
    Gordon Pryce' when the same article names him in full.

    Only a first name written directly before the surname in that article's own text is used,
    so the label never names anyone the source does not.
    """
    texts: dict[str, list[str]] = {}
    for p in passages:
        texts.setdefault(p.document_id, []).append(p.text)

    def full(c: Citation) -> str:
        *titles, surname = c.speaker.split() or [""]
        if not surname[:1].isupper() or len(titles) > 1 or (titles and not is_title_word(titles[0])):
            return c.speaker
        pattern = re.compile(rf"\b([A-Z][a-z]+)\s+{re.escape(surname)}\b")
        for text in texts.get(c.document_id, []):
            for match in pattern.finditer(text):
                if _first_name(match.group(1)):
                    kept = [t for t in titles if t.lower().rstrip(".") not in _COURTESY]
                    return " ".join([*kept, match.group(1), surname])
        return c.speaker

    answer.citations = [replace(c, speaker=full(c)) for c in answer.citations]
    return answer


def note_freshness(answer: Answer, now: dt.datetime | dt.date, stale_after_days: int) -> Answer:
    """Record the answer's date and its newest cited source; flag it when that source is old."""
    today = now.date() if isinstance(now, dt.datetime) else now
    answer.as_of = today.isoformat()
    dates = [d for d in (_published(r.published_at) for r in answer.sources) if d is not None]
    if answer.abstained or not dates:
        return answer
    newest = max(dates)
    answer.newest_source = newest.isoformat()
    age = (today - newest).days
    answer.stale_days = age if stale_after_days and age > stale_after_days else 0
    return answer
