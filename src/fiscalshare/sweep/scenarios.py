"""What a sweep varies: keys, values, grids, and how a scenario changes the inputs.

A key names one thing an official asks "what if" about, optionally narrowed by selectors
separated by ``:`` — a tier ``t3``, an item code, a domain name, or a year::

    province_share:t3:ED01=0.7,0.8,0.9   provincial share of item ED01 in tier 3 (fixed mode)
    province_min:学有所教=0.3,0.5         lower bound for every item of a domain, every tier
    province_max:t3=0.8,1.0               upper bound of tier 3, every item
    prefecture_share=0,0.2                π everywhere
    budget=x0.9,x1.0,x1.1                 provincial budget as a factor (or yuan: 1.5e10)
    budget:2023=x0.9                      one year only; pool works the same way
    standard:ED01=x1.05                   national standard q of an item (or a domain)
    eta=0,0.5,1                           priority strength η
    central_tier=1,2                      the province's central tier (sets ratio items' θ)

Values are checked before anything runs; a bad key lists the accepted ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.io.dataset import CENTRAL_TIER_SHARES, DOMAINS
from fiscalshare.errors import InputError, Problem

SHARE_KEYS = ("province_share", "province_min", "province_max", "prefecture_share")
MONEY_KEYS = ("budget", "pool")
ACCEPTED = (*SHARE_KEYS, *MONEY_KEYS, "standard", "eta", "central_tier")
_MONEY_VARIABLE = {"budget": "provincial_budget", "pool": "equalisation_pool"}


@dataclass(frozen=True)
class Value:
    """One value of a key: a number, or a factor (``x1.1``) applied to the case's own value."""

    number: float
    factor: bool = False

    def __str__(self) -> str:
        return f"x{self.number:g}" if self.factor else f"{self.number:g}"


def _problem(message: str) -> Problem:
    return Problem(sheet="sweep", message=message)


def parse_value(key: str, text: str) -> Value:
    text = str(text).strip()
    factor = text[:1] in ("x", "×", "X")
    body = text[1:] if factor else text
    try:
        number = float(body)
    except ValueError:
        raise InputError([_problem(f"{key}: {text!r} is not a number or a factor like x1.1")]) \
            from None
    name = key.split(":")[0]
    if factor and name not in (*MONEY_KEYS, "standard"):
        raise InputError([_problem(f"{key}: factors (x…) apply only to budget, pool and "
                                   "standard")])
    if name == "standard" and not factor:
        raise InputError([_problem(f"{key}: give standards as a factor, e.g. x1.05")])
    if name in SHARE_KEYS and not 0 <= number <= 1:
        raise InputError([_problem(f"{key}: a share must lie in [0, 1], found {number:g}")])
    if name == "central_tier" and number not in CENTRAL_TIER_SHARES:
        raise InputError([_problem(f"{key}: the central tier is 1..5, found {number:g}")])
    if number < 0 or not np.isfinite(number):
        raise InputError([_problem(f"{key}: expected a number ≥ 0, found {text!r}")])
    return Value(number, factor)


def check_key(key: str, inputs: xr.Dataset) -> None:
    """A key must name an accepted quantity and selectors that exist in the case."""
    name, *selectors = key.split(":")
    if name not in ACCEPTED:
        raise InputError([_problem(f"unknown key {name!r}; accepted keys: {', '.join(ACCEPTED)} "
                                   "(narrow with :t<tier>, :<item code>, :<domain>, :<year>)")])
    items = {str(i) for i in inputs["item"].values}
    tiers = {f"t{int(t)}" for t in inputs["tier"].values}
    years = {str(int(y)) for y in inputs["year"].values}
    for selector in selectors:
        allowed = (tiers | items | set(DOMAINS)) if name in SHARE_KEYS else \
            years if name in MONEY_KEYS else (items | set(DOMAINS)) if name == "standard" else set()
        if selector not in allowed:
            raise InputError([_problem(f"{key}: {selector!r} is not a valid selector for {name} "
                                       f"(expected one of {', '.join(sorted(allowed)) or 'none'})")])


def parse_vary(options: list[str], inputs: xr.Dataset) -> dict[str, list[Value]]:
    """``KEY=V1,V2`` options into an ordered mapping of key → values."""
    vary: dict[str, list[Value]] = {}
    for option in options:
        if "=" not in option:
            raise InputError([_problem(f"{option!r}: expected KEY=VALUES; accepted keys: "
                                       f"{', '.join(ACCEPTED)}")])
        key, values = option.split("=", 1)
        key = key.strip()
        check_key(key, inputs)
        vary[key] = [parse_value(key, v) for v in values.split(",") if v.strip()]
        if not vary[key]:
            raise InputError([_problem(f"{key}: no values given")])
    return vary


