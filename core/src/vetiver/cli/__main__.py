"""``python -m vetiver.cli``."""

import sys

from vetiver.cli.commands import main

sys.exit(main())
