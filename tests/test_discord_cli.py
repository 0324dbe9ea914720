"""`citebot discord` as an operator runs it: fails fast without a token; connects, syncs, answers, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
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
            assert {"ask", "sources", "ingest", "remove", "audit", "show", "edit"} <= fake.commands.keys(), "slash commands synced"
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
    assert "voice will NOT be supported" not in log, "a bot without voice is not told voice libraries are missing"
    assert "stopped" in log.splitlines()[-1]


# -- when it cannot run: one line, a documented exit code ---------------------------------------
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run_discord(env: dict, timeout: float = 90) -> tuple[int, str]:
    """`citebot discord` to its end: (exit code, stderr). Killed (and failed) if it hangs."""
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "discord", cwd=REPO, env=env,
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        process.kill()
        _, stderr = await process.communicate()
        pytest.fail(f"`citebot discord` was still running after {timeout} s; stderr: {stderr.decode()[-1500:]}")
    return process.returncode, stderr.decode()


def assert_one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and "Traceback" not in stderr and "unexpected" not in stderr, stderr[-2000:]
    return stderr.strip()


async def test_an_unreachable_discord_api_is_one_line_naming_the_url_and_exit_4(tmp_path):
    api = f"http://127.0.0.1:{closed_port()}/api/v10"
    code, stderr = await run_discord(env_for(tmp_path, DISCORD_TOKEN=TOKEN, CITEBOT_DISCORD_API_BASE=api,
                                             CITEBOT_DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{closed_port()}/"))
    line = assert_one_line(stderr)
    assert code == 4
    assert api in line and "could not reach" in line.lower() and "network" in line.lower()
    assert TOKEN not in stderr


async def test_an_unreachable_gateway_is_one_line_naming_it_and_exit_4(fake, tmp_path):
    gateway = f"ws://127.0.0.1:{closed_port()}/gateway"
    code, stderr = await run_discord(env_for(tmp_path, DISCORD_TOKEN=TOKEN, CITEBOT_DISCORD_API_BASE=fake.api_base,
                                             CITEBOT_DISCORD_GATEWAY_URL=gateway))
    line = assert_one_line(stderr)
    assert code == 4
    assert gateway in line and "could not reach" in line.lower()


async def test_message_content_intent_switched_off_says_where_to_switch_it_on_and_exit_2(fake, tmp_path):
    fake.message_content_enabled = False  # as in the developer portal: Discord closes the gateway with 4014
    code, stderr = await run_discord(env_for(tmp_path, DISCORD_TOKEN=TOKEN, CITEBOT_DISCORD_API_BASE=fake.api_base,
                                             CITEBOT_DISCORD_GATEWAY_URL=fake.ws_url))
    line = assert_one_line(stderr)
    assert code == 2
    assert "Message Content Intent" in line and "Privileged Gateway Intents" in line and "developer portal" in line
    assert fake.gateway.identify is not None, "it did reach the gateway: the refusal is Discord's"


async def test_a_token_discord_rejects_is_one_line_saying_to_copy_it_again_and_exit_2(fake, tmp_path):
    fake.token = TOKEN  # the application's real token; the operator pasted another one
    code, stderr = await run_discord(env_for(tmp_path, DISCORD_TOKEN=TOKEN[:-4] + "XXXX", CITEBOT_DISCORD_API_BASE=fake.api_base,
                                             CITEBOT_DISCORD_GATEWAY_URL=fake.ws_url))
    line = assert_one_line(stderr)
    assert code == 2
    assert "rejected the bot token" in line and "developer portal" in line


def test_discords_voice_warnings_are_silenced_but_its_other_warnings_are_not(tmp_path, embedder, caplog):
    """A bot without voice need not hear that PyNaCl and davey are missing; anything else discord.py says still shows."""
    import logging

    from discord.voice_client import VoiceClient

    from bot.discord.client import CitebotDiscord
    from bot.library import Citebot
    from tests.conftest import make_settings

    VoiceClient.warn_nacl = VoiceClient.warn_dave = True  # as in a fresh process without PyNaCl/davey
    with caplog.at_level(logging.WARNING, logger="discord"):
        CitebotDiscord(Citebot(make_settings(tmp_path), embedder=embedder))
        logging.getLogger("discord.client").warning("Shard ID None has stopped responding to the gateway.")
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "voice will NOT be supported" in m], messages
    assert "Shard ID None has stopped responding to the gateway." in messages


async def test_the_log_names_each_servers_id_and_source_set_for_ingesting_into_it(fake, tmp_path, embedder):
    """Operators find a server's id for `citebot ingest --scope guild:<id>` in the bot's log (INFO)."""
    from tests.discord_fixtures import bot_for, running

    guild = fake.guilds[0]
    async with running(bot_for(fake, tmp_path / "home", embedder, discord_per_server_scope=True)) as run:
        pass
    assert f"server 'Alpha': id {guild.id}, source set 'guild:{guild.id}'" in run.log.text()
