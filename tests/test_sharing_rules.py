"""Item sharing rules beyond the five-tier ratio: ``uniform`` central shares (5:5 in every
province) and provincial shares fixed by policy (``province_rule = fixed``).

The hand case is ``three_regions`` (tests/hand_cases.py): A (tier 1), B and B2 (tier 2), one item,
N = 100, q = 100, θ = 0.5, so D = 5 000 each; capacities A 10 000, B 1 000, B2 10 000; priority
weights ω_B = 7, ω_A = ω_B2 = 0.7.  With the share chosen the optimum is σ = 0 and e_B = 4 000.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.hand_cases import ITEM, solve, three_regions, z

from fiscalshare.config import load_config
from fiscalshare.errors import InputError
from fiscalshare.io import read_tables, write_case
from fiscalshare.io.dataset import build_inputs
from fiscalshare.model.checks import check_case


def shares(results):
    return results["provincial_share"].sel(item="X").values.tolist()


def fixed_by_policy(s1, s2, **kwargs):
    """``three_regions`` with σ fixed by policy at s1 (tier 1), s2 (tier 2); bounds [0, 1]."""
    ds = three_regions(**kwargs)
    ds = ds.assign_coords(province_rule=("item", np.array(["fixed"], dtype=object)))
    ds["province_share"] = ds["province_share"].copy(data=np.array([[s1], [s2]]))
    return ds


# --- validation ---------------------------------------------------------------------------------


def _written(tmp_path, rule, share, central_tier=1, province_rule=None):
    from tests.factories import tables

    item = {**ITEM, "rule": rule}
    if province_rule is not None:
        item["province_rule"] = province_rule
    case = tables(
        regions=[{"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0}],
        items=[item],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0,
                    "central_share": share}],
        beneficiaries=[{"region": "A", "item": "X", "year": 2021, "units": 100.0}],
        capacity=[{"region": "A", "year": 2021, "fiscal_capacity": 1e4}],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.3, "prefecture_share": 0.0}],
        central_tier=central_tier,
    )
    write_case(case, tmp_path / "case")
    return tmp_path / "case"


def test_uniform_item_with_its_own_share_validates_without_warning(tmp_path):
    tables, warnings = read_tables(_written(tmp_path, "uniform", 0.5))
    assert warnings == []
    assert tables.items["rule"].tolist() == ["uniform"]


def test_ratio_item_off_the_tier_share_still_warns_and_names_uniform(tmp_path):
    _, warnings = read_tables(_written(tmp_path, "ratio", 0.5))
    assert len(warnings) == 1
    assert "central tier 1 share 80%" in warnings[0].message
    assert "rule=uniform" in warnings[0].message


def test_province_rule_defaults_to_chosen_and_accepts_fixed(tmp_path):
    tables, warnings = read_tables(_written(tmp_path / "a", "ratio", 0.8))
    assert warnings == [] and tables.items["province_rule"].tolist() == ["chosen"]
    tables, warnings = read_tables(_written(tmp_path / "b", "ratio", 0.8, province_rule="fixed"))
    assert warnings == [] and tables.items["province_rule"].tolist() == ["fixed"]
    assert build_inputs(tables)["province_rule"].values.tolist() == ["fixed"]


def test_unknown_province_rule_is_rejected_with_its_place(tmp_path):
    path = _written(tmp_path, "ratio", 0.8)
    items = pd.read_csv(path / "items.csv", dtype=str)
    items["province_rule"] = "sometimes"
    items.to_csv(path / "items.csv", index=False)
    with pytest.raises(InputError) as caught:
        read_tables(path)
    text = str(caught.value)
    assert "province_rule" in text and "chosen, fixed" in text and "sometimes" in text


def test_the_guizhou_example_validates_without_any_warning():
    from fiscalshare.examples import example_path

    for name in ("guizhou", "guizhou-lowbudget"):
        tables, warnings = read_tables(example_path(name))
        assert warnings == [], (name, [w.message for w in warnings])
        rules = dict(zip(tables.items["code"], tables.items["rule"], strict=True))
        assert rules["ED03"] == rules["ED04"] == "uniform"


# --- exact optima -------------------------------------------------------------------------------


def test_uniform_item_solves_like_its_central_share_says():
    """A uniform 5:5 item: F = 0.5·N·q = 5 000 everywhere, the optimum as for any θ = 0.5 item:
    σ = 0, e_B = 4 000, z2 = 4 000."""
    ds = three_regions().assign_coords(rule=("item", np.array(["uniform"], dtype=object)))
    results = solve(ds)
    assert z(results) == pytest.approx((0.0, 4000.0), abs=1e-6)
    assert results["funding"].sel(level="central").sum().item() == pytest.approx(15000.0)


def test_central_tier_sweep_leaves_a_uniform_item_alone():
    from fiscalshare.sweep.scenarios import Value, apply_scenario

    ds = three_regions().assign_coords(rule=("item", np.array(["uniform"], dtype=object)))
    changed, _ = apply_scenario(ds, load_config("default"), {"central_tier": Value(3.0)})
    assert changed["central_share"].values.tolist() == [[0.5]]
    ratio, _ = apply_scenario(three_regions(), load_config("default"),
                              {"central_tier": Value(4.0)})
    assert ratio["central_share"].values.tolist() == [[0.3]]


def test_policy_fixed_share_is_kept_in_optimise_mode():
    """σ fixed at 0.2 / 0.5: P = 0.2·5 000 + 0.5·10 000 = 6 000; B's local part 2 500 exceeds
    its capacity 1 000 by 1 500, paid as e_B: z2 = 7 500 (the chosen optimum is 4 000)."""
    results = solve(fixed_by_policy(0.2, 0.5))
    assert shares(results) == pytest.approx([0.2, 0.5])
    assert z(results) == pytest.approx((0.0, 7500.0), abs=1e-6)
    assert results["equalisation"].sel(unit="B").item() == pytest.approx(1500.0)


def test_policy_fixed_share_need_not_rise_tier_by_tier_nor_be_on_the_menu():
    """σ fixed at 0.6 (richer tier) and 0.5 (poorer tier) — against the priority chain and off
    the menu {0.2, 0.8, 1.0} — is kept in optimise and menu mode: P = 3 000 + 5 000, e_B = 1 500,
    z2 = 9 500."""
    ds = fixed_by_policy(0.6, 0.5)
    ds["ratio_menu"] = ("menu", np.array([0.2, 0.8, 1.0]))
    for model in ("default", "ratio-menu"):
        check_case(ds, load_config(model))
        results = solve(ds, model)
        assert shares(results) == pytest.approx([0.6, 0.5])
        assert z(results) == pytest.approx((0.0, 9500.0), abs=1e-6)


def test_policy_fixed_share_without_equalisation_leaves_the_exact_shortfall():
    """Equalisation off: B falls short by 2 500 − 1 000 = 1 500; weight ω_B = 7, so z1 =
    10 500; z2 = 6 000 (co-financing only)."""
    results = solve(fixed_by_policy(0.2, 0.5), equalisation="off")
    assert z(results) == pytest.approx((10500.0, 6000.0), rel=1e-9)
    assert results["shortfall"].sel(region="B").sum().item() == pytest.approx(1500.0)


def test_chained_shares_still_checked_for_chosen_items():
    ds = three_regions()
    ds["province_min"] = ds["province_min"].copy(data=np.array([[0.6], [0.0]]))
    ds["province_max"] = ds["province_max"].copy(data=np.array([[1.0], [0.5]]))
    with pytest.raises(InputError):
        check_case(ds, load_config("default"))
    fixed = ds.assign_coords(province_rule=("item", np.array(["fixed"], dtype=object)))
    fixed["province_share"] = fixed["province_share"].copy(data=np.array([[0.6], [0.5]]))
    check_case(fixed, load_config("default"))


def test_a_sweep_of_a_policy_fixed_share_moves_sigma_with_it():
    """AllocationModel.update (the sweep runner's path) keeps σ = s0 for a fixed item: s0 from
    (0.2, 0.5) to (0.4, 0.5) costs 0.2·5 000 = 1 000 more: z2 = 8 500."""
    from fiscalshare.solve.allocation import AllocationModel

    model = AllocationModel(fixed_by_policy(0.2, 0.5), load_config("default"))
    first = model.solve()
    assert z(first) == pytest.approx((0.0, 7500.0), abs=1e-6)
    model.update(share_fixed=np.array([[0.4], [0.5]]))
    second = model.solve()
    assert second["provincial_share"].sel(item="X").values.tolist() == pytest.approx([0.4, 0.5])
    assert z(second) == pytest.approx((0.0, 8500.0), abs=1e-6)
