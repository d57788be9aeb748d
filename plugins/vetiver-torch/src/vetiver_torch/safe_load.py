"""Loading ``torch.export`` archives (``.pt2``) without running code from the file.

``torch.export.load`` trusts its input: weights and constants flagged as pickles are loaded with
``weights_only=False``, "opaque" constants are plain pickles, symbolic shape expressions go
through ``sympy.sympify`` (which evaluates Python), guard code is ``exec``-ed by
``ExportedProgram.module()``, and operator names resolve to anything reachable from the ``torch``
module (``torch.os.system``). This loader takes only what ``torch.export.save`` writes for a
module of plain tensors, and checks, in order:

1. the archive holds only graph JSON, plain tensor payloads, configs and sample inputs, and no
   payload is flagged as pickled (no AOTInductor libraries, custom or opaque objects);
2. the graph JSON has no guard code, and every symbolic expression is made of symbol names,
   numbers, arithmetic and an allow-list of sympy functions;
3. torch then loads it with every ``torch.load`` forced to ``weights_only``;
4. every node of the loaded graph calls a torch operator or a pure arithmetic function.
"""

from __future__ import annotations

import io
import json
import operator
import os
import re
import threading
import tokenize
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vetiver.errors import PinError


class UnsafeExportError(PinError):
    """A torch.export archive holds something that could run code when loaded or called."""


