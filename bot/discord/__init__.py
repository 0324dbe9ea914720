"""The Discord adapter: a discord.py client whose commands call `bot.library` and render with `format`."""
