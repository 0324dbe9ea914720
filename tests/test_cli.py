"""The `citebot` command as a user runs it: real processes, exit codes, one-line errors, --json."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import CANONICAL_QUESTION, REPO, SAMPLE_CORPUS


def run(home, *args, timeout=180):
    env = {**os.environ, "CITEBOT_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    result = run(home, "ingest", str(SAMPLE_CORPUS), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["added"] >= 6 and payload["failed"] == 0
    return home


def test_ask_json_follows_the_documented_schema(cli_home):
    result = run(cli_home, "ask", CANONICAL_QUESTION, "--json", "-k", "8")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"question", "abstained", "answer", "citations"} <= payload.keys()
    assert payload["question"] == CANONICAL_QUESTION and payload["abstained"] is False
    keys = {"n", "quote", "document_id", "start", "end", "title", "outlet", "author", "published_at", "url", "score"}
    assert payload["citations"] and all(keys <= c.keys() for c in payload["citations"])
    assert "[1]" in payload["answer"]
    assert "Traceback" not in result.stderr


def test_abstention_exits_zero_with_the_cannot_answer_phrase(cli_home):
    result = run(cli_home, "ask", "Who won the 2018 World Cup?", "--json")
    payload = json.loads(result.stdout)
    assert result.returncode == 0
    assert payload["abstained"] is True and payload["citations"] == []
    assert payload["answer"].startswith("The ingested sources don't say.")


def test_sources_lists_what_was_ingested(cli_home):
    result = run(cli_home, "sources", "--json")
    payload = json.loads(result.stdout)
    assert payload["count"] == len(list(SAMPLE_CORPUS.glob("*.md")))
    assert all(s["chunk_count"] >= 1 for s in payload["sources"])


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (("ingest", "/nonexistent/file.md"), 3, "no such file"),
        (("ask", "   "), 2, "question is empty"),
        (("remove", "no-such-source"), 2, "no ingested source matches"),
        (("ask", "x", "--since", "yesterday"), 2, "not a date"),
    ],
)
def test_errors_are_one_readable_line_and_nonzero(tmp_path, args, code, phrase):
    result = run(tmp_path, *args)
    assert result.returncode == code
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(phrase in line for line in lines), result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) <= 3


def test_invalid_setting_is_reported_as_a_config_error(tmp_path):
    env_home = tmp_path
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sources"], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "CITEBOT_HOME": str(env_home), "CITEBOT_TOP_K": "many"}, timeout=60,
    )
    assert result.returncode == 2
    assert "invalid setting 'top_k'" in result.stderr and "Traceback" not in result.stderr


def test_config_file_in_home_is_read(tmp_path):
    (tmp_path / "config.toml").write_text('scope = "newsroom"\n')
    (tmp_path / "a.md").write_text("# Note\n\nThe harbour froze for the first time in decades.")
    assert run(tmp_path, "ingest", str(tmp_path / "a.md")).returncode == 0
    payload = json.loads(run(tmp_path, "sources", "--json").stdout)
    assert [s["scope"] for s in payload["sources"]] == ["newsroom"]


def test_remove_then_sources_is_empty(tmp_path):
    (tmp_path / "a.md").write_text("# Note\n\nThe harbour froze for the first time in decades.")
    run(tmp_path, "ingest", str(tmp_path / "a.md"))
    removed = run(tmp_path, "remove", "Note", "--yes", "--json")  # a title, not an id: a script says --yes
    assert removed.returncode == 0 and json.loads(removed.stdout)["removed"]["title"] == "Note"
    assert json.loads(run(tmp_path, "sources", "--json").stdout)["count"] == 0


def test_help_describes_the_commands():
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("ingest", "ask", "chat", "sources", "remove", "audit"):
        assert command in result.stdout


def test_chat_follow_up_uses_the_previous_question(cli_home):
    env = {**os.environ, "CITEBOT_HOME": str(cli_home)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
        input="What did Lukashenko say about Belarus?\nWhat did he say about that?\n",
    )
    assert result.returncode == 0, result.stderr
    answers = result.stdout.strip().split("\n\n\n") if "\n\n\n" in result.stdout else result.stdout.split("Sources")
    assert result.stdout.count("Lukashenko") >= 2
    assert len(answers) >= 2
