"""Test data for feedback and gaps: two small articles of a made-up town, and questions about them.

MUSEUM is in the store from the start; BRIDGE_QUESTION is not covered by it (the bot abstains)
until BRIDGE is ingested. MUSEUM_UPDATED is a corrected version of MUSEUM (same URL, new text).
"""

from __future__ import annotations

import datetime as dt

MUSEUM = """---
title: Harbour museum adds a whaling gallery
outlet: Port Ellery Gazette
published: 2024-04-02
url: https://gazette.example.org/museum-gallery
---

The Port Ellery harbour museum opened a new gallery on whaling history on Tuesday.
The curator said the gallery holds 300 objects donated by local families.
Entry to the new gallery costs four pounds for adults and is free for children.
"""

MUSEUM_UPDATED = MUSEUM.replace(
    "Entry to the new gallery costs four pounds for adults and is free for children.",
    "Correction: entry to the new gallery is free for everyone until the end of May, the museum said.",
)

BRIDGE = """---
title: Elm Street bridge to open on 14 June
outlet: Port Ellery Gazette
published: 2024-05-20
url: https://gazette.example.org/elm-bridge
---

The new Elm Street bridge over the Ellery river will open to traffic on 14 June, the city engineer said on Monday.
Construction of the bridge cost 42 million pounds and took three years.
Cyclists will get a separate lane on the bridge's east side.
"""

BRIDGE_QUESTION = "When will the new Elm Street bridge open?"
BRIDGE_PARAPHRASES = [
    "What is the opening date of the Elm Street bridge?",
    "when does the elm street bridge open to traffic",
    "Has a date been set for opening the new bridge on Elm Street?",
]
MUSEUM_QUESTION = "How much does entry to the new museum gallery cost?"
OTHER_TOPIC = "Who won the mayoral election in Springfield?"


class Clock:
    """An adjustable "now" for `Citebot(clock=...)`: retention is tested by moving it, not by waiting.

    It starts a day before the real time, so a `citebot` process run by the test (real clock) still
    finds the questions recorded with it within the retention.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)
