"""``python -m seedsift`` is the ``seedsift`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
