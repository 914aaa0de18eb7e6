"""The status quo: the allocation a province makes today on the same inputs, without optimising.

Officials share costs by a fixed table and pay an equalisation transfer by the factor method
(policy.md §3).  :func:`baseline_allocation` reproduces that, year by year, so that ``compare`` can
set the optimised allocation beside it.  The rules, in order (docs/baseline.md says the same):

1. **Fixed sharing table.**  ``σ[t,i] = province_share`` (``s0``) for every region of tier ``t``;
   the province pays ``P = σ·D`` (``D = C − F``, quantities.py) in full, as an obligation;
   the local part before any shortfall is ``L⁰ = (1 − σ)·D``.  A county's local part is split
   county ``(1 − π)·L⁰``, prefecture ``π·L⁰``; a prefecture-level region bears all of ``L⁰``.
2. **Standard expenditure and revenue.**  For spending unit ``a`` in year ``y``:
   standard expenditure ``SE[a,y]`` = its share of ``L⁰`` (what the fixed table asks of it);
   standard revenue ``SR[a,y] = Cap[a,y]``; gap ``G[a,y] = max(0, SE − SR)``.  A unit whose
   revenue covers its expenditure has no gap and receives nothing.
3. **Equalisation by the factor method.**  ``T[a,y] = θ[y]·G[a,y]`` with one coefficient per year:
   - a pool ``E[y]`` is given: ``θ = E / Σ_a G`` — the pool is spent exactly, also when it exceeds
     the gaps (``θ > 1``: today's pool is handed out in full; money beyond a unit's gap is untied
     and does not reach these items);
   - no pool (blank): ``θ = 1``, every gap is closed;
   - no gap anywhere: nothing is paid (``θ = 0``) and any pool stays unspent;
   - equalisation ``off`` in the configuration: nothing is paid;
   - a budget ``B[y]`` is given and ``Σ P + θ·Σ G`` would exceed it: the transfer is cut first,
     ``θ = max(B − Σ P, 0) / Σ G``; co-financing is never cut, so where ``Σ P > B`` alone the
     budget is overrun, and the overrun is reported as ``budget_excess[y]``, not hidden.
4. **Shortfalls.**  A unit whose share of ``L⁰`` exceeds ``Cap + T`` by ``need`` cuts its soft
   items first, every soft item by the same fraction ``c_soft = min(1, need / S)`` of its soft
   share ``S`` (pro rata, 等比例压减); only what soft items cannot absorb falls on hard items, by
   ``c_hard = min(1, (need − S) / H)`` of its hard share ``H``.  A region's item falls short by
   the larger of the cuts that its paying units (the region itself, and the prefecture where it
   pays part) make: ``u = max(c[r], c[g(r)])·L⁰``, so every unit's burden ends within
   ``Cap + T``.  Hard-item shortfalls stay in ``shortfall`` (the model would forbid them; the
   status quo can have them) and ``attrs["hard_items_met"]`` says whether there are any.

The result has the variables of a solve's results Dataset (docs/datasets.md), so the equity
metrics and the reports read both alike; sensitivities (``marginal_cost``, ``capacity_value``,
``budget_value``) are NaN, and it adds ``standard_expenditure``, ``standard_gap``,
``transfer_coefficient`` and ``budget_excess``.  ``objective_shortfall`` is the shortfall valued
with the configuration's priority weights (comparable with ``z1``), ``objective_cost`` the
province's total spending (comparable with ``z2``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import xarray as xr

from fiscalshare import quantities
from fiscalshare.config import ModelConfig, as_config
from fiscalshare.datasets import (
    BASELINE,
    CARRIED,
    CASE_ATTRS,
    DERIVED,
    RESULTS,
    annotate,
    declared,
    version_attrs,
)


def _region_cut(payers: quantities.Payers, cut: np.ndarray) -> np.ndarray:
    """``(region, item, year)``: the larger of the cuts of the units that pay a part of it."""
    by_own = np.where(payers.county_fraction[:, :, None] > 0, cut[payers.own][:, None, :], 0.0)
    by_parent = np.where(
        payers.prefecture_fraction[:, :, None] > 0, cut[payers.parent][:, None, :], 0.0
    )
    return np.maximum(by_own, by_parent)


def _ratio(numerator, denominator) -> np.ndarray:
    """``numerator / denominator`` where the denominator is positive, else 0 (no warnings)."""
    with np.errstate(all="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), 0.0)


def _transfer_total(gap_total, pool, budget_room, equalisation_on: bool) -> np.ndarray:
    """E[y] by rule 3 of the module docstring: the pool (every gap when no pool is given), at
    most the budget's room; nothing in a year without gaps, or with equalisation off."""
    paid = np.where(np.isnan(pool), gap_total, pool)
    paid = np.where(np.isnan(budget_room), paid, np.minimum(paid, np.maximum(budget_room, 0.0)))
    return np.where((gap_total > 0) & equalisation_on, paid, 0.0)


def _equalisation(total, gap) -> tuple[np.ndarray, np.ndarray]:
    """θ[y] = E / Σ G and ``T = θ·G``.  Where the gaps are so small that θ overflows (a
    subnormal gap), the same money is paid as each unit's part of the gaps, ``E·G / Σ G``."""
    gap_total = gap.sum(axis=0)
    theta = _ratio(total, gap_total)
    with np.errstate(invalid="ignore"):
        paid = theta[None, :] * gap
    over = np.isinf(theta)
    if over.any():
        paid[:, over] = total[None, over] * _ratio(gap[:, over], gap_total[None, over])
    return theta, paid


