#!/usr/bin/env python3
"""Coverage-guided fuzzing of decode -> check_text -> clean (+ invariants) with atheris (optional).

``fuzz_pipeline.py`` is the deterministic, reproducible fuzzer the README reports; this one lets
libFuzzer mutate its way into the cleaner's branches. atheris is not a dependency:

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/atheris_clean.py -atheris_runs=20000 -max_len=4096

A finding is any uncaught exception other than ``DecodeError`` / ``InputError``, or an
invariant of ``fuzz_pipeline.check_clean`` (replay, sorted disjoint repairs, idempotence).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from seedsift import cleaners
    from seedsift.cleaners import CleanConfig, DecodeError
    from seedsift.errors import InputError
    from seedsift.pipeline.corpus import MAX_LINE_CHARS, check_text

from fuzz_pipeline import check_clean  # noqa: E402

CONFIGS = [CleanConfig(), CleanConfig(script="simplified", drop_boilerplate=True), CleanConfig(fix_punctuation=False)]


def one_input(data: bytes) -> None:
    if not data:
        return
    cfg = CONFIGS[data[0] % len(CONFIGS)]
    try:
        text = cleaners.decode(data[1:]).text
    except DecodeError:
        return
    if max(map(len, text.splitlines()), default=0) > MAX_LINE_CHARS:
        return
    try:
        check_text(text, "fuzz")
    except InputError:
        pass
    check_clean(text, cfg)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
