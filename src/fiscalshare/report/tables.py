"""The report tables, computed from a results Dataset alone and its displayed money (:mod:`amounts`).

Every table is a :class:`~fiscalshare.report.xlsx.Table` (a frame and a kind per column).  Money
columns hold 万元 already rounded to 0.01 and balanced, so each totals row, each 合计 column and
each row identity (标准支出 = 中央 + 省级 + 市级 + 县级 + 缺口) holds as displayed; percentages are
shares of the standard cost and add up to 100.00 %.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.report.amounts import PARTS, Fen, percent_points, wan
from fiscalshare.report.labels import label, text_of
from fiscalshare.report.xlsx import Table

ITEMS_NAMED = 6  # items named in the sentence of what falls short; the rest counted
DOMAIN_ORDER = ("幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居",
                "弱有所扶", "优军服务保障", "文体服务保障")
FLAGS = ("poverty_exited", "ethnic", "border", "old_revolutionary")
PART_LABELS = {"central": "central", "province": "province", "prefecture": "prefecture_level",
               "county": "county", "shortfall": "shortfall"}
PCT_LABELS = {"central": "central_pct", "province": "province_pct",
              "prefecture": "prefecture_pct", "county": "county_pct",
              "shortfall": "shortfall_pct"}
DETAIL_LIMIT = 5_000  # rows of the province's detail table; above it, one row per prefecture
# (county detail lives in each prefecture's workbook and in allocation.nc)


def _values(results: xr.Dataset, name: str) -> np.ndarray:
    """A variable's values without building a DataArray (60 µs each time, in loops over items).

    An index's values (region, unit, item codes…) are taken once per Dataset and kept, read
    only: pandas 3 holds an index of text as Arrow strings, which ``.values`` turns into a new
    array of Python strings at every call (0.24–0.28 ms for the national case's regions or
    units, asked eight times a prefecture workbook).  The copy is kept while the Dataset lives
    and while the index is the same object."""
    variable = results.variables[name]
    if not isinstance(variable, xr.IndexVariable):
        return variable.values
    kept = _INDEX_VALUES.setdefault(id(results), {})
    if not kept:
        weakref.finalize(results, _INDEX_VALUES.pop, id(results), None)
    held, values = kept.get(name, (None, None))
    if held is not variable:
        values = np.array(variable.values)  # its own copy, made read only
        values.flags.writeable = False
        kept[name] = (variable, values)
    return values


_INDEX_VALUES: dict[int, dict[str, tuple]] = {}  # id(Dataset) -> name -> (index variable, values)


def has_counties(results: xr.Dataset) -> bool:
    return bool(np.any(_values(results, "unit_level") == "county"))


def shown_parts(results: xr.Dataset, fen: Fen, mask: np.ndarray) -> list[str]:
    """The parts a table shows: 县级 only where counties exist, 缺口 only where one occurs."""
    parts = [p for p in PARTS if p != "county" or has_counties(results)]
    if not fen.parts[..., PARTS.index("shortfall")][mask].any():  # one part copied, not all
        parts.remove("shortfall")
    return parts


def visible_regions(results: xr.Dataset, prefecture: str | None) -> np.ndarray:
    """Mask over ``region``: all, or the prefecture's own rows and its counties'."""
    if prefecture is None:
        return np.ones(results.sizes["region"], dtype=bool)
    return _values(results, "region_prefecture") == prefecture


def visible_units(results: xr.Dataset, prefecture: str | None) -> np.ndarray:
    if prefecture is None:
        return np.ones(results.sizes["unit"], dtype=bool)
    units = _values(results, "unit")
    return (units == prefecture) | (_values(results, "unit_parent") == prefecture)


def flags_in_words(results: xr.Dataset, lang: str,
                   idx: np.ndarray | None = None) -> np.ndarray:
    """Per region (or per region of ``idx``): its 脱贫 / 民族 / 边境 / 革命老区 flags as words
    (None when none: a blank cell)."""
    words = np.full(results.sizes["region"] if idx is None else len(idx), "", dtype=object)
    sep = "、" if lang == "zh" else ", "
    for flag in FLAGS:
        if flag in results:
            on = _values(results, flag)
            on = (on if idx is None else on[idx]).astype(bool)
            word = label(f"flag_short_{flag}", lang)
            words[on] = [f"{w}{sep}{word}" if w else word for w in words[on]]
    words[words == ""] = None  # a blank cell
    return words


def any_flag(results: xr.Dataset) -> bool:
    """Whether some region carries one of the flags (``flags_in_words`` not all blank)."""
    return any(_values(results, flag).astype(bool).any() for flag in FLAGS if flag in results)


def tier_words(tiers, lang: str) -> np.ndarray:
    return np.array([label("tier_label", lang).format(int(t)) for t in tiers], dtype=object)


def _kinds(frame: pd.DataFrame, lang: str, money=(), percent=(), integer=(), number=()) -> dict:
    kinds = {}
    for keys, kind in ((money, "money"), (percent, "percent"), (integer, "integer"),
                       (number, "number")):
        for key in keys:
            name = label(key, lang) if key in _catalogue() else key
            if name in frame.columns:
                kinds[name] = kind
    return kinds


def _catalogue():
    from fiscalshare.report.labels import LABELS

    return LABELS


# ---------------------------------------------------------------- 支出责任表


def detail_level(results, mask) -> str:
    """How finely the province's 支出责任表 can list without passing :data:`DETAIL_LIMIT` rows:
    ``region`` (× item × year), ``prefecture`` (each with its counties, × item × year) or
    ``prefecture_total`` (× year, all items together, at national scale)."""
    items_years = results.sizes["item"] * results.sizes["year"]
    if not has_counties(results) or int(mask.sum()) * items_years <= DETAIL_LIMIT:
        return "region"
    prefectures = np.unique(_values(results, "region_prefecture")[mask]).size
    return "prefecture" if prefectures * items_years <= DETAIL_LIMIT else "prefecture_total"


def responsibility(results, fen: Fen, mask, lang, *, by_prefecture: bool = False,
                   all_items: bool = False) -> Table:
    """One row per region × item × year (or prefecture × item × year, or prefecture × year with
    every item together): who pays, in 万元."""
    cost, parts, names, codes, tiers, flags = _regional(results, fen, mask, lang, by_prefecture)
    item_names = _values(results, "item_name")
    if all_items:
        cost, parts = cost.sum(axis=1, keepdims=True), parts.sum(axis=1, keepdims=True)
        item_names = np.array([label("all_items", lang)], dtype=object)
    n_r, n_i, n_y = cost.shape
    r, i, y = (a.ravel() for a in np.meshgrid(np.arange(n_r), np.arange(n_i), np.arange(n_y),
                                              indexing="ij"))
    shown = shown_parts(results, fen, mask)
    flat = parts.reshape(-1, len(PARTS))
    frame = pd.DataFrame({
        label("region", lang): _repeated(codes, r),
        label("region_name", lang): _repeated(names, r),
        label("tier", lang): _repeated(tiers, r),
        label("flags", lang): _repeated(flags, r),
        label("item_name", lang): _repeated(item_names, i),
        label("year", lang): _values(results, "year")[y].astype(int),
        label("standard_cost", lang): wan(cost.ravel()),
        **{label(PART_LABELS[p], lang): wan(flat[:, PARTS.index(p)]) for p in shown},
    })  # one frame built whole: each column added after costs pandas 75 µs
    if not by_prefecture and not any_flag(results):  # the same columns in every book
        frame = frame.drop(columns=[label("flags", lang)])
    money = ["standard_cost"] + [PART_LABELS[p] for p in shown]
    return Table(frame, _kinds(frame, lang, money=money, integer=["year"]),
                 total_label=label("total", lang), keys=2, max_text=18)


def responsibility_percent(results, fen: Fen, mask, lang, *, by_prefecture: bool = False,
                           all_items: bool = False) -> Table:
    """Per region and item over the planning years: each level's share of the standard cost
    (0.01 %, each row adding up to 100.00 %)."""
    cost, parts, names, codes, tiers, _ = _regional(results, fen, mask, lang, by_prefecture)
    cost, parts = cost.sum(axis=2), parts.sum(axis=2)  # over the years
    item_names = _values(results, "item_name")
    if all_items:
        cost, parts = cost.sum(axis=1, keepdims=True), parts.sum(axis=1, keepdims=True)
        item_names = np.array([label("all_items", lang)], dtype=object)
    n_r, n_i = cost.shape
    r, i = (a.ravel() for a in np.meshgrid(np.arange(n_r), np.arange(n_i), indexing="ij"))
    shown = shown_parts(results, fen, mask)
    exact = _regional(results, fen, mask, lang, by_prefecture, exact=True)[1].sum(axis=2)
    if all_items:
        exact = exact.sum(axis=1, keepdims=True)
    points = percent_points(exact.reshape(-1, len(PARTS)))
    has_cost = cost.ravel() > 0
    frame = pd.DataFrame({
        label("region", lang): _repeated(codes, r),
        label("region_name", lang): _repeated(names, r),
        label("tier", lang): _repeated(tiers, r),
        label("item_name", lang): _repeated(item_names, i),
        label("standard_cost", lang): wan(cost.ravel()),
        **{label(PCT_LABELS[p], lang): np.where(has_cost, points[:, PARTS.index(p)] / 1e4,
                                                np.nan) for p in shown},
    })
    return Table(frame, _kinds(frame, lang, money=["standard_cost"],
                               percent=[PCT_LABELS[p] for p in shown]),
                 total_label=label("total", lang), keys=2, max_text=16,
                 notes=(label("percent_note", lang),))


def _repeated(values: np.ndarray, rows: np.ndarray) -> pd.Categorical:
    """``values[rows]`` as a categorical column: each distinct value held once and a code per
    row, so that a table of 10,000 rows builds no 10,000 strings (the writer renders each
    distinct value once)."""
    codes, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(codes[rows], categories=distinct)


def _exact_parts(fen: Fen) -> np.ndarray:
    """The parts [r, i, y, p] that shares of cost are taken from: the exact ones (the money
    shown where a Fen was made without them)."""
    return fen.parts if fen.exact is None else fen.exact


def _regional(results, fen, mask, lang, by_prefecture, *, exact: bool = False):
    """Cost, parts (the exact ones if ``exact``), names, codes, tiers and flags of the regions
    in ``mask``, or of their prefectures (each with its counties) if ``by_prefecture``."""
    idx = np.flatnonzero(mask)
    cost, parts = fen.cost[idx], (_exact_parts(fen) if exact else fen.parts)[idx]
    codes = _values(results, "region")[idx].astype(object)
    names = _values(results, "region_name")[idx].astype(object)
    tiers = tier_words(_values(results, "region_tier")[idx], lang)
    flags = flags_in_words(results, lang, idx)
    if by_prefecture:
        prefecture = _values(results, "region_prefecture")[idx]
        keys, inverse = np.unique(prefecture, return_inverse=True)
        cost_p = np.zeros((len(keys),) + cost.shape[1:], dtype=np.int64)
        parts_p = np.zeros((len(keys),) + parts.shape[1:], dtype=parts.dtype)
        np.add.at(cost_p, inverse, cost)
        np.add.at(parts_p, inverse, parts)
        unit_index = {str(u): k for k, u in enumerate(_values(results, "unit"))}
        at = [unit_index[str(k)] for k in keys]
        return (cost_p, parts_p, _values(results, "unit_name")[at].astype(object),
                keys.astype(object), tier_words(_values(results, "unit_tier")[at], lang),
                np.array([""] * len(keys), dtype=object))
    return cost, parts, names, codes, tiers, flags


# ---------------------------------------------------------------- summaries


def by_level_and_year(results, fen: Fen, mask, lang) -> Table:
    cost = fen.cost[mask].sum(axis=(0, 1))
    parts = fen.parts[mask].sum(axis=(0, 1))
    shown = shown_parts(results, fen, mask)
    frame = pd.DataFrame({label("year", lang): _values(results, "year").astype(int),
                          label("standard_cost", lang): wan(cost),
                          **{label(PART_LABELS[p], lang): wan(parts[:, PARTS.index(p)])
                             for p in shown}})
    return Table(frame, _kinds(frame, lang, money=["standard_cost"]
                               + [PART_LABELS[p] for p in shown], integer=["year"]),
                 title=label("by_level_year", lang), total_label=label("total", lang))


def by_domain_and_level(results, fen: Fen, mask, lang) -> Table:
    domains = _values(results, "domain")
    order = [d for d in DOMAIN_ORDER if d in set(domains)] + sorted(
        set(domains) - set(DOMAIN_ORDER))
    shown = shown_parts(results, fen, mask)
    cost = fen.cost[mask].sum(axis=(0, 2))
    parts = fen.parts[mask].sum(axis=(0, 2))
    rows = []
    for d in order:
        at = domains == d
        rows.append([text_of(d, lang), *wan([cost[at].sum()]),
                     *wan(parts[at].sum(axis=0)[[PARTS.index(p) for p in shown]])])
    frame = pd.DataFrame(rows, columns=[label("domain", lang), label("standard_cost", lang)]
                         + [label(PART_LABELS[p], lang) for p in shown])
    return Table(frame, _kinds(frame, lang, money=["standard_cost"]
                               + [PART_LABELS[p] for p in shown]),
                 title=label("by_domain_level", lang), total_label=label("total", lang))


def transfers(results, fen: Fen, unit_mask, lang, *, by_prefecture: bool = False) -> Table:
    """Per spending unit and year (or per prefecture with its counties and year):
    co-financing, equalisation, their total, burden, capacity."""
    idx = np.flatnonzero(unit_mask)
    columns = {
        "cofinancing": fen.by_unit("province")[idx],
        "equalisation": fen.equalisation[idx],
        "burden": (fen.by_unit("county") + fen.by_unit("prefecture", of_prefecture=True))[idx],
        "capacity": fen.capacity[idx],
    }
    codes, names, tiers = _unit_labels(results, idx, lang)
    notes = (label("transfer_note" if equalisation_on(results) else "transfer_note_off", lang),)
    if by_prefecture:
        codes, names, tiers, columns = _by_prefecture_units(results, idx, lang, columns)
        notes += (label("by_prefecture_note", lang),)
    n_u, n_y = columns["cofinancing"].shape
    a, y = (v.ravel() for v in np.meshgrid(np.arange(n_u), np.arange(n_y), indexing="ij"))
    frame = pd.DataFrame({
        label("unit", lang): codes.astype(object)[a],
        label("unit_name", lang): names[a],
        label("tier", lang): tiers[a],
        label("year", lang): _values(results, "year")[y].astype(int),
        label("cofinancing", lang): wan(columns["cofinancing"].ravel()),
        label("equalisation", lang): wan(columns["equalisation"].ravel()),
        label("transfer", lang): wan((columns["cofinancing"] + columns["equalisation"]).ravel()),
        label("burden", lang): wan(columns["burden"].ravel()),
        label("capacity", lang): wan(columns["capacity"].ravel()),
    })
    return Table(frame, _kinds(frame, lang, money=["cofinancing", "equalisation", "transfer",
                                                   "burden", "capacity"], integer=["year"]),
                 total_label=label("total", lang), keys=2, notes=notes)


def transfers_wide(results, fen: Fen, unit_mask, lang, *, by_prefecture: bool = False) -> Table:
    """Provincial transfer by unit (or prefecture with its counties; rows) and year (columns)
    with a 合计 column, 万元."""
    idx = np.flatnonzero(unit_mask)
    total = (fen.by_unit("province") + fen.equalisation)[idx]
    codes, names, _ = _unit_labels(results, idx, lang)
    notes = ()
    if by_prefecture:
        codes, names, _, summed = _by_prefecture_units(results, idx, lang, {"total": total})
        total = summed["total"]
        notes = (label("by_prefecture_note", lang),)
    years = [label("year_n", lang).format(int(y)) for y in _values(results, "year")]
    frame = pd.DataFrame({label("unit", lang): codes.astype(object),
                          label("unit_name", lang): names,
                          **dict(zip(years, wan(total).T, strict=True)),
                          label("total", lang): wan(total.sum(axis=1))})
    kinds = {c: "money" for c in [*years, label("total", lang)]}
    return Table(frame, kinds, title=label("transfers_by_region", lang),
                 total_label=label("total", lang), keys=2, notes=notes)


def units_by_prefecture(results, unit_mask) -> bool:
    """Whether the province's per-unit tables list prefectures (each with its counties)
    instead: above :data:`DETAIL_LIMIT` unit × year rows."""
    return int(unit_mask.sum()) * results.sizes["year"] > DETAIL_LIMIT


def _unit_labels(results, idx, lang) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (_values(results, "unit")[idx].astype(str), _values(results, "unit_name")[idx],
            tier_words(_values(results, "unit_tier")[idx], lang))


def _by_prefecture_units(results, idx, lang, columns: dict) -> tuple:
    """Per-unit ``[u, y]`` fen arrays with each county's figures added to its prefecture's."""
    codes, names, tiers = _unit_labels(results, idx, lang)
    parent = _values(results, "unit_parent")[idx].astype(str)
    keys, inverse = np.unique(np.where(parent == "", codes, parent), return_inverse=True)
    summed = {}
    for key, values in columns.items():
        summed[key] = np.zeros((len(keys), values.shape[1]), dtype=np.int64)
        np.add.at(summed[key], inverse, values)
    at = np.array([np.flatnonzero(codes == k)[0] for k in keys], dtype=int)
    return keys, names[at], tiers[at], summed


def city_to_county(results, fen: Fen, prefecture: str | None, lang) -> Table | None:
    """What each prefecture bears for its counties' local parts (市对县), by county and year."""
    county = _values(results, "region_parent") != ""
    if prefecture is not None:
        county &= _values(results, "region_prefecture") == prefecture
    if not county.any():
        return None
    amounts = fen.parts[county][..., PARTS.index("prefecture")].sum(axis=1)  # [r, y]
    years = [label("year_n", lang).format(int(y)) for y in _values(results, "year")]
    columns = {}
    if prefecture is None:  # the province's table: each county's prefecture by name
        unit_name = dict(zip(_values(results, "unit"), _values(results, "unit_name"),
                             strict=True))
        columns[label("prefecture", lang)] = [
            unit_name.get(p, p) for p in _values(results, "region_prefecture")[county]]
    columns[label("region", lang)] = _values(results, "region")[county]
    columns[label("region_name", lang)] = _values(results, "region_name")[county]
    columns.update(zip(years, wan(amounts).T, strict=True))
    columns[label("total", lang)] = wan(amounts.sum(axis=1))
    frame = pd.DataFrame(columns)
    kinds = {c: "money" for c in [*years, label("total", lang)]}
    return Table(frame, kinds, title=label("city_to_county", lang),
                 total_label=label("total", lang), keys=3 if prefecture is None else 2,
                 notes=(label("city_to_county_note", lang),))


