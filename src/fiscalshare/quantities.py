"""Derived quantities of docs/model.md, computed once with xarray from the inputs Dataset.

The model, the independent verifier, the baseline allocation and the reports all use these same
definitions, so a formula lives in exactly one place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare.constants import DEFAULT_PHI, WAN  # noqa: F401 - read as quantities.WAN too


def exact_labels(function: Callable) -> Callable:
    """``function`` run with xarray's arithmetic on exactly equal labels (``arithmetic_join=
    "exact"``), not on the intersection of the operands' labels.

    Every array of a case and of its results is indexed by the case's own regions, items, years,
    tiers and units, so an operation that would have to align its operands is a bug: it raises
    here, where the default join would silently drop what it does not share.  xarray also skips
    re-indexing each operand of each operation, which was a third of the independent check's
    time on a county-level province."""

    @functools.wraps(function)
    def with_exact_labels(*args, **kwargs):
        with xr.set_options(arithmetic_join="exact"):
            return function(*args, **kwargs)

    return with_exact_labels


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


class Payers:
    """Who pays each receiving region's local part ``L``: the region itself (the county part,
    ``(1 − π)·L`` for a county, nothing for a prefecture-level region) and ``g(r)``, its
    prefecture (``π·L`` for a county, all of ``L`` for a prefecture-level region, which is its
    own ``g(r)``).  Positions index the ``unit`` axis."""

    def __init__(self, ds: xr.Dataset):
        units = {str(u): k for k, u in enumerate(ds["unit"].values)}
        self.n_units = len(units)
        self.own = np.array([units[str(r)] for r in ds["region"].values], dtype=int)
        self.parent = np.array([units[str(g)] for g in ds["region_prefecture"].values], dtype=int)
        is_county = (ds["region_parent"].values != "")[:, None]
        pi = by_region_tier(ds, ds["prefecture_share"]).values
        self.county_fraction = np.where(is_county, 1.0 - pi, 0.0)  # (region, item)
        self.prefecture_fraction = np.where(is_county, pi, 1.0)

    def unit_shares(self, local: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        """``(unit, year)``: each unit's share of ``local[region, item, year]``, optionally of
        the ``items`` selected by a boolean mask only."""
        mask = np.ones(local.shape[1], dtype=bool) if items is None else items
        county = (self.county_fraction[:, :, None] * local)[:, mask].sum(axis=1)
        prefecture = (self.prefecture_fraction[:, :, None] * local)[:, mask].sum(axis=1)
        shares = np.zeros((self.n_units, local.shape[2]))
        np.add.at(shares, self.own, county)
        np.add.at(shares, self.parent, prefecture)
        return shares


@dataclass
class Accounts:
    """Who pays what, in yuan, following from the decisions σ, u, e."""

    funding: np.ndarray  # (region, item, year, level): central F, province P, prefecture, county
    burden: np.ndarray  # (unit, year): the unit's share of local parts (constraint 2's left side)
    transfer: np.ndarray  # (unit, year): co-financing to the unit's own region plus its e


def accounts(ds: xr.Dataset, share: np.ndarray, shortfall: np.ndarray,
             equalisation: np.ndarray, payers: Payers | None = None) -> Accounts:
    """Funding by level, burden and transfer from the decisions: ``share`` σ looked up at each
    region's tier ``(region, item)``, ``shortfall`` u ``(region, item, year)`` and
    ``equalisation`` e ``(unit, year)``, both in yuan.

    ``P = σ·D``; the local part ``L = max((1 − σ)·D − u, 0)`` is split between the region and
    its prefecture by :class:`Payers`; a unit's transfer is ``Σ_i P`` of its own region plus its
    ``e``.  The optimum (``solve.extract``) and the status quo (``analysis.baseline``) both
    account through here; the verifier (``analysis.verify``) recomputes it independently.
    """
    payers = Payers(ds) if payers is None else payers
    sigma = np.asarray(share)[:, :, None]
    rest = remainder(ds).values
    province = sigma * rest
    local = np.maximum((1.0 - sigma) * rest - shortfall, 0.0)
    funding = np.stack([central_funding(ds).values, province,
                        payers.prefecture_fraction[:, :, None] * local,
                        payers.county_fraction[:, :, None] * local], axis=-1)
    transfer = np.array(equalisation, dtype=float, copy=True)
    np.add.at(transfer, payers.own, province.sum(axis=1))
    return Accounts(funding, payers.unit_shares(local), transfer)


def priority_chains(given: np.ndarray) -> list[np.ndarray]:
    """Per item, the tier positions (richest first) that have a sharing row: the chain along
    which constraint 5 says a poorer tier never gets a smaller provincial share.

    ``given`` is the boolean ``(tier, item)`` table of sharing rows.  A tier without a row for
    the item does not break its chain.  The model's rows, the case checks and the diagnosis
    all walk the chains from here; the verifier keeps its own copy on purpose.
    """
    given = np.asarray(given, dtype=bool)
    return [np.flatnonzero(given[:, item]) for item in range(given.shape[1])]


def priority_links(given: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(richer tier, poorer tier, item)`` positions of each link of the priority chains."""
    richer, poorer, items = [], [], []
    for item, tiers in enumerate(priority_chains(given)):
        richer += tiers[:-1].tolist()
        poorer += tiers[1:].tolist()
        items += [item] * max(tiers.size - 1, 0)
    as_array = lambda v: np.asarray(v, dtype=np.int64)  # noqa: E731
    return as_array(richer), as_array(poorer), as_array(items)
