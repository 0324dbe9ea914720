"""The ingest progress bar: articles done of the expected total, chunks per second, time left.

Only on a terminal: when stderr is piped (a script, CI, a log file) or the command prints --json,
the bar is off and nothing but the command's own output is written. The totals come from the
library (`IngestProgress`), which counts articles as inputs are read: a folder of files, a feed
or a .jsonl of many articles all show articles, not files.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


@contextmanager
def ingest_bar(enabled: bool):
    """Yields the `on_progress` listener for `Citebot.ingest` (a no-op when the bar is off)."""
    from tqdm import tqdm

    bar = tqdm(total=None, unit=" articles", desc="Ingesting", file=sys.stderr, leave=False,
               disable=None if enabled else True, dynamic_ncols=True)
    started = time.monotonic()

    def update(totals) -> None:
        if bar.disable:
            return
        bar.total = max(totals.articles_expected, totals.articles_done)
        elapsed = max(time.monotonic() - started, 1e-6)
        bar.set_postfix_str(f"{totals.chunks_stored} chunks, {totals.chunks_stored / elapsed:.1f} chunks/s", refresh=False)
        done = totals.articles_done - bar.n
        if done:
            bar.update(done)  # redraws (throttled), keeping tqdm's own rate and time left
        else:
            bar.refresh()  # an input was read: a new total

    try:
        yield update
    finally:
        bar.close()
