"""``python -m ganseg_lib.cli``: the ``ganseg`` command."""

import sys

from ganseg_lib.cli import main

sys.exit(main())
