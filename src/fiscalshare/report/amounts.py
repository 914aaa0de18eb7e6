"""Money as displayed: every figure of the reports in whole fen (0.01 万元), balanced.

The results hold yuan at full precision (allocation.nc keeps them).  A table that shows two
decimals of 万元 must add up *as shown*, so the reports never round a total on its own: each
region × item × year cell's standard cost is rounded to 0.01 万元 and its five parts (中央, 省, 市,
县, 缺口) are rounded by largest remainder so that they add up exactly to it; every other figure
(by year, by domain, by unit, totals) is a sum of these integers.  Percentages of cost are
rounded the same way to 0.01 % so that they add up to 100.00 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

WAN = 1e4  # yuan per 万元
CENTS_PER_YUAN = 100 / WAN  # 0.01 万元 per yuan
PARTS = ("central", "province", "prefecture", "county", "shortfall")
BASIS = 10000  # 100.00 % in steps of 0.01 %


CHUNK_ROWS = 1 << 14  # rows balanced at a time: the arrays of one chunk stay in the cache


def largest_remainder(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers along the last axis of ``values`` that add up to ``totals`` and differ from
    ``values`` by less than one, the rounding going to the largest fractional parts."""
    values = np.asarray(values, dtype=float)
    totals = np.asarray(totals, dtype=np.int64)
    k = values.shape[-1]
    flat, flat_totals = values.reshape(-1, k), np.broadcast_to(totals, values.shape[:-1]).ravel()
    result = np.empty(flat.shape, dtype=np.int64)
    for start in range(0, len(flat), CHUNK_ROWS):  # row by row independent: chunks are exact
        end = start + CHUNK_ROWS
        result[start:end] = _rounded(flat[start:end], flat_totals[start:end])
    return result.reshape(values.shape)


def _rounded(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    values = np.maximum(values, 0.0)
    floor = np.floor(values + 1e-9)
    result = floor.astype(np.int64)
    frac = values - floor
    todo = np.flatnonzero(totals - result.sum(axis=-1))  # only these need ranking
    if todo.size:
        result[todo] = _balanced(result[todo], frac[todo], totals[todo])
    return result


def _balanced(result: np.ndarray, frac: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Rows of floors raised (or lowered) one by one, largest fractions first, until each
    adds up to its total."""
    k = result.shape[-1]
    deficit = totals - result.sum(axis=-1)
    for _ in range(64):  # one pass suffices unless parts and total disagree by more than k fen
        if not np.any(deficit):
            break
        rank_up = _stable_rank(-frac)
        rank_down = _stable_rank(np.where(result > 0, frac, np.inf))  # only positive parts lose
        up = np.clip(deficit, 0, k)[..., None]
        down = np.clip(-deficit, 0, k)[..., None]
        result = result + (rank_up < up) - ((rank_down < down) & (result > 0))
        deficit = totals - result.sum(axis=-1)
    return result


def _stable_rank(x: np.ndarray) -> np.ndarray:
    """Each entry's place along the last axis in a stable ascending sort: the entries smaller
    than it, and the equal ones before it.  (Counted pair by pair for a handful of entries,
    three times quicker than sorting twice.)"""
    k = x.shape[-1]
    if k > 8:
        return np.argsort(np.argsort(x, axis=-1, kind="stable"), axis=-1, kind="stable")
    columns = np.ascontiguousarray(np.moveaxis(x, -1, 0))
    rank = np.zeros((k, *x.shape[:-1]), dtype=np.int64)
    for i in range(k):
        for j in range(k):
            if j != i:
                rank[i] += columns[j] <= columns[i] if j < i else columns[j] < columns[i]
    return np.moveaxis(rank, 0, -1)


@dataclass
class Fen:
    """The displayed money of a run, in fen of 万元 (int64): ``cost[r,i,y]``, ``parts[r,i,y,p]``
    with ``p`` over :data:`PARTS`, and the unit figures ``[u,y]``."""

    cost: np.ndarray
    parts: np.ndarray
    equalisation: np.ndarray
    capacity: np.ndarray
    region_unit: np.ndarray  # index of each region's spending unit
    prefecture_unit: np.ndarray  # index of the unit of each region's prefecture
    # sums over every region, kept once computed: every workbook asks for them, and computed
    # before the report jobs fork (report.report_jobs) each job reads the parent's
    cached: dict = field(default_factory=dict, repr=False, compare=False)

    def by_unit(self, part: str, *, of_prefecture: bool = False) -> np.ndarray:
        """``[u, y]`` sum of one part over the regions each unit spends for, or
        (``of_prefecture``) over the regions of each prefecture, booked to the prefecture's unit
        (the 市级 part a prefecture bears)."""
        key = (part, of_prefecture)
        if key not in self.cached:
            values = self.parts[..., PARTS.index(part)].sum(axis=1)  # [r, y]
            out = np.zeros((self.equalisation.shape[0], values.shape[1]), dtype=np.int64)
            np.add.at(out, self.prefecture_unit if of_prefecture else self.region_unit, values)
            self.cached[key] = out
        return self.cached[key]


def to_fen(yuan) -> np.ndarray:
    return np.rint(np.asarray(yuan, dtype=float) * CENTS_PER_YUAN).astype(np.int64)


def fen_of(results: xr.Dataset) -> Fen:
    funding = results["funding"].transpose("region", "item", "year", "level").values
    short = results["shortfall"].transpose("region", "item", "year").values
    cost = to_fen(results["standard_cost"].transpose("region", "item", "year").values)
    raw = np.concatenate([funding, short[..., None]], axis=-1) * CENTS_PER_YUAN
    parts = largest_remainder(raw, cost)
    units = list(results["unit"].values)
    index = {str(u): k for k, u in enumerate(units)}
    region_unit = np.array([index.get(str(r), -1) for r in results["region"].values])
    prefecture_unit = np.array([index[str(p)] for p in results["region_prefecture"].values])
    # a region that is not itself a unit (none in the packaged cases) counts for its prefecture
    missing = region_unit < 0
    region_unit[missing] = prefecture_unit[missing]
    return Fen(cost=cost, parts=parts,
               equalisation=to_fen(results["equalisation"].transpose("unit", "year").values),
               capacity=to_fen(results["fiscal_capacity"].transpose("unit", "year").values),
               region_unit=region_unit,
               prefecture_unit=prefecture_unit)


def percent_points(parts: np.ndarray) -> np.ndarray:
    """Shares of the last axis in 0.01 % steps adding up to 100.00 % (zeros where all are 0)."""
    parts = np.asarray(parts, dtype=float)
    total = parts.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    points = largest_remainder(parts / safe[..., None] * BASIS,
                               np.where(total > 0, BASIS, 0))
    return points


def wan(fen) -> np.ndarray:
    """Fen of 万元 as 万元 (the float nearest each two-decimal figure)."""
    return np.asarray(fen, dtype=np.int64) / 100.0