_MEMBER = re.compile(
    r"""(?x)
    archive_format | archive_version | byteorder | \.data/version | \.data/serialization_id
    | models/[\w.-]+\.json
    | data/weights/(?:weight_\d+ | [\w.-]+_weights_config\.json)
    | data/constants/(?:tensor_\d+ | [\w.-]+_constants_config\.json)
    | data/sample_inputs/[\w.-]+\.pt
    """
)
_SYMBOL = re.compile(r"[a-z]+\d+")
# Names a symbolic shape expression may use besides symbols (s0, u1...): the sympy classes
# torch.export writes, their assumptions, and torch's own sympy functions.
# Name tables, several names a line (one a line would bury them in 60 lines):
# fmt: off
_EXPRESSION_NAMES = frozenset({
    "Symbol", "Integer", "Rational", "Float", "True", "False",
    "positive", "integer", "nonnegative", "real", "finite",
    "Max", "Min", "Abs", "Eq", "Ne", "Lt", "Le", "Gt", "Ge", "And", "Or", "Not", "Mod",
    "floor", "ceiling", "oo", "zoo", "nan",
    "FloorDiv", "ModularIndexing", "Where", "PythonMod", "CleanDiv", "CeilToInt", "FloorToInt",
    "CeilDiv", "LShift", "RShift", "PowByNatural", "FloatPow", "FloatTrueDiv", "IntTrueDiv",
    "IsNonOverlappingAndDenseIndicator", "TruncToFloat", "TruncToInt", "RoundToInt",
    "RoundDecimal", "ToFloat", "Identity", "OpaqueUnaryFn_sqrt",
})
_EXPRESSION_OPS = frozenset({
    "+", "-", "*", "/", "//", "%", "**", "(", ")", ",", "=", "<", ">", "<=", ">=", "==", "!=",
    "&", "|", "~",
})
_ARITHMETIC = frozenset({
    operator.getitem, operator.add, operator.sub, operator.mul, operator.truediv,
    operator.floordiv, operator.mod, operator.pow, operator.neg, operator.pos, operator.abs,
    operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
    operator.and_, operator.or_, operator.xor, operator.not_, operator.invert,
})
# fmt: on
_TORCH_SYMBOLIC = ("sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "sym_ite", "sym_sqrt", "sym_sum")
_FORCE_WEIGHTS_ONLY = "TORCH_FORCE_WEIGHTS_ONLY_LOAD"
_env_lock = threading.Lock()


def load_exported_module(path: Path) -> Any:
    """The module of the exported program in ``path``, after the checks above.

    Raises:
        UnsafeExportError: the archive fails a check; nothing from it was run.
    """
    import torch

    check_archive(path)
    with _weights_only_loads():
        program = torch.export.load(str(path))
    module = program.module()
    check_graph(module)
    return module


def check_archive(path: Path) -> None:
    """Checks 1 and 2: archive members, pickle flags, guard code and symbolic expressions."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        roots = {name.split("/", 1)[0] for name in names}
        if len(roots) != 1 or any("/" not in name for name in names):
            raise UnsafeExportError(f"{path.name} is not a torch.export archive (one top folder expected)")
        for name in names:
            member = name.split("/", 1)[1]
            if not _MEMBER.fullmatch(member):
                raise UnsafeExportError(f"{path.name} holds {member!r}, which plain exported modules never contain")
            if member.endswith("_config.json"):
                _check_payload_config(member, json.loads(archive.read(name)))
            elif member.startswith("models/"):
                _check_program(member, json.loads(archive.read(name)))


def _check_payload_config(member: str, config: Any) -> None:
    for key, payload in (config.get("config") or {}).items():
        if payload.get("use_pickle"):
            raise UnsafeExportError(f"{member}: payload {key!r} is a pickle")


def _check_program(member: str, program: Any) -> None:
    if program.get("guards_code"):
        raise UnsafeExportError(f"{member}: the program carries guard code, which load would execute")
    for expression in _values_of(program, "expr_str"):
        if not isinstance(expression, str) or not _is_plain_expression(expression):
            raise UnsafeExportError(f"{member}: symbolic expression {expression!r} is not plain arithmetic")


def _values_of(tree: Any, key: str) -> list[Any]:
    found: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.extend(value for name, value in node.items() if name == key)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _is_plain_expression(expression: str) -> bool:
    """No attribute access, subscripts or calls of anything but allow-listed sympy names."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(expression).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in tokens:
        if token.type == tokenize.NAME:
            ok = token.string in _EXPRESSION_NAMES or _SYMBOL.fullmatch(token.string) is not None
        elif token.type == tokenize.OP:
            ok = token.string in _EXPRESSION_OPS
        elif token.type == tokenize.STRING:
            ok = bool(re.fullmatch(r"'[a-z]+\d+'|\"[a-z]+\d+\"", token.string))
        else:
            ok = token.type in (tokenize.NUMBER, tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
        if not ok:
            return False
    return True


@contextmanager
def _weights_only_loads() -> Any:
    """Force ``weights_only`` on every ``torch.load`` torch.export makes (it passes False for
    pickled payloads and falls back to False on failure)."""
    with _env_lock:
        previous = os.environ.get(_FORCE_WEIGHTS_ONLY)
        os.environ[_FORCE_WEIGHTS_ONLY] = "1"
        try:
            yield
        finally:
            if previous is None:
                del os.environ[_FORCE_WEIGHTS_ONLY]
            else:
                os.environ[_FORCE_WEIGHTS_ONLY] = previous


def check_graph(module: Any) -> None:
    """Check 4: graph nodes call only torch operators and arithmetic.

    Raises:
        UnsafeExportError: a node calls anything else.
    """
    import torch
    from torch.fx import GraphModule

    symbolic = {getattr(torch, name) for name in _TORCH_SYMBOLIC if hasattr(torch, name)}
    for graph_module in module.modules():
        if not isinstance(graph_module, GraphModule):
            continue
        for node in graph_module.graph.nodes:
            if node.op == "call_function":
                target = node.target
                if not (
                    isinstance(target, (torch._ops.OperatorBase, torch._ops.OpOverloadPacket))
                    or target in _ARITHMETIC
                    or target in symbolic
                ):
                    raise UnsafeExportError(f"graph node {node.name!r} calls {target!r}, not a torch operator")
            elif node.op == "call_module":
                called = graph_module.get_submodule(node.target)
                if not (isinstance(called, GraphModule) or _is_empty_guards(called)):
                    raise UnsafeExportError(f"graph node {node.name!r} calls module {node.target!r}")
            elif node.op not in ("placeholder", "get_attr", "output"):
                raise UnsafeExportError(f"graph node {node.name!r} is a {node.op}, which exported modules never use")


def _is_empty_guards(module: Any) -> bool:
    # torch.export wraps the program's guard code (checked to be empty) in a GuardsFn module.
    return type(module).__name__ == "GuardsFn" and type(module).__module__.startswith("torch.export")
