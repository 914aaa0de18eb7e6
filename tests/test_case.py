"""The inputs Dataset built from tables (docs/datasets.md)."""

import numpy as np
from tests.factories import case, two_region_case

from fiscalshare import quantities


def test_two_region_case_layout_and_derived_quantities():
    ds = two_region_case()
    assert list(ds["region"].values) == ["A", "B"]
    assert list(ds["unit"].values) == ["A", "B"]
    assert list(ds["tier"].values) == [1, 2]
    assert ds["beneficiaries"].dims == ("region", "item", "year")
    for name, var in ds.data_vars.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name
    # C = N q λ κ = 100 * 100; F = θ N q κ = 5000; D = 5000
    assert float(quantities.standard_cost(ds).sel(region="A").sum()) == 10000.0
    assert float(quantities.central_funding(ds).sel(region="A").sum()) == 5000.0
    assert float(quantities.remainder(ds).sel(region="B").sum()) == 5000.0
    assert np.isnan(ds["provincial_budget"].values).all()


def test_counties_make_their_prefecture_a_spending_unit_only():
    ds = case(
        regions=[
            {"code": "P", "name": "市", "parent": "", "tier": 1, "population": 300.0},
            {"code": "C1", "name": "县一", "parent": "P", "tier": 1, "population": 100.0},
            {"code": "C2", "name": "县二", "parent": "P", "tier": 2, "population": 200.0,
             "poverty_exited": 1},
        ],
        items=[{"code": "X", "name": "项", "domain": "学有所教", "rule": "local", "binding": "hard"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 10.0, "central_share": 0.0}],
        beneficiaries=[{"region": "C1", "item": "X", "year": 2021, "units": 5.0}],
        capacity=[{"region": c, "year": 2021, "fiscal_capacity": 100.0} for c in ("P", "C1", "C2")],
        sharing=[{"tier": t, "item": "X", "province_min": 0, "province_max": 1,
                  "province_share": 0.5, "prefecture_share": 0.3} for t in (1, 2, 3)],
    )
    assert list(ds["region"].values) == ["C1", "C2"]
    assert list(ds["unit"].values) == ["P", "C1", "C2"]
    assert list(ds["unit_receives"].values) == [False, True, True]
    assert list(ds["region_prefecture"].values) == ["P", "P"]
    assert list(ds["tier"].values) == [1, 2]  # tier 3 has no receiving region
    assert float(ds["beneficiaries"].sel(region="C2").sum()) == 0.0
    assert int(ds["poverty_exited"].sel(region="C2")) == 1
    w = quantities.priority_weight(ds, eta=0.0)
    assert float(w.sel(region="C2", item="X")) == 1.2


def test_exact_labels_refuses_operands_with_different_labels_and_restores_the_join():
    import pytest
    import xarray as xr

    a = xr.DataArray([1.0, 2.0], dims="region", coords={"region": ["A", "B"]})
    b = xr.DataArray([10.0, 20.0], dims="region", coords={"region": ["B", "C"]})
    assert (a + b).region.values.tolist() == ["B"]  # xarray's default: the shared labels only

    @quantities.exact_labels
    def added(x, y):
        return x + y

    assert added(a, a).values.tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="exact"):
        added(a, b)
    assert xr.get_options()["arithmetic_join"] == "inner"  # put back, after an error too
