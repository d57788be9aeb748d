"""Plugin discovery, isolation of broken plugins, conflicts, blocking and name lookup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.dists import make_dist, run_python
from vetiver import hookspecs, plugins
from vetiver.errors import PluginConflictError, UnknownPluginNameError

ROOT = Path(__file__).resolve().parents[2]

REPORT = """
import json, warnings
from vetiver import plugins
warnings.simplefilter("ignore")
print(json.dumps({
    "plugins": [p.name for p in plugins.plugins()],
    "failures": [vars(f) for f in plugins.failures()],
    "disabled": plugins.disabled(),
    "backends": sorted(plugins.registry("storage backend")),
}))
"""


def test_builtins_are_registered_through_the_same_hooks():
    names = {p.name: p for p in plugins.plugins()}
    assert names["vetiver.defaults.storage"].distribution == "vetiver-core"
    assert {"file", "temp", "s3", "gs", "az", "connect"} <= set(plugins.registry("storage backend"))
    assert plugins.model_format("joblib").uses_pickle
    assert plugins.serving_runtime("uvicorn").name == "uvicorn"


def test_installed_example_plugin_works_end_to_end(tmp_path):
    """vetiver-example is pip-installed into the test environment from examples/."""
    import vetiver
    from vetiver_example import MeanModel

    info = {p.name: p for p in plugins.plugins()}["example"]
    assert (info.distribution, info.version) == ("vetiver-example", "0.1.0")

    board = vetiver.board(f"memory://{tmp_path.name}")
    model = vetiver.VetiverModel(MeanModel(mean=2.0, slope=3.0), "mean")
    vetiver.vetiver_pin_write(board, model)
    again = vetiver.VetiverModel.from_pin(board, "mean")  # example-json: no pickle consent needed
    assert (again.model.mean, again.model.slope) == (2.0, 3.0)

    bundle = vetiver.deploy("bundle", board, "mean", path=str(tmp_path))
    assert Path(bundle).exists()
    assert "vetiver-core" in (tmp_path / "requirements.txt").read_text()


def _broken_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    make_dist(site, "vetiver-broken", "1.2.3", "vetiver_broken", "import does_not_exist\n", "broken")
    make_dist(
        site,
        "vetiver-typo",
        "0.0.1",
        "vetiver_typo",
        """
        from vetiver import hookimpl
        @hookimpl
        def storage_backend():  # misspelt: the hook is storage_backends
            return []
        """,
        "typo",
    )
    return site


def test_broken_plugins_are_reported_and_skipped(tmp_path):
    report = run_python(REPORT, _broken_site(tmp_path))
    failures = {f["entry_point"]: f for f in report["failures"]}
    assert failures["broken"]["distribution"] == "vetiver-broken"
    assert failures["broken"]["version"] == "1.2.3"
    assert "No module named 'does_not_exist'" in failures["broken"]["error"]
    assert "storage_backend" in failures["typo"]["error"] and "storage_backends" in failures["typo"]["error"]
    # the host and the healthy plugins keep working
    assert "sklearn" in report["plugins"] and "example" in report["plugins"]
    assert "file" in report["backends"]


def test_failure_message_names_core_version(tmp_path):
    failure = plugins.PluginFailure("broken", "vetiver-broken", "1.2.3", "ImportError: nope")
    assert re.search(r"vetiver-broken 1\.2\.3.*ImportError: nope.*vetiver-core \d", str(failure))


def test_disable_plugins_env_blocks_by_entry_point_or_distribution(tmp_path):
    site = _broken_site(tmp_path)
    report = run_python(REPORT, site, VETIVER_DISABLE_PLUGINS="broken, vetiver-typo,example")
    assert report["failures"] == []
    assert sorted(report["disabled"]) == ["broken", "example", "typo"]
    assert "memory" not in report["backends"]


def test_conflicting_names_raise_naming_both_distributions(tmp_path):
    site = tmp_path / "site"
    source = """
    from vetiver import hookimpl
    from vetiver.hookspecs import StorageBackend
    @hookimpl
    def storage_backends():
        return [StorageBackend("dup", ("dup",), lambda url, **kw: None)]
    """
    make_dist(site, "vetiver-one", "1.0", "vetiver_one", source, "one")
    make_dist(site, "vetiver-two", "2.0", "vetiver_two", source, "two")
    report = run_python(
        """
        import json
        from vetiver import plugins
        try:
            plugins.registry("storage backend")
        except plugins.PluginConflictError as error:
            print(json.dumps(str(error)))
        """,
        site,
    )
    assert "vetiver-one" in report and "vetiver-two" in report and "'dup'" in report


def test_plugin_raising_inside_a_hook_is_isolated(tmp_path):
    site = tmp_path / "site"
    make_dist(
        site,
        "vetiver-flaky",
        "0.1",
        "vetiver_flaky",
        """
        from vetiver import hookimpl
        @hookimpl
        def deploy_targets():
            raise RuntimeError("cloud SDK misconfigured")
        @hookimpl
        def handler_for_model(model):
            raise RuntimeError("handler exploded")
        """,
        "flaky",
    )
    report = run_python(
        """
        import json, warnings
        warnings.simplefilter("ignore")
        import vetiver
        from vetiver import plugins, VetiverModel
        from vetiver_example import MeanModel
        targets = sorted(plugins.registry("deploy target"))
        from vetiver.handlers.base import create_handler
        try:
            create_handler(object())  # every plugin is asked, the flaky one included
        except vetiver.InvalidModelError as error:
            assert "'flaky' (vetiver-flaky) failed while checking it: hook handler_for_model raised RuntimeError: handler exploded" in str(error)
        else:
            raise AssertionError("no InvalidModelError")
        model = VetiverModel(MeanModel(1.0), "m")
        print(json.dumps({"targets": targets, "handler": model.handler.handler_name,
                          "failures": [f.error for f in plugins.failures()]}))
        """,
        site,
    )
    assert "bundle" in report["targets"]
    assert report["handler"] == "example"
    assert any("cloud SDK misconfigured" in f for f in report["failures"])
    assert any("handler exploded" in f for f in report["failures"])


def test_unknown_name_lists_known_and_suggests_install():
    with pytest.raises(UnknownPluginNameError) as error:
        plugins.deploy_target("azureml")
    message = str(error.value)
    assert "bundle" in message and "pip install vetiver-azureml" in message


def test_in_process_conflict_is_an_error():
    class Dup:
        @hookspecs.hookimpl
        def storage_backends(self):
            return [hookspecs.StorageBackend("file", ("x",), lambda url, **kw: None)]

    plugins.plugin_manager().register(Dup(), name="dup")
    with pytest.raises(PluginConflictError, match="'file'"):
        plugins.registry("storage backend")


def test_names_are_validated():
    with pytest.raises(ValueError, match="lower-case"):
        hookspecs.DeployTarget("Docker", prepare=print, deploy=print)


def test_plugin_loading_imports_no_framework():
    """Asking every registry must not import the frameworks the plugins wrap."""
    report = run_python(
        """
        import json, sys
        from vetiver import plugins
        for kind in plugins.NAMED_HOOKS:
            plugins.registry(kind)
        plugins.plugins()
        heavy = ["sklearn", "torch", "xgboost", "statsmodels", "boto3", "plotly"]
        print(json.dumps([m for m in heavy if m in sys.modules]))
        """
    )
    assert report == []