# ---------------------------------------------------------------- sharing


def sharing(results, fen: Fen, mask, lang) -> Table:
    """Per tier and item (and, with counties, per kind of region): each level's share of the
    standard cost over the planning years, and σ (and π) as the model sets them.  Built a
    column at a time (every prefecture workbook has this table)."""
    counties = has_counties(results)
    shown = shown_parts(results, fen, mask)
    tiers = _values(results, "region_tier")
    kind = np.where(_values(results, "region_parent") != "", "county", "prefecture")
    sigma = results.variables["provincial_share"].transpose("tier", "item").values
    lower = results.variables["province_min"].transpose("tier", "item").values
    upper = results.variables["province_max"].transpose("tier", "item").values
    pi = results.variables["prefecture_share"].transpose("tier", "item").values
    tier_index = {int(t): k for k, t in enumerate(_values(results, "tier"))}
    item_names = _values(results, "item_name").astype(str).astype(object)
    rules = _values(results, "rule").astype(str)
    modes = np.array([label(f"rule_{rule}", lang) for rule in rules], dtype=object)
    chosen = np.isin(rules, ("ratio", "uniform"))  # σ chosen
    groups = []  # (tier, kind of region, parts [i, p]) of each tier and kind with regions
    for t in sorted({int(v) for v in tiers[mask]}):
        for region_kind in (("prefecture", "county") if counties else ("prefecture",)):
            at = mask & (tiers == t) & (kind == region_kind)
            if at.any():
                groups.append((t, region_kind, fen.parts[at].sum(axis=(0, 2)),
                               _exact_parts(fen)[at].sum(axis=(0, 2))))
    columns: dict[str, list] = {}

    def add(key, values) -> None:
        columns.setdefault(label(key, lang), []).append(values)

    n_items = len(rules)
    points = percent_points(np.concatenate([exact for *_, exact in groups])) / 1e4 \
        if groups else None
    for g, (t, region_kind, parts, _) in enumerate(groups):
        items = np.flatnonzero(parts.sum(axis=1))
        k, ratio = tier_index[t], chosen[items]
        add("tier", np.full(len(items), label("tier_label", lang).format(t), dtype=object))
        if counties:
            add("region_kind", np.full(len(items), label(f"kind_{region_kind}", lang),
                                       dtype=object))
        add("item_name", item_names[items])
        add("sharing_mode", modes[items])
        for p in shown:
            add(PCT_LABELS[p], points[g * n_items + items, PARTS.index(p)])
        add("share", np.where(ratio, sigma[k, items], np.nan))
        bounded = ratio & np.isfinite(lower[k, items])
        ranges = [_share_range(lower[k, i], upper[k, i]) if on else ""
                  for i, on in zip(items.tolist(), bounded.tolist(), strict=True)]
        add("share_range", np.array(ranges, dtype=object))
        if counties:
            add("prefecture_share", np.where(region_kind == "county", pi[k, items], np.nan))
    frame = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
    if frame.empty:  # no item with a cost: a table without rows has no columns either
        frame = pd.DataFrame()
    percent = [PCT_LABELS[p] for p in shown] + ["share", "prefecture_share"]
    notes = [label("sigma_note", lang)]
    if counties:
        notes.append(label("pi_note", lang))
    kinds = _kinds(frame, lang, percent=percent)
    if label("share_range", lang) in frame.columns:  # beside σ: apart from its figures
        kinds[label("share_range", lang)] = "centred"
    return Table(frame, kinds, keys=3 if counties else 2, notes=tuple(notes), max_text=16)


