"""A question that names a day ("the Harbour Ledger article published on May 2, 2025") is answered
from that outlet's article of that day, not from its other articles on the same story."""

from __future__ import annotations

import datetime as dt
import json

from bot.library import Citebot
from tests.conftest import make_settings
from vectorstore.query_analysis import named_dates

ARTICLES = [
    {
        "title": "Council approves harbour wall repairs", "source": "Harbour Ledger",
        "url": "https://ledger.example/2025/05/02/wall", "published_at": "2025-05-02T09:00:00+00:00",
        "body": "The town council approved repairs to the old harbour wall on Thursday. Engineers said the "
                "storm in March had opened cracks along forty metres of the wall. The repairs are to cost "
                "1.2 million euros and will start in June, the council said.",
    },
    {
        "title": "Harbour wall repairs delayed", "source": "Harbour Ledger",
        "url": "https://ledger.example/2025/07/15/wall", "published_at": "2025-07-15T09:00:00+00:00",
        "body": "Repairs to the old harbour wall have been delayed until autumn, the council said on Tuesday. "
                "The contractor asked for more time after finding further cracks in the wall. The cost of "
                "the repairs has risen to 1.6 million euros, according to the council.",
    },
]


def test_days_are_read_in_the_ways_news_questions_write_them():
    assert named_dates("the article published on October 4, 2023") == {dt.date(2023, 10, 4)}
    assert named_dates("a report from 28 October 2023 and one of Sept. 3rd, 2023") == {
        dt.date(2023, 10, 28), dt.date(2023, 9, 3)}
    assert named_dates("filed 2023-11-01") == {dt.date(2023, 11, 1)}
    assert named_dates("on February 30, 2023, in October 2023, or last week") == set()


def test_a_named_day_picks_that_days_article_of_the_outlet(tmp_path, embedder):
    corpus = tmp_path / "ledger.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    bot = Citebot(make_settings(tmp_path / "home"), embedder=embedder)
    assert not bot.ingest([str(corpus)], actor="test").failed
    undated = bot.ask("What did the Harbour Ledger report about the cost of the harbour wall repairs?")
    assert {c.url for c in undated.citations} == {a["url"] for a in ARTICLES}  # both days bear on it
    dated = bot.ask("What did the Harbour Ledger article published on July 15, 2025 report about the cost of the harbour wall repairs?")
    assert not dated.abstained
    assert {c.url for c in dated.citations} == {ARTICLES[1]["url"]}, [c.quote for c in dated.citations]
