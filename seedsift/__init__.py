"""seedsift: clean and deduplicate Chinese news corpora, explaining every change.

The app layer: reading the corpus, the pipeline, the CLI. The libraries it
composes are ``cleaners`` (repairs), ``dedupe`` (duplicates) and ``reports``
(diffs, HTML, the deduplicated corpus and its manifest).
"""

__version__ = "0.1.0"