def _share_range(low: float, high: float) -> str:
    """σ's allowed range in whole percent; a single share where the bounds meet ("50%", not
    "50%–50%")."""
    low_text, high_text = f"{low * 100:.0f}%", f"{high * 100:.0f}%"
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


# ---------------------------------------------------------------- 支出责任清单


def listing(results, fen: Fen, mask, lang, region: str | None = None) -> Table:
    """One row per item grouped by the nine domains in their official order: 服务对象, 服务内容,
    national and provincial standards with unit, the sharing mode in words and in % of cost,
    牵头单位, and the plan indicators linked to the item that apply to ``region`` (a prefecture;
    None = the province) — the column only where some indicator is linked to an item."""
    from fiscalshare.analysis.indicators import indicators_for, linked_to_items

    linked = linked_to_items(results)
    shown = shown_parts(results, fen, mask)
    columns_shown = [PARTS.index(p) for p in shown]
    parts = fen.parts[mask].sum(axis=(0, 2))[:, columns_shown]  # the money: where it is any
    points = percent_points(_exact_parts(fen)[mask].sum(axis=(0, 2))[:, columns_shown])
    domains = _values(results, "domain")
    order = [d for d in DOMAIN_ORDER if d in set(domains)] + sorted(
        set(domains) - set(DOMAIN_ORDER))
    numerals = label("numerals", lang).split(",")
    rows = []
    columns = [label("seq", lang), label("service_item", lang), label("target_group", lang),
               label("content", lang), label("national_standard", lang),
               label("provincial_standard", lang), label("sharing_mode", lang)] + [label(PCT_LABELS[p], lang) for p in shown] + [
        label("lead_department", lang)] + ([label("linked_indicators", lang)] if linked else [])
    modes = _modes_in_words(results, mask, lang)
    texts = {name: _values(results, name) if name in results else None
             for name in ("item_target_group", "item_content", "item_lead_department")}
    units, names, items = (_values(results, n) for n in ("item_unit", "item_name", "item"))
    national = provincial = None
    if "unit_cost" in results:
        national = _values(results, "unit_cost").astype(float)
        provincial = national * (_values(results, "topup").astype(float) if "topup" in results
                                 else 1)
    has_money = parts.sum(axis=1) != 0
    seq = 0
    for g, d in enumerate(order):
        heading = f"{numerals[g] if g < len(numerals) else g + 1}{label('enum_sep', lang)}" \
                  f"{text_of(d, lang)}"
        rows.append([None, heading] + [None] * (len(columns) - 2))
        for i in np.flatnonzero(domains == d):
            seq += 1
            unit = str(units[i])
            row = [seq, str(names[i]), _text(texts["item_target_group"], i),
                   _text(texts["item_content"], i),
                   _standard(None if national is None else national[i], unit),
                   _standard(None if provincial is None else provincial[i], unit), modes[i]]
            row += (points[i] / 1e4).tolist() if has_money[i] else [np.nan] * len(shown)
            row.append(_text(texts["item_lead_department"], i))
            if linked:
                row.append(_indicators_in_words(
                    results, indicators_for(results, item=str(items[i]), region=region), lang))
            rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    kinds = {label("seq", lang): "integer"}
    kinds.update({label(PCT_LABELS[p], lang): "percent" for p in shown})
    notes = (label("listing_note", lang),) + ((label("listing_indicators_note", lang),)
                                              if linked else ())
    return Table(frame, kinds, keys=2, notes=notes)


