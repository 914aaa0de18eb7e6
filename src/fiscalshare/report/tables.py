"""The report tables as pandas frames, computed from a results Dataset alone.

Every workbook (the province's and each prefecture's) is written from these frames, restricted to
the regions the reader may see, so the totals rows always add up the rows shown.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.quantities import WAN
from fiscalshare.report.labels import label

LEVEL_KEYS = ("central", "province", "prefecture_level", "county")
_LEVELS = ("central", "province", "prefecture", "county")


def visible_regions(results: xr.Dataset, prefecture: str | None) -> np.ndarray:
    """Mask over ``region``: all, or the prefecture's own rows and its counties'."""
    if prefecture is None:
        return np.ones(results.sizes["region"], dtype=bool)
    return results["region_prefecture"].values == prefecture


def visible_units(results: xr.Dataset, prefecture: str | None) -> np.ndarray:
    if prefecture is None:
        return np.ones(results.sizes["unit"], dtype=bool)
    units = results["unit"].values
    return (units == prefecture) | (results["unit_parent"].values == prefecture)


def responsibility(results: xr.Dataset, mask: np.ndarray, lang: str) -> pd.DataFrame:
    """One row per region × item × year: who pays, in 万元, and each level's share in %."""
    sub = results.isel(region=np.flatnonzero(mask))
    funding = sub["funding"].transpose("region", "item", "year", "level").values / WAN
    cost = sub["standard_cost"].transpose("region", "item", "year").values / WAN
    short = sub["shortfall"].transpose("region", "item", "year").values / WAN
    r, i, y = (a.ravel() for a in np.meshgrid(np.arange(sub.sizes["region"]),
                                              np.arange(sub.sizes["item"]),
                                              np.arange(sub.sizes["year"]), indexing="ij"))
    frame = pd.DataFrame({
        label("region", lang): sub["region"].values[r],
        label("region_name", lang): sub["region_name"].values[r],
        label("item", lang): sub["item"].values[i],
        label("item_name", lang): sub["item_name"].values[i],
        label("year", lang): sub["year"].values[y].astype(int),
        label("standard_cost", lang): cost.ravel(),
    })
    for k, key in enumerate(LEVEL_KEYS):
        frame[label(key, lang)] = funding[..., k].ravel()
    frame[label("shortfall", lang)] = short.ravel()
    safe_cost = np.where(cost.ravel() > 0, cost.ravel(), np.nan)
    for k, key in enumerate(("central_pct", "province_pct", "prefecture_pct", "county_pct")):
        frame[label(key, lang)] = funding[..., k].ravel() / safe_cost
    frame[label("shortfall_pct", lang)] = short.ravel() / safe_cost
    return frame


def by_level_and_year(results, mask, lang) -> pd.DataFrame:
    sub = results.isel(region=np.flatnonzero(mask))
    funding = sub["funding"].sum(("region", "item")).transpose("year", "level").values / WAN
    short = sub["shortfall"].sum(("region", "item")).values / WAN
    cost = sub["standard_cost"].sum(("region", "item")).values / WAN
    frame = pd.DataFrame({label("year", lang): sub["year"].values.astype(int),
                          label("standard_cost", lang): cost})
    for k, key in enumerate(LEVEL_KEYS):
        frame[label(key, lang)] = funding[:, k]
    frame[label("shortfall", lang)] = short
    return frame


def by_domain_and_level(results, mask, lang) -> pd.DataFrame:
    sub = results.isel(region=np.flatnonzero(mask))
    funding = sub["funding"].sum(("region", "year")).transpose("item", "level").to_pandas()
    funding.columns = [label(k, lang) for k in LEVEL_KEYS]
    funding[label("shortfall", lang)] = sub["shortfall"].sum(("region", "year")).values
    funding.insert(0, label("standard_cost", lang), sub["standard_cost"].sum(("region", "year"))
                   .values)
    funding[label("domain", lang)] = sub["domain"].values
    grouped = funding.groupby(label("domain", lang), sort=False).sum() / WAN
    return grouped.reset_index()


def transfers(results, unit_mask, lang) -> pd.DataFrame:
    """Per spending unit and year: co-financing, equalisation and total provincial transfer."""
    sub = results.isel(unit=np.flatnonzero(unit_mask))
    transfer = sub["transfer"].transpose("unit", "year").values / WAN
    equal = sub["equalisation"].transpose("unit", "year").values / WAN
    burden = sub["burden"].transpose("unit", "year").values / WAN
    cap = sub["fiscal_capacity"].transpose("unit", "year").values / WAN
    a, y = (v.ravel() for v in np.meshgrid(np.arange(sub.sizes["unit"]),
                                           np.arange(sub.sizes["year"]), indexing="ij"))
    return pd.DataFrame({
        label("unit", lang): sub["unit"].values[a],
        label("unit_name", lang): sub["unit_name"].values[a],
        label("year", lang): sub["year"].values[y].astype(int),
        label("cofinancing", lang): (transfer - equal).ravel(),
        label("equalisation", lang): equal.ravel(),
        label("transfer", lang): transfer.ravel(),
        label("burden", lang): burden.ravel(),
        label("capacity", lang): cap.ravel(),
    })


