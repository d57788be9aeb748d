"""Putting the image where SageMaker pulls it: an ECR repository (created if needed, logged in to
with an ECR token), or a private registry reached from the model's VPC.

Pushing goes through the ``docker`` CLI, as building does (``vetiver_docker.engine``): it honours
the user's ``DOCKER_HOST`` and contexts, and its progress is what users know.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, TextIO

from vetiver_docker.engine import DockerUnavailableError, engine_problem, run_streaming

from .aws import Aws
from .errors import ImagePushError, SageMakerError, error_code


@dataclass(frozen=True)
class RegistryLogin:
    """Credentials for ``docker login``: user, password and the registry host."""

    username: str
    password: str
    registry: str

    def __repr__(self) -> str:  # never print the token
        return f"RegistryLogin(username={self.username!r}, registry={self.registry!r})"


def ensure_repository(aws: Aws, name: str, tags: list[dict[str, str]] | None = None) -> str:
    """The URI of ECR repository ``name``, created (scan on push, tagged) if it does not exist."""
    try:
        found = aws.call("ecr", "describe_repositories", repositoryNames=[name])["repositories"]
    except SageMakerError as error:
        if error_code(error.__cause__) != "RepositoryNotFoundException":
            raise
        found = []
    if found:
        return found[0]["repositoryUri"]
    params: dict[str, Any] = {"repositoryName": name, "imageScanningConfiguration": {"scanOnPush": True}}
    if tags:
        params["tags"] = tags
    return aws.call("ecr", "create_repository", **params)["repository"]["repositoryUri"]


def ecr_login(aws: Aws) -> RegistryLogin:
    """Docker credentials from an ECR authorization token (valid for 12 hours)."""
    data = aws.call("ecr", "get_authorization_token")["authorizationData"][0]
    username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    if not password:
        raise SageMakerError("ECR returned an authorization token without a password")
    return RegistryLogin(username, password, data["proxyEndpoint"].removeprefix("https://").rstrip("/"))


def _run(command: list[str], *, what: str, stdin: str | None = None, progress: TextIO | None = None) -> None:
    code, tail = run_streaming(command, progress, stdin=stdin, keep=3)
    if code != 0:
        raise ImagePushError(f"{what} failed (exit {code}): {' | '.join(tail) or 'no output'}")


def push_image(
    local_tag: str,
    repository: str,
    tag: str,
    *,
    login: RegistryLogin | None = None,
    docker: str = "docker",
    progress: TextIO | None = None,
) -> str:
    """Tag ``local_tag`` as ``repository:tag`` and push it, logging in first when ``login`` is
    given (the password goes through stdin, never the command line). Returns the image URI."""
    problem = engine_problem(docker)
    if problem is not None:
        raise DockerUnavailableError(f"no Docker engine is reachable to push the image ({problem})")
    if login is not None:
        _run([docker, "login", "--username", login.username, "--password-stdin", login.registry],
             what=f"docker login to {login.registry}", stdin=login.password, progress=progress)  # fmt: skip
    uri = f"{repository}:{tag}"
    _run([docker, "tag", local_tag, uri], what=f"docker tag {local_tag} {uri}", progress=progress)
    _run([docker, "push", uri], what=f"docker push {uri}", progress=progress)
    return uri
