"""The Quarto templates run as shipped.

Quarto itself is not installable here (no PyPI or Debian package), so this runs what Quarto's
Jupyter engine would: every ``{python}`` chunk in order in one namespace, the parameter overrides
injected right after the ``parameters`` cell (as ``quarto render -P`` does), and every inline
`` `{python} expr` `` expression evaluated. IPython's ``display`` is provided as in Jupyter.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vetiver

CHUNK = re.compile(r"^```\{python\}\n(.*?)^```", flags=re.S | re.M)
INLINE = re.compile(r"`\{python\} ([^`]+)`")

RUNNER = textwrap.dedent(
    """
    import json, re, sys
    source = open(sys.argv[1]).read()
    overrides = json.loads(sys.argv[2])
    shown = []

    def display(obj):
        # As Jupyter does: rich objects render (plotly figures to HTML), others to text.
        shown.append(obj.to_html() if hasattr(obj, "to_html") else repr(obj))

    namespace = {"display": display}
    chunks = re.findall(r"^```\\{python\\}\\n(.*?)^```", source, flags=re.S | re.M)
    for chunk in chunks:
        exec(compile(chunk, sys.argv[1], "exec"), namespace)
        if "tags: [parameters]" in chunk:
            namespace.update(overrides)
    for expression in re.findall(r"`\\{python\\} ([^`]+)`", source):
        shown.append(str(eval(expression, namespace)))
    print(json.dumps({"chunks": len(chunks), "shown": len(shown)}))
    """
)


def _run(template: Path, tmp_path: Path, **overrides):
    import json

    runner = tmp_path / "run_chunks.py"
    runner.write_text(RUNNER)
    result = subprocess.run([sys.executable, str(runner), str(template), json.dumps(overrides)], capture_output=True,
                            text=True, cwd=tmp_path, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_templates_are_written_where_asked(tmp_path):
    card = vetiver.model_card(tmp_path / "card")
    dashboard = vetiver.monitoring_dashboard(tmp_path)
    assert card == tmp_path / "card" / "model_card.qmd" and dashboard.name == "monitoring_dashboard.qmd"
    text = card.read_text()
    assert "tags: [parameters]" in text and "board_urls" not in text  # 0.2.6's demo needed the network
    assert "format: dashboard" in dashboard.read_text()
    assert CHUNK.findall(text) and INLINE.findall(text)


@pytest.mark.slow
def test_model_card_runs_as_shipped(tmp_path):
    ran = _run(vetiver.model_card(tmp_path), tmp_path)
    assert ran["chunks"] == 5 and ran["shown"] >= 6


@pytest.mark.slow
def test_monitoring_dashboard_runs_as_shipped(tmp_path):
    ran = _run(vetiver.monitoring_dashboard(tmp_path), tmp_path)
    assert ran["chunks"] == 9


@pytest.mark.slow
def test_dashboard_runs_on_a_real_board_and_log(tmp_path, fitted):
    import pins

    from vetiver.monitor import PredictionLogger

    from .conftest import make_frame

    model, train, _ = fitted
    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    vetiver.vetiver_pin_write(board, v, reference_data=train)
    log = PredictionLogger(tmp_path / "log", model_name="reg", flush_seconds=3600)
    rows = make_frame(100, seed=3)
    log.log("r1", "predict", rows, model.predict(rows[["x1", "x2"]]), rows=len(rows))
    log.close()
    ran = _run(vetiver.monitoring_dashboard(tmp_path), tmp_path, board=str(tmp_path / "board"), name="reg",
               log=str(tmp_path / "log"), truth="y", period="day")  # fmt: skip
    assert ran["chunks"] == 9
