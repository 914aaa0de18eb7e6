"""Every number the allocation model needs, prepared once with numpy from the inputs Dataset.

The variables, constraint families and objectives only index into these arrays, so preparing a
national-scale case costs a few vectorised passes.  Money is held in ``MONEY_UNIT`` yuan (万元)
inside the model: in yuan a county's figures reach 1e9–1e12, which stalls HiGHS, while in 万元
every coefficient of a provincial case stays within about 1e-3…1e6.  Results go back to yuan.

Derived quantities (``D``, ``w``) come from :mod:`fiscalshare.quantities`, never re-derived here.

**Policy-fixed provincial shares.**  An item whose ``province_rule`` is ``fixed`` has its
provincial share set by policy, not chosen: in every ratio mode
:math:`s^{min}_{t,i} = s^{max}_{t,i} = s^0_{t,i}` for it, so its σ column (if any) is pinned at
the sharing sheet's ``province_share``; the ``menu`` binaries and the priority chain
(constraint 5) leave it out, because a policy table need neither be on the menu nor rise
tier by tier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import xarray as xr

from fiscalshare import quantities
from fiscalshare.config import SHARE_TOLERANCE, ModelConfig, as_config

MONEY_UNIT = quantities.WAN  # the model holds money in 万元 (yuan per model money unit)


@dataclass(frozen=True, eq=False)
class Coefficients:
    """The prepared data of one case under one configuration (money in model units).

    Axis order is always ``region, item, year`` / ``tier, item`` / ``unit, year``; regions, units
    and tiers are positions in the inputs Dataset's coordinates.
    """

    remainder: np.ndarray  # D[r,i,y]
    capacity: np.ndarray  # Cap[a,y]
    budget: np.ndarray  # B[y], NaN = no limit
    pool: np.ndarray  # E[y], NaN = no limit
    share_min: np.ndarray  # smin[t,i]
    share_max: np.ndarray  # smax[t,i]
    share_fixed: np.ndarray  # s0[t,i]
    prefecture_share: np.ndarray  # π[t,i]
    sharing_given: np.ndarray  # bool[t,i]: the sharing sheet has this row
    menu: np.ndarray  # allowed shares, ascending
    tier_of_region: np.ndarray  # t(r) as a position in the tier axis
    own_unit: np.ndarray  # the spending unit that is region r itself
    parent_unit: np.ndarray  # the prefecture unit of a county, -1 for a prefecture-level region
    weight: np.ndarray  # w[r,i]
    soft: np.ndarray  # bool[i]: may fall short (every item when diagnosing)
    policy_fixed: np.ndarray  # bool[i]: σ fixed by policy at s0 (province_rule = fixed)
    ratio_mode: str
    equalisation: bool
    elastic: bool = False  # diagnosis: budget and pool may be exceeded at a price

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.remainder.shape

    @property
    def n_tier(self) -> int:
        return self.share_min.shape[0]

    @property
    def n_unit(self) -> int:
        return self.capacity.shape[0]

    @property
    def sigma_is_data(self) -> bool:
        """In ``fixed`` mode σ is the sharing sheet's ``province_share``: data, not a decision."""
        return self.ratio_mode == "fixed"

    @cached_property
    def is_county(self) -> np.ndarray:
        return self.parent_unit >= 0

    @cached_property
    def own_part(self) -> np.ndarray:
        """Share α of a region's local part that its own unit bears, ``[r,i]``: ``1 − π`` for a
        county, 1 for a prefecture-level region."""
        pi = self.prefecture_share[self.tier_of_region]
        return np.where(self.is_county[:, None], 1.0 - pi, 1.0)

    @cached_property
    def parent_part(self) -> np.ndarray:
        """Share of a county's local part borne by its prefecture, ``π[t(r),i]`` (0 otherwise)."""
        pi = self.prefecture_share[self.tier_of_region]
        return np.where(self.is_county[:, None], pi, 0.0)

    @cached_property
    def tier_remainder(self) -> np.ndarray:
        """``Σ_{r: t(r)=t} D[r,i,y]`` as ``[t,i,y]``: what one unit of σ[t,i] costs the province."""
        totals = np.zeros((self.n_tier, *self.shape[1:]))
        np.add.at(totals, self.tier_of_region, self.remainder)
        return totals

    @cached_property
    def data_share(self) -> np.ndarray:
        """σ where it is data, ``[t,i]``: s0 in ``fixed`` mode, 0 for pairs without a sharing row
        (their remainder is zero everywhere), NaN where σ is a decision."""
        if self.sigma_is_data:
            return np.where(self.sharing_given, self.share_fixed, 0.0)
        return np.where(self.sharing_given, np.nan, 0.0)

    @cached_property
    def chosen_given(self) -> np.ndarray:
        """``[t,i]``: pairs whose σ the model chooses (a sharing row, not fixed by policy) —
        the pairs the menu and the priority chain apply to."""
        return self.sharing_given & ~self.policy_fixed[None, :]

    def menu_options(self, tier: int, item: int) -> np.ndarray:
        """The menu shares allowed for ``(tier, item)``: ``menu ∩ [smin, smax]``."""
        low, high = self.share_min[tier, item], self.share_max[tier, item]
        inside = (self.menu >= low - SHARE_TOLERANCE) & (self.menu <= high + SHARE_TOLERANCE)
        return self.menu[inside]

    def with_changes(self, **changes) -> Coefficients:
        return replace(self, **changes)