def _indicators_in_words(results, table: pd.DataFrame, lang) -> str | None:
    """Indicators as a plan prints them: "九年义务教育巩固率≥96%（约束性）", the regions named
    where not province-wide; several joined by "；" (None, a blank cell, when there are none)."""
    from fiscalshare.io.indicators import region_codes

    if table.empty:
        return None
    names = dict(zip(_values(results, "unit").astype(str), _values(results, "unit_name").astype(str),
                     strict=True))
    zh = lang == "zh"
    shown = []
    for row in table.itertuples(index=False):
        unit = str(row.unit)
        if np.isfinite(row.target):
            target = f"{row.comparator}{row.target:g}" + (unit if zh or unit == "%" else
                                                          f" {unit}".rstrip())
        else:
            target = str(row.target_text)
        about = [text_of(row.nature, lang)] if row.nature else []
        about += [("、" if zh else ", ").join(names.get(c, c) for c in region_codes(row.regions))]
        about = [a for a in about if a]
        # zh: 巩固率≥96%, 覆盖率：应保尽保 — no space, at which LibreOffice would break the line
        between = "" if not zh else ("" if row.comparator and np.isfinite(row.target) else "：")
        words = f"{row.name}{between}{target}" if zh else f"{row.name} {target}".strip()
        if about:
            words += f"（{'；'.join(about)}）" if zh else f" ({'; '.join(about)})"
        shown.append(words)
    return ("；" if zh else "; ").join(shown)


