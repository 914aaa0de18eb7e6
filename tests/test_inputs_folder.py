"""The top-level inputs/ holds every packaged example as a workbook equal in content to the package's copy."""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

from fiscalshare.examples import example_path, list_examples
from fiscalshare.examples.workbooks import case_content, write_inputs

INPUTS = Path(__file__).resolve().parents[1] / "inputs"


def test_every_packaged_example_is_there():
    assert list_examples(), "no packaged examples found"
    missing = [name for name in list_examples() if not (INPUTS / f"{name}.xlsx").is_file()]
    assert not missing, f"inputs/ lacks {missing}; run `make inputs`"


@pytest.mark.parametrize("name", list_examples())
def test_workbook_equals_the_packaged_example(name):
    workbook = INPUTS / f"{name}.xlsx"
    if not workbook.is_file():
        pytest.fail(f"inputs/{name}.xlsx missing; run `make inputs`")
    xr.testing.assert_identical(case_content(workbook), case_content(example_path(name)))


def test_write_inputs_writes_workbooks_and_skips_equal_ones(tmp_path):
    written = write_inputs(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{n}.xlsx" for n in list_examples())
    assert write_inputs(tmp_path) == []  # an equal workbook is left as it is
    name = list_examples()[0]
    xr.testing.assert_identical(case_content(tmp_path / f"{name}.xlsx"),
                                case_content(example_path(name)))
