"""Running the pipeline: corpus reading, the stages, worker pools, atomic output, the run-directory schema.

Imports the base (:mod:`seedsift.errors`, :mod:`seedsift.records`), the libraries and, when
``--engine dask`` is asked for, :mod:`seedsift.dask_engine`; check, review and the CLI build on it.
"""
