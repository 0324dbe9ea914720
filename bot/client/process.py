"""Facts about a daemon's process and files that `citebot daemon status` and `stop` wait on (stdlib only)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def file_age_s(path: Path) -> float:
    """Seconds since `path` was written (the daemon writes its pid into the lock file as it starts)."""
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except OSError:
        return 0.0


def process_gone(pid: int) -> bool:
    """Has process `pid` exited? A zombie counts as gone (it only waits to be reaped, by us if it is
    our child, else by an init that may never do it)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:  # not our child: the usual case
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's (the pid was reused)
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False
