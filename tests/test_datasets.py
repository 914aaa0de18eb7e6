"""The Datasets are what fiscalshare.datasets declares, and the accounting of σ, u, e is one function."""

from __future__ import annotations

import numpy as np
import pytest
from tests.hand_cases import prefecture_with_counties, three_regions

from fiscalshare import datasets, quantities
from fiscalshare.analysis.baseline import baseline_allocation
from fiscalshare.analysis.verify import REQUIRED
from fiscalshare.config import load_config
from fiscalshare.solve import solve_case


def test_the_verifier_requires_exactly_the_declared_results():
    assert tuple(v.name for v in datasets.RESULTS) == REQUIRED


@pytest.mark.parametrize("allocate", ["solve", "baseline"])
def test_results_have_the_declared_dims_units_and_meanings(allocate):
    inputs = prefecture_with_counties()
    config = load_config("default")
    results = (solve_case(inputs, config) if allocate == "solve"
               else baseline_allocation(inputs, config))
    declared = [*datasets.RESULTS, *datasets.DERIVED]
    if allocate == "baseline":
        declared += datasets.BASELINE
    for var in declared:
        assert results[var.name].dims == var.dims, var.name
        assert results[var.name].attrs["units"] == var.units, var.name
        meaning = var.baseline if allocate == "baseline" and var.baseline else var.meaning
        assert results[var.name].attrs["long_name"] == meaning, var.name
    for name in datasets.CARRIED:
        assert name in results, name


def test_inputs_have_the_declared_dims_and_units():
    inputs = three_regions()
    for var in datasets.INPUTS:
        if var.name in inputs:
            assert inputs[var.name].dims == var.dims, var.name
            assert inputs[var.name].attrs["units"] == var.units, var.name


def test_accounts_split_the_local_part_by_hand():
    """P with counties C1 (tier 1), C2, C3 (tier 2), π = 0.5, D = 5 000 each (hand_cases).

    σ = (0.2, 0.4), u = 1 000 on C2, e = 300 to C2 and 700 to P:
    P_C1 = 1 000, L_C1 = 4 000; P_C2 = 2 000, L_C2 = 3 000 − 1 000 = 2 000; P_C3 = 2 000,
    L_C3 = 3 000.  Counties pay half their L, P the other halves: 2 000 + 1 000 + 1 500.
    """
    inputs = prefecture_with_counties()
    regions = [str(r) for r in inputs["region"].values]
    units = [str(u) for u in inputs["unit"].values]
    tiers = {1: 0.2, 2: 0.4}
    share = np.array([[tiers[int(t)]] for t in inputs["region_tier"].values])
    shortfall = np.zeros((3, 1, 1))
    shortfall[regions.index("C2")] = 1000.0
    e = np.zeros((len(units), 1))
    e[units.index("C2")], e[units.index("P")] = 300.0, 700.0
    paid = quantities.accounts(inputs, share, shortfall, e)
    by_region = dict(zip(regions, paid.funding[:, 0, 0, :].tolist(), strict=True))
    assert by_region["C1"] == pytest.approx([5000, 1000, 2000, 2000])
    assert by_region["C2"] == pytest.approx([5000, 2000, 1000, 1000])
    assert by_region["C3"] == pytest.approx([5000, 2000, 1500, 1500])
    burden = dict(zip(units, paid.burden[:, 0].tolist(), strict=True))
    assert burden == pytest.approx({"P": 4500.0, "C1": 2000.0, "C2": 1000.0, "C3": 1500.0})
    transfer = dict(zip(units, paid.transfer[:, 0].tolist(), strict=True))
    assert transfer == pytest.approx({"P": 700.0, "C1": 1000.0, "C2": 2300.0, "C3": 2000.0})


def test_the_inputs_and_results_carry_the_declared_coordinates():
    """(The optional 清单 texts on ``item`` reach the results by ``report.tables``, not here.)"""
    inputs = prefecture_with_counties()
    results = solve_case(inputs, load_config("default"))
    for dim, names in datasets.COORDINATE_NAMES.items():
        for ds in (inputs, results):
            assert set(names) <= {n for n, c in ds.coords.items() if c.dims == (dim,)}, dim