def _text(values: np.ndarray | None, i) -> str | None:
    """An optional item text, or None (a blank cell) where not given."""
    value = str(values[i]) if values is not None else ""
    return value or None


def _standard(values: np.ndarray | None, unit: str) -> str:
    """The standard per beneficiary over the years, e.g. "79 → 89 元/人/年" ("" when unknown)."""
    if values is None:
        return ""
    values = values[np.isfinite(values)]
    if not values.size:
        return ""
    first, last = values[0], values[-1]
    shown = f"{first:,.2f}".rstrip("0").rstrip(".")
    if abs(last - first) > 1e-9:
        shown += " → " + f"{last:,.2f}".rstrip("0").rstrip(".")  # wraps at the spaces, not in a number
    return f"{shown} {unit}".strip()


def _modes_in_words(results, mask, lang) -> list[str]:
    """Each item's sharing mode as a 实施方案 writes it (the shares of cost are in the next
    columns)."""
    rules = _values(results, "rule").astype(str)
    fixed = (_values(results, "province_rule").astype(str) == "fixed"
             if "province_rule" in results.coords else np.zeros(len(rules), dtype=bool))
    tiers = sorted({int(t) for t in _values(results, "region_tier")[mask]})
    index = {int(t): k for k, t in enumerate(_values(results, "tier"))}
    sigma = results.variables["provincial_share"].transpose("tier", "item").values
    topup = _values(results, "topup") if "topup" in results else None
    sep = "、" if lang == "zh" else ", "
    modes = []
    for i, rule in enumerate(rules.tolist()):
        words = [label(f"rule_{rule}", lang)]
        if rule in ("ratio", "uniform"):  # both leave a local part that the province shares in
            shares = sorted({round(float(sigma[index[t], i]) * 100, 2) for t in tiers})
            words.append(label("mode_local_fixed" if fixed[i] else "mode_local_split", lang)
                         .format(sep.join(f"{v:g}%" for v in shares)))
        if rule == "central" and topup is not None and np.nanmax(topup[i]) > 1:
            words.append(label("mode_topup", lang))
        modes.append(("，" if lang == "zh" else "; ").join(words))
    return modes


