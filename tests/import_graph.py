"""citebot's import graph, read from the source (nothing is imported or run).

`python -m tests.import_graph` prints which package imports which (the architecture at a
glance); `python -m tests.import_graph --modules` prints every module's imports; `--root DIR` reads another
checkout. The
architecture tests (tests/test_architecture.py) check their rules on the same graph.

Every `import` and `from … import` counts, also those inside functions (a lazy import is still
a dependency), except those under `if TYPE_CHECKING:` (types only, never run). Importing
`a.b.c` makes a module depend on `a.b.c`, not on the packages `a` and `a.b` that Python also
initialises on the way.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "ingest", "vectorstore")


@dataclass(frozen=True)
class Import:
    """One import statement's target in one module: `names` are the names taken from it."""

    source: str
    target: str
    names: tuple[str, ...]
    line: int


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = REPO) -> dict[str, Path]:
    """Every module of the three top-level packages, by dotted name."""
    return {module_name(p, root): p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    """The imports of one module that name one of our own modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    found.append(Import(name, alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            if base.split(".")[0] not in PACKAGES:
                continue
            plain = tuple(a.name for a in node.names if f"{base}.{a.name}" not in known)
            found.append(Import(name, base, plain, node.lineno))
            found += [Import(name, f"{base}.{a.name}", (), node.lineno) for a in node.names if f"{base}.{a.name}" in known]
    return found


def all_imports(root: Path = REPO) -> list[Import]:
    mods = modules(root)
    known = set(mods)
    return [imp for name, path in mods.items() for imp in imports_of(name, path, known)]


def graph(root: Path = REPO) -> dict[str, set[str]]:
    """Module -> the modules it imports (self-imports left out)."""
    edges: dict[str, set[str]] = {name: set() for name in modules(root)}
    for imp in all_imports(root):
        if imp.target != imp.source:
            edges[imp.source].add(imp.target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def package_of(module: str) -> str:
    """The room a module lives in: `bot.engine.select` -> `bot.engine`; top-level modules of bot stay themselves."""
    parts = module.split(".")
    if parts[0] == "bot" and len(parts) >= 3:
        return ".".join(parts[:2])
    if parts[0] == "bot":
        return module
    return parts[0]


def package_graph(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    rooms: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        rooms[package_of(source)]
        for target in targets:
            if package_of(target) != package_of(source):
                rooms[package_of(source)].add(package_of(target))
    return dict(rooms)


def main(argv: list[str]) -> int:
    root = Path(argv[argv.index("--root") + 1]).resolve() if "--root" in argv else REPO
    edges = graph(root)
    shown = edges if "--modules" in argv else package_graph(edges)
    for source in sorted(shown):
        print(f"{source} -> {', '.join(sorted(shown[source])) or '(nothing of ours)'}")
    loops = cycles(edges)
    print(f"\n{len(edges)} modules, {sum(len(t) for t in edges.values())} imports, {len(loops)} import circles")
    for loop in loops:
        print("  circle: " + " <-> ".join(loop))
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
