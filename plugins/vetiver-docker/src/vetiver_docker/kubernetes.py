"""Kubernetes manifests for the image: a Deployment, a Service and a HorizontalPodAutoscaler.

For users who outgrow one machine: ``kubectl apply -f kubernetes/`` runs the model on a cluster,
probed on ``/ping`` and scaled on CPU. Only stable APIs are used (``apps/v1``, ``v1``,
``autoscaling/v2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetiver.errors import InvalidArgumentError

from .dockerfile import APP_UID

_LABEL = "app.kubernetes.io/name"


def dns_label(text: str) -> str:
    """``text`` as a Kubernetes object name (RFC 1123 label: lower-case, digits, dashes, ≤ 63)."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].rstrip("-")
    if not label:
        raise InvalidArgumentError(f"cannot make a Kubernetes name from {text!r}")
    return label


@dataclass(frozen=True)
class KubernetesSpec:
    """What the manifests describe.

    Attributes:
        name: Name of every object (an RFC 1123 label, see :func:`dns_label`).
        image: The image to run (pushed where the cluster can pull it).
        port: The port the server listens on in the container.
        replicas: Pods to start with, and the autoscaler's minimum.
        max_replicas: The autoscaler's maximum.
        cpu_request: CPU each pod asks for (the autoscaler's 100 %).
        memory_request: Memory each pod asks for.
        memory_limit: Memory a pod may use before it is restarted.
        target_cpu: Average CPU use, in % of the request, the autoscaler aims for.
        secret: A Secret whose keys become environment variables (board credentials), or None.
            It is optional in the pod spec, so the Deployment starts without it.
    """

    name: str
    image: str
    port: int = 8080
    replicas: int = 1
    max_replicas: int = 5
    cpu_request: str = "250m"
    memory_request: str = "512Mi"
    memory_limit: str = "1Gi"
    target_cpu: int = 70
    secret: str | None = None


def _probe(initial_delay: int, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": "/ping", "port": "http"},
        "initialDelaySeconds": initial_delay,
        "periodSeconds": period,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def deployment(spec: KubernetesSpec) -> dict[str, Any]:
    """The Deployment: non-root pods with readiness, liveness and startup probes on ``/ping``."""
    labels = {_LABEL: spec.name, "app.kubernetes.io/managed-by": "vetiver"}
    container: dict[str, Any] = {
        "name": "vetiver",
        "image": spec.image,
        "ports": [{"name": "http", "containerPort": spec.port}],
        "env": [{"name": "PORT", "value": str(spec.port)}, {"name": "VETIVER_WORKERS", "value": "1"}],
        # Loading a large model can take a while: liveness only starts once startup succeeded.
        "startupProbe": _probe(initial_delay=2, period=5, failures=60),
        "readinessProbe": _probe(initial_delay=0, period=10, failures=3),
        "livenessProbe": _probe(initial_delay=0, period=20, failures=3),
        "resources": {
            "requests": {"cpu": spec.cpu_request, "memory": spec.memory_request},
            "limits": {"memory": spec.memory_limit},
        },
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }
    if spec.secret:
        container["envFrom"] = [{"secretRef": {"name": spec.secret, "optional": True}}]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": spec.name, "labels": dict(labels)},
        "spec": {
            "replicas": spec.replicas,
            "selector": {"matchLabels": {_LABEL: spec.name}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "runAsUser": APP_UID, "runAsGroup": APP_UID},
                    # uvicorn drains in-flight requests on SIGTERM within this window.
                    "terminationGracePeriodSeconds": 30,
                    "containers": [container],
                },
            },
        },
    }


def service(spec: KubernetesSpec) -> dict[str, Any]:
    """A ClusterIP Service on port 80 in front of the pods."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": spec.name, "labels": {_LABEL: spec.name}},
        "spec": {
            "type": "ClusterIP",
            "selector": {_LABEL: spec.name},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def autoscaler(spec: KubernetesSpec) -> dict[str, Any]:
    """A HorizontalPodAutoscaler scaling the Deployment on average CPU use."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": spec.name, "labels": {_LABEL: spec.name}},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": spec.name},
            "minReplicas": spec.replicas,
            "maxReplicas": max(spec.max_replicas, spec.replicas),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": spec.target_cpu},
                    },
                }
            ],
        },
    }


def write_manifests(spec: KubernetesSpec, folder: Path) -> list[Path]:
    """Write ``deployment.yaml``, ``service.yaml`` and ``hpa.yaml`` into ``folder``."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, manifest in (
        ("deployment.yaml", deployment(spec)),
        ("service.yaml", service(spec)),
        ("hpa.yaml", autoscaler(spec)),
    ):
        path = folder / file_name
        path.write_text(yaml.safe_dump(manifest, sort_keys=False))
        written.append(path)
    return written
