"""An independent check of a results Dataset against its inputs (spec/model.md).

It recomputes every constraint from the labelled arrays alone — no solver, no model code — so a
bug in the model assembly cannot hide itself.  Every row holds within ``1e-3`` yuan plus ``1e-7``
times the largest term of the row; funding plus shortfall equals the standard cost to 1e-9.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from fiscalshare import quantities

ABS_TOL = 1e-3
REL_TOL = 1e-7


def check_solution(inputs: xr.Dataset, results: xr.Dataset) -> list[str]:
    """Every violated statement of spec/model.md, with its worst violation; empty when fine."""
    problems: list[str] = []
    config = _config(results)
    cost = quantities.standard_cost(inputs)
    central = quantities.central_funding(inputs)
    rest = quantities.remainder(inputs)
    funding = results["funding"].transpose("region", "item", "year", "level")
    u = results["shortfall"].transpose("region", "item", "year")
    sigma = results["provincial_share"].transpose("tier", "item")
    sig_r = quantities.by_region_tier(inputs, sigma)
    e = results["equalisation"].transpose("unit", "year")

    def report(name: str, excess, scale) -> None:
        excess = np.asarray(excess, dtype=float)
        allowed = ABS_TOL + REL_TOL * np.asarray(scale, dtype=float)
        bad = excess > allowed
        if np.any(bad):
            worst = float(np.max(np.where(bad, excess - allowed, -np.inf)))
            problems.append(f"{name}: {int(bad.sum())} row(s) violated, worst by {worst:.6g}")

    # funding adds up, and each level is what the definitions say
    total = funding.sum("level") + u
    rel = np.abs(total - cost) / np.maximum(np.abs(cost), 1.0)
    if float(rel.max()) > 1e-9:
        problems.append(f"funding + shortfall ≠ standard cost: worst relative error "
                        f"{float(rel.max()):.3g}")
    report("central funding ≠ θ·N·q·κ", np.abs(funding.sel(level="central") - central), central)
    province = sig_r * rest
    report("provincial funding ≠ σ·D", np.abs(funding.sel(level="province") - province), rest)
    local = (1 - sig_r) * rest - u
    local_parts = funding.sel(level="prefecture") + funding.sel(level="county")
    report("prefecture + county parts ≠ (1−σ)·D − u", np.abs(local_parts - local), rest)
    # constraint 1 and non-negativity
    report("constraint 1 (u ≤ (1−σ)·D)", u - (1 - sig_r) * rest, rest)
    report("shortfall u ≥ 0", -u, 0)
    report("equalisation e ≥ 0", -e, 0)
    if config.get("equalisation") == "off":
        report("equalisation is off but e > 0", np.abs(e), 0)
    # constraint 6: hard items met
    hard = quantities.hard_items(inputs)
    report("constraint 6 (hard items have no shortfall)", u.where(hard, 0.0), 0)
    # county / prefecture split of the local part
    pi = quantities.by_region_tier(inputs, inputs["prefecture_share"])
    county = inputs["region_parent"] != ""
    expected_county = xr.where(county, (1 - pi) * local, 0.0)
    report("county part ≠ (1−π)·L", np.abs(funding.sel(level="county") - expected_county), rest)
    # constraint 2: affordability per spending unit and year
    burden = _burden(inputs, funding)
    report("burden ≠ the unit's share of local parts",
           np.abs(results["burden"].transpose("unit", "year") - burden), np.abs(burden))
    cap = inputs["fiscal_capacity"].transpose("unit", "year")
    report("constraint 2 (affordability)", burden - cap - e, np.maximum(np.abs(burden), cap))
    # transfer
    transfer = _transfer(inputs, funding, e)
    report("transfer ≠ co-financing + equalisation",
           np.abs(results["transfer"].transpose("unit", "year") - transfer), transfer)
    # constraints 3 and 4
    spend = funding.sel(level="province").sum(("region", "item")) + e.sum("unit")
    budget = inputs["provincial_budget"]
    limited = np.isfinite(budget)
    report("constraint 3 (provincial budget)", (spend - budget).where(limited, 0.0), spend)
    pool = inputs["equalisation_pool"]
    report("constraint 4 (equalisation pool)", (e.sum("unit") - pool).where(np.isfinite(pool), 0.0),
           e.sum("unit"))
    # shares: bounds, fixed values, menu, monotone
    problems += _check_shares(inputs, sigma, config)
    # objectives
    weight = quantities.priority_weight(inputs, config.get("eta", 1.0), config.get("phi"))
    z1 = float((weight * u).sum())
    z2 = float(spend.sum())
    for name, mine, stored in (("z1", z1, results.attrs.get("objective_shortfall")),
                               ("z2", z2, results.attrs.get("objective_cost"))):
        if stored is None or abs(mine - float(stored)) > 1e-6 * max(1.0, abs(mine)) + ABS_TOL:
            problems.append(f"{name} recomputed {mine:.6f} differs from the stored {stored}")
    return problems


def _config(results: xr.Dataset) -> dict:
    raw = results.attrs.get("model_config", "{}")
    config = json.loads(raw) if isinstance(raw, str) else dict(raw)
    config.setdefault("eta", float(results.attrs.get("eta", 1.0)))
    config.setdefault("equalisation", results.attrs.get("equalisation", "on"))
    config.setdefault("ratio_mode", results.attrs.get("ratio_mode", "optimise"))
    return config


def _burden(inputs: xr.Dataset, funding: xr.DataArray) -> xr.DataArray:
    """Each unit's share of local parts: its own regions' county or prefecture part, plus the
    prefecture part of its counties."""
    county = inputs["region_parent"] != ""
    own_part = xr.where(county, funding.sel(level="county"), funding.sel(level="prefecture"))
    parent_part = xr.where(county, funding.sel(level="prefecture"), 0.0)
    units = list(inputs["unit"].values)
    out = np.zeros((len(units), inputs.sizes["year"]))
    own_index = [units.index(str(r)) for r in inputs["region"].values]
    parent_index = [units.index(str(p)) if p else units.index(str(r))
                    for r, p in zip(inputs["region"].values, inputs["region_parent"].values,
                                    strict=True)]
    np.add.at(out, own_index, own_part.sum("item").transpose("region", "year").values)
    np.add.at(out, parent_index, parent_part.sum("item").transpose("region", "year").values)
    return xr.DataArray(out, dims=("unit", "year"),
                        coords={"unit": inputs["unit"], "year": inputs["year"]})


def _transfer(inputs: xr.Dataset, funding: xr.DataArray, e: xr.DataArray) -> xr.DataArray:
    co_financing = funding.sel(level="province").sum("item").transpose("region", "year")
    units = list(inputs["unit"].values)
    out = e.values.copy()
    np.add.at(out, [units.index(str(r)) for r in inputs["region"].values], co_financing.values)
    return xr.DataArray(out, dims=("unit", "year"),
                        coords={"unit": inputs["unit"], "year": inputs["year"]})


def _check_shares(inputs: xr.Dataset, sigma: xr.DataArray, config: dict) -> list[str]:
    problems = []
    mode = config.get("ratio_mode", "optimise")
    given = inputs["sharing_given"].transpose("tier", "item").values
    s = sigma.values
    tol = 1e-7
    if mode == "fixed":
        fixed = inputs["province_share"].transpose("tier", "item").values
        if np.any(np.abs(s - fixed) > tol):
            problems.append("fixed mode: σ differs from province_share")
        return problems
    low = inputs["province_min"].transpose("tier", "item").values
    high = inputs["province_max"].transpose("tier", "item").values
    if np.any((s < low - tol) | (s > high + tol)):
        problems.append("σ outside [province_min, province_max]")
    both = given[:-1] & given[1:]
    if np.any((s[:-1] - s[1:] > tol) & both):
        problems.append("constraint 5 (priority): a poorer tier has a smaller provincial share")
    if mode == "menu":
        menu = np.asarray(inputs["ratio_menu"].values, dtype=float)
        off_menu = given & (np.min(np.abs(s[..., None] - menu[None, None, :]), axis=-1) > tol)
        if np.any(off_menu):
            problems.append("menu mode: σ is not one of the ratio_menu shares")
    return problems
