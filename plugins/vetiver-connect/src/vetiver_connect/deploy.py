"""``prepare`` a Connect bundle serving a pin, ``deploy`` it, and 0.2.6's ``deploy_connect``.

The bundle, built with vetiver's deploy toolkit (:mod:`vetiver.bundle`): ``app.py``; a
``requirements.txt`` pinned to the installed versions of what the app needs (never a freeze of
the whole environment), with wheels of distributions no index has; for folder boards the pin
version itself in ``board/`` (a folder here is not visible on Connect), while pins on Connect
(``pins.board_connect``) are read by the app when it starts, with the ``CONNECT_SERVER`` and
``CONNECT_API_KEY`` Connect gives it; extra files; ``manifest.json``.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .flow import Deployment, LogCallback, content_name, deploy_bundle
from .manifest import MANIFEST, REQUIREMENTS, archive, write_manifest
from .settings import ContentSettings

PICKLE_ENV = "PINS_ALLOW_PICKLE_READ"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    """A list option given from Python (a list) or the CLI (``--packages a,b``)."""
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [item.strip() for item in str(value).split(",") if item.strip()]
    return [str(item) for item in value]


def _empty(folder: Path, overwrite: bool) -> None:
    """Make ``folder`` empty: every file in it goes into the bundle, so nothing an earlier run
    (or anyone) left there may stay."""
    from vetiver.errors import FileExistsRefusedError

    existing = sorted(folder.iterdir()) if folder.is_dir() else []
    if existing and not overwrite:
        raise FileExistsRefusedError(
            f"{folder} is not empty and everything in it would be uploaded; pass overwrite=True (--overwrite) "
            "to replace its contents, or another path"
        )
    for item in existing:
        shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()


def _write(
    board: Any,
    name: str,
    path: str | Path,
    version: str | None = None,
    *,
    extra_files: str | Iterable[str] | None = None,
    python: str | None = None,
    image: str | None = None,
    allow_pickle: bool | None = None,
    packages: str | Iterable[str] | None = None,
    overwrite: bool = False,
) -> Any:
    """Write a Connect bundle serving pin ``name`` into the folder ``path`` (nothing is sent).

    Args:
        board: A pins board or a board URL.
        name: The pin name (``user/name`` on a Connect board).
        path: The folder to write into (created if missing); everything in it is the bundle, so
            it must be empty unless ``overwrite``, which empties it.
        version: The pin version; the newest when None.
        extra_files: Files the app needs, copied next to ``app.py`` by base name. A
            ``requirements.txt`` among them replaces the generated one.
        python: The Python version the app needs (``"3.11"``), or an interpreter to ask;
            this interpreter's by default.
        image: The execution image, for Connect servers that run content off-host.
        allow_pickle: Consent to unpickling the model in the app; the board's by default.
        packages: Extra distributions the app needs (custom code's), pinned like the rest.
        overwrite: Empty the folder first.

    Returns:
        The toolkit's :class:`vetiver.bundle.Bundle` (what was written, the pin served).

    Raises:
        FileExistsRefusedError: the folder holds an earlier bundle and ``overwrite`` is False.
        PickleConsentError: the model is pickled and nothing consents to reading it.
    """
    from vetiver.bundle import write_bundle

    from .errors import ExtraFileNotFoundError

    extras = [Path(f) for f in _as_list(extra_files)]
    missing = [str(f) for f in extras if not f.is_file()]
    if missing:
        raise ExtraFileNotFoundError(f"extra files not found: {', '.join(missing)}")
    folder = Path(path)
    _empty(folder, overwrite)
    bundle = write_bundle(
        board,
        name,
        folder,
        version,
        allow_pickle=allow_pickle,
        packages=_as_list(packages),
        requirements_file=REQUIREMENTS,
    )
    for extra in extras:  # a requirements.txt among them replaces the generated one
        shutil.copy2(extra, folder / extra.name)
    write_manifest(folder, python=python, image=image)
    return bundle


def prepare(board: Any, name: str, path: str | Path, version: str | None = None, **options: Any) -> Path:
    """Write a Connect bundle serving pin ``name`` into the folder ``path`` and return it; the
    options are :func:`deploy`'s bundle options (``extra_files``, ``python``, ``image``,
    ``allow_pickle``, ``packages``, ``overwrite``)."""
    return _write(board, name, path, version, **options).path


def deploy(
    board: Any,
    name: str,
    version: str | None = None,
    *,
    server: Any = None,
    api_key: str | None = None,
    title: str | None = None,
    app_id: str | None = None,
    new: bool = False,
    content_name: str | None = None,
    environment: Mapping[str, str | None] | None = None,
    log_callback: LogCallback | None = None,
    path: str | Path | None = None,
    **options: Any,
) -> Deployment:
    """Deploy pin ``name`` to Posit Connect: a draft, checked at ``/ping``, then activated.

    Args:
        board: A pins board or a board URL.
        name: The pin name.
        version: The pin version; the newest when None.
        server: A :class:`~vetiver_connect.server.ConnectServer`, an rsconnect-python server
            object or a URL; ``CONNECT_SERVER`` when None.
        api_key: The API key when ``server`` is a URL; ``CONNECT_API_KEY`` when None.
        title: The content title; ``<pin name>_vetiver`` for new content.
        app_id: The GUID of the content to deploy to.
        new: Create new content even if this user has content of that name.
        content_name: The content name; from the pin name by default.
        environment: Environment variables of the app (values never logged).
        log_callback: Receives each line of progress (the task log); stderr otherwise.
        path: Keep the bundle in this folder (a temporary one, removed, by default).
        **options: Content settings (``access_type``, ``min_processes``, ``max_processes``,
            ``connection_timeout``, ``read_timeout``, ``init_timeout``, ``idle_timeout``,
            ``description``) and :func:`prepare`'s options (``extra_files``, ``python``,
            ``image``, ``allow_pickle``, ``packages``).

    Returns:
        The content GUID, dashboard URL and API URL.
    """
    from .flow import check_server
    from .server import as_server

    connect = as_server(server, api_key)
    check_server(connect)  # an unreachable server or a refused key fails before any work
    settings = ContentSettings.from_options(options)
    unknown = set(options) - {"extra_files", "python", "image", "allow_pickle", "packages", "overwrite"}
    if unknown:
        from vetiver.errors import UnexpectedArgumentError

        raise UnexpectedArgumentError(f"unknown connect target options: {', '.join(sorted(unknown))}")
    short = name.split("/")[-1]
    folder = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix=f"vetiver-connect-{short}-"))
    try:
        bundle = _write(board, name, folder, version, **{"overwrite": path is None, **options})
        variables = dict(environment or {})
        if bundle.pin.uses_pickle:  # the consent given here, for a board whose app code lacks it
            variables.setdefault(PICKLE_ENV, "1")
        return deploy_bundle(
            connect,
            archive(folder),
            name=content_name or content_name_for(name),
            title=title or (None if app_id else f"{short}_vetiver"),
            app_id=app_id,
            new=bool(new),
            environment=variables,
            settings=settings,
            log_callback=log_callback,
        )
    finally:
        if path is None:
            shutil.rmtree(folder, ignore_errors=True)


def content_name_for(pin_name: str) -> str:
    """The content name of a pin's API: ``<pin>_vetiver`` (a pin on Connect is itself content
    called ``<pin>``, so the API must not take that name)."""
    return content_name(f"{pin_name.split('/')[-1]}_vetiver")


def deploy_connect(
    connect_server: Any,
    board: Any,
    pin_name: str,
    version: str | None = None,
    extra_files: list[str] | None = None,
    new: bool = False,
    app_id: str | None = None,
    title: str | None = None,
    python: str | None = None,
    force_generate: bool = False,
    log_callback: Callable[[str], None] | None = None,
    image: str | None = None,
    **options: Any,
) -> Deployment:
    """Deploy pin ``pin_name`` to Posit Connect (vetiver 0.2.6's signature).

    ``connect_server`` is an ``rsconnect.api.RSConnectServer`` or a
    :class:`vetiver.ConnectServer`. Unlike 0.2.6 the bundle is checked as a draft before it
    replaces the one serving, its ``requirements.txt`` is always generated and pinned (so
    ``force_generate`` has nothing to do), and the call returns where the API is. ``options``
    are :func:`deploy`'s (content settings, ``environment``, ``content_name``...).
    """
    if force_generate:
        warnings.warn(
            "force_generate has no effect: vetiver-connect always writes a requirements.txt pinned to what the "
            "app needs (0.2.6 froze the whole environment)",
            FutureWarning,
            stacklevel=2,
        )
    return deploy(
        board,
        pin_name,
        version,
        server=connect_server,
        title=title,
        app_id=app_id,
        new=new,
        log_callback=log_callback,
        extra_files=extra_files,
        python=python,
        image=image,
        **options,
    )


__all__ = ["MANIFEST", "deploy", "deploy_connect", "prepare"]
