"""Finding, loading and querying vetiver plugins.

Entry points in the ``vetiver`` group are read lazily, once, on the first registry query, so
``import vetiver`` stays cheap. A plugin that fails to import, implements a hook vetiver does not
specify, or raises inside a hook is reported (entry point, distribution, version, error) and left
out; the rest keep working. ``VETIVER_DISABLE_PLUGINS=a,b`` blocks plugins by entry-point or
distribution name.
"""

from __future__ import annotations

import difflib
import os
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginConflictError, PluginError, UnknownPluginNameError
from .hookspecs import DeployTarget, ModelFormat, ServingRuntime, StorageBackend
from .version import __version__

DISABLE_ENV = "VETIVER_DISABLE_PLUGINS"
CORE_DISTRIBUTION = "vetiver-core"

# Built-in defaults are ordinary plugins, registered before entry points.
BUILTIN_PLUGINS = (
    "vetiver.defaults.handlers",
    "vetiver.defaults.formats",
    "vetiver.defaults.storage",
    "vetiver.defaults.runtimes",
)

# The extension points whose hooks return named objects, with the hook serving each.
NAMED_HOOKS: dict[str, str] = {
    "model format": "model_formats",
    "storage backend": "storage_backends",
    "serving runtime": "serving_runtimes",
    "deploy target": "deploy_targets",
}


class VetiverPluginWarning(UserWarning):
    """A plugin was left out because it is broken."""


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin and where it comes from."""

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool = False


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was left out, and why."""

    entry_point: str
    distribution: str
    version: str
    error: str

    def __str__(self) -> str:
        return (
            f"plugin {self.entry_point!r} from {self.distribution} {self.version} was left out: "
            f"{self.error} (vetiver-core {__version__})"
        )


@dataclass
class _State:
    manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    named: dict[str, dict[str, tuple[Any, PluginInfo]]] = field(default_factory=dict)


_state: _State | None = None
_lock = threading.RLock()


def _disabled_names() -> set[str]:
    raw = os.environ.get(DISABLE_ENV, "")
    return {part.strip().lower() for part in raw.split(",") if part.strip()}


def _unknown_hooks(manager: pluggy.PluginManager, plugin: object) -> list[str]:
    """Hooks a plugin implements that have no spec: almost always a misspelt hook name."""
    unknown = []
    for caller in manager.get_hookcallers(plugin) or []:
        if caller.spec is None:
            unknown.append(caller.name)
    return unknown


def _record_failure(state: _State, failure: PluginFailure) -> None:
    state.failures.append(failure)
    warnings.warn(str(failure), VetiverPluginWarning, stacklevel=3)


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _load() -> _State:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    state = _State(manager=manager)

    import importlib

    for module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        manager.register(module, name=module_name)
        unknown = _unknown_hooks(manager, module)
        if unknown:  # our own mistake: fail loudly rather than ship a dead hook
            raise PluginError(f"built-in plugin {module_name} implements unknown hooks {unknown}")
        state.plugins[module_name] = PluginInfo(
            module_name, CORE_DISTRIBUTION, __version__, _hook_names(manager, module), builtin=True
        )

    disabled = _disabled_names()
    for entry_point in importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME):
        dist = entry_point.dist
        dist_name = dist.name if dist is not None else "<unknown distribution>"
        dist_version = dist.version if dist is not None else "?"
        if entry_point.name.lower() in disabled or dist_name.lower() in disabled:
            state.disabled.append(entry_point.name)
            continue
        if manager.has_plugin(entry_point.name) or entry_point.name in state.plugins:
            continue  # the same distribution seen twice on sys.path
        try:
            module = entry_point.load()
            manager.register(module, name=entry_point.name)
        except Exception as error:  # noqa: BLE001 - a broken plugin must not take the host down
            _record_failure(
                state,
                PluginFailure(entry_point.name, dist_name, dist_version, _describe_error(error)),
            )
            continue
        unknown = _unknown_hooks(manager, module)
        if unknown:
            manager.unregister(module)
            _record_failure(
                state,
                PluginFailure(
                    entry_point.name,
                    dist_name,
                    dist_version,
                    f"implements hooks vetiver does not define: {', '.join(unknown)} "
                    f"(known hooks: {', '.join(_spec_names())})",
                ),
            )
            continue
        state.plugins[entry_point.name] = PluginInfo(
            entry_point.name, dist_name, dist_version, _hook_names(manager, module)
        )
    return state


def _spec_names() -> list[str]:
    return sorted(name for name in dir(hookspecs) if _is_spec(getattr(hookspecs, name)))


def _is_spec(obj: object) -> bool:
    return callable(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")


def _hook_names(manager: pluggy.PluginManager, plugin: object) -> tuple[str, ...]:
    return tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or []))


