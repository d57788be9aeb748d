"""``write_bundle``: everything a deploy target needs to serve one pin version, in one folder.

A bundle is the app file, the pinned requirements (with wheels of distributions no index has) and,
for boards the deployed app cannot reach, a copy of the pin version. Deploy targets add their own
files (a Dockerfile, a Connect manifest, a SageMaker entry point) beside it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import FileExistsRefusedError
from .app import app_source
from .lockfile import WHEEL_DIR, write_requirements
from .pin import ServedPin, copy_pin, plan, remote_board_url

APP_FILE = "app.py"
REQUIREMENTS_FILE = "vetiver_requirements.txt"
BOARD_DIR = "board"


@dataclass(frozen=True)
class Bundle:
    """What :func:`write_bundle` wrote.

    Attributes:
        path: The bundle folder.
        pin: The pin version served and what serving it needs (:class:`~vetiver.bundle.ServedPin`).
        app_file: The app file; its object ``api`` is the ASGI app (``uvicorn app:api``).
        requirements_file: The pinned requirements file.
        requirements: Its requirement lines (``"scikit-learn==1.9.1"``), without comments.
        wheels: Wheels built into ``path/wheels`` for distributions no package index has; the
            requirements file finds them with ``--find-links wheels``.
        board_dir: The folder board holding the copied pin version (``path/board``), or None when
            the app reads the pin from its remote board.
        board_url: The URL the deployed app reads the board from, or None for a copied pin.
    """

    path: Path
    pin: ServedPin
    app_file: Path
    requirements_file: Path
    requirements: tuple[str, ...]
    wheels: tuple[Path, ...]
    board_dir: Path | None
    board_url: str | None

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file and folder the bundle wrote, relative to :attr:`path`."""
        written = [self.app_file, self.requirements_file]
        if self.wheels:
            written.append(self.path / WHEEL_DIR)
        if self.board_dir is not None:
            written.append(self.board_dir)
        return tuple(p.relative_to(self.path) for p in written)


def bundle_names(requirements_file: str = REQUIREMENTS_FILE) -> tuple[str, ...]:
    """The names :func:`write_bundle` may write inside its folder."""
    return (APP_FILE, requirements_file, WHEEL_DIR, BOARD_DIR)


def clear(folder: Path, names: Iterable[str], overwrite: bool) -> None:
    """Remove what an earlier bundle left in ``folder`` under ``names``, or refuse to.

    Raises:
        FileExistsRefusedError: some of them exist and ``overwrite`` is False (all are named).
    """
    existing = [folder / name for name in names if (folder / name).exists()]
    if existing and not overwrite:
        raise FileExistsRefusedError(
            f"{', '.join(str(p) for p in existing)} already exist; pass overwrite=True (--overwrite) to replace them"
        )
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _board_code(board: Any, served: ServedPin, board_url: str) -> str:
    """The expression the app evaluates to rebuild the board (never with credentials)."""
    import pins

    consent = ", allow_pickle_read=True" if served.uses_pickle else ""
    if served.bundled:
        return f"pins.board_folder(str(Path(__file__).resolve().parent / {BOARD_DIR!r}){consent})"
    try:
        return f"pins.{pins.board_deparse(board)}"
    except NotImplementedError:  # a board from a storage plugin pins does not know
        return f"vetiver.board({board_url!r}{consent})"


def write_bundle(
    board: Any,
    name: str,
    path: str | Path,
    version: str | None = None,
    *,
    runtime: str = "uvicorn",
    bundle: bool | None = None,
    allow_pickle: bool | None = None,
    packages: Sequence[str] = (),
    board_url: str | None = None,
    requirements_file: str = REQUIREMENTS_FILE,
    also_clear: Sequence[str] = (),
    overwrite: bool = False,
) -> Bundle:
    """Write the app, pinned requirements and (for local boards) the pin version of pin ``name``
    into the folder ``path``.

    Reads the pin's metadata only: the model is never unpickled here.

    Args:
        board: A pins board or a board URL.
        name: The pin name.
        path: The bundle folder (created if missing).
        version: The pin version; the newest when None.
        runtime: The serving runtime plugin that will serve the app; its distribution and
            packages are pinned too.
        bundle: Copy the pin version into ``path/board``. Default: for boards a deployed app
            cannot reach (folders, memory).
        allow_pickle: Consent to unpickling the model where it is served. Default: the board's
            ``allow_pickle_read`` (or ``PINS_ALLOW_PICKLE_READ``).
        packages: Extra distributions the app needs (custom code's dependencies).
        board_url: The board URL the deployed app reads a remote board from, when it differs
            from this machine's.
        requirements_file: The requirements file name (``requirements.txt`` for platforms that
            look for that name).
        also_clear: Names of the deploy target's own files in ``path`` (``Dockerfile``) that an
            earlier run wrote: cleared, or refused, together with the bundle's.
        overwrite: Replace what an earlier run wrote.

    Raises:
        FileExistsRefusedError: the folder holds an earlier bundle and ``overwrite`` is False.
        PickleConsentError: the model is pickled and nothing consents to reading it.
        PinError: the pin holds no vetiver model, or its format's plugin is not installed.
    """
    from ..storage.boards import as_board

    board = as_board(board)
    served = plan(board, name, version, bundle=bundle, allow_pickle=allow_pickle, runtime=runtime, packages=packages)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    clear(folder, [*bundle_names(requirements_file), *also_clear], overwrite)

    board_dir = copy_pin(board, name, served.version, folder / BOARD_DIR) if served.bundled else None
    read_from = None if served.bundled else (board_url or remote_board_url(board))
    app_file = folder / APP_FILE
    app_file.write_text(app_source(_board_code(board, served, read_from or ""), name, served.serve_version))

    title = f"serves pin {name!r} version {served.version}"
    requirements = folder / requirements_file
    write_requirements(served.roots, requirements, title)
    wheel_dir = folder / WHEEL_DIR
    return Bundle(
        path=folder,
        pin=served,
        app_file=app_file,
        requirements_file=requirements,
        requirements=_requirement_lines(requirements),
        wheels=tuple(sorted(wheel_dir.glob("*.whl"))) if wheel_dir.is_dir() else (),
        board_dir=board_dir,
        board_url=read_from,
    )


def _requirement_lines(file: Path) -> tuple[str, ...]:
    lines = (line.strip() for line in file.read_text().splitlines())
    return tuple(line for line in lines if line and not line.startswith(("#", "-")))
