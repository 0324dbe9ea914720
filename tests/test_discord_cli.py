"""`citebot discord` as an operator runs it: fails fast without a token; connects, syncs, answers, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.discord_fixtures import TOKEN, fake  # noqa: F401


def env_for(home, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_") and k != "DISCORD_TOKEN"}
    return {**env, "CITEBOT_HOME": str(home), "HF_HUB_OFFLINE": "1", **extra}


def test_without_a_token_it_fails_fast_with_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "discord"], cwd=REPO, env=env_for(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "DISCORD_TOKEN" in result.stderr


@pytest.mark.slow
async def test_it_connects_syncs_answers_and_stops_cleanly_on_sigterm(fake, tmp_path):
    guild, member = fake.guilds[0], fake.new_user("maria")
    log_path = tmp_path / "stderr.log"
    env = env_for(tmp_path / "home", DISCORD_TOKEN=TOKEN, CITEBOT_DISCORD_API_BASE=fake.api_base,
                  CITEBOT_DISCORD_GATEWAY_URL=fake.ws_url, CITEBOT_DISCORD_READY_TIMEOUT="0.05",
                  CITEBOT_LOG_LEVEL="DEBUG")
    with log_path.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "discord", cwd=REPO, env=env,
                                                       stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            await asyncio.wait_for(fake.gateway.ready.wait(), 60)
            assert {"ask", "sources", "ingest", "remove", "audit"} <= fake.commands.keys(), "slash commands synced"
            sent = await fake.send_command(guild, member, "ask", {"question": "Where was the concert hall?"})
            reply = await asyncio.wait_for(
                fake.recorder.wait_for(lambda r: r.path.endswith(f"/{sent.token}"), after=sent.mark), 120)
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = log_path.read_text()
    assert "No sources have been ingested" in reply.text(), "an empty store abstains"
    assert code == 0, log[-2000:]
    assert "Traceback" not in log and TOKEN not in log
    assert "stopped" in log.splitlines()[-1]
