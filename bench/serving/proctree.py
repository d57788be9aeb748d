"""CPU time and memory of a server's whole process tree, read from /proc (Linux).

Servers differ in how many processes they run (MLServer's inference workers, BentoML's arbiter
and worker, ``mlflow models serve`` starting uvicorn as a child), so every figure is summed over
the process and all its descendants.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may contain spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """``root`` and every descendant process alive now."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))  # fields[1] is ppid
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds used so far by the tree, including children that have exited
    and been waited for (their time moves into the parent's cutime/cstime)."""
    total = 0
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            # After the command name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            total += sum(int(value) for value in fields[11:15])
    return total / _TICKS_PER_S


def memory_mib(root: int) -> dict[str, float]:
    """Resident (RSS) and proportional (PSS: shared pages split between the processes sharing
    them) memory of the tree, in MiB, from /proc/<pid>/smaps_rollup."""
    totals = {"rss_mib": 0.0, "pss_mib": 0.0}
    for pid in tree(root):
        try:
            lines = (_PROC / str(pid) / "smaps_rollup").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        for line in lines:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                totals[f"{key.lower()}_mib"] += int(rest.split()[0]) / 1024  # kB
    return {key: round(value, 1) for key, value in totals.items()}
