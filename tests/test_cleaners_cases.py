"""Golden cases in tests/cases/*.json (format: tests/cases/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedsift.cleaners import CleanConfig, apply_repairs, clean

CASES_DIR = Path(__file__).resolve().parent / "cases"


def _cases():
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(strict=True, reason=case["comment"])] if case["expect"] == "fail" else []
            yield pytest.param(case, id=f"{path.stem}:{case['label']}", marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case):
    config = CleanConfig(**case.get("config", {}))
    r = clean(case["original"], config)
    assert apply_repairs(case["original"], r.repairs) == r.text
    assert not [x for x in clean(r.text, config).repairs if x.applied]
    assert r.text == case["fixed"]
    if "kinds" in case:
        assert sorted({x.kind for x in r.repairs if x.applied}) == sorted(case["kinds"])
