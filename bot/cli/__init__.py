"""The command line (`citebot ...`): parses arguments, calls `bot.library`, renders. No logic of its own."""
