"""Print each nox session's wall time from ``nox --report FILE``, slowest first, and the total.

python3 tools/session_times.py .nox/report.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def table(report: dict) -> list[str]:
    sessions = sorted(report["sessions"], key=lambda s: s["duration"], reverse=True)
    width = max((len(s["signatures"][0] if s["signatures"] else s["name"]) for s in sessions), default=10)
    lines = [f"{'session':<{width}}  {'result':<8}  seconds"]
    for s in sessions:
        name = s["signatures"][0] if s["signatures"] else s["name"]
        lines.append(f"{name:<{width}}  {s['result']:<8}  {s['duration']:7.1f}")
    total = sum(s["duration"] for s in sessions)
    lines.append(f"{'total':<{width}}  {'':<8}  {total:7.1f}")
    return lines


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ".nox/report.json")
    if not path.exists():
        sys.exit(f"no nox report at {path}")
    print("\n".join(table(json.loads(path.read_text()))))
