"""``python -m seedsift`` is the ``seedsift`` command."""

from .cli import main

if __name__ == "__main__":
    main()
