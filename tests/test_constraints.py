"""constraints.txt pins every dependency pyproject.toml declares, inside pyproject's range.

Why: a fresh install without pins takes whatever is newest that day, so a clone could test
with other versions than CI (that is how a chromadb or numpy change reaches a newcomer first).
The Makefile installs with `-c constraints.txt`; this fails fast when a dependency added to
pyproject.toml was not pinned, or a pin drifted outside the range pyproject.toml asks for.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for number, raw in enumerate((REPO / "constraints.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"constraints.txt line {number} is not an exact pin (name==version): {raw!r}"
        name = canonicalize_name(match[1])
        assert name not in pins, f"constraints.txt pins {name} twice"
        pins[name] = Version(match[2])
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = _pins()
    problems = []
    for req in _declared():
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name} is not pinned")
        elif not req.specifier.contains(pin, prereleases=True):
            problems.append(f"{req.name}=={pin} does not satisfy pyproject's '{req}'")
    assert not problems, "constraints.txt (regenerate with `make constraints`): " + "; ".join(problems)


def test_the_project_itself_is_not_pinned_and_torch_matches_the_makefile():
    pins = _pins()
    assert "citebot" not in pins  # an editable install of a pinned version of itself would conflict
    makefile_torch = re.findall(r"\btorch==([0-9][^\s'\"]*)", (REPO / "Makefile").read_text(encoding="utf-8"))
    assert makefile_torch and {Version(v) for v in makefile_torch} == {pins["torch"]}
