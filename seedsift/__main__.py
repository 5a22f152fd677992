"""``python -m seedsift`` is the ``seedsift`` command."""

from .cli import console

if __name__ == "__main__":
    console()
