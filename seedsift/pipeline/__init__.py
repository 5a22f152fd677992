"""Running the pipeline: corpus reading, the stages, worker pools, atomic output, the run-directory schema.

Imports only :mod:`seedsift.errors` and the libraries; every other room builds on it.
"""
