"""Review of a run directory: the report model and page (``model``), reviewer decisions (``apply``), ``restore``.

The run directory is read through :mod:`seedsift.pipeline.rundir`; the pure helpers are in :mod:`seedsift.reports.review`.
"""