def grid(vary: dict[str, list[Value]], *, paired: bool = False) -> list[dict[str, Value]]:
    """Every combination (or, ``paired``, the i-th value of every key together)."""
    keys = list(vary)
    if paired:
        lengths = {len(v) for v in vary.values()}
        if len(lengths) > 1:
            raise InputError([_problem("--zip needs the same number of values for every key")])
        return [dict(zip(keys, combo, strict=True)) for combo in zip(*vary.values(), strict=True)]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*vary.values())]


def load_file(path: Path, inputs: xr.Dataset) -> tuple[list[dict[str, Value]], list[str]]:
    """A sweep file: ``vary:`` (+ ``zip: true``) or named ``scenarios:``."""
    import yaml

    content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if "scenarios" in content:
        names, scenarios = [], []
        for name, changes in content["scenarios"].items():
            scenario = {}
            for key, value in (changes or {}).items():
                check_key(str(key), inputs)
                scenario[str(key)] = parse_value(str(key), value)
            names.append(str(name))
            scenarios.append(scenario)
        return scenarios, names
    vary = {}
    for key, values in (content.get("vary") or {}).items():
        check_key(str(key), inputs)
        values = values if isinstance(values, list) else [values]
        vary[str(key)] = [parse_value(str(key), v) for v in values]
    scenarios = grid(vary, paired=bool(content.get("zip")))
    return scenarios, [scenario_name(s) for s in scenarios]


def scenario_name(scenario: dict[str, Value]) -> str:
    return " ".join(f"{k}={v}" for k, v in scenario.items()) or "baseline"


def _item_mask(inputs: xr.Dataset, selectors: list[str]) -> xr.DataArray:
    mask = xr.ones_like(inputs["item"], dtype=bool)
    for selector in selectors:
        if selector in DOMAINS:
            mask = mask & (inputs["domain"] == selector)
        elif selector in {str(i) for i in inputs["item"].values}:
            mask = mask & (inputs["item"] == selector)
    return mask


def apply(inputs: xr.Dataset, config: dict, scenario: dict[str, Value], *,
          reference_spending: xr.DataArray | None = None) -> tuple[xr.Dataset, dict]:
    """The scenario's inputs and configuration (the case itself is never modified).

    A budget factor on a year without a budget applies to ``reference_spending`` — what the
    baseline run spends that year — so "8 % less" means something even in an unlimited case.
    """
    ds = inputs.copy(deep=True)
    config = dict(config)
    for key, value in scenario.items():
        name, *selectors = key.split(":")
        if name in SHARE_KEYS:
            tiers = [int(s[1:]) for s in selectors if s.startswith("t") and s[1:].isdigit()]
            tier_mask = ds["tier"].isin(tiers) if tiers else xr.ones_like(ds["tier"], dtype=bool)
            mask = tier_mask & _item_mask(ds, [s for s in selectors if not s.startswith("t")
                                               or not s[1:].isdigit()])
            ds[name] = xr.where(mask, value.number, ds[name]).transpose("tier", "item")
            if name == "province_share":  # keep a fixed share inside its bounds
                ds["province_min"] = np.minimum(ds["province_min"], ds[name])
                ds["province_max"] = np.maximum(ds["province_max"], ds[name])
            elif name == "province_min":
                ds["province_max"] = np.maximum(ds["province_max"], ds[name])
            elif name == "province_max":
                ds["province_min"] = np.minimum(ds["province_min"], ds[name])
        elif name in MONEY_KEYS:
            variable = _MONEY_VARIABLE[name]
            years = [int(s) for s in selectors] or [int(y) for y in ds["year"].values]
            chosen = ds["year"].isin(years)
            current = ds[variable]
            base = current
            if value.factor and reference_spending is not None and name == "budget":
                base = current.fillna(reference_spending)
            new = base * value.number if value.factor else xr.full_like(current, value.number)
            ds[variable] = xr.where(chosen, new, current)
        elif name == "standard":
            mask = _item_mask(ds, selectors)
            ds["unit_cost"] = xr.where(mask, ds["unit_cost"] * value.number, ds["unit_cost"]) \
                .transpose("item", "year")
        elif name == "eta":
            config["eta"] = float(value.number)
        elif name == "central_tier":
            share = CENTRAL_TIER_SHARES[int(value.number)]
            ds["central_share"] = xr.where(ds["rule"] == "ratio", share, ds["central_share"]) \
                .transpose("item", "year")
            ds.attrs["central_tier"] = int(value.number)
    for variable in ("province_min", "province_max", "province_share", "prefecture_share",
                     "unit_cost", "central_share", "provincial_budget", "equalisation_pool"):
        ds[variable].attrs = inputs[variable].attrs
    return ds, config
