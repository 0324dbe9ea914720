"""Run a real discord.py client against the fake and wait for its replies without hiding errors.

discord.py only logs an exception raised inside an event or command handler; a test that just
waited for a reply would time out with no clue. `BotRun.wait` races the awaited reply against the
bot task ending and any ERROR logged by discord.py or citebot, and fails at once with the detail.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

import discord

T = TypeVar("T")
WATCHED_LOGGERS = ("discord", "citebot")


class _ErrorCapture(logging.Handler):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(level=logging.DEBUG)
        self.loop = loop
        self.records: list[logging.LogRecord] = []
        self.errors: list[logging.LogRecord] = []
        self.error_seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.levelno >= logging.ERROR:
            self.errors.append(record)
            self.loop.call_soon_threadsafe(self.error_seen.set)

    def text(self) -> str:
        """Every captured log line, formatted (with tracebacks): to check what reached the log."""
        formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        return "\n".join(formatter.format(r) for r in self.records)


class BotRun:
    """`async with BotRun(client, token) as run:` — started, connected and ready; closed after."""

    def __init__(self, client: discord.Client, token: str, *, timeout: float = 60) -> None:
        self.client = client
        self.token = token
        self.timeout = timeout
        self.task: asyncio.Task | None = None
        self.log: _ErrorCapture | None = None
        self._levels: dict[str, int] = {}

    async def __aenter__(self) -> BotRun:
        self.log = _ErrorCapture(asyncio.get_running_loop())
        for name in WATCHED_LOGGERS:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self.log)
        self.task = asyncio.create_task(self.client.start(self.token), name="discord-bot")
        await self.wait(self.client.wait_until_ready())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.close()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, 10)
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing; the test already has its result
                pass
        for name in WATCHED_LOGGERS:
            logger = logging.getLogger(name)
            logger.removeHandler(self.log)
            logger.setLevel(self._levels[name])

    async def wait(self, awaitable: Awaitable[T], timeout: float | None = None, *, expect_errors: bool = False) -> T:
        """The awaited result — or an immediate failure if the bot stops or logs an error first.

        `expect_errors=True` is for tests of error handling itself: logged errors are then
        left for the test to inspect in `self.log.errors`.
        """
        assert self.task is not None and self.log is not None
        target = asyncio.ensure_future(awaitable)
        error = asyncio.ensure_future(asyncio.Event().wait() if expect_errors else self.log.error_seen.wait())
        done, _ = await asyncio.wait({target, self.task, error}, timeout=timeout or self.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        error.cancel()
        if target in done:
            return target.result()
        target.cancel()
        if error in done or (self.log.errors and not expect_errors):
            record = self.log.errors[0]
            detail = logging.Formatter().format(record)
            raise AssertionError(f"the bot logged an error: {detail}")
        if self.task in done:
            exc = self.task.exception()
            raise AssertionError(f"the bot stopped: {exc!r}") from exc
        raise AssertionError(f"no result within {timeout or self.timeout} s")