def transfers_wide(results, unit_mask, lang) -> pd.DataFrame:
    """Provincial transfer by unit (rows) and year (columns), 万元."""
    sub = results.isel(unit=np.flatnonzero(unit_mask))
    frame = pd.DataFrame(sub["transfer"].transpose("unit", "year").values / WAN,
                         columns=[str(int(y)) for y in sub["year"].values])
    frame.insert(0, label("unit_name", lang), sub["unit_name"].values)
    frame.insert(0, label("unit", lang), sub["unit"].values)
    return frame


def sharing(results, lang) -> pd.DataFrame:
    sigma = results["provincial_share"].transpose("tier", "item")
    t, i = (v.ravel() for v in np.meshgrid(np.arange(results.sizes["tier"]),
                                           np.arange(results.sizes["item"]), indexing="ij"))
    return pd.DataFrame({
        label("tier", lang): results["tier"].values[t].astype(int),
        label("item", lang): results["item"].values[i],
        label("item_name", lang): results["item_name"].values[i],
        label("share", lang): sigma.values.ravel(),
        label("share_min", lang): results["province_min"].transpose("tier", "item").values.ravel(),
        label("share_max", lang): results["province_max"].transpose("tier", "item").values.ravel(),
        label("prefecture_share", lang): results["prefecture_share"]
        .transpose("tier", "item").values.ravel(),
    })


def indicators(results, lang, region: str | None = None) -> pd.DataFrame | None:
    """The plan indicators that apply to ``region`` (a prefecture; None = all), as printed."""
    from fiscalshare.analysis.indicators import indicators_for

    table = indicators_for(results, region=region)
    if table.empty:
        return None
    return pd.DataFrame({
        label("indicator", lang): table["indicator"],
        label("indicator_name", lang): table["name"],
        label("domain", lang): table["domain"],
        label("indicator_unit", lang): table["unit"],
        label("baseline_year", lang): table["baseline_year"],
        label("baseline", lang): table["baseline"],
        label("target_year", lang): table["target_year"],
        label("target", lang): [t if t else "" for t in table["target_text"]],
        label("nature", lang): table["nature"],
        label("item", lang): table["item"],
        label("indicator_regions", lang): table["regions"],
    })


def equity(results, lang) -> pd.DataFrame | None:
    """The equity metrics of ``fiscalshare.analysis.equity`` with translated metric names."""
    try:
        from fiscalshare.analysis.equity import METRIC_LABELS, summary_metrics
    except ImportError:
        return None
    table = summary_metrics(results)
    names = [METRIC_LABELS.get(m, (m, m))[0 if lang == "zh" else 1] for m in table["metric"]]
    return pd.DataFrame({label("metric", lang): names,
                         label("before", lang): table["before"].to_numpy(dtype=float),
                         label("after", lang): table["after"].to_numpy(dtype=float),
                         label("change", lang): table["change"].to_numpy(dtype=float)})


def about(results, lang, *, province_wide: bool) -> list[tuple[str, str]]:
    attrs = results.attrs
    config = attrs.get("model_config", "{}")
    try:
        config = json.dumps(json.loads(config), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        config = str(config)
    rows = [
        (label("about_case", lang), str(attrs.get("case", ""))),
        (label("about_province", lang), str(attrs.get("province", ""))),
        (label("about_model", lang), config),
        (label("about_ratio_mode", lang), str(attrs.get("ratio_mode", ""))),
        (label("about_equalisation", lang), str(attrs.get("equalisation", ""))),
        (label("about_termination", lang), str(attrs.get("termination", ""))),
        (label("about_versions", lang), ", ".join(
            f"{k.removesuffix('_version')} {attrs.get(k, '')}"
            for k in ("fiscalshare_version", "pyomo_version", "highs_version", "python_version"))),
        (label("about_input", lang), str(attrs.get("input_sha256", ""))),
        (label("about_created", lang), str(attrs.get("created_utc", ""))),
        (label("about_money", lang), label("about_money_value", lang)),
    ]
    if province_wide:
        rows.insert(2, (label("about_source", lang), str(attrs.get("source", ""))))
    return rows