# ---------------------------------------------------------------- who is protected


def region_omega(results, idx: np.ndarray) -> np.ndarray:
    """Each region's priority weight ω (of the regions ``idx``): its priority weight per item
    divided by the item's weight W, the median over items.  The table and the sentences of
    who is protected both show this one."""
    weight = results.variables["priority_weight"].transpose("region", "item").values[idx]
    item_weight = _values(results, "item_weight") if "item_weight" in results else np.ones(
        weight.shape[1])
    return np.nanmedian(weight / np.where(item_weight > 0, item_weight, 1.0), axis=1)


def regions_protected(results, fen: Fen, mask, lang) -> Table:
    """Per region: tier, flags, priority weight ω, shortfall and its share of the cost."""
    idx = np.flatnonzero(mask)
    omega = region_omega(results, idx)
    short = fen.parts[idx][..., PARTS.index("shortfall")].sum(axis=(1, 2))
    cost = fen.cost[idx].sum(axis=(1, 2))
    exact = _exact_parts(fen)[idx].sum(axis=(1, 2))  # [r, p]
    exact_short = exact[:, PARTS.index("shortfall")]
    points = percent_points(np.stack([exact_short, exact.sum(axis=1) - exact_short],
                                     axis=-1))[:, 0]
    frame = pd.DataFrame({
        label("region", lang): _values(results, "region")[idx],
        label("region_name", lang): _values(results, "region_name")[idx],
        label("tier", lang): tier_words(_values(results, "region_tier")[idx], lang),
        **{label(f"flag_{flag}", lang): np.where(_values(results, flag)[idx].astype(bool),
                                                 label("yes", lang), "") for flag in FLAGS},
        label("omega", lang): np.round(omega, 4),
        label("standard_cost", lang): wan(cost),
        label("shortfall", lang): wan(short),
        label("shortfall_pct", lang): np.where(cost > 0, points / 1e4, np.nan),
    })
    return Table(frame, {**_kinds(frame, lang, money=["standard_cost", "shortfall"],
                                  percent=["shortfall_pct"]),
                         label("omega", lang): "decimal4"},
                 title=label("regions_protected", lang), total_label=label("total", lang),
                 keys=2)


