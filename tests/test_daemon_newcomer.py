"""The background daemon, as a newcomer meets it: it says when an ask starts one, `status` calls a
warming daemon "starting" rather than a fault, and `stop` returns once the process is gone.

Real daemons (`python -m bot daemon run` with the real model and store), real terminals; every
daemon a test starts is stopped, or killed, before it ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.client.daemon import daemon_paths, lock_is_held, lock_pid
from tests.conftest import REPO
from tests.terminal import run_at_terminal


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), HF_HUB_OFFLINE="1", PYTHONPATH=str(REPO), **extra)
    return env


def citebot(env: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def wait_for(predicate, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Is `pid` a live process (a zombie, waiting for a parent to reap it, has exited)?"""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def reap(env: dict) -> None:
    paths = daemon_paths(env=env)
    pid = lock_pid(paths)
    if lock_is_held(paths):
        citebot(env, "daemon", "stop", timeout=60)
    if pid and alive(pid):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def home_env(tmp_path):
    env = env_for(tmp_path / "home")
    yield env
    reap(env)


def _ready(env: dict) -> bool:
    reply = json.loads(citebot(env, "daemon", "status", "--json").stdout)
    return reply["running"] and not reply.get("starting") and reply.get("responding", True)


def test_an_ask_at_a_terminal_that_starts_a_daemon_says_so_once_with_how_to_stop_it(tmp_path):
    env = env_for(tmp_path / "home", CITEBOT_DAEMON_IDLE_S="60")  # autostart unset: the default
    try:
        first = run_at_terminal(env, "ask", "Is anything ingested?", stderr=False)
        assert first.returncode == 0 and "don't say" in first.screen
        notes = [line for line in first.stderr.splitlines() if line.strip() and not line.startswith("answer id ")]
        assert len(notes) == 1, first.stderr
        assert "daemon" in notes[0] and "citebot daemon stop" in notes[0] and "CITEBOT_DAEMON_AUTOSTART=false" in notes[0]
        wait_for(lambda: _ready(env), "the daemon started from the terminal to be ready")
        second = run_at_terminal(env, "ask", "Is anything ingested?", stderr=False)
        assert second.returncode == 0 and "don't say" in second.screen
        said = [line for line in second.stderr.splitlines() if line.strip() and not line.startswith("answer id ")]
        assert said == []  # this ask started nothing, so it says nothing beyond its answer id
    finally:
        reap(env)


def test_status_of_a_daemon_still_loading_says_it_is_starting(home_env, monkeypatch):
    from bot.main import cli

    daemon = subprocess.Popen([sys.executable, "-m", "bot", "daemon", "run"], cwd=REPO, env=home_env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        paths = daemon_paths(env=home_env)
        wait_for(lambda: lock_is_held(paths) or daemon.poll() is not None, "the daemon to take its lock")
        monkeypatch.setenv("CITEBOT_HOME", home_env["CITEBOT_HOME"])
        reported = CliRunner().invoke(cli, ["daemon", "status"], prog_name="citebot")
        warming = not paths.socket.exists()  # it binds its socket only once warm: still loading?
        assert warming, "the daemon warmed up before status was asked; nothing was tested"
        assert reported.exit_code == 0
        assert reported.stdout.startswith("starting: loading the model, ready in a few seconds"), reported.stdout
        assert "does not answer" not in reported.stdout
        as_json = json.loads(CliRunner().invoke(cli, ["daemon", "status", "--json"], prog_name="citebot").stdout)
        assert as_json["running"] is True and as_json["starting"] is True
        wait_for(lambda: _ready(home_env), "the daemon to finish warming")
        ready = CliRunner().invoke(cli, ["daemon", "status"], prog_name="citebot")
        assert ready.stdout.startswith("daemon running, pid")
    finally:
        reap(home_env)
        daemon.wait(timeout=60)


def test_daemon_stop_returns_only_once_the_process_has_exited(home_env):
    info = json.loads(citebot(home_env, "daemon", "start", "--json").stdout)
    pid = info["pid"]
    assert alive(pid)
    stopped = citebot(home_env, "daemon", "stop", "--json")
    gone = not alive(pid)  # looked at the moment stop returned
    assert stopped.returncode == 0 and json.loads(stopped.stdout)["stopped"] is True
    assert gone, "`citebot daemon stop` returned while the daemon's process was still running"
