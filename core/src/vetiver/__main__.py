"""``python -m vetiver``: the ``vetiver`` command, for environments whose scripts are not on PATH."""

from vetiver.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