def protection_sentences(results, fen: Fen, mask, unit_mask, lang) -> list[str]:
    """Where the shortfall fell and why, and who needed equalisation, in words."""
    sentences = []
    eta = results.attrs.get("eta")
    phi = _phi(results)
    flag_words = ("、" if lang == "zh" else ", ").join(
        label("flag_weight", lang).format(label(f"flag_{k}", lang), v * 100)
        for k, v in phi.items() if v)
    sentences.append(label("why_omega", lang).format(eta=_num(eta), flags=flag_words or "—"))
    idx = np.flatnonzero(mask)
    short = fen.parts[idx][..., PARTS.index("shortfall")]
    hard = _values(results, "binding") == "hard"
    if not short.any():
        sentences.append(label("no_shortfall", lang))
    else:
        by_region = short.sum(axis=(1, 2))
        order = np.argsort(-by_region, kind="stable")
        names = _values(results, "region_name")[idx]
        omega = region_omega(results, idx)
        listed = [label("short_region", lang).format(
            name=names[r], amount=wan(by_region[r]), omega=omega[r])
            for r in order[:8] if by_region[r] > 0]
        more = int((by_region > 0).sum()) - len(listed)
        by_item = short.sum(axis=(0, 2))
        items = [f"{_values(results, 'item_name')[i]}（{wan(by_item[i]):,.2f}）" if lang == "zh"
                 else f"{_values(results, 'item_name')[i]} ({wan(by_item[i]):,.2f})"
                 for i in np.argsort(-by_item, kind="stable")[:ITEMS_NAMED] if by_item[i] > 0]
        more_items = int((by_item > 0).sum()) - len(items)  # said, so the list is not a total
        sep = "；" if lang == "zh" else "; "
        sentences.append(label("shortfall_where", lang).format(
            total=wan(short.sum()), regions=sep.join(listed)
            + (label("and_more", lang).format(more) if more > 0 else ""),
            items=("、" if lang == "zh" else ", ").join(items)
            + (label("and_more", lang).format(more_items) if more_items > 0 else "")))
        sentences.append(label("hard_met" if not short[:, hard].any() else "hard_short", lang))
    uidx = np.flatnonzero(unit_mask)
    equal = fen.equalisation[uidx]
    if equal.any():
        names = _values(results, "unit_name")[uidx]
        years = _values(results, "year")
        listed = []
        for a in np.flatnonzero(equal.sum(axis=1) > 0):
            by_year = ("、" if lang == "zh" else ", ").join(
                label("year_amount", lang).format(int(years[y]), wan(equal[a, y]))
                for y in np.flatnonzero(equal[a] > 0))
            listed.append(f"{names[a]}（{by_year}）" if lang == "zh" else f"{names[a]} ({by_year})")
        sentences.append(label("equalisation_who", lang).format(
            n=len(listed), units=("；" if lang == "zh" else "; ").join(listed[:30])
            + (label("and_more", lang).format(len(listed) - 30) if len(listed) > 30 else "")))
    else:
        sentences.append(label("equalisation_none" if equalisation_on(results)
                               else "equalisation_none_paid", lang))
    return sentences


