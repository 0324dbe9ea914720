"""Warm local daemon for `citebot ask`: where it listens, how a client talks to it, how it is started.

A cold `citebot ask` spends most of its second importing chromadb and loading the model. The daemon
(`bot/daemon_server.py`) is a long-lived process that holds one `Citebot` with both open and answers
`ask` requests over a Unix domain socket; this module is the *client* side and must stay light:
the standard library only at import time (a test asserts that a daemon-served ask never imports
chromadb, numpy, onnxruntime or tokenizers), so `citebot ask` pays for the interpreter and click alone.

Correctness rule: a daemon serves a request only if it would give the very answer this process
would. The client sends a fingerprint of everything its `Settings` are made of (CITEBOT_* variables,
the config file's bytes, the citebot source files, the interpreter); the daemon compares it with its
own and answers "stale" otherwise, and the client then answers in-process. Any socket trouble also
means "answer in-process": the daemon is an accelerator, never a dependency.

Safety: the socket lives in a 0700 directory owned by the user (refused otherwise) and is itself
0600; the daemon also checks the peer's uid. Unix socket paths are limited to ~107 bytes, so a long
home gets a short per-user directory ($XDG_RUNTIME_DIR/citebot or /tmp/citebot-<uid>) and a socket
named by a hash of the home path.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import socket
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.client.process import file_age_s, process_gone
from bot.errors import BotError
from bot.paths import config_file_path, home_from_env

PROTOCOL = 1
MAX_REQUEST_BYTES = 64 * 1024  # a question is at most 2000 characters; anything near this is not a request
# bot.library.asking.MAX_QUESTION_CHARS (a test keeps them equal; importing it would load the library).
# A longer question is answered in-process: the library cuts it and the CLI says so on stderr,
# which a daemon's reply (stdout and an exit code) cannot carry.
MAX_QUESTION_CHARS = 2000
MAX_REPLY_BYTES = 32 * 1024 * 1024
SOCKET_PATH_LIMIT = 100  # sun_path is 108 bytes on Linux, 104 on macOS; keep a margin
CONNECT_TIMEOUT_S = 1.0
REPLY_TIMEOUT_S = 120.0  # a busy daemon answers one request at a time; past this, answer in-process
# Settings that change how the daemon lives, not what it answers: a daemon started without
# autostart must still serve a client that has it on.
_NOT_IN_FINGERPRINT = {"CITEBOT_DAEMON_AUTOSTART", "CITEBOT_DAEMON_IDLE_S"}
# Variables besides CITEBOT_* that defaults are derived from (data/cache dirs, login name).
_DEFAULT_INPUTS = {"HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "USER", "LOGNAME", "LNAME", "USERNAME", "DISCORD_TOKEN"}
_PACKAGES = ("bot", "ingest", "vectorstore")


class DaemonError(BotError):
    """The daemon cannot be started, reached or stopped safely."""


# -- where ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DaemonPaths:
    """The files of the daemon serving one home: the socket and the lock held while it runs."""

    home: Path
    directory: Path
    socket: Path
    lock: Path
    log: Path


def nominal_home(env: dict[str, str] | None = None) -> Path:
    """The home `Settings` will use, as an absolute path (the rule itself is `bot.paths.home_from_env`)."""
    return Path(os.path.abspath(home_from_env(env)))


def _runtime_bases(env: dict[str, str] | None = None) -> list[Path]:
    """Short per-user directories for sockets, best first: $XDG_RUNTIME_DIR (per-user, 0700, tmpfs), /tmp."""
    runtime = (os.environ if env is None else env).get("XDG_RUNTIME_DIR", "")
    bases = [Path(runtime) / "citebot"] if runtime and os.path.isabs(runtime) else []
    return bases + [Path(f"/tmp/citebot-{os.getuid()}")]


def daemon_paths(home: Path | None = None, env: dict[str, str] | None = None) -> DaemonPaths:
    """`home/daemon/daemon.sock` when that path fits in a socket address, else a short per-user
    directory with the socket named by a hash of the home path (so two homes never share one).
    `env` (default: this process's environment) supplies CITEBOT_HOME and XDG_RUNTIME_DIR."""
    home = Path(os.path.abspath(home)) if home is not None else nominal_home(env)
    log = home / "logs" / "daemon.log"
    local = home / "daemon"
    if len(os.fsencode(local / "daemon.sock")) <= SOCKET_PATH_LIMIT:
        return DaemonPaths(home, local, local / "daemon.sock", local / "daemon.lock", log)
    tag = hashlib.sha256(os.fsencode(home)).hexdigest()[:20]
    for base in _runtime_bases(env):
        sock = base / f"{tag}.sock"
        if len(os.fsencode(sock)) <= SOCKET_PATH_LIMIT:
            return DaemonPaths(home, base, sock, base / f"{tag}.lock", log)
    raise DaemonError("no short enough directory for the daemon's socket; set XDG_RUNTIME_DIR to a short path")


def check_private_dir(path: Path, *, create: bool = False) -> None:
    """The socket directory must be a real directory, ours, and closed to others (0700).

    With `create`, a missing directory is made 0700 and one of ours that is too open is closed;
    a directory owned by someone else (or a symlink) is always refused: they could swap the socket."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            raise DaemonError(f"daemon directory {path} does not exist") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise DaemonError(f"refusing daemon directory {path}: it is not a directory (a symlink or file is in the way)")
    if st.st_uid != os.getuid():
        raise DaemonError(f"refusing daemon directory {path}: it is owned by uid {st.st_uid}, not by you; remove it or set XDG_RUNTIME_DIR")
    if st.st_mode & 0o077:
        if not create:
            raise DaemonError(f"refusing daemon directory {path}: others may access it (mode {st.st_mode & 0o777:o}, needs 700)")
        os.chmod(path, 0o700)


def lock_is_held(paths: DaemonPaths) -> bool:
    """True while a daemon process for this home is alive (it holds an flock on the lock file)."""
    try:
        fd = os.open(paths.lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock at once
    return False


def lock_pid(paths: DaemonPaths) -> int | None:
    """The pid the running daemon wrote into its lock file."""
    try:
        return int(paths.lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


# -- what must match -------------------------------------------------------------------------------
def code_fingerprint() -> list:
    """Name, size and mtime of every citebot source file: an edited or upgraded citebot is another citebot."""
    root = Path(__file__).resolve().parent.parent
    out = []
    for package in _PACKAGES:
        for dirpath, dirnames, filenames in os.walk(root / package):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(dirpath, name))
                    out.append((os.path.relpath(os.path.join(dirpath, name), root), st.st_size, st.st_mtime_ns))
    return out


def settings_fingerprint(env: dict[str, str] | None = None) -> str:
    """A hash of everything `Settings()` is built from, plus the code and interpreter running it.

    Equal fingerprints mean equal effective settings (the converse need not hold: a needless
    mismatch only costs one in-process answer). Secrets enter only hashed. The working directory
    is compared separately, and only when a setting is a relative path (see `cwd_sensitive`)."""
    env = dict(os.environ if env is None else env)
    inputs = sorted(
        (k, v) for k, v in env.items()
        if (k.upper().startswith("CITEBOT_") and k.upper() not in _NOT_IN_FINGERPRINT) or k.upper() in _DEFAULT_INPUTS
    )
    config = config_file_path(env)
    try:
        config_hash = hashlib.sha256(config.read_bytes()).hexdigest()
    except OSError:
        config_hash = None
    blob = json.dumps({
        "protocol": PROTOCOL, "env": inputs, "config": [os.path.abspath(config), config_hash],
        "code": code_fingerprint(), "python": [sys.executable, sys.version],
    })
    return hashlib.sha256(blob.encode()).hexdigest()


# -- talking to it ---------------------------------------------------------------------------------
def recv_line(sock: socket.socket, limit: int) -> bytes:
    buf = bytearray()
    while b"\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        if len(buf) > limit:
            raise ValueError("message too large")
    line, _, _ = bytes(buf).partition(b"\n")
    return line


def _remove_stale_socket(paths: DaemonPaths) -> None:
    """Connection refused: a daemon died without cleaning up (SIGKILL, a crash). Its socket goes,
    but only if no daemon holds the lock: one that is starting may have bound and not yet listened."""
    if not lock_is_held(paths):
        try:
            paths.socket.unlink()
        except OSError:
            pass


def request(paths: DaemonPaths, message: dict, *, timeout: float = REPLY_TIMEOUT_S) -> dict | None:
    """Send one JSON-line request; the reply, or None when no daemon listens (stale sockets removed).

    Raises OSError/ValueError on any other trouble; callers treat that as "no daemon"."""
    if not paths.socket.exists():
        return None
    check_private_dir(paths.directory)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(os.fspath(paths.socket))
        except (ConnectionRefusedError, FileNotFoundError):
            _remove_stale_socket(paths)
            return None
        sock.settimeout(timeout)
        sock.sendall(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        reply = json.loads(recv_line(sock, MAX_REPLY_BYTES))
    finally:
        sock.close()
    if not isinstance(reply, dict):
        raise ValueError("malformed reply")
    return reply


@dataclass
class AskOutcome:
    """What the client got: `served` (print `output`, exit `exit_code`), or why it must answer itself:
    `absent` (no daemon), `stale` (other settings or code), `declined` (e.g. synthesis mode), `error`."""

    status: str
    output: str = ""
    exit_code: int = 0
    answer_id: str = ""  # the recorded question's id ("" when recording is off)


def try_ask(question: str, *, k: int | None, scope: str | None, since: str | None, until: str | None,
            as_json: bool, llm: bool | None, paths: DaemonPaths | None = None) -> AskOutcome:
    """Ask the daemon for this home; never raises (every failure is an outcome meaning "do it yourself")."""
    if len(question) > MAX_QUESTION_CHARS:
        return AskOutcome("declined")
    try:
        paths = paths or daemon_paths()
        if not paths.socket.exists():  # the common no-daemon case costs one stat, not a fingerprint
            return AskOutcome("absent")
        reply = request(paths, {
            "v": PROTOCOL, "op": "ask", "fingerprint": settings_fingerprint(), "cwd": os.getcwd(),
            "question": question, "k": k, "scope": scope, "since": since, "until": until, "json": as_json, "llm": llm,
        })
    except (OSError, ValueError, BotError):
        return AskOutcome("error")
    if reply is None:
        return AskOutcome("absent")
    status = reply.get("status")
    if status == "ok" and isinstance(reply.get("output"), str) and isinstance(reply.get("exit_code"), int):
        answer_id = reply.get("answer_id") if isinstance(reply.get("answer_id"), str) else ""
        return AskOutcome("served", reply["output"], reply["exit_code"], answer_id)
    return AskOutcome(status if status in ("stale", "declined") else "error")


def status(paths: DaemonPaths | None = None) -> dict:
    """`running`, and when it runs: pid, whether it matches this process's settings (`fresh`), requests served, ..."""
    paths = paths or daemon_paths()
    info: dict = {"running": False, "home": str(paths.home), "socket": str(paths.socket)}
    try:
        reply = request(paths, {"v": PROTOCOL, "op": "status", "fingerprint": settings_fingerprint(), "cwd": os.getcwd()}, timeout=10)
    except (OSError, ValueError):
        reply = None
    if reply and reply.get("status") == "ok":
        info.update(reply.get("info", {}), running=True)
    elif lock_is_held(paths):
        info.update(running=True, responding=False, pid=lock_pid(paths))
        if not paths.socket.exists():  # bound only once warm: a daemon without one is still loading
            info.update(starting=True, starting_for_s=round(file_age_s(paths.lock), 1), log=str(paths.log))
    return info


def stop(paths: DaemonPaths | None = None, *, wait_s: float = 15.0) -> dict:
    """Ask the daemon to exit (SIGTERM if it does not answer); return once its process is gone,
    not just its lock (it still closes the store after releasing that), or raise after `wait_s`."""
    paths = paths or daemon_paths()
    before = status(paths)
    if not before["running"]:
        return {"stopped": False, "was_running": False, **before}
    try:
        reply = request(paths, {"v": PROTOCOL, "op": "stop"}, timeout=10)
    except (OSError, ValueError):
        reply = None
    if not (reply and reply.get("status") == "ok") and before.get("pid"):
        try:
            os.kill(int(before["pid"]), signal.SIGTERM)
        except (OSError, ValueError):
            pass
    pid = int(before["pid"]) if before.get("pid") else None
    deadline = time.monotonic() + wait_s
    while lock_is_held(paths) or (pid is not None and not process_gone(pid)):
        if time.monotonic() > deadline:
            raise DaemonError(
                f"the daemon (pid {pid or '?'}) did not exit within {wait_s:.0f} s; end it with `kill {pid or 'PID'}` "
                f"(or `kill -9`), and see {paths.log}"
            )
        time.sleep(0.05)
    return {"stopped": True, "was_running": True, **before, "running": False}


# -- starting it -----------------------------------------------------------------------------------
def spawn(paths: DaemonPaths):
    """Start `citebot daemon run` detached (own session, no terminal), logging to `paths.log`.

    It inherits this process's environment, so it computes the same settings fingerprint."""
    import subprocess

    paths.log.parent.mkdir(parents=True, exist_ok=True)
    with open(paths.log, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "daemon", "run"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, close_fds=True,
        )


def start_in_background(paths: DaemonPaths | None = None) -> bool:
    """Autostart: launch a daemon without waiting for it, unless one is already starting (lock held)."""
    paths = paths or daemon_paths()
    if lock_is_held(paths):
        return False
    spawn(paths)
    return True


def start(paths: DaemonPaths | None = None, *, timeout_s: float = 120.0) -> dict:
    """Start a daemon for this home and wait until it answers (model loaded, store open, warmed).

    Already running with these settings: nothing to do. Running with other settings or code: it is
    stopped and replaced. Two `start`s at once: both spawn, one daemon wins the lock, the other
    exits at once, and both callers report the winner."""
    paths = paths or daemon_paths()
    current = status(paths)
    if current["running"] and current.get("fresh"):
        return {**current, "started": False}
    if current["running"]:
        stop(paths)
    proc = spawn(paths)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        current = status(paths)
        if current["running"] and current.get("fresh"):
            return {**current, "started": current.get("pid") == proc.pid}
        if proc.poll() is not None and not lock_is_held(paths):
            raise DaemonError(f"the daemon exited during start (code {proc.returncode}); see {paths.log}")
        time.sleep(0.05)
    raise DaemonError(f"the daemon did not become ready within {timeout_s:.0f} s; see {paths.log}")


# -- what `ask` prints -------------------------------------------------------------------------------
def ask_output(answer, as_json: bool, answer_id: str = "") -> str:
    """The text `citebot ask` echoes for an answer: one function for the in-process and daemon paths,
    so the two cannot drift apart. `answer_id` (of the recorded question) is a field of the JSON."""
    from bot.engine.render import render_answer

    text = empty_store_line(answer) if answer.empty_store else render_answer(answer)
    if not as_json:
        return text
    payload = answer.to_dict()
    payload["answer"] = text
    if answer_id:
        payload["answer_id"] = answer_id
    return json.dumps(payload, ensure_ascii=False, indent=None)



def empty_store_line(answer) -> str:
    """An abstention over a scope with nothing stored: where citebot looked and how to fill it, in one
    line that still begins with the abstention phrase scripts look for. The likeliest cause is a
    newcomer asking after `make demo` without pointing CITEBOT_HOME at the demo's store."""
    from bot.engine.safe_text import terminal_safe

    return (
        f"{answer.headline} No sources are stored in {terminal_safe(answer.store)} (scope {terminal_safe(answer.scope)!r}) yet. "
        "Add some with `citebot ingest PATH|URL`, or point CITEBOT_HOME at a store that has them "
        "(`make demo` keeps its store in .citebot/demo)."
    )
