"""The docs cannot rot: every command they show is a real one, and the everyday ones really work.

Command lines are taken from the fenced bash/sh/shell/console blocks of README.md and docs/*.md
(in console and untyped blocks, only the lines after a `$ ` prompt). Each `citebot ...` line is
parsed by the real click program with `make_context`, nothing executed, so an unknown command or
option fails here, naming the file and line. `make X` needs the target in the Makefile,
`python -m X` an importable module, and anything else must be on the allow-list below. Then the
README's local, read-only everyday commands run for real against a fresh store.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from bot.library.feedback import ANSWER_ID_HEX
from bot.config_doc import REGENERATE, render
from bot.settings import Settings
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
CONFIGURATION = REPO / "docs" / "configuration.md"

# Programs the docs may show besides citebot, make and python -m: tools around citebot.
ALLOWED = {"git", "pip", "chroma", "systemctl", "journalctl", "export", ".", "source", "cd", "ollama", "useradd", "install"}
SHELL_BLOCKS = {"bash", "sh", "shell", "console", ""}  # "" = untyped: only `$ ` lines count
CONTROL = {"&&", "||", ";", "|", "&"}
REDIRECTS = {">", ">>", "<", "2>", "&>"}
# What the README's "Using it" section may run for real: local commands that only read (or re-ingest).
RUNNABLE = {"ingest", "ask", "sources", "audit", "doctor"}


@dataclass(frozen=True)
class Line:
    file: str
    number: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.number}: {self.text}"


def _strip_comment(text: str) -> str:
    """Cut a ` # comment` that is outside quotes."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip()
    return text.rstrip()


def _name(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else path.name


def command_lines(path: Path) -> list[Line]:
    """The command lines of one Markdown file's shell blocks, continuations joined."""
    lines: list[Line] = []
    language = None  # None = outside a block
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = re.match(r"^\s*```\s*([\w+-]*)\s*$", raw)
        if fence:
            language = fence.group(1).lower() if language is None else None
            pending = None
            continue
        if language not in SHELL_BLOCKS:
            continue
        text = raw.strip()
        if pending is None:
            prompted = text.startswith("$ ")
            if language in ("console", "") and not prompted:
                continue  # output, not a command
            text = text[2:] if prompted else text
            start = number
        else:
            start, text = pending[0], pending[1] + " " + text
        if text.endswith("\\"):
            pending = (start, text[:-1].rstrip())
            continue
        pending = None
        text = _strip_comment(text)
        if text:
            lines.append(Line(_name(path), start, text))
    return lines


def simple_commands(text: str) -> list[list[str]]:
    """A shell line's simple commands, without redirections or leading VAR=value assignments."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    commands, current, skip = [], [], False
    for token in lexer:
        if skip:
            skip = False
        elif token in REDIRECTS:
            skip = True
        elif token in CONTROL:
            commands.append(current)
            current = []
        else:
            current.append(token)
    commands.append(current)
    result = []
    for words in commands:
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        if words and words[0] == "sudo":
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[2:] if words[0] in ("-u", "-g") else words[1:]
        if words:
            result.append(words)
    return result


def _checkable_cli() -> click.Group:
    """The real `citebot` program, with path arguments' existence checks off: the docs name files on
    the reader's machine (`article.md`, `../shared/...`), and whether they exist is not the docs' fault."""
    from bot.main import cli

    program = copy.deepcopy(cli)
    stack = [program]
    while stack:
        command = stack.pop()
        for param in command.params:
            if isinstance(param.type, click.Path):
                param.type = copy.copy(param.type)
                param.type.exists = False
        stack.extend(getattr(command, "commands", {}).values())
    return program


_CLI: list[click.Group] = []


def parse_citebot(args: list[str]) -> click.Context | None:
    """Parse `citebot ARGS` down the subcommand chain without running anything; the leaf's context,
    or None for --help/--version. Raises click's UsageError for what the real program would refuse."""
    if not _CLI:
        _CLI.append(_checkable_cli())
    command, name, parent, rest = _CLI[0], "citebot", None, list(args)
    while True:
        try:
            ctx = command.make_context(name, rest, parent=parent)
        except click.exceptions.Exit:
            return None
        if not isinstance(command, click.Group):
            return ctx
        # the subcommand and its arguments (click 8.2 renamed protected_args to _protected_args)
        protected = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
        remaining = [*protected, *ctx.args]
        name, command, rest = command.resolve_command(ctx, remaining)
        parent = ctx


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def problem_with(words: list[str]) -> str | None:
    """Why this simple command is not something the docs may show, or None."""
    program = os.path.basename(words[0])
    if program in ("python", "python3") and words[1:2] == ["-c"] and len(words) > 2:
        try:
            compile(words[2], "<docs>", "exec")
        except SyntaxError as err:
            return f"python -c: the code does not compile ({err.msg})"
        return None
    if program in ("python", "python3") and words[1:2] == ["-m"] and len(words) > 2:
        if words[2] == "bot":
            program, words = "citebot", ["citebot", *words[3:]]
        else:
            try:
                found = importlib.util.find_spec(words[2])
            except ModuleNotFoundError:
                found = None
            return None if found else f"python -m {words[2]}: no such module"
    if program == "citebot":
        try:
            parse_citebot(words[1:])
        except click.UsageError as err:
            return f"the citebot program refuses it: {err.format_message()}"
        return None
    if program == "make":
        missing = [t for t in words[1:] if not t.startswith("-") and "=" not in t and t not in makefile_targets()]
        return f"no such Makefile target: {', '.join(missing)}" if missing else None
    if program == "chroma":
        return None if words[1:2] == ["run"] else "only `chroma run` is expected in the docs"
    if program in ALLOWED:
        return None
    return f"`{program}` is not a command the docs check knows; add it to ALLOWED in tests/test_docs.py if the docs need it"


ALL_LINES = [line for path in DOCS for line in command_lines(path)]


# -- docs/configuration.md --------------------------------------------------------------------------
def test_configuration_reference_is_generated_from_the_current_settings():
    assert CONFIGURATION.read_text(encoding="utf-8") == render(), (
        f"docs/configuration.md is out of date with bot/settings.py; regenerate it with: {REGENERATE}"
    )


def test_every_setting_has_a_description():
    undocumented = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert not undocumented, f"Settings fields without a description (docs/configuration.md needs one): {undocumented}"


def test_the_reference_never_shows_a_secret_default():
    secrets = [n for n, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)]
    assert secrets, "expected the token and key settings to be secrets"
    rows = {line.split("|")[1].strip(): line for line in render().splitlines() if line.startswith("| `")}
    for name in secrets:
        assert "(secret: never shown)" in rows[f"`{name}`"]


