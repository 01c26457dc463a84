"""``python -m geo``: see :mod:`geo.cli`."""

import os
import sys

from geo.cli import main

try:
    sys.exit(main())
except BrokenPipeError:
    # Output piped into `head` or a pager that quit: stop quietly, as Unix tools do.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
