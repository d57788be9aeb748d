"""The shape of the house: no import cycles, a contract that imports nothing above it, small
modules, and every exception a user can see derived from ``VetiverError``.

These read the source (``ast``), so they hold for every import, including the ones made inside
functions, without running anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core" / "src"
PLUGIN_SOURCES = sorted((ROOT / "plugins").glob("*/src"))
MAX_LINES = 400

# The contract plugins implement: it may import only these vetiver modules (the types it names).
CONTRACT = {"vetiver.hookspecs", "vetiver.handlers.base"}
CONTRACT_MAY_IMPORT = {"vetiver.errors", "vetiver.meta"}

# Exceptions that never reach a user: the server turns them into an HTTP status.
HTTP_SIGNALS = {"BodyTooLarge", "UnsupportedMediaType"}


def _modules(source: Path) -> dict[str, Path]:
    found = {}
    for path in source.rglob("*.py"):
        parts = list(path.relative_to(source).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules(CORE)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path, *, top_level_only: bool = False) -> Iterator[tuple[str, int]]:
    """(imported vetiver module, line) for each import in ``module``; ``if TYPE_CHECKING:``
    blocks are skipped (they never run)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(nodes: list[ast.stmt], nested: bool) -> Iterator[tuple[str, int]]:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from visit(node.orelse, nested)
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, node.lineno
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    yield (submodule if submodule in MODULES else target), node.lineno
            if top_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list) and children and isinstance(children[0], (ast.stmt, ast.excepthandler)):
                    yield from visit(children, True)

    for name, line in visit(ast.parse(path.read_text()).body, False):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            yield name, line


def _graph() -> dict[str, set[str]]:
    return {module: {target for target, _ in _imports(module, path)} for module, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = walk(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = walk(node)
            if found:
                return found
    return None


def test_core_has_no_import_cycles():
    # Package __init__ files import their submodules, and a submodule's import first runs its
    # package: that implicit edge is not an import statement, so it is not in the graph.
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", sorted(CONTRACT))
def test_the_contract_imports_only_the_error_and_metadata_types(module):
    imported = {target for target, _ in _imports(module, MODULES[module], top_level_only=True)}
    vetiver_modules = {m for m in imported if m.startswith("vetiver")}
    assert vetiver_modules <= CONTRACT_MAY_IMPORT, vetiver_modules - CONTRACT_MAY_IMPORT


@pytest.mark.parametrize("module", sorted(MODULES))
def test_core_modules_are_small(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by job"


def test_every_subpackage_says_what_it_owns():
    packages = [p for p in (CORE / "vetiver").iterdir() if (p / "__init__.py").exists()]
    for package in packages:
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert docstring and len(docstring) > 40, f"{package.name}/__init__.py needs a docstring saying what it owns"


def _exception_classes() -> Iterator[tuple[str, str, list[str]]]:
    sources = [CORE, *PLUGIN_SOURCES]
    for source in sources:
        for module, path in _modules(source).items():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(b) for b in node.bases]
                    if any(b.endswith(("Error", "Exception")) for b in bases):
                        yield module, node.name, bases


def test_every_error_a_user_can_see_is_a_vetiver_error():
    import importlib

    from vetiver.errors import VetiverError

    offenders = []
    for module, name, _ in _exception_classes():
        if name.startswith("_") or name in HTTP_SIGNALS:
            continue
        try:
            cls = getattr(importlib.import_module(module), name)
        except ImportError as error:  # a plugin whose framework is missing here
            pytest.skip(f"{module}: {error}")
        if not issubclass(cls, VetiverError):
            offenders.append(f"{module}.{name}")
    assert offenders == []


def test_every_error_class_is_defined_once():
    names = [name for _, name, _ in _exception_classes()]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_core_raises_no_bare_builtin_errors():
    """``raise ValueError(...)`` and friends give users nothing to catch as vetiver's; core raises
    the VetiverError subclasses of ``vetiver.errors`` (which also derive from the builtin type)."""
    builtin = {"ValueError", "TypeError", "FileExistsError", "LookupError", "KeyError", "RuntimeError", "ImportError"}
    found = []
    for module, path in MODULES.items():
        if module.startswith("vetiver.testing"):
            continue  # test helpers fail tests, not users
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id in builtin:
                    found.append(f"{module}:{node.lineno} {func.id}")
    assert found == []
