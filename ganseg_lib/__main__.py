"""``python -m ganseg_lib``: the ``ganseg`` command, where its script is not on the PATH."""

import sys

from ganseg_lib.cli import main

sys.exit(main())
