"""An independent check of a results Dataset against its inputs (docs/model.md, docs/results.md).

It recomputes every statement of the contract from the labelled arrays alone — no solver, no
model code, only :mod:`fiscalshare.quantities` for the shared definitions — so a bug in building
the model or reading the solution back cannot hide itself.  Each constraint row holds within
``tol`` yuan plus ``rel`` times the largest term of the row; funding plus shortfall equals the
standard cost to a relative 1e-9; shares hold to 1e-7.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from fiscalshare import datasets, quantities

IDENTITY = 1e-9  # relative: funding adds up, levels are what the definitions say
SHARE = 1e-7  # absolute, for shares (no money in the row)
# The results contract's variables, as declared once in fiscalshare.datasets.
REQUIRED = datasets.REQUIRED


class _Findings:
    """Collects violations, one line per statement with its worst case."""

    def __init__(self, tol: float, rel: float):
        self.tol, self.rel = tol, rel
        self.lines: list[str] = []

    def money(self, statement: str, excess, largest_term) -> None:
        """``excess > 0`` is a violation beyond ``tol + rel·|largest term|`` (yuan)."""
        allowed = self.tol + self.rel * np.abs(np.asarray(largest_term, dtype=float))
        self._report(statement, np.asarray(excess, dtype=float) - allowed)

    def relative(self, statement: str, difference, scale, bound: float = IDENTITY) -> None:
        scale = np.maximum(np.abs(np.asarray(scale, dtype=float)), 1.0)
        self._report(statement, np.abs(np.asarray(difference, dtype=float)) / scale - bound,
                     unit="relative")

    def share(self, statement: str, excess) -> None:
        self._report(statement, np.asarray(excess, dtype=float) - SHARE, unit="")

    def _report(self, statement: str, beyond: np.ndarray, unit: str = "yuan") -> None:
        beyond = np.where(np.isnan(beyond), np.inf, beyond)
        bad = beyond > 0
        if np.any(bad):
            worst = float(np.max(beyond[bad]))
            self.lines.append(f"{statement}: {int(bad.sum())} row(s) violated, worst by "
                              f"{worst:.6g}{' ' + unit if unit else ''} beyond the tolerance")


@quantities.exact_labels
def check_solution(inputs: xr.Dataset, results: xr.Dataset, tol: float = 1e-3,
                   rel: float = 1e-7) -> list[str]:
    """Every violated statement of docs/model.md and docs/results.md; empty when all hold."""
    missing = [name for name in REQUIRED if name not in results]
    if missing:
        return [f"results lack the variable(s) {', '.join(missing)}"]
    for dim in ("region", "item", "year", "tier", "unit"):
        if not np.array_equal(results[dim].values, inputs[dim].values):
            return [f"results' {dim} coordinate differs from the inputs'"]
    found = _Findings(tol, rel)
    config = _configuration(results)
    mode = config.get("ratio_mode", "optimise")

    cost = quantities.standard_cost(inputs)
    central = quantities.central_funding(inputs)
    rest = quantities.remainder(inputs)
    funding = results["funding"].transpose("region", "item", "year", "level")
    u = results["shortfall"].transpose("region", "item", "year")
    sigma = results["provincial_share"].transpose("tier", "item")
    share = quantities.by_region_tier(inputs, sigma)
    e = results["equalisation"].transpose("unit", "year")
    province = funding.sel(level="province", drop=True)
    prefecture = funding.sel(level="prefecture", drop=True)
    county = funding.sel(level="county", drop=True)

    # what the results say each level pays
    found.relative("standard_cost ≠ N·q·λ·κ", results["standard_cost"] - cost, cost)
    found.relative("funding + shortfall ≠ standard cost", funding.sum("level") + u - cost, cost)
    found.relative("central funding ≠ θ·N·q·κ", funding.sel(level="central") - central, cost)
    found.relative("provincial funding ≠ σ·D", province - share * rest, cost)
    local = (1.0 - share) * rest - u
    pi = quantities.by_region_tier(inputs, inputs["prefecture_share"])
    is_county = inputs["region_parent"] != ""
    found.relative("county part ≠ (1 − π)·L for a county, 0 otherwise",
                   county - xr.where(is_county, (1.0 - pi) * local, 0.0), cost)
    found.relative("prefecture part ≠ π·L for a county, L otherwise",
                   prefecture - xr.where(is_county, pi * local, local), cost)

    # the constraints
    found.money("constraint 1 (u ≤ (1 − σ)·D)", u - (1.0 - share) * rest, rest)
    found.money("shortfall ≥ 0", -u, rest)
    hard = quantities.hard_items(inputs)
    found.money("constraint 6 (hard items have no shortfall)", np.abs(u.where(hard, 0.0)), rest)
    found.money("equalisation ≥ 0", -e, e)
    if config.get("equalisation") == "off":
        found.money("equalisation is off but e ≠ 0", np.abs(e), 0.0)
    burden, largest = _burden(inputs, prefecture, county)
    capacity = inputs["fiscal_capacity"].transpose("unit", "year")
    found.relative("burden ≠ the unit's share of local parts",
                   results["burden"].transpose("unit", "year") - burden, largest)
    found.money("constraint 2 (affordability)", burden - capacity - e,
                np.maximum(np.maximum(largest, capacity), e))
    found.relative("fiscal_capacity ≠ the inputs' capacity",
                   results["fiscal_capacity"].transpose("unit", "year") - capacity, capacity)
    transfer = _transfer(inputs, province, e)
    found.relative("transfer ≠ co-financing + equalisation",
                   results["transfer"].transpose("unit", "year") - transfer, transfer)
    spend = province.sum(("region", "item")) + e.sum("unit")
    largest_e = e.max("unit") if e.sizes["unit"] else xr.zeros_like(spend)
    largest_spend = np.maximum(np.abs(province).max(("region", "item")), largest_e)
    budget = inputs["provincial_budget"]
    found.money("constraint 3 (provincial budget)", (spend - budget).fillna(-np.inf),
                np.maximum(largest_spend, np.abs(budget).fillna(0.0)))
    if config.get("equalisation") != "off":
        pool = inputs["equalisation_pool"]
        found.money("constraint 4 (equalisation pool)", (e.sum("unit") - pool).fillna(-np.inf),
                    np.maximum(largest_e, np.abs(pool).fillna(0.0)))
    _check_shares(found, inputs, sigma.values, mode)

    # the reported objective values and sensitivities
    weight = quantities.priority_weight(inputs, config.get("eta", 1.0), config.get("phi"))
    if "priority_weight" in results:
        found.relative("priority_weight ≠ W·ω", results["priority_weight"] - weight, weight)
    _check_objectives(found, results, float((weight * u).sum()), float(spend.sum()))
    return found.lines


def check_labels(inputs: xr.Dataset, results: xr.Dataset) -> list[str]:
    """Every label and figure the results carry over from the inputs (names, codes, parents,
    capacity, bounds …) equal to the inputs': an edited ``region_name`` or the allocation of
    another case is found even where no constraint involves it."""
    lines = []
    for name in sorted(set(inputs.variables) & set(results.variables)):
        given, carried = inputs[name], results[name]
        if given.dims != carried.dims or given.shape != carried.shape:
            lines.append(f"{name}: its shape differs from the case's")
        elif given.dtype.kind in "OUS" or carried.dtype.kind in "OUS":
            if not np.array_equal(given.values.astype(str), carried.values.astype(str)):
                lines.append(f"{name}: differs from the case's")
        elif not np.allclose(given.values.astype(float), carried.values.astype(float),
                             rtol=1e-12, atol=0.0, equal_nan=True):
            lines.append(f"{name}: differs from the case's")
    return lines


def _configuration(results: xr.Dataset) -> dict:
    raw = results.attrs.get("model_config", "{}")
    config = json.loads(raw) if isinstance(raw, str) else dict(raw)
    config.setdefault("eta", float(results.attrs.get("eta", 1.0)))
    config.setdefault("equalisation", results.attrs.get("equalisation", "on"))
    config.setdefault("ratio_mode", results.attrs.get("ratio_mode", "optimise"))
    if "phi" not in config and "phi" in results.attrs:
        config["phi"] = json.loads(results.attrs["phi"])
    return config


def _unit_positions(inputs: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Per receiving region: its own unit's position, and its parent's (-1 for none)."""
    units = {str(u): k for k, u in enumerate(inputs["unit"].values)}
    own = np.array([units[str(r)] for r in inputs["region"].values])
    parent = np.array([units[str(p)] if str(p) else -1 for p in inputs["region_parent"].values])
    return own, parent


