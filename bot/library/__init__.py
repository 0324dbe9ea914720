"""The citebot application API: `Citebot` (ingest, ask, sources, trust, audit).

The CLI, the Discord bot and the daemon are thin adapters over it; tests drive it directly.
"""

from bot.library.asking import MAX_QUESTION_CHARS
from bot.library.citebot import Citebot
from bot.library.ingesting import IngestReport, ItemResult

__all__ = ["Citebot", "IngestReport", "ItemResult", "MAX_QUESTION_CHARS"]
