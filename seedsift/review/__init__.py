"""Review of a run directory: the report model and page, reviewer decisions (``apply``), ``restore``."""