# -- every command line is real ---------------------------------------------------------------------
def test_the_docs_have_command_lines_to_check():
    files = {line.file for line in ALL_LINES}
    assert {"README.md", "docs/performance.md", "docs/evaluation.md"} <= files
    assert any(line.text.startswith("citebot ask") for line in ALL_LINES if line.file == "README.md")


@pytest.mark.parametrize("line", ALL_LINES, ids=lambda line: f"{line.file}:{line.number}")
def test_each_documented_command_is_real(line):
    for words in simple_commands(line.text):
        problem = problem_with(words)
        assert problem is None, f"{line}\n  {problem}"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("citebot ask 'q' --jsn", "No such option"),
        ("citebot asks 'q'", "No such command"),
        ("citebot daemon begin", "No such command"),
        ("citebot ask 'q' -k 99", "-k"),
        ("citebot trust example.org trusted", "trusted"),
        ("make deploy", "no such Makefile target"),
        ("python -m bot.nonexistent", "no such module"),
        ("rm -rf /", "not a command the docs check knows"),
    ],
)
def test_the_check_refuses_what_the_program_would(text, fragment):
    [words] = simple_commands(text)
    problem = problem_with(words)
    assert problem is not None and fragment in problem


def test_lines_are_read_as_a_shell_reads_them(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "```console\n$ citebot sources   # list\n9 sources, 11 chunks.\n```\n"
        "```bash\nCITEBOT_HOME=/tmp/x citebot ask \\\n  \"a # b\" --json\n```\n"
        "```python\nprint('citebot nonsense')\n```\n"
    )
    lines = command_lines(doc)
    assert [(line.number, line.text) for line in lines] == [(2, "citebot sources"), (6, 'CITEBOT_HOME=/tmp/x citebot ask "a # b" --json')]
    assert simple_commands(lines[1].text) == [["citebot", "ask", "a # b", "--json"]]


