"""Every number the allocation LP needs, prepared once with numpy from the inputs Dataset.

The constraint families only index into these arrays, so building the matrix costs a few
vectorised passes whatever the size of the province.  Money is held in 万元 (``SCALE`` yuan)
inside the model: at county level in yuan the coefficients reach 1e9–1e12, which stalls HiGHS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare import quantities

SCALE = 1e4  # yuan per model money unit (万元)


@dataclass
class Structure:
    """Index sets, prepared data and the column layout of one allocation LP."""

    # sizes
    n_region: int
    n_item: int
    n_year: int
    n_tier: int
    n_unit: int
    # data (money in model units)
    remainder: np.ndarray  # D[r,i,y]
    capacity: np.ndarray  # Cap[a,y]
    budget: np.ndarray  # B[y] (nan = no limit)
    pool: np.ndarray  # E[y] (nan = no limit)
    tier_of_region: np.ndarray  # index into tiers, per region
    own_unit: np.ndarray  # unit index of each region
    parent_unit: np.ndarray  # unit index of the prefecture of a county, -1 otherwise
    prefecture_share: np.ndarray  # π[t,i]
    share_min: np.ndarray  # smin[t,i]
    share_max: np.ndarray  # smax[t,i]
    share_fixed: np.ndarray  # s0[t,i]
    sharing_given: np.ndarray  # bool[t,i]
    weight: np.ndarray  # w[r,i]
    hard: np.ndarray  # bool[i]
    menu: np.ndarray  # allowed shares
    # configuration
    ratio_mode: str
    equalisation: bool
    # column layout: σ first, then u, then e, then menu binaries
    sigma_fixed: bool
    u_index: np.ndarray  # flat (r,i,y) indices that have a shortfall column
    n_sigma: int = 0
    n_u: int = 0
    n_e: int = 0
    n_z: int = 0
    z_tier_item: np.ndarray | None = None  # flat (t,i) index of each menu binary
    z_value: np.ndarray | None = None  # the share each menu binary stands for

    @property
    def sigma_start(self) -> int:
        return 0

    @property
    def u_start(self) -> int:
        return self.n_sigma

    @property
    def e_start(self) -> int:
        return self.n_sigma + self.n_u

    @property
    def z_start(self) -> int:
        return self.n_sigma + self.n_u + self.n_e

    @property
    def n_col(self) -> int:
        return self.n_sigma + self.n_u + self.n_e + self.n_z

    def sigma_col(self, tier_index, item_index):
        return self.sigma_start + np.asarray(tier_index) * self.n_item + np.asarray(item_index)

    def e_col(self, unit_index, year_index):
        return self.e_start + np.asarray(unit_index) * self.n_year + np.asarray(year_index)

    def unit_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Per region and item: the share of the local part its own unit bears, and its parent's.

        A county bears ``1 − π`` and its prefecture ``π``; a prefecture-level region bears all.
        """
        pi = self.prefecture_share[self.tier_of_region]  # [r,i]
        county = (self.parent_unit >= 0)[:, None]
        own = np.where(county, 1.0 - pi, 1.0)
        parent = np.where(county, pi, 0.0)
        return own, parent


def prepare(inputs: xr.Dataset, config: dict, *, soft_everything: bool = False) -> Structure:
    """Prepare the LP data of ``inputs`` under ``config`` (``soft_everything`` for diagnosis)."""
    remainder = quantities.remainder(inputs).values / SCALE
    n_region, n_item, n_year = remainder.shape
    tiers = inputs["tier"].values
    units = list(inputs["unit"].values)
    unit_index = {code: k for k, code in enumerate(units)}
    tier_index = {int(t): k for k, t in enumerate(tiers)}
    regions = inputs["region"].values
    parents = inputs["region_parent"].values
    capacity = inputs["fiscal_capacity"].transpose("unit", "year").values / SCALE
    weight = quantities.priority_weight(inputs, config.get("eta", 1.0), config.get("phi")).values
    hard = (inputs["binding"].values == "hard") & (not soft_everything)
    mode = config.get("ratio_mode", "optimise")
    structure = Structure(
        n_region=n_region,
        n_item=n_item,
        n_year=n_year,
        n_tier=len(tiers),
        n_unit=len(units),
        remainder=remainder,
        capacity=capacity,
        budget=inputs["provincial_budget"].values / SCALE,
        pool=inputs["equalisation_pool"].values / SCALE,
        tier_of_region=np.array([tier_index[int(t)] for t in inputs["region_tier"].values]),
        own_unit=np.array([unit_index[str(r)] for r in regions]),
        parent_unit=np.array([unit_index[str(p)] if str(p) else -1 for p in parents]),
        prefecture_share=inputs["prefecture_share"].transpose("tier", "item").values,
        share_min=inputs["province_min"].transpose("tier", "item").values,
        share_max=inputs["province_max"].transpose("tier", "item").values,
        share_fixed=inputs["province_share"].transpose("tier", "item").values,
        sharing_given=inputs["sharing_given"].transpose("tier", "item").values,
        weight=weight,
        hard=hard,
        menu=np.asarray(inputs["ratio_menu"].values, dtype=float),
        ratio_mode=mode,
        equalisation=config.get("equalisation", "on") == "on",
        sigma_fixed=mode == "fixed",
        u_index=np.empty(0, dtype=np.int64),
    )
    _lay_out_columns(structure)
    return structure


def _lay_out_columns(s: Structure) -> None:
    """Columns only where they can be non-zero: u for soft items with a remainder, e if on."""
    s.n_sigma = s.n_tier * s.n_item
    soft_with_rest = (~s.hard)[None, :, None] & (s.remainder > 0)
    s.u_index = np.flatnonzero(soft_with_rest.ravel())
    s.n_u = s.u_index.size
    s.n_e = s.n_unit * s.n_year if s.equalisation else 0
    if s.ratio_mode == "menu":
        options = []
        for flat in range(s.n_sigma):
            t, i = divmod(flat, s.n_item)
            if not s.sharing_given[t, i]:
                continue
            inside = s.menu[(s.menu >= s.share_min[t, i] - 1e-12) & (s.menu <= s.share_max[t, i] + 1e-12)]
            options += [(flat, value) for value in inside]
        s.z_tier_item = np.array([o[0] for o in options], dtype=np.int64)
        s.z_value = np.array([o[1] for o in options], dtype=float)
        s.n_z = len(options)