def _burden(inputs: xr.Dataset, prefecture: xr.DataArray, county: xr.DataArray):
    """Each unit's share of local parts, and the largest single term of its row."""
    own, parent = _unit_positions(inputs)
    is_county = parent >= 0
    own_part = np.where(is_county[:, None, None], county.values, prefecture.values)  # [r,i,y]
    parent_part = np.where(is_county[:, None, None], prefecture.values, 0.0)
    shape = (inputs.sizes["unit"], inputs.sizes["year"])
    total, largest = np.zeros(shape), np.zeros(shape)
    np.add.at(total, own, own_part.sum(axis=1))
    np.maximum.at(largest, own, np.abs(own_part).max(axis=1, initial=0.0))
    counties = np.flatnonzero(is_county)
    np.add.at(total, parent[counties], parent_part[counties].sum(axis=1))
    np.maximum.at(largest, parent[counties],
                  np.abs(parent_part[counties]).max(axis=1, initial=0.0))
    coords = {"unit": inputs["unit"].values, "year": inputs["year"].values}
    as_array = lambda values: xr.DataArray(values, dims=("unit", "year"), coords=coords)  # noqa: E731
    return as_array(total), as_array(largest)


def _transfer(inputs: xr.Dataset, province: xr.DataArray, e: xr.DataArray) -> xr.DataArray:
    own, _ = _unit_positions(inputs)
    total = e.values.copy()
    np.add.at(total, own, province.sum("item").transpose("region", "year").values)
    return e.copy(data=total)


