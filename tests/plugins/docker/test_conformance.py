"""vetiver's deploy target conformance suite, run against the docker target."""

from __future__ import annotations

from vetiver.testing import DeployTargetConformance


class TestDockerTargetConformance(DeployTargetConformance):
    target = "docker"
    plugin = "vetiver-docker"
    expected_files = ("Dockerfile", ".dockerignore", "vetiver_requirements.txt", "app.py", "board")
