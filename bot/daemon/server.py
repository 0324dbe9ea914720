"""The daemon process behind `citebot daemon start`: one warm `Citebot` answering over a Unix socket.

One request per connection, one JSON line each way, handled one at a time: a CLI user asks one
question at a time, and serialising keeps the embedded store and the model single-threaded here.
`handle` is a plain function of (state, message) so the protocol is testable without sockets.

Lifecycle: the lock file is held (flock) for the process's whole life, so two starts race for it
and exactly one daemon runs per home; the socket is bound only after the store is open and the model
warmed, so a client never waits on a cold daemon; it exits on `stop`, SIGTERM/SIGINT, after
`daemon_idle_s` without requests, or when citebot's source files change under it (an upgrade), and
removes its socket on the way out. The log records lifecycle events and request kinds, never
questions' answers, settings values or tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.client.daemon import (
    MAX_REQUEST_BYTES,
    PROTOCOL,
    DaemonError,
    DaemonPaths,
    ask_output,
    check_private_dir,
    code_fingerprint,
    daemon_paths,
    lock_pid,
    recv_line,
    settings_fingerprint,
)

if TYPE_CHECKING:
    from bot.library import Citebot
    from bot.settings import Settings

log = logging.getLogger("citebot.daemon")
REQUEST_READ_TIMEOUT_S = 5.0  # a client that connects and says nothing must not hold the daemon up
WARM_QUESTION = "warm up the daemon"


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the accept loop through the cleanup path."""


def cwd_sensitive(settings: Settings) -> bool:
    """Whether a relative path makes these settings depend on the working directory; if so a
    request must also come from the daemon's directory (else the same variables mean other files)."""
    from vectorstore.embeddings import (
        BUNDLED_MODEL_NAMES,  # here, not at the top: that module imports numpy
    )

    raw = [os.environ.get("CITEBOT_HOME", ""), os.environ.get("CITEBOT_CONFIG", "")]
    if settings.embedding_model not in BUNDLED_MODEL_NAMES:
        raw.append(settings.embedding_model)
    if settings.model_cache_dir is not None:
        raw.append(str(settings.model_cache_dir))
    raw.append(str(settings.home))
    return any(value and not os.path.isabs(os.path.expanduser(value)) for value in raw)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class DaemonState:
    """What one daemon knows about itself; `handle` reads and updates it."""

    bot: Citebot
    paths: DaemonPaths
    fingerprint: str
    code: list
    cwd: str
    cwd_sensitive: bool
    idle_s: float
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    served: int = 0
    last_request: float = field(default_factory=time.monotonic)
    stopping: bool = False

    def fresh(self, message: dict) -> bool:
        """Would this process answer exactly as the client would in-process?"""
        if message.get("fingerprint") != self.fingerprint:
            return False
        return not self.cwd_sensitive or message.get("cwd") == self.cwd

    def info(self, message: dict) -> dict:
        return {
            "pid": os.getpid(), "home": str(self.paths.home), "socket": str(self.paths.socket),
            "started_at": self.started_at, "served": self.served, "fresh": self.fresh(message),
            "idle_for_s": round(time.monotonic() - self.last_request, 1), "idle_timeout_s": self.idle_s,
            "cpu_s": time.process_time(), "rss_mb": _peak_rss_mb(), "log": str(self.paths.log),
        }


# -- one request -------------------------------------------------------------------------------------
def _bad(why: str) -> dict:
    return {"status": "error", "error": f"bad request: {why}"}


def _optional(message: dict, key: str, kind: type) -> bool:
    value = message.get(key)
    return value is None or (isinstance(value, kind) and not isinstance(value, bool if kind is int else ()))


def _validate_ask(m: dict) -> str:
    """Why an ask request is malformed ('' if it is fine). The CLI has validated its options; this
    is for anything else that reaches the socket."""
    if not isinstance(m.get("question"), str):
        return "question must be a string"
    if not _optional(m, "k", int) or (m.get("k") is not None and not 1 <= m["k"] <= 50):
        return "k must be an integer from 1 to 50"
    for key in ("scope", "since", "until"):
        if not _optional(m, key, str) or len(m.get(key) or "") > 200:
            return f"{key} must be a short string"
    for key in ("since", "until"):
        if m.get(key) is not None:
            try:
                dt.date.fromisoformat(m[key])
            except ValueError:
                return f"{key} must be a date like 2024-03-25"
    if not isinstance(m.get("json"), bool) or m.get("llm") not in (None, True, False):
        return "json must be true/false and llm true/false/null"
    return ""