def _cut_fractions(need: np.ndarray, soft: np.ndarray, hard: np.ndarray):
    """Rule 4: the fraction of soft and of hard shares each unit cuts to close ``need``."""
    soft_cut = np.minimum(1.0, _ratio(need, soft))
    hard_cut = np.minimum(1.0, _ratio(np.maximum(need - soft, 0.0), hard))
    return soft_cut, hard_cut


def baseline_allocation(inputs: xr.Dataset, config: Mapping) -> xr.Dataset:
    """Today's allocation (fixed table + factor-method equalisation) as a results-like Dataset.

    ``config`` is a model configuration (``ModelConfig`` or a mapping); the baseline reads
    ``equalisation`` (on/off), and ``eta`` and ``phi`` only to value its shortfall with the
    model's priority weights.
    """
    config = as_config(config)
    cost = quantities.standard_cost(inputs)
    central = quantities.central_funding(inputs)
    remainder = quantities.remainder(inputs).values
    sigma = quantities.by_region_tier(inputs, inputs["province_share"]).values[:, :, None]
    hard = (inputs["binding"] == "hard").values
    payers = quantities.Payers(inputs)

    provincial = sigma * remainder
    local_standard = (1.0 - sigma) * remainder
    standard_expenditure = payers.unit_shares(local_standard)
    capacity = inputs["fiscal_capacity"].transpose("unit", "year").values
    gap = np.maximum(standard_expenditure - capacity, 0.0)

    pool = inputs["equalisation_pool"].values
    budget = inputs["provincial_budget"].values
    co_financing = provincial.sum(axis=(0, 1))
    theta, equalisation = _equalisation(
        _transfer_total(gap.sum(axis=0), pool, budget - co_financing, config.equalisation_on),
        gap)
    budget_excess = np.where(np.isnan(budget), 0.0, np.maximum(co_financing - budget, 0.0))

    need = np.maximum(standard_expenditure - capacity - equalisation, 0.0)
    soft_cut, hard_cut = _cut_fractions(
        need,
        payers.unit_shares(local_standard, ~hard),
        payers.unit_shares(local_standard, hard),
    )
    cut = np.where(hard[None, :, None], _region_cut(payers, hard_cut),
                   _region_cut(payers, soft_cut))
    shortfall = cut * local_standard
    paid = quantities.accounts(inputs, sigma[:, :, 0], shortfall, equalisation, payers)

    weight = quantities.priority_weight(inputs, config.eta, config.phi)
    results = _results_dataset(inputs, config)
    results["standard_cost"] = cost.reset_coords(drop=True)
    results["funding"] = (("region", "item", "year", "level"), paid.funding)
    results["shortfall"] = (("region", "item", "year"), shortfall)
    results["provincial_share"] = inputs["province_share"]
    results["equalisation"] = (("unit", "year"), equalisation)
    results["burden"] = (("unit", "year"), paid.burden)
    results["fiscal_capacity"] = inputs["fiscal_capacity"].transpose("unit", "year")
    results["transfer"] = (("unit", "year"), paid.transfer)
    results["central_funding"] = central.reset_coords(drop=True)
    results["priority_weight"] = weight
    results["standard_expenditure"] = (("unit", "year"), standard_expenditure)
    results["standard_gap"] = (("unit", "year"), gap)
    results["transfer_coefficient"] = ("year", theta)
    results["budget_excess"] = ("year", budget_excess)
    for name in ("marginal_cost", "capacity_value", "budget_value"):
        dims = declared(name).dims
        results[name] = (dims, np.full([results.sizes[d] for d in dims], np.nan))
    annotate(results, (*RESULTS, *DERIVED, *BASELINE), baseline=True)

    hard_shortfall = float(shortfall[:, hard].sum())
    results.attrs.update(
        allocation="baseline",
        objective_shortfall=float((weight.values[:, :, None] * shortfall).sum()),
        objective_cost=float(paid.transfer.sum()),
        hard_items_met="yes" if hard_shortfall <= 1e-6 else "no",
        hard_shortfall=hard_shortfall,
    )
    return results


def _results_dataset(inputs: xr.Dataset, config: ModelConfig) -> xr.Dataset:
    """The coordinates, carried inputs and attributes every results Dataset has."""
    coords = {name: coord for name, coord in inputs.coords.items() if "menu" not in coord.dims}
    results = xr.Dataset(coords=coords)
    for name in CARRIED:
        results[name] = inputs[name]
    for name in inputs.data_vars:
        if str(name).startswith("indicator_"):
            results[name] = inputs[name]
    results.attrs.update({key: inputs.attrs[key] for key in CASE_ATTRS if key in inputs.attrs})
    results.attrs.update(version_attrs())
    results.attrs.update(
        ratio_mode="fixed",
        equalisation=config.equalisation,
        equalisation_method="factor",
        eta=float(config.eta),
        phi=json.dumps(dict(config.phi), ensure_ascii=False),
        termination="baseline (computed by rule, no solver)",
        model_config=json.dumps(config.as_dict(), ensure_ascii=False, default=str),
    )
    return results
