"""Derived quantities of spec/model.md, computed once with xarray from the inputs Dataset.

The model, the independent verifier, the baseline allocation and the reports all use these same
definitions, so a formula lives in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

DEFAULT_PHI = {"poverty_exited": 0.2, "ethnic": 0.2, "border": 0.2, "old_revolutionary": 0.1}


def standard_cost(ds: xr.Dataset) -> xr.DataArray:
    """``C[r,i,y] = N·q·λ·κ`` in yuan."""
    cost = ds["beneficiaries"] * ds["unit_cost"] * ds["topup"] * ds["cost_index"]
    return cost.transpose("region", "item", "year").rename("standard_cost")


def central_funding(ds: xr.Dataset) -> xr.DataArray:
    """``F[r,i,y] = θ·N·q·κ``: the centre shares the national standard, never the top-up."""
    funding = ds["central_share"] * ds["beneficiaries"] * ds["unit_cost"] * ds["cost_index"]
    return funding.transpose("region", "item", "year").rename("central_funding")


def remainder(ds: xr.Dataset) -> xr.DataArray:
    """``D = C − F = N·q·κ·(λ − θ)``, written in that form so that it is never negative by rounding."""
    rest = ds["beneficiaries"] * ds["unit_cost"] * ds["cost_index"] * (ds["topup"] - ds["central_share"])
    return rest.clip(min=0.0).transpose("region", "item", "year").rename("remainder")


def by_region_tier(ds: xr.Dataset, table: xr.DataArray) -> xr.DataArray:
    """A ``(tier, item)`` table looked up at each receiving region's tier: ``x[t(r), i]``."""
    return table.sel(tier=ds["region_tier"]).drop_vars("tier").transpose("region", "item")


def mean_capacity_per_capita(ds: xr.Dataset) -> float:
    """``m = Σ_r Cap[r,y0] / Σ_r pop[r]`` over receiving regions."""
    first = ds["fiscal_capacity"].isel(year=0).sel(unit=ds["region"].values)
    return float(first.sum() / ds["population"].sum())


def priority_weight(
    ds: xr.Dataset, eta: float = 1.0, phi: Mapping[str, float] | None = None
) -> xr.DataArray:
    """``w[r,i] = W[i]·ω[r]``, ``ω[r] = (m / c[r])^η · Π_f (1 + φ_f·flag_f[r])``.

    ``c[r] = max(Cap[r,y0] / pop[r], 0.01·m)`` keeps a region with no capacity from an infinite
    weight; where ``m = 0`` the capacity factor is 1.
    """
    phi = DEFAULT_PHI if phi is None else phi
    mean = mean_capacity_per_capita(ds)
    first = ds["fiscal_capacity"].isel(year=0, drop=True).sel(unit=ds["region"].values)
    per_capita = xr.DataArray(first.values, dims="region", coords={"region": ds["region"]})
    per_capita = per_capita / ds["population"]
    if mean > 0:
        floor = np.maximum(per_capita, 0.01 * mean)
        omega = (mean / floor) ** float(eta)
    else:
        omega = xr.ones_like(per_capita)
    for flag, strength in phi.items():
        omega = omega * (1.0 + float(strength) * ds[flag].astype(float))
    weight = ds["item_weight"] * omega
    return weight.transpose("region", "item").rename("priority_weight").reset_coords(drop=True)


def hard_items(ds: xr.Dataset) -> xr.DataArray:
    """Boolean over ``item``: hard (约束性) items must be met in full."""
    return ds["binding"] == "hard"
