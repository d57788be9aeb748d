"""Two or more processes writing one pin at once never expose a half-written version as latest.

The scenario is the one measured in testing-real-parts.md §4.3, where pins 0.9.2 gave 42 of 60
writers ``PinsError: ... directory already exists`` and one torn read: 4 writer processes write
one pin concurrently while a reader process loads the newest version in a loop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vetiver
from vetiver.storage import pinstore

WRITER = """
import sys, vetiver, pins
from sklearn.linear_model import LinearRegression
board_path, writer, writes, same = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "same"
board = pins.board_folder(board_path, allow_pickle_read=True)
errors = 0
for i in range(writes):
    X, y = vetiver.get_mock_data(seed=0 if same else writer * 1000 + i)
    # big enough that copying a version takes measurable time
    X = X.sample(5000, replace=True, random_state=i if not same else 0)
    y = y.sample(5000, replace=True, random_state=i if not same else 0)
    model = vetiver.VetiverModel(LinearRegression().fit(X.values, y.values), "m", prototype_data=X,
                                 metadata={"blob": "x" * 20000})
    try:
        vetiver.vetiver_pin_write(board, model)
    except Exception as error:
        errors += 1
        print(repr(error), file=sys.stderr)
print(errors)
"""

READER = """
import sys, time, json, vetiver, pins
board_path, stop_file = sys.argv[1], sys.argv[2]
import os
board = pins.board_folder(board_path, allow_pickle_read=True)
ok, errors = 0, []
deadline = time.time() + 120
while not os.path.exists(stop_file) and time.time() < deadline:
    try:
        vetiver.VetiverModel.from_pin(board, "m")
        ok += 1
    except vetiver.errors.PinNotFoundError:
        pass  # before the first version exists
    except Exception as error:
        errors.append(repr(error))
print(json.dumps({"ok": ok, "errors": errors[:5], "n_errors": len(errors)}))
"""


def _script(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("content", ["distinct", "same"])
def test_concurrent_writers_and_a_reader(tmp_path, content):
    board_path = str(tmp_path / "board")
    Path(board_path).mkdir()
    stop = tmp_path / "stop"
    writer, reader = _script(tmp_path, "w.py", WRITER), _script(tmp_path, "r.py", READER)

    reading = subprocess.Popen([sys.executable, reader, board_path, str(stop)], stdout=subprocess.PIPE, text=True)
    writers = [
        subprocess.Popen(
            [sys.executable, writer, board_path, str(n), "6", content],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [w.communicate(timeout=240) for w in writers]
    stop.write_text("done")
    read_report = json.loads(reading.communicate(timeout=240)[0].strip().splitlines()[-1])

    writer_errors = [int(out.strip().splitlines()[-1]) for out, _ in results]
    assert writer_errors == [0, 0, 0, 0], [err for _, err in results]
    assert read_report["n_errors"] == 0, read_report["errors"]
    assert read_report["ok"] > 0

    board = vetiver.board(board_path, allow_pickle_read=True)
    versions = pinstore.list_versions(board, "m")
    if content == "same":
        assert len(versions) == 1  # identical content is one version, not 24 or a crash
    else:
        assert len(versions) == 24
    for version in versions:  # every published version is complete and verifies
        meta = pinstore.read_meta(board, "m", version.version)
        pinstore.read_verified(board, "m", meta, needs_pickle=True)
    assert not [p for p in Path(board_path, "m").iterdir() if p.name.startswith(".")]
