"""torch.export archives are loaded without running code from the file: tampered archives that
torch.export.load itself would execute are refused before anything runs."""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from pathlib import Path

import pins
import pytest
import torch
from torch.fx import Graph, GraphModule

from vetiver import VetiverModel, vetiver_pin_write
from vetiver.storage.pinstore import _content_hash
from vetiver_torch.safe_load import UnsafeExportError, _weights_only_loads, check_graph, load_exported_module


class Payload:
    """Unpickling this writes a marker file: the proof that code from the archive ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('ran')",)


@pytest.fixture
def archive(mlp, features, tmp_path) -> Path:
    """A genuine archive written by vetiver for the MLP."""
    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=False)
    vetiver_pin_write(board, VetiverModel(mlp, "mlp", prototype_data=features[:2]))
    return next((tmp_path / "board" / "mlp").glob("*/mlp.pt2"))


def _rewrite(archive: Path, change) -> None:
    """Rewrite the archive's members through ``change(name, data) -> data | None`` (None: drop)."""
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    changed = {}
    for name, data in members.items():
        new = change(name, data)
        if new is not None:
            changed[name] = new
    with zipfile.ZipFile(archive, "w") as target:
        for name, data in changed.items():
            target.writestr(name, data)


def _edit_json(suffix: str, edit):
    def change(name: str, data: bytes) -> bytes:
        if not name.endswith(suffix):
            return data
        document = json.loads(data)
        edit(document)
        return json.dumps(document).encode()

    return change


def _first_holding(tree, key: str) -> dict:
    """The first dict in a JSON tree that has ``key``."""
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if key in node:
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise KeyError(key)


def test_a_genuine_archive_loads(archive, mlp, features):
    module = load_exported_module(archive)
    with torch.no_grad():
        assert torch.equal(module(torch.from_numpy(features[:3])), mlp.eval()(torch.from_numpy(features[:3])))


def test_pickled_weights_are_refused(archive, tmp_path):
    marker = tmp_path / "marker"

    def poison(name: str, data: bytes) -> bytes:
        if name.endswith("data/weights/weight_0"):
            return pickle.dumps(Payload(marker))
        if name.endswith("_weights_config.json"):
            config = json.loads(data)
            next(iter(config["config"].values()))["use_pickle"] = True
            return json.dumps(config).encode()
        return data

    _rewrite(archive, poison)
    with pytest.raises(UnsafeExportError, match="is a pickle"):
        load_exported_module(archive)
    assert not marker.exists()


def test_guard_code_is_refused(archive, tmp_path):
    marker = tmp_path / "marker"
    code = f"exec(\"open({str(marker)!r}, 'w').write('ran')\")"
    _rewrite(archive, _edit_json("models/model.json", lambda doc: doc.__setitem__("guards_code", [code])))
    with pytest.raises(UnsafeExportError, match="guard code"):
        load_exported_module(archive)
    assert not marker.exists()


def test_symbolic_expressions_that_are_not_arithmetic_are_refused(archive, tmp_path):
    marker = tmp_path / "marker"
    evil = f"__import__('builtins').exec(\"open({str(marker)!r}, 'w').write('ran')\")"

    def edit(doc):
        holder = _first_holding(doc, "expr_str")  # the batch dimension is symbolic
        assert holder["expr_str"].startswith("Symbol(")
        holder["expr_str"] = evil

    _rewrite(archive, _edit_json("models/model.json", edit))
    with pytest.raises(UnsafeExportError, match="not plain arithmetic"):
        load_exported_module(archive)
    assert not marker.exists()


@pytest.mark.parametrize("member", ["data/aotinductor/model/model.so", "data/constants/opaque_obj_0"])
def test_members_plain_modules_never_have_are_refused(archive, member):
    root = zipfile.ZipFile(archive).namelist()[0].split("/")[0]
    with zipfile.ZipFile(archive, "a") as target:
        target.writestr(f"{root}/{member}", b"\x00")
    with pytest.raises(UnsafeExportError, match="never contain"):
        load_exported_module(archive)


def test_graphs_calling_anything_but_torch_operators_are_refused():
    graph = Graph()
    x = graph.placeholder("x")
    graph.output(graph.call_function(os.system, (x,)))
    with pytest.raises(UnsafeExportError, match="not a torch operator"):
        check_graph(GraphModule(torch.nn.Module(), graph))


def test_torch_loads_are_forced_to_weights_only(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "payload.pt"
    torch.save(Payload(marker), path)
    with _weights_only_loads(), pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=False)
    assert not marker.exists()
    assert "TORCH_FORCE_WEIGHTS_ONLY_LOAD" not in os.environ


def test_a_tampered_pin_is_refused_even_with_a_matching_hash(archive, tmp_path):
    """Someone with write access to the board swaps the archive and updates pin_hash."""
    marker = tmp_path / "marker"
    code = f"exec(\"open({str(marker)!r}, 'w').write('ran')\")"
    _rewrite(archive, _edit_json("models/model.json", lambda doc: doc.__setitem__("guards_code", [code])))
    meta_file = archive.parent / "data.txt"
    text = meta_file.read_text()
    old_hash = next(line.split(": ")[1] for line in text.splitlines() if line.startswith("pin_hash"))
    meta_file.write_text(text.replace(old_hash, _content_hash([archive.read_bytes()])))
    with pytest.raises(UnsafeExportError):
        VetiverModel.from_pin(pins.board_folder(str(tmp_path / "board"), allow_pickle_read=False), "mlp")
    assert not marker.exists()