def _chain_links(given: np.ndarray) -> list[tuple[int, int, int]]:
    """``(richer, poorer, item)``: consecutive tiers among those with a sharing row.

    Deliberately not ``quantities.priority_links``, which the model's rows use: the verifier
    walks the chain its own way so that a bug there cannot hide itself."""
    links = []
    for item in range(given.shape[1]):
        tiers = np.flatnonzero(given[:, item])
        links += [(int(a), int(b), item) for a, b in zip(tiers[:-1], tiers[1:], strict=True)]
    return links


def _check_shares(found: _Findings, inputs: xr.Dataset, sigma: np.ndarray, mode: str) -> None:
    given = inputs["sharing_given"].transpose("tier", "item").values.astype(bool)
    fixed = inputs["province_share"].transpose("tier", "item").values
    if mode == "fixed":
        found.share("fixed mode: σ ≠ province_share", np.abs(sigma - np.where(given, fixed, 0.0)))
        return
    # an item whose provincial share policy fixes (province_rule = fixed) keeps province_share in
    # every mode; bounds, chain and menu apply to the others
    by_policy = np.zeros(given.shape[1], dtype=bool)
    if "province_rule" in inputs.coords:
        by_policy = inputs["province_rule"].values == "fixed"
    found.share("province_rule fixed: σ ≠ province_share",
                np.where(given & by_policy[None, :], np.abs(sigma - fixed), 0.0))
    given = given & ~by_policy[None, :]
    low = inputs["province_min"].transpose("tier", "item").values
    high = inputs["province_max"].transpose("tier", "item").values
    other = by_policy[None, :]  # checked above
    found.share("σ below province_min", np.where(given, low - sigma,
                                                 np.where(other, 0.0, np.abs(sigma))))
    found.share("σ above province_max", np.where(given, sigma - high,
                                                 np.where(other, 0.0, np.abs(sigma))))
    links = _chain_links(given)
    if links:
        richer, poorer, item = (np.array(v) for v in zip(*links, strict=True))
        found.share("constraint 5 (a poorer tier has a smaller provincial share)",
                    sigma[richer, item] - sigma[poorer, item])
    if mode == "menu":
        menu = np.asarray(inputs["ratio_menu"].values, dtype=float)
        if menu.size == 0:
            found.lines.append("menu mode without a ratio_menu")
            return
        distance = np.min(np.abs(sigma[..., None] - menu[None, None, :]), axis=-1)
        found.share("menu mode: σ is not a ratio_menu share", np.where(given, distance, 0.0))


def _check_objectives(found: _Findings, results: xr.Dataset, z1: float, z2: float) -> None:
    stored_z1 = results.attrs.get("objective_shortfall")
    stored_z2 = results.attrs.get("objective_cost")
    if stored_z1 is None or stored_z2 is None:
        found.lines.append("results lack objective_shortfall or objective_cost")
        return
    stored_z1, stored_z2 = float(stored_z1), float(stored_z2)
    # stage 2 may use stage 1's slack of max(1e-7·z1, 1e-6) above the optimum
    slack = max(1e-7 * abs(stored_z1), 1e-6)
    if not (stored_z1 - found.tol <= z1 <= stored_z1 + slack + found.tol + 1e-9 * abs(z1)):
        found.lines.append(f"z1 recomputed from the allocation ({z1:.6f}) differs from the "
                           f"stored objective_shortfall ({stored_z1:.6f})")
    if abs(z2 - stored_z2) > found.tol + IDENTITY * abs(z2):
        found.lines.append(f"z2 recomputed from the allocation ({z2:.6f}) differs from the "
                           f"stored objective_cost ({stored_z2:.6f})")
    shortfall_free = stored_z1 == 0.0
    nan_where = {"budget_value": shortfall_free, "marginal_cost": not shortfall_free,
                 "capacity_value": not shortfall_free}
    for name, should_be_nan in nan_where.items():
        values = results[name].values
        if should_be_nan and not np.all(np.isnan(values)):
            found.lines.append(f"{name} should be NaN where z1 {'=' if shortfall_free else '>'} 0")
