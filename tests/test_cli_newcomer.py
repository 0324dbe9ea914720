"""A newcomer's first session with the command line: every place they stumbled, as a specification.

`make demo` and then its next step; asking an empty store; removing by a title fragment; errors as
one line (and one JSON object with --json); a question that is too long; ingest output and its
progress bar. Real processes (and a real pseudo-terminal where "at a terminal" matters), a real
store and the real model.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CANONICAL_QUESTION, REPO, SAMPLE_CORPUS
from tests.terminal import run_at_terminal


def env_for(home: Path, **extra: str) -> dict[str, str]:
    """A user's shell for `home`: no stray CITEBOT_* from the test runner, no daemon started."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), HF_HUB_OFFLINE="1", CITEBOT_DAEMON_AUTOSTART="false", PYTHONPATH=str(REPO), **extra)
    return env


def citebot(env: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def sample_copy(sample_home, tmp_path) -> Path:
    """A writable copy of the sample-corpus store."""
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    return home


@pytest.fixture
def in_process(monkeypatch):
    """Run the real `citebot` program in this process (click's CliRunner), restoring the logging
    set-up it changes, so later tests log as before."""
    from bot.main import cli

    root, own = logging.getLogger(), logging.getLogger("citebot")
    saved = [(logger, list(logger.handlers), logger.level) for logger in (root, own)]

    def invoke(home: Path, *args: str, **env: str):
        monkeypatch.setenv("CITEBOT_HOME", str(home))
        monkeypatch.setenv("CITEBOT_DAEMON_AUTOSTART", "false")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return CliRunner().invoke(cli, list(args), prog_name="citebot")

    yield invoke
    for logger, handlers, level in saved:
        for handler in [h for h in logger.handlers if h not in handlers]:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(level)


# -- 2. the demo leads somewhere -----------------------------------------------------------------------
@pytest.mark.slow  # the whole demo (ingest and ask, as make runs them) and its next step: three cold processes
def test_make_demo_ends_with_the_exact_commands_that_ask_its_store_and_they_answer(tmp_path):
    venv = Path(sys.prefix)
    if not (venv / "bin" / "citebot").exists():
        pytest.skip("not running from a virtualenv with the citebot command installed")
    demo_home = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env["PYTHONPATH"] = str(REPO)
    installed = f"{venv}/bin/.installed"  # installing is not what this test is about: take it as done
    made = subprocess.run(["make", "-s", "-o", installed, "demo", f"VENV={venv}", f"DEMO_HOME={demo_home}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    assert str(demo_home) in made.stdout
    exports = [line.strip() for line in made.stdout.splitlines() if line.strip().startswith("export CITEBOT_HOME=")]
    asks = [line.strip() for line in made.stdout.splitlines() if line.strip().startswith("citebot ask ")]
    assert exports and asks, made.stdout
    # the next step, done exactly as printed, in a fresh shell
    script = f"{exports[-1]}\n{asks[-1].replace('citebot ', shlex.quote(sys.executable) + ' -m bot ', 1)}\n"
    followed = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert followed.returncode == 0, followed.stderr
    assert not followed.stdout.startswith("The ingested sources don't say."), followed.stdout
    assert "[1]" in followed.stdout and "Sources" in followed.stdout


def test_asking_an_empty_store_names_the_data_directory_and_how_to_fill_it(tmp_path):
    home = tmp_path / "nothing-here"
    result = citebot(env_for(home), "ask", CANONICAL_QUESTION)
    assert result.returncode == 0
    [line] = result.stdout.strip().splitlines()  # one line
    assert line.startswith("The ingested sources don't say.")  # the contract phrase scripts look for
    assert str(home) in line and "global" in line
    assert "citebot ingest" in line and ".citebot/demo" in line and "CITEBOT_HOME" in line


def test_asking_an_empty_store_with_json_flags_it(tmp_path):
    home = tmp_path / "nothing-here"
    result = citebot(env_for(home), "ask", CANONICAL_QUESTION, "--json")
    payload = json.loads(result.stdout)
    assert result.returncode == 0
    assert payload["abstained"] is True and payload["empty_store"] is True
    assert payload["store"] == str(home) and payload["scope"] == "global"


def test_an_abstention_over_a_store_that_has_sources_is_not_called_empty(sample_copy):
    result = citebot(env_for(sample_copy), "ask", "Who won the 2018 World Cup?", "--json")
    payload = json.loads(result.stdout)
    assert payload["abstained"] is True and payload["empty_store"] is False
    assert "No sources are stored" not in payload["answer"]


def test_a_scope_with_nothing_in_it_is_empty_even_if_another_scope_has_sources(sample_copy):
    result = citebot(env_for(sample_copy), "ask", CANONICAL_QUESTION, "--scope", "elsewhere", "--json")
    payload = json.loads(result.stdout)
    assert payload["empty_store"] is True and payload["scope"] == "elsewhere"


# -- 3. remove asks before it deletes by a title fragment -------------------------------------------------
LIBRARY_TITLE = "Riverside library reopens after two-year renovation"


def _titles(env: dict) -> list[str]:
    return [s["title"] for s in json.loads(citebot(env, "sources", "--json").stdout)["sources"]]


def test_remove_by_title_fragment_at_a_terminal_shows_the_match_and_keeps_it_when_refused(sample_copy):
    env = env_for(sample_copy)
    run = run_at_terminal(env, "remove", "riverside library", typed="n\n")
    assert run.returncode == 0
    assert LIBRARY_TITLE in run.screen and "[y/N]" in run.screen  # what would go, asked before
    assert "Nothing was removed" in run.screen
    assert LIBRARY_TITLE in _titles(env)


def test_remove_by_title_fragment_at_a_terminal_removes_it_once_confirmed(sample_copy):
    env = env_for(sample_copy)
    run = run_at_terminal(env, "remove", "riverside library", typed="y\n")
    assert run.returncode == 0 and "Removed" in run.screen
    assert LIBRARY_TITLE not in _titles(env)


def test_remove_by_title_fragment_from_a_script_refuses_without_yes(sample_copy, in_process):
    result = in_process(sample_copy, "remove", "riverside library")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("citebot: error:") and "--yes" in line and LIBRARY_TITLE in line
    assert LIBRARY_TITLE in [s["title"] for s in json.loads(in_process(sample_copy, "sources", "--json").stdout)["sources"]]


def test_remove_by_title_fragment_with_yes_removes_without_asking(sample_copy, in_process):
    result = in_process(sample_copy, "remove", "riverside library", "--yes", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["removed"]["title"] == LIBRARY_TITLE
    assert LIBRARY_TITLE not in [s["title"] for s in json.loads(in_process(sample_copy, "sources", "--json").stdout)["sources"]]


def test_remove_dry_run_shows_what_would_go_and_removes_nothing(sample_copy, in_process):
    result = in_process(sample_copy, "remove", "riverside library", "--dry-run")
    assert result.exit_code == 0
    assert "Would remove" in result.stdout and LIBRARY_TITLE in result.stdout
    assert LIBRARY_TITLE in [s["title"] for s in json.loads(in_process(sample_copy, "sources", "--json").stdout)["sources"]]


def test_remove_by_document_id_from_a_script_needs_no_confirmation(sample_copy, in_process):
    listed = json.loads(in_process(sample_copy, "sources", "--json").stdout)["sources"]
    [record] = [s for s in listed if s["title"] == LIBRARY_TITLE]
    result = in_process(sample_copy, "remove", record["document_id"])
    assert result.exit_code == 0 and result.stdout.startswith(f"Removed {LIBRARY_TITLE}")
    assert "1 chunk)" in result.stdout


# -- 4. errors are one clear line; --json always prints an object ----------------------------------------
def test_a_junk_pdf_and_deeply_nested_html_each_print_one_line_and_the_libraries_log_to_the_file(tmp_path):
    home = tmp_path / "home"
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf\n")
    (tmp_path / "deep.html").write_bytes(b"<html><body>" + b"<div>" * 3000 + b"deep text here. " * 10 + b"</div>" * 3000 + b"</body></html>")
    result = citebot(env_for(home), "ingest", str(tmp_path / "junk.pdf"), str(tmp_path / "deep.html"))
    assert result.returncode == 3
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, result.stderr
    assert all(line.lstrip().startswith("failed") for line in lines)
    assert "pypdf" not in result.stderr and "trafilatura" not in result.stderr
    log = (home / "logs" / "citebot.log").read_text()
    assert "pypdf" in log and "trafilatura" in log


def test_citebot_warnings_reach_stderr_and_library_records_only_the_log_file(tmp_path, capsys):
    from bot.library.opening import configure_logging
    from bot.settings import Settings

    root, own = logging.getLogger(), logging.getLogger("citebot")
    saved = [(logger, list(logger.handlers), logger.level) for logger in (root, own)]
    try:
        path = configure_logging(Settings(home=tmp_path))
        logging.getLogger("citebot.ingest").warning("keyword index not updated yet")
        logging.getLogger("pypdf._reader").warning("EOF marker not found")
        logging.getLogger("chromadb.telemetry").debug("a library detail")
        for handler in root.handlers:
            handler.flush()
    finally:
        for logger, handlers, level in saved:
            for handler in [h for h in logger.handlers if h not in handlers]:
                logger.removeHandler(handler)
                handler.close()
            logger.setLevel(level)
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["citebot: warning: keyword index not updated yet"]
    log = path.read_text()
    assert "EOF marker not found" in log and "a library detail" in log and "keyword index not updated yet" in log


def test_the_log_file_never_holds_a_secret_setting(tmp_path, monkeypatch):
    from bot.library.opening import configure_logging
    from bot.settings import Settings

    monkeypatch.setenv("DISCORD_TOKEN", "discord-token-2718281828")
    monkeypatch.setenv("CITEBOT_LLM_API_KEY", "sk-llm-key-1414213562")
    root, own = logging.getLogger(), logging.getLogger("citebot")
    saved = [(logger, list(logger.handlers), logger.level) for logger in (root, own)]
    try:
        path = configure_logging(Settings(home=tmp_path))
        logging.getLogger("httpx").debug("request headers: Authorization: Bearer %s", "sk-llm-key-1414213562")
        logging.getLogger("discord.gateway").debug("IDENTIFY {'token': 'discord-token-2718281828'}")
        for handler in root.handlers:
            handler.flush()
    finally:
        for logger, handlers, level in saved:
            for handler in [h for h in logger.handlers if h not in handlers]:
                logger.removeHandler(handler)
                handler.close()
            logger.setLevel(level)
    log = path.read_text()
    assert "request headers" in log and "IDENTIFY" in log
    assert "sk-llm-key-1414213562" not in log and "discord-token-2718281828" not in log


UNREACHABLE = {"CITEBOT_CHROMA_URL": "http://127.0.0.1:9"}  # nothing listens on the discard port


@pytest.mark.parametrize("args", [
    ("ask", CANONICAL_QUESTION, "--json"),
    ("ingest", str(SAMPLE_CORPUS / "2024-03-26-eastern-desk-lukashenko-ukraine.md"), "--json"),
    ("sources", "--json"),
    ("remove", "anything", "--json"),
], ids=["ask", "ingest", "sources", "remove"])
def test_a_failing_json_command_prints_one_json_object_with_the_error_and_exit_code(tmp_path, in_process, args):
    result = in_process(tmp_path, *args, **UNREACHABLE)
    assert result.exit_code == 4
    payload = json.loads(result.stdout)  # exactly one object, nothing else
    assert payload["exit_code"] == 4 and "Chroma server" in payload["error"]
    [line] = result.stderr.strip().splitlines()  # and stderr keeps its one line
    assert line.startswith("citebot: error:") and "Chroma server" in line


@pytest.mark.parametrize(("args", "code", "phrase"), [
    (("ask", "   ", "--json"), 2, "question is empty"),
    (("ask", "x", "--since", "yesterday", "--json"), 2, "not a date"),
    (("remove", "no-such-source", "--json"), 2, "no ingested source matches"),
])
def test_a_bad_request_with_json_prints_the_error_object_too(tmp_path, in_process, args, code, phrase):
    result = in_process(tmp_path, *args)
    assert result.exit_code == code
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == code and phrase in payload["error"]


def test_without_json_a_failure_prints_nothing_on_stdout(tmp_path, in_process):
    result = in_process(tmp_path, "ask", "   ")
    assert result.exit_code == 2 and result.stdout == ""


LONG_QUESTION = "Did the suspects head to Ukraine? " + "Please tell me everything about it. " * 1500  # ~52 KB


def test_a_question_over_the_limit_is_answered_from_its_beginning_and_says_so(sample_copy):
    result = citebot(env_for(sample_copy), "ask", LONG_QUESTION)
    assert result.returncode == 0
    [note] = [line for line in result.stderr.strip().splitlines() if not line.startswith("answer id ")]
    assert "2,000 characters" in note and "beginning" in note
    assert "[1]" in result.stdout  # still answered, from the first part


def test_a_question_over_the_limit_is_flagged_in_json_and_a_short_one_is_not(sample_copy):
    env = env_for(sample_copy)
    long_payload = json.loads(citebot(env, "ask", LONG_QUESTION, "--json").stdout)
    short_payload = json.loads(citebot(env, "ask", CANONICAL_QUESTION, "--json").stdout)
    assert long_payload["question_truncated"] is True and len(long_payload["question"]) <= 2000
    assert short_payload["question_truncated"] is False


def test_the_library_reports_the_cut_on_the_answer(sample_bot):
    assert sample_bot.ask(LONG_QUESTION).question_truncated is True
    assert sample_bot.ask(CANONICAL_QUESTION).question_truncated is False


def test_a_question_the_library_would_cut_is_never_sent_to_a_daemon():
    from bot.client import daemon
    from bot.library import MAX_QUESTION_CHARS

    assert daemon.MAX_QUESTION_CHARS == MAX_QUESTION_CHARS  # the client's copy of the limit
    outcome = daemon.try_ask(LONG_QUESTION, k=None, scope=None, since=None, until=None, as_json=False, llm=None)
    assert outcome.status == "declined"  # answered in-process, where the note on stderr is printed


# -- ingest output and progress --------------------------------------------------------------------------
def _sample_titles() -> list[str]:
    return [re.search(r'^title: "(.*)"$', f.read_text(), re.M).group(1) for f in sorted(SAMPLE_CORPUS.glob("*.md"))]


def test_ingest_output_cuts_titles_after_a_word_and_counts_chunks_in_good_english(tmp_path):
    result = citebot(env_for(tmp_path / "home"), "ingest", str(SAMPLE_CORPUS))
    assert result.returncode == 0, result.stderr
    titles = _sample_titles()
    listed = [re.match(r"\s+added\s+(.*) \(([^()]*), (\d+) (chunks?)\)$", line) for line in result.stdout.splitlines()[:-1]]
    assert listed and all(listed), result.stdout
    for match in listed:
        shown, count, noun = match.group(1), int(match.group(3)), match.group(4)
        assert noun == ("chunk" if count == 1 else "chunks")
        if shown.endswith("\u2026"):
            prefix = shown[:-1]
            [title] = [t for t in titles if t.startswith(prefix)]
            assert len(shown) <= 70 and title[len(prefix)] in " ,;:.", f"cut inside a word: {shown!r}"
        else:
            assert shown in titles
    assert "phone batteri " not in result.stdout and "1 chunks" not in result.stdout
    assert result.stderr == ""  # piped: no progress bar, nothing else


def _jsonl(path: Path, n: int) -> Path:
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "title": f"Ferry timetable change number {i}", "source": "Harbor Wire",
                "url": f"https://news.example.org/harbor-wire/ferry-{i}", "published_at": "2024-03-01",
                "body": f"The harbour ferry number {i} will leave at {i % 12 + 1} from next week. Passengers on route {i} were told by letter.",
            }) + "\n")
    return path


def test_at_a_terminal_ingest_shows_a_bar_counting_the_articles_of_a_feed_file(tmp_path):
    feed = _jsonl(tmp_path / "bulk.jsonl", 40)  # one file, forty articles
    run = run_at_terminal(env_for(tmp_path / "home"), "ingest", str(feed), stdout=False)
    assert run.returncode == 0, run.screen
    assert re.search(r"\b\d+/40\b", run.screen), run.screen  # articles of the total, not 1 file
    assert "chunks/s" in run.screen and "article" in run.screen
    assert "40 added" in run.stdout


def test_piped_or_with_json_ingest_prints_no_bar(tmp_path):
    feed = _jsonl(tmp_path / "bulk.jsonl", 40)
    piped = citebot(env_for(tmp_path / "home"), "ingest", str(feed))
    assert piped.returncode == 0 and piped.stderr == ""
    as_json = run_at_terminal(env_for(tmp_path / "home2"), "ingest", str(feed), "--json", stdout=False)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["added"] == 40
    assert "chunks/s" not in as_json.screen and "/40" not in as_json.screen


def test_the_progress_listener_counts_articles_and_chunks_of_every_input(citebot, tmp_path):
    feed = _jsonl(tmp_path / "bulk.jsonl", 5)
    seen = []
    report = citebot.ingest([str(feed), str(SAMPLE_CORPUS)], on_progress=lambda t: seen.append(
        (t.articles_done, t.articles_expected, t.chunks_stored)))
    files = len(list(SAMPLE_CORPUS.glob("*.md")))
    assert seen[-1] == (5 + files, 5 + files, sum(i.chunks for i in report.items))
    assert seen[0][1] == 5 + files  # the feed is counted as soon as it is read, each file as one until read
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
