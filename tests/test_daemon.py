"""The warm daemon (`citebot daemon`): same answers as in-process, light client, safe socket, clean lifecycle.

Real processes throughout: `python -m bot daemon start` launches a real daemon (real Chroma, the real
model), `python -m bot ask` talks to it over its Unix socket. Every daemon a test starts is stopped
(and, failing that, killed) by the fixture that started it: no test leaves one running.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bot.client.daemon import (
    MAX_REQUEST_BYTES, PROTOCOL, DaemonError, check_private_dir, daemon_paths, lock_is_held, lock_pid, request,
    settings_fingerprint,
)
from tests.conftest import CANONICAL_QUESTION, REPO

HEAVY = ("chromadb", "numpy", "onnxruntime", "tokenizers", "torch", "pydantic", "vectorstore.chroma_store",
         "vectorstore.embeddings", "vectorstore.retriever", "bot.library")


def env_for(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell for `home`: no stray CITEBOT_* from the test runner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), HF_HUB_OFFLINE="1", **extra)
    return env


def citebot(env: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def status(env: dict) -> dict:
    """What `citebot daemon status --json` reports, asked over the socket from this process (no child)."""
    paths = paths_of(env)
    reply = request(paths, {"v": PROTOCOL, "op": "status", "fingerprint": settings_fingerprint(env), "cwd": str(REPO)}, timeout=30)
    if reply is not None:
        return {"running": True, **reply["info"]}
    return {"running": lock_is_held(paths)}


def wait_for(predicate, what: str, timeout: float = 90.0) -> None:
    """Poll until `predicate()` holds (a generous deadline, not a speed requirement)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


def paths_of(env: dict):
    return daemon_paths(env=env)


def reap(env: dict) -> None:
    """Make sure no daemon for this environment's home outlives the test."""
    paths = paths_of(env)
    if lock_is_held(paths):
        citebot(env, "daemon", "stop", timeout=60)
    pid = lock_pid(paths)
    if lock_is_held(paths) and pid:
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def empty_env(tmp_path):
    """A fresh, empty home; whatever daemon the test starts there is ended afterwards."""
    env = env_for(tmp_path / "home")
    yield env
    reap(env)


