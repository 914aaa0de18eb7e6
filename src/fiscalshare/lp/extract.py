"""Turn the solver's column vector into the results Dataset of spec/results.md.

Everything is reshaped by position into labelled arrays; the reports, equity metrics and audits
read only this Dataset (docs/datasets.md lists what it carries beyond spec/results.md).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from fiscalshare import quantities
from fiscalshare.case import LEVELS
from fiscalshare.lp.structure import SCALE, Structure

_REGION_COORDS = ("region_name", "region_parent", "region_prefecture", "region_tier",
                  "poverty_exited", "ethnic", "border", "old_revolutionary")
_UNIT_COORDS = ("unit_name", "unit_parent", "unit_level", "unit_receives", "unit_tier")
_ITEM_COORDS = ("item_name", "domain", "item_unit", "rule", "binding")
_CARRIED = ("population", "unit_population", "provincial_budget", "equalisation_pool",
            "province_min", "province_max", "prefecture_share", "item_weight")


def decision_arrays(s: Structure, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """σ[t,i], u[r,i,y] (model units) and e[a,y] from the column vector, cleaned of solver noise."""
    sigma = x[: s.n_sigma].reshape(s.n_tier, s.n_item)
    sigma = np.clip(sigma, s.share_min if not s.sigma_fixed else s.share_fixed,
                    s.share_max if not s.sigma_fixed else s.share_fixed)
    if s.ratio_mode == "menu" and s.n_z:
        # σ is exactly the chosen menu value (binaries are integral up to tolerance).
        chosen = np.round(x[s.z_start :]) > 0.5
        flat = sigma.ravel().copy()
        flat[s.z_tier_item[chosen]] = s.z_value[chosen]
        sigma = flat.reshape(sigma.shape)
    shortfall = np.zeros(s.remainder.size)
    shortfall[s.u_index] = np.maximum(x[s.u_start : s.u_start + s.n_u], 0.0)
    shortfall = shortfall.reshape(s.remainder.shape)
    rest = (1.0 - sigma[s.tier_of_region])[:, :, None] * s.remainder
    shortfall = np.minimum(shortfall, np.maximum(rest, 0.0))
    shortfall[shortfall < 1e-9] = 0.0  # below a ten-thousandth of a fen
    equalisation = np.zeros((s.n_unit, s.n_year))
    if s.n_e:
        equalisation = np.maximum(x[s.e_start : s.e_start + s.n_e], 0.0).reshape(s.n_unit, s.n_year)
        equalisation[equalisation < 1e-9] = 0.0
    return sigma, shortfall, equalisation


def results_dataset(inputs: xr.Dataset, s: Structure, x: np.ndarray) -> xr.Dataset:
    """Funding by level, shortfall, σ, e, burden and transfer in yuan, labelled."""
    sigma, shortfall_m, equalisation_m = decision_arrays(s, x)
    cost = quantities.standard_cost(inputs)
    central = quantities.central_funding(inputs)
    remainder = s.remainder * SCALE
    shortfall = shortfall_m * SCALE
    equalisation = equalisation_m * SCALE
    sig = sigma[s.tier_of_region][:, :, None]
    province = sig * remainder
    local = (1.0 - sig) * remainder - shortfall
    own, parent = s.unit_shares()
    county = (s.parent_unit >= 0)[:, None, None]
    prefecture_part = np.where(county, parent[:, :, None] * local, local)
    county_part = np.where(county, own[:, :, None] * local, 0.0)
    funding = np.stack([central.values, province, prefecture_part, county_part], axis=-1)

    burden = np.zeros((s.n_unit, s.n_year))
    np.add.at(burden, s.own_unit, (own[:, :, None] * local).sum(axis=1))
    if county.any():
        counties = np.flatnonzero(s.parent_unit >= 0)
        np.add.at(burden, s.parent_unit[counties],
                  (parent[counties][:, :, None] * local[counties]).sum(axis=1))
    transfer = equalisation.copy()
    np.add.at(transfer, s.own_unit, province.sum(axis=1))

    ds = xr.Dataset(coords={name: inputs[name] for name in
                            ("region", "item", "year", "tier", "unit")})
    ds = ds.assign_coords(level=np.array(LEVELS, dtype=object))
    for name in _REGION_COORDS + _UNIT_COORDS + _ITEM_COORDS:
        ds.coords[name] = inputs[name]
    ry = ("region", "item", "year")
    ds["standard_cost"] = (ry, cost.values)
    ds["funding"] = (ry + ("level",), funding)
    ds["shortfall"] = (ry, shortfall)
    ds["central_funding"] = (ry, central.values)
    ds["provincial_share"] = (("tier", "item"), sigma)
    ds["equalisation"] = (("unit", "year"), equalisation)
    ds["burden"] = (("unit", "year"), burden)
    ds["fiscal_capacity"] = inputs["fiscal_capacity"].transpose("unit", "year").copy()
    ds["transfer"] = (("unit", "year"), transfer)
    for name in _CARRIED:
        ds[name] = inputs[name].copy()
    for name in inputs.data_vars:
        if str(name).startswith("indicator_"):
            ds[name] = inputs[name].copy()
    return ds


_DOCS = {
    "standard_cost": ("yuan", "standard cost C = N·q·λ·κ"),
    "funding": ("yuan", "who pays: central F, province P, prefecture and county parts of L"),
    "shortfall": ("yuan", "shortfall u against the standard"),
    "central_funding": ("yuan", "central funding F"),
    "provincial_share": ("1", "provincial share σ of the sub-central remainder"),
    "equalisation": ("yuan", "untied equalisation transfer e"),
    "burden": ("yuan", "the unit's share of local parts"),
    "fiscal_capacity": ("yuan", "usable fiscal capacity Cap"),
    "transfer": ("yuan", "all provincial money to the unit: co-financing plus equalisation"),
    "marginal_cost": ("yuan", "rise of z2 for a 1 % rise of the national standard q[i,y]"),
    "capacity_value": ("1", "provincial yuan saved per extra yuan of capacity"),
    "budget_value": ("1 per yuan", "reduction of z1 per extra yuan of budget"),
    "priority_weight": ("1", "priority weight w of a region's shortfall"),
}


def annotate(ds: xr.Dataset) -> None:
    for name, (units, long_name) in _DOCS.items():
        if name in ds:
            ds[name].attrs.update(units=units, long_name=long_name)


def attrs_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
