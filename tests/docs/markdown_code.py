"""The ```python blocks of the documentation's Markdown pages, and how each is marked.

A block runs unless the last non-blank line before its fence is a marker comment:

- ``<!-- docs-test: skip REASON -->``: shown, not run (it serves forever, needs a cloud account,
  or is a fragment of a class body). The reason is required.
- ``<!-- docs-test: with-demo-server -->``: runs while vetiver's demo model is served on a free
  port of 127.0.0.1; ``127.0.0.1:8080`` in the block is pointed at that port.

The blocks of one page run in order in one namespace, as a reader typing them in would. A page
whose examples need a distribution that only some test environments install says so once, anywhere
on the page: ``<!-- docs-test: page-requires MODULE ... -->``; the page is skipped, with that
reason, where a module is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MARKER = re.compile(r"^<!--\s*docs-test:\s*(?P<kind>[a-z-]+)(?P<reason>.*?)-->\s*$")
KINDS = {"skip", "with-demo-server"}
PAGE_REQUIRES = re.compile(r"^<!--\s*docs-test:\s*page-requires\s+(?P<modules>[\w. ]+?)\s*-->\s*$", re.M)
DEMO_ADDRESS = "127.0.0.1:8080"


@dataclass(frozen=True)
class CodeBlock:
    page: Path
    line: int  # of the opening fence, 1-based
    code: str
    marker: str | None = None
    reason: str = ""

    @property
    def where(self) -> str:
        return f"{self.page.as_posix()}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.marker != "skip"


def python_blocks(page: Path, root: Path) -> list[CodeBlock]:
    """Every fenced ``python`` block of ``page`` (a path under ``root``), with its marker."""
    lines = page.read_text().splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        fence = re.match(r"^(\s*)```python\s*$", lines[index])
        if not fence:
            index += 1
            continue
        indent = len(fence.group(1))
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and not re.match(r"^\s*```\s*$", lines[index]):
            body.append(lines[index][indent:])
            index += 1
        previous = next((lines[i].strip() for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        marker = MARKER.match(previous)
        if marker and marker.group("kind") == "page-requires":  # about the page, not this block
            marker = None
        blocks.append(
            CodeBlock(
                page=page.relative_to(root),
                line=start + 1,
                code="\n".join(body) + "\n",
                marker=marker.group("kind") if marker else None,
                reason=marker.group("reason").strip() if marker else "",
            )
        )
        index += 1
    return blocks


def page_requirements(page: Path) -> list[str]:
    """The modules a page's examples need (its ``page-requires`` markers)."""
    return [m for found in PAGE_REQUIRES.finditer(page.read_text()) for m in found.group("modules").split()]
