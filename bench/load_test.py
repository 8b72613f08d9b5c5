"""Load test: concurrent clients asking a running `assistant serve` through its API.

    python bench/load_test.py [--clients 20] [--questions 25] [--append]

Starts `assistant serve` on the seed corpus (index in bench/.cache/seed-index) on a free
loopback port, waits until it answers, then:
1. baseline: one client asks the questions one after another;
2. load: N clients (threads, each its own gradio_client.Client) each ask Q questions as
   fast as they get answers, all at once.
Questions cycle through bench/seed_questions.json (answerable ja/en and off-topic), each
with a client/number suffix so that no answer comes from the query-embedding cache.
Bounded (N × Q requests), loopback only, stops the server at the end. Prints errors,
p50/p95/max latency and throughput, and with --append adds them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from results_file import publish

HERE = Path(__file__).parent
ROOT = HERE.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port),
         "--corpus", str(ROOT / "corpus"), "--index", str(index_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, url
        except OSError:
            if process.poll() is not None:
                raise SystemExit("assistant serve exited") from None
            time.sleep(0.3)
    process.kill()
    raise SystemExit("assistant serve did not start in 120 s")


def questions() -> list[str]:
    data = json.loads((HERE / "seed_questions.json").read_text(encoding="utf-8"))
    return [q["q"] for q in data["answerable"]] + list(data["off_topic"])


def ask_many(url: str, texts: list[str], times: list[float], errors: list[str]) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for text in texts:
        started = time.perf_counter()
        try:
            data = client.predict(text, None, api_name="/ask")
            if "abstained" not in data:
                errors.append(f"unexpected reply: {str(data)[:80]}")
        except Exception as err:  # counted, not raised: the point is to count them
            errors.append(f"{err.__class__.__name__}: {err}"[:200])
        times.append((time.perf_counter() - started) * 1000)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(url: str, clients: int, per_client: int) -> tuple[list[float], list[str], float]:
    pool = questions()
    times: list[float] = []
    errors: list[str] = []
    work = [[f"{pool[(c * per_client + i) % len(pool)]} ({c}-{i})" for i in range(per_client)]
            for c in range(clients)]
    threads = [threading.Thread(target=ask_many, args=(url, w, times, errors)) for w in work]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - started


def summary(label: str, times: list[float], errors: list[str], seconds: float) -> str:
    p50, p95 = np.percentile(times, [50, 95])
    return (f"| {label} | {len(times)} | {len(errors)} | {p50:.0f} | {p95:.0f} | "
            f"{max(times):.0f} | {len(times) / seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    index_dir = HERE / ".cache" / "seed-index"
    subprocess.run([sys.executable, "-m", "assistant", "index", "--corpus", str(ROOT / "corpus"),
                    "--index", str(index_dir)], check=True, capture_output=True)
    process, url = start_server(index_dir)
    try:
        ask_many(url, ["ウォームアップ warm-up"], [], [])
        base_times, base_errors = [], []
        started = time.perf_counter()
        ask_many(url, [f"{q} (base)" for q in questions()][: args.questions], base_times,
                 base_errors)
        base_seconds = time.perf_counter() - started
        cpu_before = cpu_seconds(process.pid)
        times, errors, seconds = run_load(url, args.clients, args.questions)
        server_cpu = cpu_seconds(process.pid) - cpu_before
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [
        f"### Load test through the API — {dt.date.today()}, {os.cpu_count()} cores",
        f"`python bench/load_test.py --clients {args.clients} --questions {args.questions}` "
        "(real `assistant serve` on the seed corpus, gradio_client per client, loopback)",
        "",
        "| run | requests | errors | p50 ms | p95 ms | max ms | answers/s |",
        "|---|---|---|---|---|---|---|",
        summary("baseline: 1 client, one after another", base_times, base_errors, base_seconds),
        summary(f"{args.clients} clients at once × {args.questions} questions", times, errors,
                seconds),
    ]
    lines.append(f"\nServer CPU during the load run: {server_cpu:.1f} s for {len(times)} answers "
                 f"({server_cpu / len(times) * 1000:.0f} ms each, Gradio's queue included); "
                 "the 20 client threads ran on the same 2 cores.")
    for error in sorted(set(errors))[:5]:
        lines.append(f"- error seen: {error}")
    publish(lines, args.append)


if __name__ == "__main__":
    main()
