"""Running `citebot` as a person at a terminal would: its standard streams on a real pseudo-terminal.

Whatever citebot does only "at a terminal" (a confirmation prompt, a progress bar, starting a
daemon) is tested through this, not through an override of citebot's own tty checks.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class TerminalRun:
    returncode: int
    screen: str  # everything written to the terminal (typed input is echoed back into it)
    stdout: str  # what went to a pipe instead, when the stream was not on the terminal
    stderr: str


def run_at_terminal(env: dict, *args: str, typed: str = "", stdin: bool = True, stdout: bool = True,
                    stderr: bool = True, timeout: float = 180) -> TerminalRun:
    """`python -m bot ARGS` with the chosen streams on a pty (100 columns) and the others on pipes;
    `typed` is typed at the terminal once it runs."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=REPO, env=env,
            stdin=terminal if stdin else subprocess.DEVNULL, stdout=terminal if stdout else out,
            stderr=terminal if stderr else err,
        )
        os.close(terminal)
        if typed:
            os.write(controller, typed.encode())
        screen = bytearray()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([controller], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(controller, 65536)
                    except OSError:  # EIO: every holder of the terminal has closed it
                        break
                    if not chunk:
                        break
                    screen += chunk
                elif process.poll() is not None:
                    break
            returncode = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if process.poll() is None:
                process.kill()
            os.close(controller)
        out.seek(0)
        err.seek(0)
        return TerminalRun(returncode, screen.decode(errors="replace"), out.read().decode(errors="replace"),
                           err.read().decode(errors="replace"))
