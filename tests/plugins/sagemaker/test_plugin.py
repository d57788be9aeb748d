"""The plugin's registration and light imports."""

from __future__ import annotations

import subprocess
import sys


def test_registers_the_runtime_and_the_target_and_imports_no_cloud_sdk():
    code = (
        "import sys, vetiver\n"
        "from vetiver import plugins\n"
        "assert plugins.serving_runtime('sagemaker').extend_app is not None\n"
        "assert 'instance_type' in plugins.deploy_target('sagemaker').options\n"
        "import vetiver_sagemaker\n"
        "assert vetiver.deploy_sagemaker is vetiver_sagemaker.deploy_sagemaker\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 'starlette', 'uvicorn'})\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
