"""Every hook is documented: signature heading, arguments, return value, an example."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from vetiver import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugin-hooks.md"
HOOKS = sorted(
    name for name, obj in vars(hookspecs).items() if callable(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
)


def _section(text: str, hook: str) -> str:
    start = text.index(f"### {hook}(")
    following = re.search(r"^##+ ", text[start + 4 :], flags=re.M)
    return text[start : start + 4 + following.start()] if following else text[start:]


def test_there_are_hooks_for_all_four_extension_points():
    assert {"handler_for_model", "model_formats", "storage_backends", "serving_runtimes", "deploy_targets"} <= set(
        HOOKS
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    text = DOC.read_text()
    arguments = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert f"### {hook}({arguments})" in text, f"docs/plugin-hooks.md lacks a '### {hook}({arguments})' section"
    section = _section(text, hook)
    assert "Returns" in section, f"{hook}: document the return value"
    assert "No arguments" in section or all(f"`{a}`" in section for a in arguments.split(", ")), hook
    example = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert example and "@hookimpl" in example.group(1) and f"def {hook}(" in example.group(1), (
        f"{hook}: add a complete example implementing the hook"
    )
    compile(example.group(1), f"<{hook} example>", "exec")
