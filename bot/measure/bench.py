"""`citebot bench`: measure cold start, ingestion, warm query latency, memory and store size.

Every measurement that involves memory or start-up runs in its own child process, so each number
is that process's own: peak RSS comes from `os.wait4`'s rusage of the child, and nothing loaded
by one phase (torch, the HNSW index) inflates another. Timing numbers are wall clock on a shared
machine; compare ratios measured within one run rather than numbers across runs.

Phases (all in a scratch directory that is deleted afterwards):
1. ingest: a child ingests N articles of the multihop corpus through `Citebot.ingest`, after warming
   the model (model load is not ingestion); another child encodes the very same chunks with
   sentence-transformers' own `encode` at the same batch size (the raw model throughput) and saves
   the vectors, which later phases reuse.
2. cold start: fresh `python -m bot ask` processes against that store (median of several), plus
   one probe child that times the steps (imports, store open, model load, first query); then the
   same asks again while a warm daemon (`citebot daemon start`) serves that store.
3. queries: the store is grown to each size with real chunks first, then synthetic filler chunks
   inserted directly through the store API with precomputed vectors (see `_filler`); at each size
   a child process loads a `Citebot`, warms up, and times `ask` (embed + search + answer).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.measure.bench_store import (
    QueryStore,
    documents_and_chunks,
    open_bot,
    subset_corpus,
)

MB = 1024 * 1024  # ru_maxrss is in KiB on Linux
COLD_QUESTION = "Who is facing a criminal trial on fraud and conspiracy charges?"


@dataclass
class BenchConfig:
    """What one bench run measures; `quick_config()` is the tiny variant the test suite runs."""

    corpus: Path
    queries: Path
    articles: int = 150
    sizes: list[int] = field(default_factory=lambda: [1_000, 10_000, 100_000])
    query_count: int = 60
    cold_runs: int = 5
    batch_size: int = 64
    filler_chunks_per_doc: int = 500
    quick: bool = False

    @classmethod
    def quick_config(cls, corpus: Path, queries: Path) -> "BenchConfig":
        return cls(corpus, queries, articles=2, sizes=[40, 150], query_count=3, cold_runs=1, filler_chunks_per_doc=100, quick=True)


# -- child processes ---------------------------------------------------------------------------
def _run_child(args: list[str], env: dict[str, str], cwd: Path, cpu: list[float] | None = None) -> tuple[float, float, str]:
    """Run a child; return (wall seconds, peak RSS MB of that child alone, stdout).

    The child's CPU seconds (user + system) are appended to `cpu` if given: on a machine shared
    with other work, CPU time shows what a start costs when wall time mostly shows the queue."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if cpu is not None:
            cpu.append(usage.ru_utime + usage.ru_stime)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {args[2:4]} failed ({proc.returncode}): {stderr.strip()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def _worker_cmd(phase: str, payload: dict) -> list[str]:
    return [sys.executable, "-c", "import bot.measure.bench as b; b.worker()", phase, json.dumps(payload)]


def _cold_asks(runs: int, env: dict[str, str], repo: Path) -> tuple[list[float], list[float], list[float]]:
    """`runs` fresh `citebot ask COLD_QUESTION --json` processes, one after another; returns each
    one's wall seconds, peak RSS MB and CPU seconds (see `_run_child`)."""
    walls, rss, cpu = [], [], []
    for _ in range(runs):
        wall, peak, _ = _run_child([sys.executable, "-m", "bot", "ask", COLD_QUESTION, "--json"], env, repo, cpu)
        walls.append(wall)
        rss.append(peak)
    return walls, rss, cpu


def worker() -> None:
    """Entry point of the bench's child processes: `phase payload-json` in argv, JSON on stdout."""
    phase, payload = sys.argv[1], json.loads(sys.argv[2])
    phases = {"ingest": _phase_ingest, "raw": _phase_raw, "probe": _phase_probe, "query": _phase_query, "grow": _phase_grow}
    result = phases[phase](payload)
    print(json.dumps({**result, "peak_rss_mb": _own_peak_rss_mb()}))


def _own_peak_rss_mb() -> float | None:
    """This process's peak RSS since exec (VmHWM). `wait4`'s ru_maxrss is not that: a child's count
    starts from the parent's RSS at fork, so a bench parent holding a model or a big store would
    inflate every child's figure by its own size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak(child_out: dict, wait4_mb: float) -> float:
    return child_out.get("peak_rss_mb") or wait4_mb


def _phase_ingest(p: dict) -> dict:
    bot = open_bot(p["home"])
    bot.embedder.embed_documents(["warm up the model"])
    start = time.perf_counter()
    report = bot.ingest([p["corpus"]], actor="bench")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds, "articles": report.count("added"), "chunks": sum(i.chunks for i in report.items),
        "failed": report.count("failed"), "backend": type(bot.embedder).__name__,
    }


def _phase_raw(p: dict) -> dict:
    """sentence-transformers' own `encode` (torch, via `SentenceTransformerEmbedder`) on exactly
    the chunks the pipeline made."""
    import numpy as np

    from vectorstore.embeddings import SentenceTransformerEmbedder

    texts = json.loads(Path(p["texts"]).read_text())
    model = SentenceTransformerEmbedder(p["model"], batch_size=p["batch_size"])
    model.embed_documents(["warm up the model"])
    start = time.perf_counter()
    vectors = model.embed_documents(texts)
    seconds = time.perf_counter() - start
    np.save(p["vectors"], vectors)
    return {"seconds": seconds, "chunks": len(texts)}


def _cli_module() -> str:
    """The module the installed `citebot` command starts from (read from the package's entry
    point, so the probe times exactly what a user's `citebot ask` imports; bot.main if the
    package metadata is not installed)."""
    from importlib.metadata import entry_points

    found = [e.module for e in entry_points(group="console_scripts") if e.name == "citebot"]
    return found[0] if found else "bot.main"


def _phase_probe(p: dict) -> dict:
    """One cold `ask`, step by step (what `python -m bot ask` does, with clocks in between)."""
    marks = [time.perf_counter()]
    importlib.import_module(_cli_module())  # what the `citebot` entry point imports
    from bot.library import Citebot
    from bot.settings import Settings

    marks.append(time.perf_counter())
    bot = Citebot(Settings(home=Path(p["home"])))
    bot.store.count_chunks()
    marks.append(time.perf_counter())
    bot.embedder.embed_query("load the model")
    marks.append(time.perf_counter())
    bot.ask(p["question"])
    marks.append(time.perf_counter())
    names = ["imports_s", "store_open_s", "model_load_s", "first_query_s"]
    return {n: marks[i + 1] - marks[i] for i, n in enumerate(names)}


def _phase_grow(p: dict) -> dict:
    """Grow the query store to `target` chunks in a child, so the bench parent never holds the
    model or the store (its RSS would count in every later child's ru_maxrss)."""
    import numpy as np

    docs_chunks = documents_and_chunks(Path(p["corpus"]), p["chunk_max_chars"])
    store = QueryStore(Path(p["home"]), docs_chunks, np.load(p["vectors"]), p["per_doc"])
    start = time.perf_counter()
    store.grow_to(p["target"])
    # as `citebot ingest` leaves a store: keyword index up to date, so the query process measures serving
    store.bot.retriever.lexical.sync(store.bot.store)
    return {"seconds": time.perf_counter() - start, "size": store.size, "real_chunks": store.real_chunks}


def _phase_query(p: dict) -> dict:
    """A long-lived process like the Discord bot: load once, then answer question after question."""
    bot = open_bot(p["home"])
    questions = p["questions"]
    for q in questions[:3]:
        bot.ask(q)
    times, cpu = [], []
    abstained = 0
    for q in questions:
        start, start_cpu = time.perf_counter(), time.process_time()
        answer = bot.ask(q)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)  # all threads of this process
        abstained += answer.abstained
    return {"times_ms": times, "cpu_ms": cpu, "abstained": abstained, "chunks": bot.store.count_chunks()}


def _cold_with_daemon(cfg: BenchConfig, env: dict[str, str], repo: Path) -> dict:
    """Fresh `citebot ask` processes while a daemon serves the store (started and warmed first).

    Client CPU comes from each child's rusage; the daemon's share is its own CPU-time growth over
    the timed asks (from `daemon status`), so the total cost of an ask stays visible. Every timed
    ask must have been served by the daemon, else the number would describe the cold path."""
    env = dict(env, CITEBOT_DAEMON_IDLE_S="300")  # not part of the settings fingerprint; a lost bench cleans itself up
    base = [sys.executable, "-m", "bot"]

    def daemon_status() -> dict:
        return json.loads(_run_child(base + ["daemon", "status", "--json"], env, repo)[2])

    _run_child(base + ["daemon", "start", "--json"], env, repo)
    try:
        _run_child(base + ["ask", "warm the daemon's caches", "--json"], env, repo)
        before = daemon_status()
        walls, _, cpu = _cold_asks(cfg.cold_runs, env, repo)
        after = daemon_status()
    finally:
        _run_child(base + ["daemon", "stop"], env, repo)
    if after.get("served", 0) - before.get("served", 0) != cfg.cold_runs:
        raise RuntimeError(f"the daemon served {after.get('served', 0) - before.get('served', 0)} of {cfg.cold_runs} timed asks")
    return {
        "cold_ask_daemon_median_s": statistics.median(walls), "cold_ask_daemon_runs_s": walls,
        "cold_ask_daemon_cpu_median_s": statistics.median(cpu),
        "cold_ask_daemon_server_cpu_s": (after["cpu_s"] - before["cpu_s"]) / cfg.cold_runs,
        "daemon_rss_mb": after["rss_mb"],
    }


# -- corpus and store building -------------------------------------------------------------------
def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MB


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def _questions(path: Path, n: int) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line)["question"])
            if len(out) == n:
                break
    return out


