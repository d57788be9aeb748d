"""``import vetiver`` stays light: no ML framework, web server or cloud SDK."""

from __future__ import annotations

from tests.support.dists import run_python

HEAVY = ["sklearn", "torch", "xgboost", "statsmodels", "boto3", "plotly", "uvicorn", "pins", "pandas"]


def test_import_vetiver_is_light():
    loaded = run_python(
        f"""
        import json, sys
        import vetiver
        vetiver.__version__
        print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
        """
    )
    assert loaded == []


def test_public_names_resolve_without_frameworks():
    loaded = run_python(
        """
        import json, sys
        import vetiver
        for name in ["VetiverModel", "VetiverMeta", "vetiver_pin_write", "BaseHandler", "prepare", "deploy",
                     "create_prototype", "vetiver_create_prototype", "InvalidModelError", "hookimpl", "board"]:
            getattr(vetiver, name)
        print(json.dumps([m for m in ["sklearn", "torch", "xgboost", "statsmodels", "boto3", "plotly"] if m in sys.modules]))
        """
    )
    assert loaded == []


def test_monitoring_names_load_without_plotting_or_statistics():
    loaded = run_python(
        """
        import json, sys
        import vetiver
        for name in ["compute_metrics", "pin_metrics", "plot_metrics", "model_card", "monitoring_dashboard",
                     "_rolling_df"]:
            getattr(vetiver, name)
        import vetiver.monitor
        for name in vetiver.monitor.__all__:
            getattr(vetiver.monitor, name)
        print(json.dumps([m for m in ["plotly", "scipy", "sklearn", "torch", "xgboost"] if m in sys.modules]))
        """
    )
    assert loaded == []
