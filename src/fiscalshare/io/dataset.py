"""The in-memory case: validated input tables turned into one labelled ``xarray.Dataset``.

Everything downstream (model, baseline, reports, sweeps) reads a case only through this Dataset, so
this module is the seam between "how the inputs were typed" (``fiscalshare.io``) and "what they mean".
Tests and the synthetic generator build cases here directly from small pandas tables.

Its variables are declared in :mod:`fiscalshare.datasets` (docs/datasets.md is generated from there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.datasets import INPUTS, annotate
from fiscalshare.io.keys import positions

LEVELS = ("central", "province", "prefecture", "county")
DOMAINS = (
    "幼有所育",
    "学有所教",
    "劳有所得",
    "病有所医",
    "老有所养",
    "住有所居",
    "弱有所扶",
    "优军服务保障",
    "文体服务保障",
)
# How the centre shares an item: the five-tier ratio of the province's central tier; one share
# for every province whatever its tier (e.g. 5:5 for 家庭经济困难学生生活补助, 国办发〔2018〕6号);
# fully central; fully local.
RULES = ("ratio", "uniform", "central", "local")
# How the province's share σ of an item's remainder is set: chosen by the model within the sharing
# sheet's bounds, or fixed by provincial policy at the sharing sheet's province_share.
PROVINCE_RULES = ("chosen", "fixed")
ITEM_TEXTS = ("target_group", "content", "lead_department")  # optional, for the 清单
BINDINGS = ("hard", "soft")
FLAGS = ("poverty_exited", "ethnic", "border", "old_revolutionary")
# Central share of the national standard by the province's central tier (policy.md §1.2, [S]).
CENTRAL_TIER_SHARES = {1: 0.8, 2: 0.6, 3: 0.5, 4: 0.3, 5: 0.1}


Table = pd.DataFrame | Mapping[str, np.ndarray]


@dataclass
class CaseTables:
    """Validated input tables, one per sheet, with canonical column types.

    ``fiscalshare.io`` produces this after reading and validating a workbook; tests and generators
    may fill it by hand.  A table is a DataFrame, or its columns as numpy arrays (the clean CSV
    reader's: no DataFrame is built on the way to the Dataset).  Optional sheets are ``None``
    when absent.  A reader that lays the beneficiaries out over region (receiving regions, in
    the regions' order), item and year on its way (``io.clean_csv``) hands them over as
    ``beneficiaries_cube`` instead of the long table: the array, or a call that returns it,
    which ``build_inputs`` makes last so that the reader can still be parsing the file
    meanwhile.
    """

    meta: Mapping[str, object]
    regions: Table
    items: Table
    standards: Table
    beneficiaries: Table | None
    capacity: Table
    sharing: Table
    budget: Table | None = None
    ratio_menu: Table | None = None
    indicators: pd.DataFrame | None = None
    attrs: dict = field(default_factory=dict)
    beneficiaries_cube: np.ndarray | Callable[[], np.ndarray] | None = None


def _columns(table: Table | None) -> dict:
    """A table's columns by name: a DataFrame's as Series (a long table's codes stay Arrow
    text, looked up by Arrow in :func:`_cubes`), the others as given."""
    if table is None:
        return {}
    if isinstance(table, pd.DataFrame):
        return {str(name): table[name] for name in table.columns}
    return dict(table)


def _length(columns: Mapping[str, np.ndarray]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _text(values, fill: str | None = None, *, strip: bool = False) -> np.ndarray:
    """Python strings, as netCDF and the reports take them: ``fill`` where a cell is missing
    (with no ``fill``, a cell is written as it prints), each trimmed with ``strip``.  A column
    already of strings is taken as it is (the clean reader's, and the full reader's)."""
    values = np.asarray(values, dtype=object)
    if values.size and pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = np.array([fill if fill is not None and _missing(v) else str(v)
                           for v in values], dtype=object)
    if strip and values.size:
        values = np.array([v.strip() for v in values], dtype=object)
    return values


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _numbers(values, n: int, fill: float) -> np.ndarray:
    """A numeric column as floats, ``fill`` where a cell (or the column) is missing."""
    if values is None:
        return np.full(n, fill)
    numbers = np.asarray(values, dtype=float)
    blank = np.isnan(numbers)
    return np.where(blank, fill, numbers) if blank.any() else numbers


def _places(values, keys: np.ndarray) -> np.ndarray:
    """Where each number sits among ascending ``keys`` (years, tiers), -1 where it is not."""
    values = np.asarray(values, dtype=float)
    keys = keys.astype(float)
    if not keys.size:
        return np.full(values.shape, -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, values), keys.size - 1)
    return np.where(keys[at] == values, at, -1)


def build_inputs(tables: CaseTables) -> xr.Dataset:
    """Assemble the inputs Dataset from validated tables (no validation happens here), column
    by column in numpy, each array handed to xarray as a finished Variable: a national case
    built through DataFrames took twice the CPU (28 against 14 ms warm)."""
    meta = dict(tables.meta)
    regions, items, standards = (_columns(t) for t in (tables.regions, tables.items,
                                                         tables.standards))
    n_units, n_items = _length(regions), _length(items)
    first, last = int(meta["first_year"]), int(meta["last_year"])
    years = np.arange(first, last + 1, dtype=np.int64)

    unit_codes = _text(regions["code"])
    parent = _text(regions.get("parent", np.full(n_units, "", dtype=object)), "", strip=True)
    tier = np.asarray(regions["tier"]).astype(np.int64)
    parents = set(parent.tolist())  # numpy's isin sorts Python strings: 9 ms at national scale
    receives = np.array([code not in parents for code in unit_codes.tolist()], dtype=bool)
    region_codes = unit_codes[receives]
    region_parent = parent[receives]
    region_tier = tier[receives]
    tiers = np.unique(region_tier)
    names = _text(regions["name"])
    population = np.asarray(regions["population"], dtype=float)
    item_codes = _text(items["code"])
    province_rule = _text(items.get("province_rule", np.full(n_items, "", dtype=object)), "")
    province_rule = np.where(province_rule == "", "chosen", province_rule).astype(object)

    def item_text(name: str, *, fill: str | None = None, strip: bool = False) -> np.ndarray:
        given = items.get(name)
        return np.full(n_items, "", dtype=object) if given is None \
            else _text(given, fill, strip=strip)

    def variable(dims, values) -> xr.Variable:
        return xr.Variable(dims, values, fastpath=True)

    coords = {
        "region": variable("region", region_codes),
        "unit": variable("unit", unit_codes),
        "item": variable("item", item_codes),
        "year": variable("year", years),
        "tier": variable("tier", tiers),
        "level": variable("level", np.array(LEVELS, dtype=object)),
        "region_name": variable("region", names[receives]),
        "region_parent": variable("region", region_parent),
        "region_prefecture": variable("region", np.where(region_parent == "", region_codes,
                                                         region_parent)),
        "region_tier": variable("region", region_tier),
        "unit_name": variable("unit", names),
        "unit_parent": variable("unit", parent),
        "unit_level": variable("unit", np.where(parent == "", "prefecture", "county")
                               .astype(object)),
        "unit_receives": variable("unit", receives),
        "unit_tier": variable("unit", tier),
        "item_name": variable("item", item_text("name")),
        "domain": variable("item", item_text("domain")),
        "item_unit": variable("item", item_text("unit", fill="")),
        "rule": variable("item", item_text("rule")),
        "province_rule": variable("item", province_rule),
        "binding": variable("item", item_text("binding")),
        **{f"item_{name}": variable("item", item_text(name, fill="", strip=True))
           for name in ITEM_TEXTS},
    }
    for flag in FLAGS:
        given = regions.get(flag)
        values = np.zeros(n_units, dtype=np.int8) if given is None \
            else _numbers(given, n_units, 0.0).astype(np.int8)
        coords[flag] = variable("region", values[receives])
    keys = {"region": region_codes, "unit": unit_codes, "item": item_codes, "year": years,
            "tier": tiers}

    def cubes(table: Mapping[str, np.ndarray], dims, fills):
        return {name: variable(dims, values)
                for name, values in _cubes(table, dims, fills, keys).items()}

    data = {
        "population": variable("region", population[receives]),
        "unit_population": variable("unit", population),
        "cost_index": variable("region", _numbers(regions.get("cost_index"), n_units,
                                                  1.0)[receives]),
        "item_weight": variable("item", _numbers(items.get("weight"), n_items, 1.0)),
    }
    shape = (len(region_codes), n_items, len(years))
    if tables.beneficiaries_cube is not None:  # asked for last (see CaseTables)
        data["beneficiaries"] = variable(("region", "item", "year"),
                                         np.empty(shape))  # pages untouched
    else:
        data.update(cubes(_columns(tables.beneficiaries), ("region", "item", "year"),
                          {"units": 0.0}))
        data["beneficiaries"] = data.pop("units")
    standards["topup"] = _numbers(standards.get("topup"), _length(standards), 1.0)
    data.update(cubes(standards, ("item", "year"),
                      {"unit_cost": np.nan, "topup": 1.0, "central_share": np.nan}))
    capacity = _columns(tables.capacity)
    capacity["unit"] = capacity.pop("region")
    data.update(cubes(capacity, ("unit", "year"), {"fiscal_capacity": np.nan}))

    sharing = _columns(tables.sharing)
    kept = np.isin(np.asarray(sharing["tier"]).astype(int), tiers)
    sharing = {name: values[kept] for name, values in sharing.items()}
    sharing["given"] = np.ones(int(kept.sum()), dtype=bool)
    data.update(cubes(sharing, ("tier", "item"), {
        "province_min": 0.0, "province_max": 0.0, "province_share": 0.0,
        "prefecture_share": 0.0, "given": False}))
    data["sharing_given"] = data.pop("given")

    budget = _columns(tables.budget) or {"year": years}
    for column in ("provincial_budget", "equalisation_pool"):
        budget.setdefault(column, np.full(_length(budget), np.nan))
    data.update(cubes(budget, ("year",), {"provincial_budget": np.nan,
                                          "equalisation_pool": np.nan}))

    menu = _columns(tables.ratio_menu)
    shares = np.unique(np.asarray(menu["share"], dtype=float)) if _length(menu) else []
    data["ratio_menu"] = variable("menu", np.array(shares, dtype=float))

    indicator_coords, indicator_data = _indicators(tables.indicators)
    coords.update(indicator_coords)
    data.update(indicator_data)
    ds = xr.Dataset(data_vars=data, coords=coords)  # once: each added variable would align
    _annotate(ds)
    ds.attrs.update(
        case=str(meta.get("case", "")),
        province=str(meta.get("province", "")),
        central_tier=int(meta.get("central_tier", 0) or 0),
        first_year=first,
        last_year=last,
        source=str(meta.get("source", "")),
        compiler=str(meta.get("compiler", "") or ""),
    )
    ds.attrs.update(tables.attrs)
    if tables.beneficiaries_cube is not None:  # in its place, the Dataset built meanwhile
        cube = tables.beneficiaries_cube
        ds.variables["beneficiaries"].values = cube() if callable(cube) else cube
    return ds


def _cubes(table: Mapping[str, np.ndarray], dims, fills: dict[str, object],
           keys: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns of a long table as arrays over ``dims``, aligned to the coordinates in
    ``keys`` (the last of repeated rows wins; rows outside the coordinates are left out),
    each filled with its ``fills`` value where no row gives it.  The rows are placed once for
    all the columns."""
    shape = [len(keys[d]) for d in dims]
    flat = None
    if _length(table):
        where = [_places(table[d], keys[d]) if d in ("year", "tier")
                 else _code_places(table[d], keys[d]) for d in dims]
        known = np.logical_and.reduce([w >= 0 for w in where])
        flat = np.ravel_multi_index([w[known] for w in where], shape)
    out = {}
    for column, fill in fills.items():
        dtype = bool if isinstance(fill, bool) else float
        values = np.full(int(np.prod(shape)), fill, dtype=dtype)
        if flat is not None:
            given = np.asarray(table[column])[known]
            present = ~pd.isna(given)
            values[flat[present]] = given[present].astype(dtype)
        out[column] = values.reshape(shape)
    return out


def _code_places(values, keys: np.ndarray) -> np.ndarray:
    """Where each code sits among ``keys``, -1 where it is not (a DataFrame's text column by
    Arrow's hash: a million Python strings would cost more than reading the file)."""
    if isinstance(values, pd.Series) and (isinstance(values.dtype, pd.CategoricalDtype)
                                          or hasattr(values.array, "_pa_array")):
        return positions(values, keys)
    return pd.Index(keys).get_indexer(_text(values))


def _indicators(indicators: pd.DataFrame | None) -> tuple[dict, dict]:
    """Plan indicators along ``indicator`` (coordinates, variables): targets and baselines as
    printed and as read (comparator, number), and their links to an item and to regions
    (io.indicators)."""
    if indicators is None or indicators.empty:
        return {"indicator": np.array([], dtype=object)}, {}
    from fiscalshare.io.indicators import NATURES, comparator_of, read_value, region_codes

    frame = indicators.reset_index(drop=True)
    n = len(frame)

    def column(name, fill=""):
        return frame[name].tolist() if name in frame else [fill] * n

    coords = {"indicator": _text(frame["code"])}
    data = {}
    targets = [read_value(v) for v in column("target")]
    baselines = [read_value(v) for v in column("baseline")]
    given = [comparator_of(v) or "" for v in column("comparator")]
    text = {
        "name": column("name"),
        "domain": column("domain"),
        "unit": column("unit"),
        "nature": [NATURES.get(str(v).strip().lower() if v == v and v is not None else "", str(v))
                   for v in column("nature")],
        "item": column("item"),
        "regions": [",".join(region_codes(v)) for v in column("regions")],
        "comparator": [g or t.comparator for g, t in zip(given, targets, strict=True)],
        "target_text": [t.text for t in targets],
        "baseline_text": [b.text for b in baselines],
    }
    for name, values in text.items():
        values = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]
        data[f"indicator_{name}"] = ("indicator", _text(values))
    numbers = {
        "baseline_year": pd.to_numeric(pd.Series(column("baseline_year", np.nan)), errors="coerce"),
        "baseline": [b.number for b in baselines],
        "target_year": pd.to_numeric(pd.Series(column("target_year", np.nan)), errors="coerce"),
        "target": [t.number for t in targets],
    }
    for name, values in numbers.items():
        data[f"indicator_{name}"] = ("indicator", np.asarray(values, dtype=float))
    return coords, data


def _annotate(ds: xr.Dataset) -> None:
    """``units`` and ``long_name`` as declared in :mod:`fiscalshare.datasets`."""
    annotate(ds, INPUTS)