# -- the run -------------------------------------------------------------------------------------
def run_bench(cfg: BenchConfig, *, log=lambda msg: None) -> dict:
    """Run every phase and return one flat-ish dict (what `--json` prints). Everything heavy runs in
    child processes; this one stays small (see `_own_peak_rss_mb`)."""
    from bot.settings import Settings

    repo = Path(__file__).resolve().parent.parent
    work = Path(tempfile.mkdtemp(prefix="citebot-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(repo))
    for key in ("CITEBOT_EMBEDDING_BACKEND", "CITEBOT_EMBEDDING_MODEL", "CITEBOT_MODEL_CACHE"):
        if key in os.environ:
            env[key] = os.environ[key]
    settings = Settings(home=work / "ingest-home")
    result: dict = {"quick": cfg.quick}
    try:
        corpus = work / "corpus.jsonl"
        subset_corpus(cfg.corpus, corpus, cfg.articles)
        docs_chunks = documents_and_chunks(corpus, settings.chunk_max_chars)
        texts = [c.text for _, chunks in docs_chunks for c in chunks]
        (work / "texts.json").write_text(json.dumps(texts))

        log(f"ingest: {cfg.articles} articles, {len(texts)} chunks")
        _, ingest_rss, out = _run_child(_worker_cmd("ingest", {"home": str(work / "ingest-home"), "corpus": str(corpus)}), env, repo)
        ing = json.loads(out)
        ingest_rss = _peak(ing, ingest_rss)
        log("raw encode (sentence-transformers)")
        _, raw_rss, out = _run_child(_worker_cmd("raw", {
            "texts": str(work / "texts.json"), "vectors": str(work / "vectors.npy"),
            "model": settings.embedding_model, "batch_size": cfg.batch_size,
        }), env, repo)
        raw = json.loads(out)
        raw_rss = _peak(raw, raw_rss)
        chunks_per_s = ing["chunks"] / ing["seconds"]
        raw_per_s = raw["chunks"] / raw["seconds"]
        result.update(
            embedding_backend=ing["backend"], ingest_articles=ing["articles"], ingest_chunks=ing["chunks"],
            ingest_seconds=ing["seconds"], ingest_chunks_per_s=chunks_per_s,
            ingest_articles_per_s=ing["articles"] / ing["seconds"], raw_encode_chunks_per_s=raw_per_s,
            raw_encode_batch_size=cfg.batch_size, ingest_ratio_to_raw=chunks_per_s / raw_per_s,
            ingest_rss_mb=ingest_rss, raw_encode_rss_mb=raw_rss,
            ingest_store_mb=_dir_mb(work / "ingest-home"),
        )

        log("cold start")
        ask_env = dict(env, CITEBOT_HOME=str(work / "ingest-home"))
        cold, cold_rss, cold_cpu = _cold_asks(cfg.cold_runs, ask_env, repo)
        wall, _, out = _run_child(_worker_cmd("probe", {"home": str(work / "ingest-home"), "question": COLD_QUESTION}), env, repo)
        steps = json.loads(out)
        steps.pop("peak_rss_mb", None)  # the probe reports seconds only
        steps["interpreter_s"] = max(0.0, wall - sum(steps.values()))
        result.update(
            cold_ask_no_daemon_median_s=statistics.median(cold), cold_ask_no_daemon_runs_s=cold,
            cold_ask_no_daemon_cpu_median_s=statistics.median(cold_cpu),
            cold_ask_rss_mb=max(cold_rss), cold_breakdown_s=steps,
        )
        log("cold start with a warm daemon")
        warm = _cold_with_daemon(cfg, ask_env, repo)
        result.update(warm)
        # What a person typing `citebot ask` at a terminal gets by default from the second question on:
        # the first ask starts a daemon (daemon_autostart unset = on at a terminal). The first ask, and
        # scripts that do not set CITEBOT_DAEMON_AUTOSTART=1, get the no-daemon numbers above.
        result.update(
            cold_ask_median_s=warm["cold_ask_daemon_median_s"], cold_ask_runs_s=warm["cold_ask_daemon_runs_s"],
            cold_ask_cpu_median_s=warm["cold_ask_daemon_cpu_median_s"] + warm["cold_ask_daemon_server_cpu_s"],
            cold_ask_median_is="a fresh `citebot ask` process served by the warm daemon (client + daemon CPU): the default "
            "at a terminal from the second ask on; the first ask and scripts get the no-daemon time",
        )

        questions = _questions(cfg.queries, cfg.query_count)
        grown: dict = {}
        build_rss: dict = {}
        p50, p95, p99, build_s, store_mb, bot_rss, ask_rss, cpu50, answered = {}, {}, {}, {}, {}, {}, {}, {}, {}
        for size in cfg.sizes:
            log(f"queries at {size} chunks")
            _, _, out = _run_child(_worker_cmd("grow", {
                "home": str(work / "query-home"), "corpus": str(corpus), "vectors": str(work / "vectors.npy"),
                "chunk_max_chars": settings.chunk_max_chars, "per_doc": cfg.filler_chunks_per_doc, "target": size,
            }), env, repo)
            grown = json.loads(out)
            build_s[str(size)] = grown["seconds"]
            build_rss[str(size)] = grown.get("peak_rss_mb")
            _, rss, out = _run_child(_worker_cmd("query", {"home": str(work / "query-home"), "questions": questions}), env, repo)
            q = json.loads(out)
            rss = _peak(q, rss)
            p50[str(size)] = _percentile(q["times_ms"], 50)
            p95[str(size)] = _percentile(q["times_ms"], 95)
            p99[str(size)] = _percentile(q["times_ms"], 99)
            cpu50[str(size)] = _percentile(q["cpu_ms"], 50)
            answered[str(size)] = len(q["times_ms"]) - q["abstained"]
            bot_rss[str(size)] = rss
            store_mb[str(size)] = _dir_mb(work / "query-home")
        _, [rss], _ = _cold_asks(1, dict(env, CITEBOT_HOME=str(work / "query-home")), repo)
        ask_rss[str(cfg.sizes[-1])] = rss
        largest = str(cfg.sizes[-1])
        result.update(
            query_sizes=cfg.sizes, query_count=len(questions), query_p50_ms=p50, query_p95_ms=p95, query_p99_ms=p99,
            query_cpu_p50_ms=cpu50, query_answered=answered,
            query_rss_mb=max(rss, bot_rss[largest]), query_ask_process_rss_mb=ask_rss,
            bot_like_process_rss_mb=bot_rss, store_build_s=build_s, store_build_rss_mb=build_rss, store_mb=store_mb,
            filler_chunks=grown["size"] - grown["real_chunks"], real_chunks_in_query_store=grown["real_chunks"],
            bench_parent_rss_mb=_own_peak_rss_mb(),  # bounds how much a `citebot ask` child's ru_maxrss over-counts
            filler_method="3-6 random corpus sentences per chunk; vector = a real chunk vector + N(0, 0.03) noise, renormalised (each sentence's stored vector: the chunk's + its own such noise); inserted via ChromaStore.put_document",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result
