"""Commands other than ``sweep`` keep xarray from importing dask (fiscalshare.numpy_only);
checked in fresh interpreters, since the choice lasts for the process."""

from __future__ import annotations

import subprocess
import sys

import xarray as xr

from fiscalshare.examples.synthetic import generate
from fiscalshare.io import write_case

SOLVE = """
import sys
from fiscalshare.cli import main
try:
    main(["solve", sys.argv[1], "--out", sys.argv[2], "--quiet", "--no-reports"])
except SystemExit as done:
    assert done.code == 0, done.code
print("dask" in sys.modules)
"""

ALREADY_LOADED = """
import dask.array
from fiscalshare.numpy_only import numpy_arrays_only
import xarray as xr
print(numpy_arrays_only(), type(xr.DataArray(dask.array.zeros(3)).data).__module__)
"""


def _python(code: str, *args) -> str:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_a_solve_never_imports_dask_and_still_writes_its_results(tmp_path):
    case = tmp_path / "case"
    write_case(generate(12, 4, 2, 3), case)
    assert _python(SOLVE, case, tmp_path / "run") == "False"
    with xr.open_dataset(tmp_path / "run" / "allocation.nc", engine="h5netcdf") as results:
        assert results.sizes["region"] > 0 and float(results["funding"].sum()) > 0


def test_dask_arrays_already_in_use_are_left_alone():
    assert _python(ALREADY_LOADED) == "False dask.array.core"