def state() -> _State:
    """The loaded plugin state; loads built-ins and entry points on first use."""
    global _state
    if _state is None:
        with _lock:
            if _state is None:
                _state = _load()
    return _state


def reset() -> None:
    """Forget loaded plugins so the next query reads entry points again (for tests)."""
    global _state
    with _lock:
        _state = None


def plugin_manager() -> pluggy.PluginManager:
    """The pluggy manager holding every loaded plugin."""
    return state().manager


def plugins() -> list[PluginInfo]:
    """Registered plugins, built-ins first."""
    return list(state().plugins.values())


def failures() -> list[PluginFailure]:
    """Plugins that were left out because they are broken."""
    return list(state().failures)


def disabled() -> list[str]:
    """Plugins blocked by ``VETIVER_DISABLE_PLUGINS``."""
    return list(state().disabled)


def _implementations(hook_name: str) -> Iterator[pluggy.HookImpl]:
    """Implementations of a hook in pluggy's call order (last registered, tryfirst first)."""
    caller = getattr(state().manager.hook, hook_name)
    yield from reversed(caller.get_hookimpls())


def _info_for(impl: pluggy.HookImpl) -> PluginInfo:
    info = state().plugins.get(impl.plugin_name)
    if info is None:  # registered by hand (tests, notebooks) rather than via an entry point
        return PluginInfo(impl.plugin_name, "<registered in-process>", "", ())
    return info


def call_isolated(hook_name: str, **kwargs: Any) -> Iterator[tuple[Any, PluginInfo]]:
    """Call each implementation of a hook, yielding (result, plugin); a raising plugin is reported
    and skipped instead of propagating."""
    for impl in _implementations(hook_name):
        info = _info_for(impl)
        try:
            result = impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception as error:
            if info.builtin:
                raise
            _record_failure(
                state(),
                PluginFailure(
                    info.name,
                    info.distribution,
                    info.version,
                    f"hook {hook_name} raised {_describe_error(error)}",
                ),
            )
            continue
        yield result, info


def handler_for_model(model: Any, prototype_data: Any) -> Any:
    """The first handler any plugin offers for ``model``, or None."""
    for handler, _ in call_isolated("handler_for_model", model=model, prototype_data=prototype_data):
        if handler is not None:
            return handler
    return None


def registry(kind: str) -> dict[str, tuple[Any, PluginInfo]]:
    """Every named object of one kind (``"deploy target"``...) mapped to (object, provider)."""
    current = state()
    cached = current.named.get(kind)
    if cached is not None:
        return cached
    with _lock:
        found: dict[str, tuple[Any, PluginInfo]] = {}
        for results, info in call_isolated(NAMED_HOOKS[kind]):
            for obj in results or ():
                if obj.name in found:
                    other = found[obj.name][1]
                    raise PluginConflictError(
                        f"two plugins provide the {kind} {obj.name!r}: "
                        f"{other.distribution} ({other.name}) and {info.distribution} ({info.name}); "
                        f"uninstall one or block it with {DISABLE_ENV}"
                    )
                found[obj.name] = (obj, info)
        current.named[kind] = found
        return found


def get(kind: str, name: str) -> Any:
    """The named object of one kind; an unknown name lists the known ones and suggests a package."""
    found = registry(kind)
    if name in found:
        return found[name][0]
    known = ", ".join(sorted(found)) or "none"
    hint = difflib.get_close_matches(name, list(found), n=1)
    maybe = f" Did you mean {hint[0]!r}?" if hint else ""
    raise UnknownPluginNameError(
        f"no {kind} named {name!r} (known: {known}).{maybe} "
        f"If a plugin provides it, install it: pip install vetiver-{name}"
    )


def model_format(name: str) -> ModelFormat:
    """The model format called ``name``."""
    return get("model format", name)


def storage_backend(name: str) -> StorageBackend:
    """The storage backend called ``name``."""
    return get("storage backend", name)


def serving_runtime(name: str) -> ServingRuntime:
    """The serving runtime called ``name``."""
    return get("serving runtime", name)


def deploy_target(name: str) -> DeployTarget:
    """The deploy target called ``name``."""
    return get("deploy target", name)


def handler_distribution(handler: Any) -> str | None:
    """The distribution of the installed plugin that provides ``handler`` (an instance or class),
    found by the top-level module defining its class; None for core's own handler and for
    handlers defined outside any plugin (a user's ``BaseHandler`` subclass).

    Pins record the answer (``handler_plugin``), so deploy targets can install the plugin that
    reads the model without unpickling it.
    """
    handler_class = handler if isinstance(handler, type) else type(handler)
    root = handler_class.__module__.split(".")[0]
    manager = plugin_manager()
    for info in plugins():
        module = manager.get_plugin(info.name)
        if not info.builtin and getattr(module, "__name__", "").split(".")[0] == root:
            return info.distribution
    return None
