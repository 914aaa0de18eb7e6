"""Raw sheets → validated ``CaseTables``: every rule of docs/inputs.md, all problems at once.

Each problem names the sheet, the cell (or CSV line), the column, what was found and what was
expected.  Forgiving readings are warnings, never silent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fiscalshare.errors import Problem
from fiscalshare.io.convert import MAX_PER_COLUMN, convert, default_column
from fiscalshare.io.dataset import CENTRAL_TIER_SHARES, CaseTables
from fiscalshare.io.files import RawSheet
from fiscalshare.io.indicators import COMPARATORS, comparator_of, read_value
from fiscalshare.io.indicators import region_codes as region_codes_of
from fiscalshare.io.keys import positions
from fiscalshare.io.schema import (
    MAX_CELL_COST,
    MAX_FACTOR,
    MAX_UNIT_COST,
    MAX_UNITS,
    META_KEYS,
    SHEETS,
    Sheet,
)

INSTRUCTION_SHEETS = {"说明", "instructions"}  # the template's own help sheet
_NOT_EMPTY = ("meta", "regions", "items")  # others: their own rules name what is missing


class Collector:
    def __init__(self):
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, raw: RawSheet | None, message: str, *, key=None, row=None, sheet=None):
        where = raw.where(key, row) if raw is not None else {"sheet": sheet or "input"}
        self.problems.append(Problem(message=message, column=key, **where))

    def warn(self, raw: RawSheet | None, message: str, *, key=None, row=None, sheet=None):
        where = raw.where(key, row) if raw is not None else {"sheet": sheet or "input"}
        self.warnings.append(Problem(message=message, column=key, **where))


def parse(raw_sheets: dict[str, RawSheet], out: Collector) -> CaseTables | None:
    """Typed and cross-checked tables, or None when problems were found."""
    sheets = _match_sheets(raw_sheets, out)
    frames: dict[str, tuple[pd.DataFrame, RawSheet]] = {}
    for name, declared in SHEETS.items():
        raw = sheets.get(name)
        if raw is None:
            if declared.required:
                out.error(None, f"missing sheet '{name}' ({declared.label}): {declared.meaning}",
                          sheet=name)
            continue
        typed = typed_sheet(declared, raw, out)
        if typed is not None:
            frames[name] = (typed, raw)
    if "meta" not in frames:
        return None
    meta = _meta(*frames["meta"], out)
    required = [name for name, sheet in SHEETS.items() if sheet.required]
    if meta is None or any(name not in frames for name in required):
        return None
    # cross-sheet rules run even when some cells were bad, so that every problem of the case is
    # reported at once (a bad cell is NaN or empty here and takes part in no comparison)
    _cross_check(frames, meta, out)
    if out.problems:
        return None
    get = {name: frame for name, (frame, _) in frames.items()}
    return CaseTables(
        meta=meta,
        regions=get["regions"],
        items=get["items"],
        standards=get["standards"],
        beneficiaries=get["beneficiaries"],
        capacity=get["capacity"],
        sharing=get["sharing"],
        budget=get.get("budget"),
        ratio_menu=get.get("ratio_menu"),
        indicators=get.get("indicators"),
    )


def _match_sheets(raw_sheets, out: Collector) -> dict[str, RawSheet]:
    matched: dict[str, RawSheet] = {}
    for title, raw in raw_sheets.items():
        key = title.strip().lower()
        if title.strip() in INSTRUCTION_SHEETS:
            continue
        if key not in SHEETS:
            out.warnings.append(Problem(sheet=raw.label, message="unknown sheet, ignored"))
            continue
        if key in matched:
            out.problems.append(Problem(sheet=raw.label, message=f"two sheets named "
                                        f"'{matched[key].name}' and '{title}' differ only in "
                                        "case or spaces: keep one"))
            continue
        if title != key:
            out.warnings.append(Problem(sheet=raw.label, message=f"sheet name read as '{key}'"))
        raw.name = key if not raw.csv else raw.name
        matched[key] = raw
    return matched


def _drop_label_and_blank_rows(declared: Sheet, raw: RawSheet, out: Collector) -> None:
    frame = raw.frame
    if frame.empty:
        return
    labels = {c.key: c.label for c in declared.columns}
    first = frame.iloc[0]
    shown = [str(first[k]).strip() for k in frame.columns if k in labels and first[k] is not None]
    if shown and all(str(first[k]).strip() in ("", labels[k]) for k in frame.columns
                     if k in labels) and any(s == labels[k] for k, s in
                                            zip([k for k in frame.columns if k in labels
                                                 and first[k] is not None], shown, strict=True)):
        raw.frame = frame.iloc[1:].reset_index(drop=True)
        raw.rows = raw.rows[1:]
    blank = _blank_rows(raw.frame)
    if blank.any():
        for row in raw.rows[blank][:5]:
            out.warn(raw, "blank row skipped", row=row)
        raw.frame = raw.frame[~blank].reset_index(drop=True)
        raw.rows = raw.rows[~blank]
    if declared.name == "meta" and {"key", "value"} <= set(raw.frame.columns):
        # the template lists every key; an optional one left blank is simply not given
        optional = {c.key for c in META_KEYS if not c.required}
        keys = raw.frame["key"].map(lambda v: "" if v is None else str(v).strip())
        unset = (keys.isin(optional) & raw.frame["value"].map(_is_blank)).to_numpy()
        raw.frame = raw.frame[~unset].reset_index(drop=True)
        raw.rows = raw.rows[~unset]


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with nothing in any cell (vectorised for the string columns of a CSV file)."""
    blank = np.ones(len(frame), dtype=bool)
    for key in frame.columns:
        column = frame[key]
        if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
            blank &= (column.str.strip() == "").to_numpy()
        else:
            blank &= column.map(lambda v: v is None or (isinstance(v, str) and not v.strip())
                                or (isinstance(v, float) and np.isnan(v))).to_numpy(dtype=bool)
    return blank


