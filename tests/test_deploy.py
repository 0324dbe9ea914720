"""The production install (docs/production.md, deploy/) is real: the unit files run real commands
as documented, systemd accepts them, the example configuration is valid, the install steps parse."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
GUIDE = REPO / "docs" / "production.md"
VENV_BIN = "/opt/citebot/venv/bin/"  # where docs/production.md installs citebot
HOME = "/var/lib/citebot"
# Programs the install steps use besides citebot and `python -m`: the system's own tools.
SYSTEM_TOOLS = {"useradd", "install", "pip", "systemctl", "journalctl", "export", "cd", "git", "chroma"}


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd reads it: sections of keys, each key with every value it was given."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None and "=" in line, f"{name}: not a key=value line: {raw!r}"
        key, value = (part.strip() for part in line.split("=", 1))
        current.setdefault(key, []).append(value)
    return sections


def one(section: dict[str, list[str]], key: str) -> str:
    [value] = section[key]
    return value


def environment(service: dict[str, list[str]]) -> dict[str, str]:
    return dict(item.split("=", 1) for value in service.get("Environment", []) for item in shlex.split(value))


def parse_citebot(args: list[str]) -> None:
    """Parse `citebot ARGS` with the real program down to the leaf command, running nothing."""
    from bot.main import cli

    command, name, parent, rest = cli, "citebot", None, list(args)
    while True:
        ctx = command.make_context(name, rest, parent=parent)
        if not isinstance(command, click.Group):
            return
        protected = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
        name, command, rest = command.resolve_command(ctx, [*protected, *ctx.args])
        parent = ctx


# -- the unit files ------------------------------------------------------------------------------
def test_the_discord_unit_runs_citebot_discord_as_its_own_user_and_restarts_on_failure():
    service = unit("citebot-discord.service")["Service"]
    argv = shlex.split(one(service, "ExecStart"))
    assert argv[0] == VENV_BIN + "citebot" and argv[1:] == ["discord"]
    parse_citebot(argv[1:])
    assert one(service, "User") == "citebot" and one(service, "Group") == "citebot"
    assert one(service, "Restart") == "on-failure"
    assert one(service, "RestartPreventExitStatus") == "2", "a configuration error is not retried"
    assert environment(service)["CITEBOT_HOME"] == HOME and one(service, "StateDirectory") == "citebot"
    assert one(service, "EnvironmentFile") == "/etc/citebot/discord.env"
    assert "DISCORD_TOKEN" not in environment(service), "the token stays in the root-only file"


def test_the_chroma_unit_runs_chroma_run_on_loopback_with_options_chroma_knows():
    service = unit("chroma.service")["Service"]
    argv = shlex.split(one(service, "ExecStart"))
    assert argv[0] == VENV_BIN + "chroma" and argv[1] == "run"
    options = dict(zip(argv[2::2], argv[3::2]))
    assert options == {"--path": f"{HOME}/chroma", "--host": "127.0.0.1", "--port": "8000"}
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip(f"no chroma CLI beside {sys.executable}")
    usage = subprocess.run([str(chroma), "run", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert all(option in usage for option in options), usage
    assert one(service, "User") == "citebot" and one(service, "Restart") == "on-failure"
    assert environment(service)["ANONYMIZED_TELEMETRY"] == "False"


def test_systemd_accepts_the_unit_files(tmp_path):
    """`systemd-analyze verify`, with the install prefix pointed at this interpreter's environment
    (verify checks that ExecStart's program exists); any warning fails the test."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt package systemd)")
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "citebot").exists() or not (bin_dir / "chroma").exists():
        pytest.skip(f"citebot or chroma is not installed in {bin_dir}")
    paths = []
    for source in sorted(UNITS.glob("*.service")):
        copy = tmp_path / source.name
        copy.write_text(source.read_text(encoding="utf-8").replace(VENV_BIN, f"{bin_dir}/"), encoding="utf-8")
        paths.append(str(copy))
    result = subprocess.run([analyze, "verify", *paths], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_units_environment_and_the_example_configuration_are_valid_settings(monkeypatch):
    from bot.settings import Settings

    for key, value in environment(unit("citebot-discord.service")["Service"]).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CITEBOT_CONFIG", str(DEPLOY / "config.toml.example"))
    settings = Settings()
    assert settings.home == Path(HOME) and settings.log_level == "INFO"
    assert settings.model_cache_path == Path(HOME) / "models" and settings.discord_moderator_role == "Moderator"
    assert settings.discord_per_server_scope is False and settings.chroma_url is None
    assert re.search(r"^DISCORD_TOKEN=$", (UNITS / "discord.env.example").read_text(), re.MULTILINE)


# -- the install steps in docs/production.md -----------------------------------------------------
def guide_commands() -> list[tuple[int, list[str]]]:
    """(line number, words) of each simple command in the guide's bash blocks, `sudo -u X` removed."""
    found, in_block = [], False
    for number, raw in enumerate(GUIDE.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("```"):
            in_block = raw.strip() == "```bash" if not in_block else False
            continue
        if not in_block or not raw.strip():
            continue
        words = shlex.split(raw, comments=True)
        if words and words[0] == "sudo":
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[2:] if words[0] in ("-u", "-g") else words[1:]
        found.append((number, words))
    return found


GUIDE_COMMANDS = guide_commands()


def test_the_guide_installs_runs_and_ingests_with_real_commands():
    programs = {os.path.basename(words[0]) for _, words in GUIDE_COMMANDS}
    assert {"python3", "pip", "citebot", "systemctl"} <= programs
    assert any(words[1:] == ["install", "-c", "constraints.txt", "."] for _, words in GUIDE_COMMANDS)
    for number, words in GUIDE_COMMANDS:
        program = os.path.basename(words[0])
        if program == "citebot":
            assert words[0] == VENV_BIN + "citebot", f"production.md:{number}: the venv's citebot"
            parse_citebot(words[1:])
        elif program in ("python", "python3"):
            assert words[1] in ("-m", "-c"), f"production.md:{number}"
            if words[1] == "-m":
                assert __import__("importlib").util.find_spec(words[2]), f"production.md:{number}: no module {words[2]}"
        else:
            assert program in SYSTEM_TOOLS, f"production.md:{number}: unexpected program {program}"
        for word in words:
            if word.startswith("deploy/"):
                assert (REPO / word).exists(), f"production.md:{number}: {word} is not in the repository"


def test_the_guides_model_export_command_exports_the_graph():
    [snippet] = [words[2] for _, words in GUIDE_COMMANDS if os.path.basename(words[0]) == "python" and words[1] == "-c"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", snippet], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert Path(result.stdout.strip()).is_file()


def test_the_guide_and_the_units_name_the_same_paths():
    guide = GUIDE.read_text(encoding="utf-8")
    for path in (VENV_BIN, HOME, "/etc/citebot/discord.env"):
        assert path in guide
    for name in ("citebot-discord.service", "chroma.service", "discord.env.example"):
        assert f"deploy/systemd/{name}" in guide
