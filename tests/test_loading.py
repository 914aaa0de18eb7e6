"""The fast CSV path (pyarrow reader, Arrow string columns, vectorised typing) reads what was
written, forgives what the slow path forgave, and reports problems at the same lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from fiscalshare.errors import InputError
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import load_case, read_tables, write_case
from fiscalshare.io.dataset import build_inputs


def test_a_written_csv_case_loads_back_to_the_same_dataset(tmp_path):
    tables = generate(25, 6, 3, 4, budget_factor=0.7)
    write_case(tables, tmp_path / "case")
    loaded = load_case(tmp_path / "case")
    built = build_inputs(tables)
    for name in built.data_vars:
        xr.testing.assert_allclose(loaded[name].reset_coords(drop=True),
                                   built[name].reset_coords(drop=True), rtol=1e-15)


def _edit(folder, name, edit):
    path = folder / f"{name}.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_forgiving_readings_and_line_numbers_survive_the_fast_path(tmp_path):
    case = tmp_path / "case"
    write_case(generate(6, 3, 2, 1), case)
    capacity = pd.read_csv(case / "capacity.csv", dtype=str)
    first = capacity.loc[0, "fiscal_capacity"]
    whole = f"{float(first):,.0f}"  # thousands separators
    full_width = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d
                         for d in str(capacity.loc[1, "fiscal_capacity"]))
    capacity.loc[0, "fiscal_capacity"] = whole
    capacity.loc[1, "fiscal_capacity"] = full_width
    capacity.to_csv(case / "capacity.csv", index=False)
    tables, warnings = read_tables(case)
    text = " ".join(str(w) for w in warnings)
    assert "thousands separators removed" in text and "full-width digits" in text
    assert tables.capacity["fiscal_capacity"].iloc[0] == pytest.approx(round(float(first)))
    # a bad cell on the fourth line of the file, then an empty line before it: the fallback
    # parser keeps the empty line, so the problem is still reported at the file's line
    capacity.loc[2, "fiscal_capacity"] = "lots"
    capacity.to_csv(case / "capacity.csv", index=False)
    with pytest.raises(InputError) as caught:
        read_tables(case)
    assert "capacity.csv!4" in str(caught.value)
    _edit(case, "capacity", lambda s: s.replace("\n", "\n\n", 1))
    with pytest.raises(InputError) as caught:
        read_tables(case)
    assert "capacity.csv!5" in str(caught.value)
    assert np.isfinite(tables.capacity["fiscal_capacity"]).all()


def test_text_variables_are_the_ones_xarray_makes_of_the_same_strings(tmp_path):
    """build_inputs hands xarray its text arrays as they are (dataset._texts_as_they_are):
    each must be what xarray's own conversion makes of the same strings."""
    write_case(generate(12, 4, 2, 3), tmp_path / "case")
    loaded = load_case(tmp_path / "case")
    texts = {name: loaded[name].variable for name in loaded.variables
             if loaded[name].dtype == object and name not in loaded.dims}
    assert {"region_name", "unit_parent", "item_name", "rule"} <= set(texts)
    for name, variable in texts.items():
        strings = np.array(list(variable.values), dtype=object)
        plain = xr.Variable(variable.dims, strings)  # through xarray's own conversion
        assert plain.dtype == variable.dtype and isinstance(variable.data, np.ndarray), name
        xr.testing.assert_identical(plain, variable)
        assert all(type(v) is str for v in variable.values), name