def typed_sheet(declared: Sheet, raw: RawSheet, out: Collector) -> pd.DataFrame | None:
    header = [k for k in raw.frame.columns if not str(k).startswith("__blank")]
    normalised = {k: k.strip().lower() for k in header}
    if any(normalised[k] != k for k in header):
        raw.frame = raw.frame.rename(columns=normalised)
        raw.letters = {normalised.get(k, k): v for k, v in raw.letters.items()}
        out.warn(raw, "column keys read ignoring case and spaces", row=1)
    counts = pd.Series([normalised[k] for k in header]).value_counts()  # repeats count twice
    for key in counts[counts > 1].index:
        out.error(raw, "the column appears twice in the header", key=key, row=1)
    declared_keys = {c.key for c in declared.columns}
    for key in sorted(set(normalised.values()) - declared_keys):
        out.warn(raw, "unknown column ignored", key=key, row=1)
    missing = [c for c in declared.columns if c.required and c.key not in raw.frame.columns]
    for c in missing:
        out.error(raw, f"missing column '{c.key}' ({c.label}): {c.meaning}", row=1)
    if missing or (counts > 1).any():
        return None
    _drop_label_and_blank_rows(declared, raw, out)
    if raw.frame.empty and declared.name in _NOT_EMPTY:
        out.error(raw, f"the sheet has a header but no rows: {declared.meaning}", row=2)
        return None
    typed = {}
    for column in declared.columns:
        if column.key not in raw.frame.columns:
            typed[column.key] = default_column(column, len(raw.frame))
            continue
        converted = convert(column, raw.frame[column.key], from_csv=raw.csv)
        for note in converted.notes:
            out.warn(raw, note, key=column.key)
        bad_rows = raw.rows[converted.bad]
        for row, found in list(zip(bad_rows, converted.found, strict=True))[:MAX_PER_COLUMN]:
            out.error(raw, f"expected {column.expected()}, found {found}", key=column.key, row=row)
        if bad_rows.size > MAX_PER_COLUMN:
            out.error(raw, f"… and {bad_rows.size - MAX_PER_COLUMN} more such cells",
                      key=column.key, row=bad_rows[MAX_PER_COLUMN])
        typed[column.key] = converted.values
    frame = pd.DataFrame(typed)
    frame["_row"] = raw.rows
    if declared.keys and not frame.empty and declared.name != "meta":
        duplicated = _duplicated(frame, list(declared.keys))
        for row, values in zip(raw.rows[duplicated][:MAX_PER_COLUMN],
                               frame.loc[duplicated, list(declared.keys)].itertuples(index=False),
                               strict=False):
            out.error(raw, f"duplicate key {tuple(values) if len(values) > 1 else values[0]!r}",
                      key=declared.keys[0], row=row)
    if len(declared.keys) == 1 and declared.column(declared.keys[0]).kind == "code":
        _same_code_written_differently(frame, declared.keys[0], raw, out)
    for column in declared.columns:
        if column.kind in ("int", "year") and column.key in frame:
            values = frame[column.key]
            if values.notna().all():
                frame[column.key] = values.astype(np.int64)
    return frame


