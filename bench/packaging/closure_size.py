"""Installed size of what an image of each handler plugin carries: the plugin's dependency closure.

A Docker image of a model is the base image plus the installed closure of vetiver-core and the
model's handler plugin; this sums the files each distribution in that closure installed here
(``importlib.metadata``), split into library code, bytecode and the libraries' own test suites,
so the contributors to an image's size can be seen without building one.

    python bench/packaging/closure_size.py [--plugins sklearn,xgboost,statsmodels,torch] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
from pathlib import Path

from packaging.requirements import Requirement


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def closure(root: str) -> set[str]:
    """``root`` and every distribution it needs (without extras), as installed here."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        name = _name(stack.pop())
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen.add(name)
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                stack.append(requirement.name)
    return seen


def sizes(name: str) -> dict[str, int]:
    """Bytes a distribution installed: code, bytecode, and files under ``tests`` folders."""
    dist = md.distribution(name)
    totals = {"code": 0, "bytecode": 0, "tests": 0}
    for file in dist.files or ():
        path = Path(dist.locate_file(file))
        try:
            size = path.stat().st_size
        except OSError:
            continue
        parts = set(file.parts)
        if "tests" in parts or "test" in parts:
            totals["tests"] += size
        elif file.suffix == ".pyc":
            totals["bytecode"] += size
        else:
            totals["code"] += size
    # Bytecode written after install (compileall) is not in RECORD: count __pycache__ folders.
    tops = {file.parts[0] for file in dist.files or () if len(file.parts) > 1 and file.parts[0] != ".."}
    for top in tops:
        folder = Path(dist.locate_file(top))
        if folder.is_dir() and not top.endswith((".dist-info", ".data")):
            for pyc in folder.rglob("*.pyc"):
                key = "tests" if {"tests", "test"} & set(pyc.parts) else "bytecode"
                totals[key] += pyc.stat().st_size
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugins", default="sklearn,xgboost,statsmodels,torch")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = {}
    for plugin in args.plugins.split(","):
        names = closure(f"vetiver-{plugin}")
        if not names:
            print(f"vetiver-{plugin}: not installed")
            continue
        per_dist = {name: sizes(name) for name in sorted(names)}
        mib = {name: round(sum(s.values()) / 2**20, 1) for name, s in per_dist.items()}
        total = {key: round(sum(s[key] for s in per_dist.values()) / 2**20, 1) for key in ("code", "bytecode", "tests")}
        report[plugin] = {"total_mib": round(sum(total.values()), 1), **{f"{k}_mib": v for k, v in total.items()},
                          "largest": dict(sorted(mib.items(), key=lambda kv: -kv[1])[:8])}  # fmt: skip
        print(
            f"vetiver-{plugin}: {report[plugin]['total_mib']} MiB installed ({total}); largest {report[plugin]['largest']}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