def handle(state: DaemonState, message: object) -> dict:
    """Answer one decoded request. Anything it cannot serve exactly as the client would is
    'stale', 'declined' or 'error', which the client answers in-process."""
    if not isinstance(message, dict) or message.get("v") != PROTOCOL:
        return _bad(f"expected a JSON object with v={PROTOCOL}")
    op = message.get("op")
    if op == "status":
        return {"status": "ok", "info": state.info(message)}
    if op == "stop":
        state.stopping = True
        return {"status": "ok", "stopping": True}
    if op != "ask":
        return _bad("op must be ask, status or stop")
    why = _validate_ask(message)
    if why:
        return _bad(why)
    state.last_request = time.monotonic()  # only questions keep the daemon alive, not status polls
    if code_fingerprint() != state.code:  # citebot was upgraded or edited: this process is outdated
        state.stopping = True
        return {"status": "stale", "reason": "citebot changed on disk; the daemon exits"}
    if not state.fresh(message):
        return {"status": "stale", "reason": "different settings"}
    bot = state.bot
    if message["llm"] is True or (message["llm"] is None and bot.llm_enabled):
        return {"status": "declined", "reason": "synthesis mode streams from the client's own process"}
    try:
        answer = bot.ask(
            message["question"], k=message["k"], scope=message["scope"],
            since=dt.date.fromisoformat(message["since"]) if message["since"] else None,
            until=dt.date.fromisoformat(message["until"]) if message["until"] else None,
        )
        asked = bot.record(answer, scope=message["scope"], via="cli")  # the person at the CLI was shown it
        answer_id = asked.answer_id if asked else ""
        output = ask_output(answer, message["json"], answer_id)
    except Exception as err:  # the client re-asks in-process and shows the error exactly as it would
        log.warning("ask failed with %s; the client answers in-process", type(err).__name__)
        return {"status": "error", "error": type(err).__name__}
    state.served += 1
    return {"status": "ok", "output": output, "exit_code": 0, "answer_id": answer_id}


def _peer_uid(conn: socket.socket) -> int | None:
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return uid


def serve_connection(state: DaemonState, conn: socket.socket) -> None:
    """Read one request line (capped in size and time), answer it, close."""
    uid = _peer_uid(conn)
    if uid is not None and uid != os.getuid():
        log.warning("refused a connection from uid %s", uid)
        return
    conn.settimeout(REQUEST_READ_TIMEOUT_S)
    try:
        line = recv_line(conn, MAX_REQUEST_BYTES)
        try:
            message = json.loads(line)
        except ValueError:
            reply = _bad("not a JSON line")
        else:
            reply = handle(state, message)
    except ValueError:
        reply = _bad(f"larger than {MAX_REQUEST_BYTES} bytes")
    except OSError as err:  # timeout or the client went away: nothing to answer
        log.info("dropped a connection: %s", type(err).__name__)
        return
    try:
        conn.sendall(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
    except OSError:
        pass


# -- the process -------------------------------------------------------------------------------------
def _take_lock(paths: DaemonPaths) -> int:
    import fcntl

    fd = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise DaemonError(f"a daemon for this home is already running (pid {lock_pid(paths) or '?'})") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _bind(paths: DaemonPaths) -> socket.socket:
    try:
        paths.socket.unlink()  # we hold the lock, so any socket here is a dead daemon's
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # created 0600: no window in which another user could connect
    try:
        sock.bind(os.fspath(paths.socket))
    finally:
        os.umask(old)
    os.chmod(paths.socket, 0o600)
    sock.listen(16)
    return sock


def _on_signal(signum, frame) -> None:
    raise _Stop()


def serve(settings: Settings, paths: DaemonPaths | None = None) -> None:
    """Run the daemon in this process until stopped; raises DaemonError if one already runs."""
    from bot.library import Citebot

    paths = paths or daemon_paths()
    check_private_dir(paths.directory, create=True)
    lock_fd = _take_lock(paths)
    sock = None
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        bot = Citebot(settings)
        bot.ask(WARM_QUESTION)  # opens the store, loads the model, builds the retriever's indexes
        state = DaemonState(
            bot=bot, paths=paths, fingerprint=settings_fingerprint(), code=code_fingerprint(), cwd=os.getcwd(),
            cwd_sensitive=cwd_sensitive(settings), idle_s=settings.daemon_idle_s,
        )
        sock = _bind(paths)
        log.info("daemon %s ready for %s on %s (idle timeout %s s)", os.getpid(), paths.home, paths.socket, state.idle_s or "none")
        while not state.stopping:
            remaining = state.idle_s - (time.monotonic() - state.last_request) if state.idle_s else None
            if remaining is not None and remaining <= 0:
                log.info("idle for %s s: exiting", state.idle_s)
                break
            sock.settimeout(remaining)
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            with conn:
                serve_connection(state, conn)
        log.info("daemon %s stopping after %d answers", os.getpid(), state.served)
    except _Stop:
        log.info("daemon %s stopped by a signal", os.getpid())
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if sock is not None:
            sock.close()
            try:
                paths.socket.unlink()
            except FileNotFoundError:
                pass
        os.ftruncate(lock_fd, 0)
        os.close(lock_fd)