def _duplicated(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """``frame.duplicated(keys)`` through one integer per row (each key column factorised),
    which is several times faster on a million rows of strings."""
    codes, sizes = [], []
    for key in keys:
        code, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        codes.append(code.astype(np.int64))
        sizes.append(max(len(uniques), 1))
    if float(np.prod(np.asarray(sizes, dtype=float))) >= 2.0**62:
        return frame.duplicated(keys, keep="first").to_numpy()
    combined = np.ravel_multi_index(codes, sizes) if len(codes) > 1 else codes[0]
    return pd.Series(combined).duplicated(keep="first").to_numpy()


def _same_code_written_differently(frame, key, raw, out: Collector) -> None:
    """``Ａ1`` and ``A1``, or ``a1`` and ``A1``, are one code to a reader: refuse them as
    duplicates rather than keep two regions (or items) a person cannot tell apart."""
    import unicodedata

    seen: dict[str, tuple[str, int]] = {}
    for code, row in zip(frame[key], frame["_row"], strict=True):
        folded = unicodedata.normalize("NFKC", str(code)).casefold()
        if folded in seen and seen[folded][0] != code:
            first, first_row = seen[folded]
            out.error(raw, f"duplicate key {code!r}: the same as {first!r} (row {first_row}) "
                      "once full-width characters and case are ignored", key=key, row=row)
        seen.setdefault(folded, (code, row))


def _meta(frame: pd.DataFrame, raw: RawSheet, out: Collector) -> dict | None:
    meta: dict = {}
    before = len(out.problems)
    rows = dict(zip(frame["key"], frame["_row"], strict=True))
    values = dict(zip(frame["key"], frame["value"], strict=True))
    for column in META_KEYS:
        if column.key not in values:
            if column.required:
                out.error(raw, f"missing key '{column.key}' ({column.label}): {column.meaning}",
                          key="key", row=None)
            else:
                meta[column.key] = column.default
            continue
        value = values[column.key]
        if column.kind == "int":
            converted = convert(column, pd.Series([value], dtype=object), from_csv=raw.csv)
            if converted.bad[0]:
                out.error(raw, f"{column.key}: expected {column.expected()}, found "
                          f"{converted.found[0]}", key="value", row=rows[column.key])
                continue
            meta[column.key] = int(converted.values[0])
        else:
            converted = convert(column, pd.Series([value], dtype=object), from_csv=raw.csv)
            if converted.bad[0] and converted.values[0]:  # control characters in the text
                out.error(raw, f"{column.key}: expected {column.expected()}, found "
                          f"{converted.found[0]}", key="value", row=rows[column.key])
                continue
            meta[column.key] = "" if value is None else str(value).strip()
    if len(out.problems) > before:
        return None
    if meta["first_year"] > meta["last_year"]:
        out.error(raw, f"first_year {meta['first_year']} is after last_year {meta['last_year']}",
                  key="value", row=rows["first_year"])
        return None
    return meta


def _ints(series: pd.Series) -> pd.Series:
    """Whole numbers of a column that may hold NaN where a cell was bad (-1 there)."""
    return pd.to_numeric(series, errors="coerce").fillna(-1).astype(int)


def _rows_where(frame, mask):
    return frame.loc[mask, "_row"].to_numpy()


def _cross_check(frames, meta, out: Collector) -> None:
    years = np.arange(meta["first_year"], meta["last_year"] + 1)
    regions, r_raw = frames["regions"]
    items, i_raw = frames["items"]
    codes = set(regions["code"])
    item_codes = set(items["code"])

    # every sheet's year column lies in the planning years
    for name, (frame, raw) in frames.items():
        if "year" in frame and name != "indicators":
            outside = ~frame["year"].isin(years) & frame["year"].notna()
            for row, year in zip(_rows_where(frame, outside)[:MAX_PER_COLUMN],
                                 frame.loc[outside, "year"], strict=False):
                out.error(raw, f"year {year} is outside meta's {years[0]}..{years[-1]}",
                          key="year", row=row)

    # parents are prefectures (rows with a blank parent); this also rules out cycles
    is_prefecture = dict(zip(regions["code"], regions["parent"] == "", strict=True))
    has_parent = regions["parent"] != ""
    for row, code, parent in regions.loc[has_parent, ["_row", "code", "parent"]].itertuples(
            index=False):
        if parent not in codes:
            out.error(r_raw, f"parent {parent!r} of {code!r} is not a region code",
                      key="parent", row=row)
        elif not is_prefecture[parent]:
            out.error(r_raw, f"parent {parent!r} of {code!r} is itself a county: a parent must "
                      "be a prefecture (a row with a blank parent)", key="parent", row=row)
        elif parent == code:
            out.error(r_raw, f"{code!r} is its own parent", key="parent", row=row)
    with_counties = set(regions.loc[has_parent, "parent"])
    receiving = codes - with_counties

    # references from the long tables
    references = (("standards", "item", item_codes), ("beneficiaries", "region", codes),
                  ("beneficiaries", "item", item_codes), ("capacity", "region", codes),
                  ("sharing", "item", item_codes))
    for sheet, key, known in references:
        if sheet not in frames:
            continue
        frame, raw = frames[sheet]
        unknown = ~frame[key].isin(known)
        for row, value in zip(_rows_where(frame, unknown)[:MAX_PER_COLUMN],
                              frame.loc[unknown, key], strict=False):
            what = "an item code" if key == "item" else "a region code"
            out.error(raw, f"{value!r} is not {what} of the "
                      f"{'items' if key == 'item' else 'regions'} sheet", key=key, row=row)
    beneficiaries, b_raw = frames["beneficiaries"]
    on_prefecture = beneficiaries["region"].isin(with_counties)
    for row, value in zip(_rows_where(beneficiaries, on_prefecture)[:MAX_PER_COLUMN],
                          beneficiaries.loc[on_prefecture, "region"], strict=False):
        out.error(b_raw, f"{value!r} is a prefecture with counties: its beneficiaries belong to "
                  "its counties", key="region", row=row)

    _cell_costs(frames, out)

    # standards: every item × year; the central share matches the rule
    standards, s_raw = frames["standards"]
    have = set(zip(standards["item"], standards["year"], strict=True))
    for item in items["code"]:
        missing = [int(y) for y in years if (item, y) not in have]
        if missing:
            out.error(s_raw, f"no standard for item {item!r} in year(s) "
                      f"{', '.join(map(str, missing))}", key="year")
    rule = dict(zip(items["code"], items["rule"], strict=True))
    tier_share = CENTRAL_TIER_SHARES.get(int(meta.get("central_tier") or 0))
    mismatched = set()
    for row, item, share in standards[["_row", "item", "central_share"]].itertuples(index=False):
        kind = rule.get(item)
        if kind == "central" and share != 1:
            out.error(s_raw, f"item {item!r} is rule=central: central_share must be 1, found "
                      f"{share:g}", key="central_share", row=row)
        elif kind == "local" and share != 0:
            out.error(s_raw, f"item {item!r} is rule=local: central_share must be 0, found "
                      f"{share:g}", key="central_share", row=row)
        elif kind == "ratio" and tier_share is not None and abs(share - tier_share) > 1e-9:
            mismatched.add(item)
    for item in sorted(mismatched):
        out.warn(s_raw, f"ratio item {item!r}: central_share differs from the central tier "
                 f"{meta['central_tier']} share {tier_share:.0%}; an item the centre shares "
                 "alike in every province (e.g. 5:5) is rule=uniform", key="central_share")

    # capacity for every spending unit and year
    capacity, c_raw = frames["capacity"]
    have = set(zip(capacity["region"], capacity["year"], strict=True))
    short = [(c, int(y)) for c in regions["code"] for y in years if (c, y) not in have]
    for code, year in short[:MAX_PER_COLUMN]:
        out.error(c_raw, f"no capacity for spending unit {code!r} in {year}", key="region")
    if len(short) > MAX_PER_COLUMN:
        out.error(c_raw, f"… and {len(short) - MAX_PER_COLUMN} more missing capacity rows")

    # sharing: bounds, fixed share inside them, rows for every receiving tier × item with a
    # non-zero remainder
    sharing, sh_raw = frames["sharing"]
    for row, low, high, share in sharing[["_row", "province_min", "province_max",
                                          "province_share"]].itertuples(index=False):
        if low > high:
            out.error(sh_raw, f"province_min {low:g} is above province_max {high:g}",
                      key="province_min", row=row)
        elif not low - 1e-12 <= share <= high + 1e-12:
            out.error(sh_raw, f"province_share {share:g} is outside [{low:g}, {high:g}]",
                      key="province_share", row=row)
    receiving_tiers = set(_ints(regions.loc[regions["code"].isin(receiving), "tier"]))
    for row, tier in zip(sharing["_row"], _ints(sharing["tier"]), strict=True):
        if tier >= 0 and tier not in receiving_tiers:
            out.warn(sh_raw, f"tier {tier} has no receiving region: row ignored", key="tier",
                     row=row)
    _required_sharing_rows(frames, receiving, receiving_tiers, out)

    if "indicators" in frames:
        check_indicators(frames, codes, item_codes, out)

    # warnings for empty regions and items
    with_rows = beneficiaries.loc[beneficiaries["units"] > 0]
    for item in sorted(item_codes - set(with_rows["item"].unique())):
        out.warn(i_raw, f"item {item!r} has no beneficiaries anywhere", key="code")
    empty = sorted(receiving - set(with_rows["region"].unique()))
    for code in empty[:MAX_PER_COLUMN]:
        out.warn(r_raw, f"region {code!r} has no beneficiaries", key="code")



def _cell_costs(frames, out: Collector) -> None:
    """q × top-up × cost index × units per region, item and year within MAX_CELL_COST."""
    beneficiaries, b_raw = frames["beneficiaries"]
    standards, _ = frames["standards"]
    regions, _ = frames["regions"]
    standards = standards.dropna(subset=["year"]).drop_duplicates(["item", "year"], keep="last")
    if standards.empty or beneficiaries.empty or regions.empty:
        return  # nothing to multiply (the missing rows are reported by their own rules)
    keys = pd.MultiIndex.from_arrays([standards["item"].astype(str),
                                      standards["year"].to_numpy(dtype=float)])
    items = keys.levels[0]
    years = keys.levels[1]
    table = np.full((len(items), max(len(years), 1), 2), np.nan)
    table[keys.codes[0], keys.codes[1]] = standards[["unit_cost", "topup"]].to_numpy(dtype=float)
    region_codes = regions["code"].astype(str).drop_duplicates()
    index = regions.loc[region_codes.index, "cost_index"].to_numpy(dtype=float)
    b_item = positions(beneficiaries["item"], items)
    b_year = pd.Index(years).get_indexer(beneficiaries["year"].to_numpy(dtype=float))
    b_region = positions(beneficiaries["region"], region_codes)
    units = beneficiaries["units"].to_numpy(dtype=float)
    found = (b_item >= 0) & (b_year >= 0) & (b_region >= 0) & (units <= MAX_UNITS)
    at_item, at_year = np.maximum(b_item, 0), np.maximum(b_year, 0)
    unit_cost, topup = table[at_item, at_year, 0], table[at_item, at_year, 1]
    factor = index[np.maximum(b_region, 0)]
    with np.errstate(over="ignore", invalid="ignore"):  # out-of-range factors are reported apart
        cost = units * unit_cost * topup * factor
    within = found & (unit_cost <= MAX_UNIT_COST) & (topup <= MAX_FACTOR) & (factor <= MAX_FACTOR)
    over = np.flatnonzero(within & (cost > MAX_CELL_COST))  # the rest is reported elsewhere
    rows = beneficiaries["_row"].to_numpy()[over]
    order = np.argsort(rows, kind="stable")[:MAX_PER_COLUMN]
    for row, value in zip(rows[order], cost[over][order], strict=True):
        out.error(b_raw, f"the standard cost of this row is {value:.3g} yuan (q × top-up × cost "
                  f"index × units), above the {MAX_CELL_COST:g} yuan the model represents "
                  "faithfully: give money in yuan and check the units", key="units", row=int(row))


def check_indicators(frames, region_codes: set, item_codes: set, out: Collector) -> None:
    """Comparators, links to items and regions, and targets as printed (io.indicators)."""
    frame, raw = frames["indicators"]
    for row, given, target, item, regions in frame[["_row", "comparator", "target", "item",
                                                    "regions"]].itertuples(index=False):
        comparator = comparator_of(given)
        value = read_value(target)
        if comparator is None:
            out.error(raw, f"expected one of {', '.join(COMPARATORS)} or nothing, found "
                      f"{given!r}", key="comparator", row=row)
        elif comparator and not value.is_number:
            out.error(raw, f"comparator {comparator} needs a numeric target, found "
                      f"{value.text or 'nothing'!r}", key="target", row=row)
        elif comparator and value.comparator and comparator != value.comparator:
            out.error(raw, f"the target {value.text!r} says {value.comparator} but the "
                      f"comparator column says {comparator}", key="target", row=row)
        if item and item not in item_codes:
            out.error(raw, f"{item!r} is not an item code of the items sheet", key="item",
                      row=row)
        unknown = [code for code in region_codes_of(regions) if code not in region_codes]
        if unknown:
            out.error(raw, f"{', '.join(map(repr, unknown))} not a region code of the regions "
                      "sheet", key="regions", row=row)


def _required_sharing_rows(frames, receiving, receiving_tiers, out: Collector) -> None:
    regions, _ = frames["regions"]
    items, _ = frames["items"]
    standards, _ = frames["standards"]
    beneficiaries, _ = frames["beneficiaries"]
    sharing, sh_raw = frames["sharing"]
    # (item, year) pairs with a remainder per beneficiary, then the (tier, item) pairs of
    # receiving regions with beneficiaries there: positions and numpy, no row-by-row merge
    item_codes = pd.Index(items["code"].astype(str).unique())
    years = np.sort(pd.unique(standards["year"].dropna()))
    rest = (standards["unit_cost"] * (standards["topup"] - standards["central_share"])).to_numpy()
    has_rest = np.zeros((item_codes.size, max(years.size, 1)), dtype=bool)
    s_item = positions(standards["item"].astype(str), item_codes)
    s_years = standards["year"].to_numpy()
    s_year = np.clip(np.searchsorted(years, s_years), 0, max(years.size - 1, 0))
    known = (s_item >= 0) & (rest > 0)
    known &= (years[s_year] == s_years) if years.size else False
    has_rest[s_item[known], s_year[known]] = True
    b_item = positions(beneficiaries["item"].astype(str), item_codes)
    b_years = beneficiaries["year"].to_numpy()
    b_year = np.clip(np.searchsorted(years, b_years), 0, max(years.size - 1, 0))
    dated = years[b_year] == b_years if years.size else np.zeros(len(b_years), dtype=bool)
    region_codes = pd.Index(regions["code"].astype(str))
    region_codes = region_codes[~region_codes.duplicated()]
    b_region = positions(beneficiaries["region"].astype(str), region_codes)
    tier_of = _ints(regions.drop_duplicates("code")["tier"]).to_numpy()
    is_receiving = region_codes.isin(list(receiving))
    usable = (beneficiaries["units"] > 0).to_numpy() & (b_item >= 0) & (b_region >= 0) & dated
    if has_rest.size and region_codes.size:
        usable &= (has_rest[np.maximum(b_item, 0), b_year]
                   & is_receiving[np.maximum(b_region, 0)])
    else:
        usable[:] = False
    usable &= tier_of[np.maximum(b_region, 0)] >= 1  # a tier not read is reported once, itself
    pairs = np.unique(tier_of[b_region[usable]].astype(np.int64) * item_codes.size
                      + b_item[usable])
    needed = {(int(t), item_codes[i]) for t, i in zip(*np.divmod(pairs, item_codes.size),
                                                       strict=True)}
    given = set(zip(_ints(sharing["tier"]), sharing["item"], strict=True))
    for t, i in sorted(needed - given)[:MAX_PER_COLUMN]:
        out.error(sh_raw, f"no row for tier {t} and item {i!r}, which has a remainder to share",
                  key="tier")
