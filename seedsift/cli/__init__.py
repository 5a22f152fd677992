"""The command line: parses, calls the rooms below, formats (``seedsift = seedsift.cli:console``).

:mod:`.app` holds the group, ``run``, ``clean``, ``dedupe`` and ``main``;
:mod:`.review` (``report``, ``apply``, ``restore``) and :mod:`.check`
(``check``, ``index``) define module-level commands that ``app`` adds; what
they share comes from :mod:`.options` only.
"""

from seedsift.cli.app import cli, console, main

__all__ = ["cli", "console", "main"]