def run_config(results) -> dict:
    """The run's model configuration as allocation.nc carries it (``{}`` if unreadable)."""
    import json

    config = results.attrs.get("model_config", "{}")
    try:
        return json.loads(config) if isinstance(config, str) else dict(config)
    except (TypeError, ValueError):
        return {}


def equalisation_on(results) -> bool:
    """Whether the run's configuration pays equalisation (a run without it says so, rather
    than what equalisation would cover)."""
    return str(run_config(results).get("equalisation", "on")) != "off"


def _phi(results) -> dict:
    import json

    phi = results.attrs.get("phi", "{}")
    try:
        return {k: float(v) for k, v in (json.loads(phi) if isinstance(phi, str) else phi).items()}
    except (TypeError, ValueError, AttributeError):
        return {}


def _num(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "—"


# ---------------------------------------------------------------- others


def indicators(results, lang, region: str | None = None) -> Table | None:
    """The plan indicators that apply to ``region`` (a prefecture; None = all), as printed."""
    from fiscalshare.analysis.indicators import indicators_for

    table = indicators_for(results, region=region)
    if table.empty:
        return None
    frame = pd.DataFrame({
        label("indicator", lang): table["indicator"],
        label("indicator_name", lang): table["name"],
        label("domain", lang): [text_of(d, lang) for d in table["domain"]],
        label("indicator_unit", lang): table["unit"],
        label("baseline_year", lang): table["baseline_year"],
        label("baseline", lang): table["baseline"],
        label("target_year", lang): table["target_year"],
        label("target", lang): [t if t else "" for t in table["target_text"]],
        label("nature", lang): [text_of(n, lang) for n in table["nature"]],
        label("item", lang): table["item"],
        label("indicator_regions", lang): table["regions"],
    }).reset_index(drop=True)
    return Table(frame, _kinds(frame, lang, integer=["baseline_year", "target_year"],
                               number=["baseline"]), keys=2, max_text=20)


def equity(results, lang) -> Table | None:
    """The equity metrics of ``fiscalshare.analysis.equity`` with translated metric names."""
    try:
        from fiscalshare.analysis.equity import METRIC_LABELS, summary_metrics
    except ImportError:
        return None
    table = summary_metrics(results)
    names = [METRIC_LABELS.get(m, (m, m))[0 if lang == "zh" else 1] for m in table["metric"]]
    before = np.round(table["before"].to_numpy(float), 4)
    after = np.round(table["after"].to_numpy(float), 4)
    with np.errstate(invalid="ignore"):  # the change as shown: 0.0214 → 0.0037 is −0.0177
        shown = np.round(after - before, 4)  # (a ratio over a zero least is infinite: as given)
    change = np.where(np.isfinite(before) & np.isfinite(after), shown,
                      table["change"].to_numpy(float))
    frame = pd.DataFrame({label("metric", lang): names, label("before", lang): before,
                          label("after", lang): after, label("change", lang): change})
    return Table(frame, {c: "decimal4" for c in frame.columns[1:]}, title=label("equity", lang),
                 max_text=24)


ITEM_DETAILS = ("unit_cost", "topup", "item_target_group", "item_content",
                "item_lead_department")


def carry_item_details(inputs: xr.Dataset, results: xr.Dataset) -> xr.Dataset:
    """Copy what the 清单 shows from the inputs into the results (standards per item and year,
    the optional 服务对象 / 服务内容 / 牵头单位 texts, 编制单位), so that ``fiscalshare report``
    can rebuild the 清单 from allocation.nc alone."""
    for name in ITEM_DETAILS:
        if name in inputs and name not in results:
            results[name] = inputs[name].variable.copy()
    if inputs.attrs.get("compiler") and "compiler" not in results.attrs:
        results.attrs["compiler"] = str(inputs.attrs["compiler"])
    return results