@pytest.fixture(scope="module")
def sample_env(sample_home, tmp_path_factory):
    """A writable copy of the sample-corpus home with a warm daemon running for it."""
    home = tmp_path_factory.mktemp("daemon-sample") / "home"
    shutil.copytree(sample_home, home)
    env = env_for(home)
    result = citebot(env, "daemon", "start", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["started"] is True
    yield env
    reap(env)


# -- where the socket lives ---------------------------------------------------------------------------
@pytest.fixture
def runtime_dir():
    """A short directory: a stand-in for $XDG_RUNTIME_DIR or a short home (pytest's tmp_path may be long)."""
    path = Path(tempfile.mkdtemp(prefix="cbrt", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_short_home_keeps_its_socket_inside_the_home(runtime_dir):
    paths = daemon_paths(runtime_dir / "h")
    assert paths.socket == runtime_dir / "h" / "daemon" / "daemon.sock"


def test_a_long_home_gets_a_short_per_user_socket_named_by_a_hash_of_the_home(tmp_path, runtime_dir, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
    deep = tmp_path / ("a-very-long-directory-name-" * 5)
    one, other = daemon_paths(deep / "one"), daemon_paths(deep / "other")
    assert one.directory == runtime_dir / "citebot"
    assert len(os.fsencode(one.socket)) <= 100
    assert one.socket != other.socket and one.lock != other.lock


def test_a_socket_directory_open_to_others_or_owned_by_someone_else_is_refused(tmp_path):
    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o755)
    os.chmod(open_dir, 0o755)
    with pytest.raises(DaemonError, match="others may access it"):
        check_private_dir(open_dir)
    foreign = tmp_path / "foreign"
    foreign.mkdir(mode=0o700)
    if os.getuid() == 0:
        os.chown(foreign, 65534, 65534)
    else:
        foreign = Path("/")
    with pytest.raises(DaemonError, match="owned by uid"):
        check_private_dir(foreign, create=True)
    link = tmp_path / "link"
    link.symlink_to(open_dir)
    with pytest.raises(DaemonError, match="not a directory"):
        check_private_dir(link, create=True)


def test_the_fingerprint_follows_settings_but_not_daemon_lifecycle_settings(tmp_path):
    base = env_for(tmp_path)
    assert settings_fingerprint(base) == settings_fingerprint(dict(base, CITEBOT_DAEMON_AUTOSTART="1", CITEBOT_DAEMON_IDLE_S="5"))
    assert settings_fingerprint(base) != settings_fingerprint(dict(base, CITEBOT_TOP_K="3"))


# -- the warm path -------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    (CANONICAL_QUESTION,),
    (CANONICAL_QUESTION, "--json", "-k", "5", "--since", "2024-03-25"),
    ("Who won the 2018 World Cup?", "--json"),
], ids=["text", "json-options", "abstention"])
def test_a_daemon_served_ask_prints_exactly_what_the_in_process_ask_prints(sample_env, args):
    served_before = status(sample_env)["served"]
    warm = citebot(sample_env, "ask", *args)
    assert status(sample_env)["served"] == served_before + 1, "the daemon did not serve it"
    cold = citebot(sample_env, "ask", "--no-daemon", *args)
    assert status(sample_env)["served"] == served_before + 1
    assert cold.stdout and without_answer_id(warm) == without_answer_id(cold)
    assert warm.returncode == cold.returncode == 0


def without_answer_id(result: subprocess.CompletedProcess) -> tuple[str, str]:
    """stdout and stderr of an ask, with its answer id (each ask records its own question) taken out."""
    if result.stdout.startswith("{"):
        payload = json.loads(result.stdout)
        assert len(payload.pop("answer_id")) == 12
        return json.dumps(payload), result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("answer id ")
    return result.stdout, line.replace(line.split()[2], "<id>")


def test_a_question_the_daemon_cannot_answer_gets_the_in_process_error_line(sample_env):
    warm = citebot(sample_env, "ask", "   ")
    cold = citebot(sample_env, "ask", "--no-daemon", "   ")
    assert warm.returncode == cold.returncode == 2
    assert warm.stderr == cold.stderr and warm.stderr.startswith("citebot: error:") and warm.stderr.count("\n") == 1
    assert warm.stdout == cold.stdout == ""


def test_the_client_of_a_daemon_served_ask_imports_neither_chroma_nor_the_model(sample_env):
    probe = (
        "import sys\n"
        "from bot.main import cli\n"
        "try:\n"
        f"    cli(['ask', {CANONICAL_QUESTION!r}, '--json'], prog_name='citebot')\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    served_before = status(sample_env)["served"]
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=sample_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert status(sample_env)["served"] == served_before + 1
    assert json.loads(result.stdout)["citations"]
    assert result.stderr.strip() == "[]"


def test_an_ask_with_other_settings_is_answered_in_process(sample_env):
    served_before = status(sample_env)["served"]
    other = dict(sample_env, CITEBOT_MAX_QUOTES="1")
    result = citebot(other, "ask", CANONICAL_QUESTION, "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["citations"]) == 1
    assert status(sample_env)["served"] == served_before
    assert status(other)["fresh"] is False


def test_a_document_ingested_by_another_process_is_cited_by_the_running_daemon(sample_env, embedder, tmp_path):
    from bot.library import Citebot
    from tests.conftest import make_settings

    article = tmp_path / "glacier.md"
    article.write_text(
        "---\ntitle: Glacier survey finds record retreat\noutlet: Alpine Courier\npublished: 2024-05-02\n"
        "url: https://alpine-courier.example.org/glacier-survey\n---\n"
        "The Morteratsch glacier retreated by 146 metres last year, the survey team reported. "
        "Researchers measured the glacier tongue with drones and GPS stakes.\n"
    )
    writer = Citebot(make_settings(Path(sample_env["CITEBOT_HOME"])), embedder=embedder)
    assert writer.ingest([str(article)], actor="other-process").count("added") == 1
    served_before = status(sample_env)["served"]
    result = citebot(sample_env, "ask", "How far did the Morteratsch glacier retreat?", "--json")
    assert status(sample_env)["served"] == served_before + 1
    urls = {c["url"] for c in json.loads(result.stdout)["citations"]}
    assert "https://alpine-courier.example.org/glacier-survey" in urls


def test_malformed_requests_get_an_error_reply_and_the_daemon_keeps_serving(sample_env):
    paths = paths_of(sample_env)

    def send(raw: bytes) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(str(paths.socket))
            s.sendall(raw)
            return json.loads(s.makefile("rb").readline())

    assert send(b"not json\n")["status"] == "error"
    assert "larger than" in send(b"x" * (MAX_REQUEST_BYTES + 10))["error"]
    assert send(json.dumps({"v": PROTOCOL, "op": "format-disk"}).encode() + b"\n")["status"] == "error"
    bad_k = {"v": PROTOCOL, "op": "ask", "question": "q", "k": "all", "scope": None, "since": None, "until": None, "json": False, "llm": None}
    assert "k must be" in send(json.dumps(bad_k).encode() + b"\n")["error"]
    assert send(json.dumps({"v": PROTOCOL, "op": "status"}).encode() + b"\n")["status"] == "ok"


def test_the_socket_is_private_to_the_user(sample_env):
    paths = paths_of(sample_env)
    assert paths.socket.stat().st_mode & 0o777 == 0o600
    assert paths.directory.stat().st_mode & 0o777 == 0o700


# -- lifecycle -----------------------------------------------------------------------------------------
def test_two_starts_at_once_make_one_daemon_even_for_a_long_home(tmp_path, runtime_dir):
    home = tmp_path / ("long-home-name-" * 6) / "home"
    env = env_for(home, XDG_RUNTIME_DIR=str(runtime_dir))
    try:
        starts = [subprocess.Popen([sys.executable, "-m", "bot", "daemon", "start", "--json"], cwd=REPO, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=180) for p in starts]
        assert [p.returncode for p in starts] == [0, 0], [err for _, err in outs]
        infos = [json.loads(out) for out, _ in outs]
        assert infos[0]["pid"] == infos[1]["pid"]
        assert sorted(i["started"] for i in infos) == [False, True]
        assert Path(infos[0]["socket"]).parent == runtime_dir / "citebot"
        answer = citebot(env, "ask", "Is anything ingested?")
        assert answer.returncode == 0 and answer.stdout.startswith("The ingested sources don't say.")
        assert status(env)["served"] == 1
    finally:
        reap(env)


@pytest.mark.parametrize("how", ["daemon stop", "SIGTERM"])
def test_stop_and_sigterm_end_the_daemon_cleanly_and_its_log_holds_no_secrets(empty_env, how):
    env = dict(empty_env, DISCORD_TOKEN="tok-do-not-log-3141")
    info = json.loads(citebot(env, "daemon", "start", "--json").stdout)
    socket_path = Path(info["socket"])
    assert socket_path.exists()
    assert citebot(env, "ask", "What did the private question ask?").returncode == 0
    assert status(env)["served"] == 1
    if how == "SIGTERM":
        os.kill(info["pid"], signal.SIGTERM)
    else:
        stopped = citebot(env, "daemon", "stop", "--json")
        assert json.loads(stopped.stdout)["stopped"] is True
    wait_for(lambda: not lock_is_held(paths_of(env)), "the daemon to exit")  # its lock dies with it
    assert not socket_path.exists()
    assert status(env)["running"] is False
    log = paths_of(env).log.read_text()
    assert "ready" in log and "stop" in log
    assert "tok-do-not-log-3141" not in log and "private question" not in log


def test_after_a_sigkill_the_client_removes_the_dead_socket_and_answers_itself(empty_env):
    info = json.loads(citebot(empty_env, "daemon", "start", "--json").stdout)
    os.kill(info["pid"], signal.SIGKILL)
    wait_for(lambda: not lock_is_held(paths_of(empty_env)), "the killed daemon to disappear")
    assert Path(info["socket"]).exists()  # nothing cleaned up after a SIGKILL
    result = citebot(empty_env, "ask", "Is anything ingested?")
    assert result.returncode == 0 and result.stdout.startswith("The ingested sources don't say.")
    assert "Traceback" not in result.stderr
    assert not Path(info["socket"]).exists()


def test_autostart_starts_a_daemon_after_answering_and_the_idle_timeout_ends_it(tmp_path):
    env = env_for(tmp_path / "home", CITEBOT_DAEMON_AUTOSTART="1", CITEBOT_DAEMON_IDLE_S="3")
    try:
        first = citebot(env, "ask", "Is anything ingested?")
        assert first.returncode == 0 and first.stdout.startswith("The ingested sources don't say.")
        wait_for(lambda: status(env).get("served") == 0, "the autostarted daemon to be ready")
        second = citebot(env, "ask", "Is anything ingested?")
        assert second.stdout == first.stdout
        assert status(env)["served"] == 1
        wait_for(lambda: not status(env)["running"], "the idle daemon to exit")
    finally:
        reap(env)


def test_by_default_an_ask_typed_at_a_terminal_starts_a_daemon_for_the_next_one(tmp_path):
    import pty

    env = env_for(tmp_path / "home", CITEBOT_DAEMON_IDLE_S="30")  # daemon_autostart unset: the default
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run([sys.executable, "-m", "bot", "ask", "Is anything ingested?"], cwd=REPO, env=env,
                                 stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, timeout=180)
        assert process.returncode == 0 and b"Traceback" not in process.stderr
        os.close(terminal)
        terminal = -1
        printed = b""
        while b"don't say" not in printed:
            printed += os.read(controller, 4096)
        wait_for(lambda: status(env).get("served") == 0, "the daemon started from the terminal to be ready")
        assert citebot(env, "ask", "Is anything ingested?").returncode == 0
        assert status(env)["served"] == 1
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
        reap(env)


def test_by_default_an_ask_from_a_script_starts_no_daemon(empty_env):
    assert citebot(empty_env, "ask", "Is anything ingested?").returncode == 0
    reported = citebot(empty_env, "daemon", "status", "--json")
    assert reported.returncode == 0 and json.loads(reported.stdout)["running"] is False
    assert not paths_of(empty_env).log.exists()  # written by the launcher before a daemon even starts


# -- the protocol, one request at a time (no socket) -----------------------------------------------------
def _state(tmp_path, embedder, **settings):
    from bot.daemon.server import DaemonState, code_fingerprint
    from bot.library import Citebot
    from tests.conftest import make_settings

    bot = Citebot(make_settings(tmp_path / "home", **settings), embedder=embedder)
    return DaemonState(bot=bot, paths=daemon_paths(tmp_path / "home"), fingerprint="fp", code=code_fingerprint(),
                       cwd=str(tmp_path), cwd_sensitive=False, idle_s=0)


def _ask(**overrides) -> dict:
    return {"v": PROTOCOL, "op": "ask", "fingerprint": "fp", "cwd": "/", "question": "q", "k": None, "scope": None,
            "since": None, "until": None, "json": False, "llm": None, **overrides}


def test_a_daemon_whose_code_changed_on_disk_answers_stale_and_exits(tmp_path, embedder):
    from bot.daemon.server import handle

    state = _state(tmp_path, embedder)
    state.code = [("bot/answer.py", 1, 1)]  # what the files looked like when it started
    assert handle(state, _ask())["status"] == "stale"
    assert state.stopping is True


def test_synthesis_mode_is_declined_so_the_client_streams_it_itself(tmp_path, embedder):
    from bot.daemon.server import handle

    state = _state(tmp_path, embedder, llm_model="some-model")
    assert handle(state, _ask())["status"] == "declined"
    assert handle(state, _ask(llm=True))["status"] == "declined"
    assert state.served == 0


def test_a_relative_path_setting_makes_the_working_directory_part_of_the_match(tmp_path, embedder):
    from bot.daemon.server import cwd_sensitive

    state = _state(tmp_path, embedder)
    assert cwd_sensitive(state.bot.settings) is False
    state.cwd_sensitive = True
    assert state.fresh(_ask(cwd=str(tmp_path))) is True
    assert state.fresh(_ask(cwd="/elsewhere")) is False
