"""`citebot sources | head -1`: a reader that closes the pipe early is no error. A real process
writes into a pipe whose read end is already closed (the moment `head` has its line)."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.cli.common import EXIT_READER_GONE
from tests.test_cli_newcomer import env_for
from tests.conftest import REPO


def test_a_closed_pipe_stops_the_output_without_an_error_line_or_a_log(tmp_path):
    home = tmp_path / "home"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        done = subprocess.run([sys.executable, "-m", "bot", "sources"], cwd=REPO, env=env_for(home),
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_READER_GONE
    assert done.stderr == ""  # no "unexpected BrokenPipeError", no "Exception ignored"
    assert not (home / "logs" / "errors.log").exists()
