"""The answer engine: from retrieved passages to a cited answer.

One module per stage, each called by `bot.library.asking` in order and none calling back:
rerank -> select -> attribution -> provenance (trust tiers, speakers, freshness) -> render.
"""
