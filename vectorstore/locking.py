"""A cross-process write lock for the embedded store.

Embedded Chroma is one process's database: two ingests writing at once could interleave. The
lock makes the second wait, then fail with a clear message rather than corrupt anything.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vectorstore.errors import StoreBusy


@contextmanager
def write_lock(path: Path, *, timeout_s: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"another citebot process has been writing to {path.parent} for over "
                        f"{timeout_s:g} s; wait for it to finish, or use a Chroma server (CITEBOT_CHROMA_URL)"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
