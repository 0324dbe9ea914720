"""The layout's rules, checked on the import graph read from the source (tests/import_graph.py).

See docs/architecture.md for the rooms and why the rules hold.
"""

from __future__ import annotations

from tests.import_graph import REPO, all_imports, cycles, graph, modules

ADAPTERS = ("bot.cli", "bot.discord", "bot.daemon")
# A question's path, in order. A stage never imports an earlier one, so nothing calls back up the
# path; shared types and text helpers (bot.engine.answer, .sentences, .safe_text, .speaker_words,
# .trust, vectorstore's records/terms/diversity) sit below every stage.
STAGES = (
    "vectorstore.query_analysis",
    "vectorstore.retriever",
    "bot.engine.rerank",
    "bot.engine.select",
    "bot.engine.attribution",
    "bot.engine.provenance",
    "bot.engine.render",
)
MAX_MODULE_LINES = 400


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_module_takes_part_in_an_import_circle():
    assert cycles(graph()) == []


def test_the_adapters_import_the_library_and_engine_never_each_other():
    crossings = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in all_imports()
        for mine in ADAPTERS if _in(i.source, mine)
        for other in ADAPTERS if other != mine and _in(i.target, other)
    ]
    assert crossings == []


def test_vectorstore_imports_neither_bot_nor_ingest_and_ingest_imports_no_bot():
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in all_imports()
        if (_in(i.source, "vectorstore") and (_in(i.target, "bot") or _in(i.target, "ingest")))
        or (_in(i.source, "ingest") and _in(i.target, "bot"))
    ]
    assert wrong == []


def test_the_engine_and_library_never_import_an_adapter():
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in all_imports()
        if (_in(i.source, "bot.engine") or _in(i.source, "bot.library"))
        and any(_in(i.target, a) for a in (*ADAPTERS, "bot.main"))
    ]
    assert wrong == []


def test_no_private_name_is_imported_from_another_module():
    private = [f"{i.source}:{i.line} takes {n} from {i.target}" for i in all_imports() for n in i.names if n.startswith("_")]
    assert private == []


def test_no_stage_of_the_question_path_imports_an_earlier_stage():
    edges = graph()
    back = [
        f"{later} imports {earlier}"
        for pos, later in enumerate(STAGES)
        for earlier in STAGES[:pos]
        if earlier in edges[later]
    ]
    assert back == []


def test_every_stage_of_the_question_path_is_a_module_of_the_package():
    assert set(STAGES) <= set(modules())


def test_no_module_is_longer_than_the_limit():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_the_graph_reader_sees_a_circle_when_there_is_one(tmp_path):
    """The checks above would pass vacuously on a reader that finds no imports."""
    pkg = tmp_path / "bot"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from bot.b import x\n")
    (pkg / "b.py").write_text("def f():\n    from bot import a\n")
    for other in ("ingest", "vectorstore"):
        (tmp_path / other).mkdir()
    assert cycles(graph(tmp_path)) == [["bot.a", "bot.b"]]
    assert REPO.exists()
