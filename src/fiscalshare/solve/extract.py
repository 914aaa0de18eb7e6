"""Turn HiGHS's column vector into the results Dataset of docs/results.md, by position.

The decisions are read block by block (σ, u, e) and reshaped into labelled arrays; everything
else — funding by level, burden, transfer (``quantities.accounts``), the two objective values —
is computed from them in yuan with numpy, so the reported numbers satisfy the identities of the
contract exactly and the reports, equity metrics and audits need nothing but this Dataset
(docs/datasets.md, declared in ``fiscalshare.datasets``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from fiscalshare import quantities
from fiscalshare.datasets import CARRIED, CASE_ATTRS, COORDINATE_NAMES, DERIVED, RESULTS
from fiscalshare.datasets import annotate as annotate_declared
from fiscalshare.io.dataset import LEVELS
from fiscalshare.model import MONEY_UNIT, StandardForm

NOISE = 1e-9  # model units (1e-5 yuan): solver noise below this is read as zero

@dataclass
class Decisions:
    """σ[t,i], and u[r,i,y], e[a,y] in yuan, cleaned of solver noise."""

    share: np.ndarray
    shortfall: np.ndarray
    equalisation: np.ndarray


def decisions(form: StandardForm, x: np.ndarray) -> Decisions:
    c, cols = form.coefficients, form.columns
    n_item = c.shape[1]
    share = c.data_share.copy().ravel()
    values = np.clip(x[cols.span("sigma")], c.share_min.ravel()[cols.sigma_pairs],
                     c.share_max.ravel()[cols.sigma_pairs])
    share[cols.sigma_pairs] = values
    if cols.size("choice"):  # σ is exactly the chosen menu share
        chosen = x[cols.span("choice")] > 0.5
        share[cols.choice_pairs[chosen]] = cols.choice_share[chosen]
    share = share.reshape(c.n_tier, n_item)
    room = (1.0 - share[c.tier_of_region])[:, :, None] * c.remainder
    shortfall = np.zeros(c.remainder.size)
    shortfall[cols.shortfall_keys] = x[cols.span("shortfall")]
    shortfall = np.clip(shortfall.reshape(c.shape), 0.0, np.maximum(room, 0.0))
    shortfall[shortfall < NOISE] = 0.0
    equalisation = np.zeros(c.n_unit * c.shape[2])
    equalisation[cols.equalisation_keys] = np.maximum(x[cols.span("equalisation")], 0.0)
    equalisation[equalisation < NOISE] = 0.0
    return Decisions(share, shortfall * MONEY_UNIT,
                     equalisation.reshape(c.n_unit, c.shape[2]) * MONEY_UNIT)


def results_dataset(inputs: xr.Dataset, form: StandardForm, x: np.ndarray,
                    weight: np.ndarray) -> xr.Dataset:
    """The results Dataset without sensitivities and run attributes (added by the caller)."""
    c = form.coefficients
    chosen = decisions(form, x)
    cost = quantities.standard_cost(inputs).values
    central = quantities.central_funding(inputs).values
    paid = quantities.accounts(inputs, chosen.share[c.tier_of_region], chosen.shortfall,
                               chosen.equalisation)

    ds = xr.Dataset(coords={name: inputs[name].values for name in
                            ("region", "item", "year", "tier", "unit")})
    ds = ds.assign_coords(level=np.array(LEVELS, dtype=object))
    for names in COORDINATE_NAMES.values():
        for name in names:
            ds.coords[name] = inputs[name].variable
    cube = ("region", "item", "year")
    ds["standard_cost"] = (cube, cost)
    ds["funding"] = ((*cube, "level"), paid.funding)
    ds["shortfall"] = (cube, chosen.shortfall)
    ds["central_funding"] = (cube, central)
    ds["provincial_share"] = (("tier", "item"), chosen.share)
    ds["equalisation"] = (("unit", "year"), chosen.equalisation)
    ds["burden"] = (("unit", "year"), paid.burden)
    ds["fiscal_capacity"] = (("unit", "year"),
                             inputs["fiscal_capacity"].transpose("unit", "year").values.copy())
    ds["transfer"] = (("unit", "year"), paid.transfer)
    ds["priority_weight"] = (("region", "item"), weight)
    for name in CARRIED:
        ds[name] = inputs[name].variable.copy()
    for name in inputs.data_vars:
        if str(name).startswith("indicator_"):
            ds[name] = inputs[name].variable.copy()
            ds.coords["indicator"] = inputs["indicator"].values
    if "indicator" not in ds.coords:
        ds.coords["indicator"] = inputs["indicator"].values
    for name in CASE_ATTRS:
        if name in inputs.attrs:
            ds.attrs[name] = inputs.attrs[name]
    return ds


def objective_values(results: xr.Dataset) -> tuple[float, float]:
    """``z1 = Σ w·u`` and ``z2 = Σ_y (Σ P + Σ e)`` in yuan, from the Dataset itself."""
    z1 = float((results["priority_weight"] * results["shortfall"]).sum())
    z2 = float(results["funding"].sel(level="province").sum() + results["equalisation"].sum())
    return z1, z2


def annotate(ds: xr.Dataset) -> None:
    """The declared ``units`` and ``long_name`` (fiscalshare.datasets) on a solve's results."""
    annotate_declared(ds, (*RESULTS, *DERIVED))
    for name in CARRIED:
        if name in ds:
            ds[name].attrs.setdefault("units", "1")