# -- links --------------------------------------------------------------------------------------------
def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_links_point_to_files_and_headings_that_exist(path):
    text = path.read_text(encoding="utf-8")
    broken = []
    for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", text):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto: outside this repository
        linked = (path.parent / target).resolve() if target else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+\s+(.*)$", linked.read_text(encoding="utf-8"), flags=re.MULTILINE)
            if anchor not in {_anchor(h) for h in headings}:
                broken.append(f"{target}#{anchor}: no such heading")
    assert not broken, f"{path.relative_to(REPO)}: {broken}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_python_examples_are_valid_python(path):
    blocks = re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    for block in blocks:
        compile(block, str(path), "exec")


# -- the README's everyday commands, run for real --------------------------------------------------
def _runnable(line: Line) -> bool:
    commands = simple_commands(line.text)
    if len(commands) != 1 or commands[0][0] != "citebot" or re.match(r"^\w+=", line.text):
        return False
    args = commands[0][1:]
    if not args or args[0] not in RUNNABLE or "--llm" in args:
        return False
    if args[0] == "ingest":  # only what this checkout has (examples/corpus), never a URL
        targets = [a for a in args[1:] if not a.startswith("-")]
        return bool(targets) and all((REPO / t).exists() for t in targets)
    return True


README_RUNS = [line for line in ALL_LINES if line.file == "README.md" and _runnable(line)]


@pytest.fixture(scope="module")
def readme_runs(tmp_path_factory) -> dict[Line, subprocess.CompletedProcess]:
    """Each runnable README line run once, in order (ingests first), against one fresh store."""
    home = tmp_path_factory.mktemp("readme-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(CITEBOT_HOME=str(home), CITEBOT_DAEMON_AUTOSTART="false", HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    ordered = sorted(README_RUNS, key=lambda line: simple_commands(line.text)[0][1] != "ingest")
    by_text: dict[str, subprocess.CompletedProcess] = {}
    for line in ordered:
        if line.text not in by_text:  # the same line shown twice runs once
            [words] = simple_commands(line.text)
            by_text[line.text] = subprocess.run([sys.executable, "-m", "bot", *words[1:]], cwd=REPO, env=env,
                                                capture_output=True, text=True, timeout=180, check=False)
    return {line: by_text[line.text] for line in ordered}


def test_the_readme_runs_the_everyday_commands():
    kinds = {simple_commands(line.text)[0][1] for line in README_RUNS}
    assert kinds == RUNNABLE, f"the README should show each of {sorted(RUNNABLE)} as a runnable line"
    asks = [line.text for line in README_RUNS if line.text.startswith("citebot ask")]
    assert any("--json" in a for a in asks) and any("--json" not in a for a in asks)


@pytest.mark.parametrize("line", README_RUNS, ids=lambda line: f"README.md:{line.number}")
def test_each_everyday_command_succeeds(readme_runs, line):
    result = readme_runs[line]
    assert result.returncode == 0, f"{line}\nexit {result.returncode}: {result.stderr.strip()[-500:]}"
    assert "Traceback" not in result.stderr
    if line.text.startswith("citebot ask"):
        if "--json" in line.text:
            payload = json.loads(result.stdout)
            assert payload["abstained"] is False and payload["citations"], f"{line}: no citation"
            assert payload["citations"][0]["url"].startswith("https://")
        else:
            assert "[1]" in result.stdout and "\nSources\n" in result.stdout, f"{line}: no citation\n{result.stdout}"


def test_the_readme_sample_answer_is_what_citebot_answers(readme_runs):
    """The demo's printed answer, as the README shows it, apart from the day it was asked."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r'```console\n\$ citebot ask "(?P<q>[^"]+)"\n(?P<answer>.*?)```', text, flags=re.DOTALL)
    assert block, "README.md should show the demo's answer in a console block"
    line = next(line for line in README_RUNS if line.text == f'citebot ask "{block["q"]}"')

    def undated(answer: str) -> list[str]:
        rows = [row for row in answer.strip().splitlines() if not row.startswith("As of ")]
        return [re.sub(rf"\b[0-9a-f]{{{ANSWER_ID_HEX}}}\b", "<answer id>", row) for row in rows]

    run = readme_runs[line]
    assert undated(run.stdout + run.stderr) == undated(block["answer"])
