"""Print a measured block and, when asked, append it to bench/RESULTS.md."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"


def publish(lines: list[str], append: bool) -> None:
    report = "\n".join(lines) + "\n"
    print(report)
    if append:
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + report)
