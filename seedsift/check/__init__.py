"""The pre-commit check: findings, the baseline, the SQLite index of the corpus, page listing and sync."""