def prepare(inputs: xr.Dataset, config: Mapping, *, soft_everything: bool = False,
            elastic: bool = False) -> Coefficients:
    """The model data of ``inputs`` under ``config`` (a ``ModelConfig``, or a mapping turned
    into one).

    ``soft_everything`` and ``elastic`` build the variants the infeasibility diagnosis solves:
    every item allowed to fall short, and budget and pool allowed to grow.
    """
    tiers = [int(t) for t in inputs["tier"].values]
    units = [str(u) for u in inputs["unit"].values]
    tier_index = {t: k for k, t in enumerate(tiers)}
    unit_index = {u: k for k, u in enumerate(units)}
    regions = [str(r) for r in inputs["region"].values]
    parents = [str(p) for p in inputs["region_parent"].values]
    tier_item = ("tier", "item")
    config = as_config(config)
    return Coefficients(
        **{name: compute(inputs, config) for name, (_, compute) in _DATA_FIELDS.items()},
        sharing_given=inputs["sharing_given"].transpose(*tier_item).values.astype(bool),
        menu=np.sort(np.asarray(inputs["ratio_menu"].values, dtype=float)),
        tier_of_region=np.array([tier_index[int(t)] for t in inputs["region_tier"].values],
                                dtype=np.int64),
        own_unit=np.array([unit_index[r] for r in regions], dtype=np.int64),
        parent_unit=np.array([unit_index[p] if p else -1 for p in parents], dtype=np.int64),
        soft=(inputs["binding"].values != "hard") | soft_everything,
        policy_fixed=policy_fixed(inputs),
        ratio_mode=config.ratio_mode,
        equalisation=config.equalisation_on,
        elastic=elastic,
    )


def policy_fixed(inputs: xr.Dataset) -> np.ndarray:
    """``bool[i]``: items whose provincial share is fixed by policy (``province_rule = fixed``);
    a Dataset built before the rule existed has none."""
    if "province_rule" not in inputs.coords and "province_rule" not in inputs:
        return np.zeros(inputs.sizes["item"], dtype=bool)
    return np.asarray(inputs["province_rule"].values == "fixed", dtype=bool)


def _tier_item(name: str):
    return lambda ds, _: ds[name].transpose("tier", "item").values.astype(float)


def _share_bound(name: str):
    def compute(ds: xr.Dataset, _) -> np.ndarray:
        bound = ds[name].transpose("tier", "item").values.astype(float)
        fixed = ds["province_share"].transpose("tier", "item").values.astype(float)
        return np.where(policy_fixed(ds)[None, :], fixed, bound)
    return compute


def _weight(ds: xr.Dataset, config: ModelConfig) -> np.ndarray:
    weight = quantities.priority_weight(ds, config.eta, config.phi)
    return weight.transpose("region", "item").values.astype(float)


# Each field of Coefficients that numbers in the inputs decide: the input variables (and
# configuration entries) it is computed from, and how.  ``prepare`` computes them all;
# ``refresh`` recomputes only those a what-if scenario touched.
_DATA_FIELDS = {
    "remainder": (("beneficiaries", "unit_cost", "cost_index", "topup", "central_share"),
                  lambda ds, _: quantities.remainder(ds).values / MONEY_UNIT),
    "capacity": (("fiscal_capacity",),
                 lambda ds, _: ds["fiscal_capacity"].transpose("unit", "year").values
                 / MONEY_UNIT),
    "budget": (("provincial_budget",),
               lambda ds, _: ds["provincial_budget"].values.astype(float) / MONEY_UNIT),
    "pool": (("equalisation_pool",),
             lambda ds, _: ds["equalisation_pool"].values.astype(float) / MONEY_UNIT),
    # an item whose share policy fixes has smin = smax = s0 (module docstring)
    "share_min": (("province_min", "province_share"), _share_bound("province_min")),
    "share_max": (("province_max", "province_share"), _share_bound("province_max")),
    "share_fixed": (("province_share",), _tier_item("province_share")),
    "prefecture_share": (("prefecture_share",), _tier_item("prefecture_share")),
    "weight": (("fiscal_capacity", "population", "item_weight", "eta", "phi",
                *quantities.DEFAULT_PHI), _weight),
}


def refresh(c: Coefficients, inputs: xr.Dataset, config: Mapping,
            changed: set[str]) -> Coefficients:
    """``c`` with the fields that depend on ``changed`` (input variables or configuration keys)
    recomputed from ``inputs`` and ``config`` — the same computations :func:`prepare` runs, so a
    refreshed model is the model a fresh ``prepare`` gives."""
    config = as_config(config)
    fields = {name: compute(inputs, config) for name, (sources, compute) in _DATA_FIELDS.items()
              if changed & set(sources)}
    return replace(c, **fields) if fields else c
