"""Money as displayed: every figure of the reports in whole fen (0.01 万元), balanced.

The results hold yuan at full precision (allocation.nc keeps them).  A table that shows two
decimals of 万元 must add up *as shown*, so the reports never round a total on its own: each
region × item × year cell's standard cost is rounded to 0.01 万元 and its five parts (中央, 省, 市,
县, 缺口) are rounded so that they add up exactly to it; every other figure (by year, by domain,
by unit, totals) is a sum of these integers.  The cells are rounded down or up so that the
totals of each year and of the period are within a fen of the exact ones, the cost's and the
transfers' the exact ones rounded (controlled rounding, :func:`fen_of`): the same figure shows
the same on every table, and a budget or pool spent in full shows as itself.  Each unit's own
responsibility shown reads as its capacity and equalisation shown cover it
(:func:`_responsibility_as_covered`).
Percentages of cost are taken from the exact figures and rounded by largest remainder to
0.01 % so that they add up to 100.00 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from fiscalshare.constants import WAN
from fiscalshare.quantities import exact_labels

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
    # the exact parts [r, i, y, p] in fen (floats): shares of cost are taken from them, so that
    # an item the rule shares 80:20 shows 80.00 %, not the 79.99 % of rounded money
    exact: np.ndarray | None = None
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
            out = np.zeros((self.capacity.shape[0], values.shape[1]), dtype=np.int64)
            np.add.at(out, self.prefecture_unit if of_prefecture else self.region_unit, values)
            self.cached[key] = out
        return self.cached[key]


def to_fen(yuan) -> np.ndarray:
    return np.rint(np.asarray(yuan, dtype=float) * CENTS_PER_YUAN).astype(np.int64)


@exact_labels
def fen_of(results: xr.Dataset) -> Fen:
    """The displayed money of ``results``: every cell within a fen of its exact figure, each
    cell's parts adding up to its cost; the cost of each year and of the planning period, and
    the transfers', the exact totals rounded (a budget spent in full shows as itself, whichever
    allocation spends it); each part's total of a year its exact total rounded down or up.
    (On a case of a few cells the last may not be reachable fen by fen: then a part's total is
    as near as the cells allow.)"""
    funding = results["funding"].transpose("region", "item", "year", "level").values
    short = results["shortfall"].transpose("region", "item", "year").values
    exact_cost = np.maximum(results["standard_cost"].transpose("region", "item", "year").values,
                            0.0) * CENTS_PER_YUAN
    raw = np.maximum(np.concatenate([funding, short[..., None]], axis=-1), 0.0) * CENTS_PER_YUAN
    n_regions, n_items, n_years = exact_cost.shape
    cost = np.empty(exact_cost.shape, dtype=np.int64)
    parts = np.empty(raw.shape, dtype=np.int64)
    # the cost of each year: its exact total rounded, the years adding up to the period's
    # exact total rounded; each part's total of a year its exact one rounded down or up, the
    # parts adding up to the year's cost and, over the years, to the period's exact total of
    # the part rounded (the same controlled rounding on this years × parts table)
    year_costs = largest_remainder(exact_cost.sum(axis=(0, 1)), np.rint(exact_cost.sum()))
    sums = raw.sum(axis=(0, 1))  # [y, p]
    wanted = _with_column_totals(largest_remainder(sums, year_costs), sums,
                                 largest_remainder(sums.sum(axis=0), year_costs.sum()))
    for y in range(n_years):  # a year at a time: the cells of one year against its totals
        year_raw = raw[:, :, y].reshape(-1, len(PARTS))
        year_cost = _nearest_with_total(exact_cost[:, :, y].ravel(), int(year_costs[y]))
        cost[:, :, y] = year_cost.reshape(n_regions, n_items)
        year_parts = largest_remainder(year_raw, year_cost)
        parts[:, :, y] = _with_column_totals(year_parts, year_raw, wanted[y]).reshape(
            n_regions, n_items, len(PARTS))
    units = list(results["unit"].values)
    index = {str(u): k for k, u in enumerate(units)}
    region_unit = np.array([index.get(str(r), -1) for r in results["region"].values])
    prefecture_unit = np.array([index[str(p)] for p in results["region_prefecture"].values])
    # a region that is not itself a unit (none in the packaged cases) counts for its prefecture
    missing = region_unit < 0
    region_unit[missing] = prefecture_unit[missing]
    fen = Fen(cost=cost, parts=parts, equalisation=np.zeros((0, 0), dtype=np.int64),
              capacity=to_fen(results["fiscal_capacity"].transpose("unit", "year").values),
              region_unit=region_unit, prefecture_unit=prefecture_unit, exact=raw)
    fen.equalisation = _equalisation(results, fen.by_unit("province"))
    _responsibility_as_covered(fen, results)
    return fen


def _nearest_with_total(values: np.ndarray, total: int) -> np.ndarray:
    """``values`` (≥ 0) rounded to the nearest integer, then the fewest of them — those nearest
    a half — rounded the other way so that they add up to ``total``."""
    out = np.rint(values)
    gap = int(total - out.sum())
    if gap:
        # raise the ones rounded down the most narrowly, or lower those rounded up so
        away = values - out if gap > 0 else out - values
        can = np.flatnonzero(away > 1e-9)  # lowered ones were rounded up: none goes below 0
        pick = can[_first(-away[can], abs(gap))]
        out[pick] += np.sign(gap)
    return out.astype(np.int64)


def _first(keys: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` smallest ``keys``, ties to the earlier (a stable order)."""
    if count < keys.size:
        keys_cut = np.partition(keys, count - 1)[count - 1]  # the count-th smallest
        within = np.flatnonzero(keys <= keys_cut)
        return within[np.argsort(keys[within], kind="stable")[:count]]
    return np.argsort(keys, kind="stable")


def _with_column_totals(parts: np.ndarray, raw: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``parts`` (rows of integers, each adding up to its total) changed so that each column
    adds up to ``wanted`` too, a fen moved at a time from one part of a row to another, every
    entry staying the exact ``raw`` rounded down or up: a part that is exactly 0 stays 0.
    (Controlled rounding: with the thousands of rows of a year, a column over its total and
    one under it almost always share rows where both can move; what cannot be moved so
    stays, rows still adding up.)"""
    parts = parts.copy()

    def movable(source: int, target: int, count: int) -> np.ndarray:
        """Up to ``count`` rows where a fen can go from ``source`` to ``target``: those where
        the source was rounded up the least and the target most nearly up (each move keeps
        both nearest their exact figures)."""
        down = raw[:, source] - parts[:, source]  # > -1: how far below its exact figure
        up = raw[:, target] - parts[:, target]  # < 1: how far above it
        can = np.flatnonzero((down < -1e-9) & (up > 1e-9))
        return can[_first(down[can] + (1 - up[can]), min(count, can.size))]

    def move(rows: np.ndarray, source: int, target: int) -> None:
        parts[rows, source] -= 1
        parts[rows, target] += 1
        excess[source] -= rows.size
        excess[target] += rows.size

    for _ in range(2 * parts.shape[1]):
        excess = parts.sum(axis=0) - wanted
        if not excess.any():
            break
        for over in np.flatnonzero(excess > 0):
            for under in np.flatnonzero(excess < 0):
                count = int(min(excess[over], -excess[under]))
                if count <= 0:
                    continue
                rows = movable(over, under, count)
                move(rows, over, under)
                count -= rows.size
                # else through a third part: over → it in some rows, it → under in others
                for third in range(parts.shape[1]):
                    if count <= 0 or third in (over, under):
                        continue
                    first, second = movable(over, third, count), movable(third, under, count)
                    step = min(count, first.size, second.size)
                    move(first[:step], over, third)
                    move(second[:step], third, under)
                    count -= step
    return parts


def _equalisation(results: xr.Dataset, co_financing: np.ndarray) -> np.ndarray:
    """Each unit's equalisation ``[u, y]``, its exact figure rounded down or up.  Each year's
    total is the year's exact transfers rounded to the fen (the years adding up to their exact
    total rounded) less the co-financing shown, so that the transfers shown add up to it.  The
    units rounded up are those whose transfer (``co_financing`` plus it) is furthest below its
    exact transfer: a unit sent 1.2345678 万元, half as co-financing (0.62 from its cells),
    shows 0.61 of equalisation and 1.23 in all.  A unit with no equalisation shows none."""
    exact = np.maximum(results["equalisation"].transpose("unit", "year").values, 0.0)
    exact = exact * CENTS_PER_YUAN
    transfer = results["transfer"].transpose("unit", "year").values * CENTS_PER_YUAN
    low, high = np.floor(exact + 1e-9), np.ceil(exact - 1e-9)
    # the part of a fen each unit's transfer wants above its floor: the order of rounding up
    wants = np.where(high > low, np.clip(transfer - co_financing - low, 1e-6, 1 - 1e-6), 0.0)
    money = largest_remainder(transfer.sum(axis=0), np.rint(transfer.sum()))  # each year's
    totals = np.clip(money - co_financing.sum(axis=0), low.sum(axis=0), high.sum(axis=0))
    return largest_remainder((low + wants).T, totals).T


def _responsibility_as_covered(fen: Fen, results: xr.Dataset) -> None:
    """Each unit's own responsibility shown (本级支出责任) made to read as the transfers table
    says it is covered: where a unit receives equalisation for exactly what its responsibility
    exceeds its capacity by, its responsibility shown is its capacity shown plus its
    equalisation shown; where it receives none, its responsibility shown is at most its
    capacity shown.  Summed from many cells, each rounded on its own, it was off by up to 7 fen
    in half the rows of the Gansu transfers table.

    A fen of a cell's local part (县级 or 市级) goes to or from its central part or its shortfall
    in one unit's cells and the other way in another's, so that every part's totals stay as
    they are, and each entry stays its exact figure rounded down or up.  A unit is paired with
    one that must move the other way, or with one that has room to (a unit without equalisation
    below its capacity), of the same prefecture first; what cannot be paired stays as it was."""
    exact = fen.exact
    if exact is None or not fen.parts.size:
        return
    local = [(PARTS.index("county"), fen.region_unit),
             (PARTS.index("prefecture"), fen.prefecture_unit)]
    units, years = fen.capacity.shape
    burden_exact = sum(np.stack([np.bincount(unit, exact[:, :, y, part].sum(axis=1), units)
                                 for y in range(years)], axis=1) for part, unit in local)
    equalisation_exact = np.maximum(results["equalisation"].transpose("unit", "year").values,
                                    0.0) * CENTS_PER_YUAN
    capacity_exact = results["fiscal_capacity"].transpose("unit", "year").values * CENTS_PER_YUAN
    exactly = (equalisation_exact > 0) & (np.abs(burden_exact - capacity_exact
                                                 - equalisation_exact) < 0.5)
    home = np.arange(units)  # each unit's prefecture (its own for a prefecture)
    home[fen.region_unit] = fen.prefecture_unit
    for y in range(years):
        burden = sum(np.bincount(unit, fen.parts[:, :, y, part].sum(axis=1), units)
                     for part, unit in local).astype(np.int64)
        over = burden - fen.capacity[:, y] - fen.equalisation[:, y]
        lower = np.maximum(over, 0)  # every unit: not above what covers it
        rise = np.where(exactly[:, y], np.maximum(-over, 0), 0)
        room = np.where(exactly[:, y], 0, np.maximum(-over, 0))
        free = np.where(exactly[:, y], 0, np.iinfo(np.int64).max // 4)  # may go down at will
        if not lower.any() and not rise.any():
            continue
        used = np.zeros(fen.parts.shape[:2], dtype=bool)  # a cell moves once a year
        others = (PARTS.index("central"), PARTS.index("shortfall"))
        rounded = {}  # part: (rounded up, may go down a fen; rounded down, may go up)
        for p in (*others, *(part for part, _ in local)):
            shown, figure = fen.parts[:, :, y, p], exact[:, :, y, p]
            rounded[p] = (shown - figure > 1e-9, figure - shown > 1e-9)
        for part, unit in local:  # a fen each way within one part: its totals stay
            for other in others:
                giving = rounded[part][0] & rounded[other][1]
                taking = rounded[part][1] & rounded[other][0]
                for down, up in ((lower, rise), (lower, room), (free, rise)):
                    if not down.any() or not up.any():
                        continue
                    givers = _movable(giving & ~used, unit, down)
                    used[givers] = True
                    takers = _movable(taking & ~used, unit, up)
                    used[givers] = False
                    paired = _pairs(home[unit[givers[0]]], home[unit[takers[0]]])
                    for (r, i), sign, wanted, moves in ((givers, -1, down, paired[0]),
                                                        (takers, +1, up, paired[1])):
                        r, i = r[moves], i[moves]
                        fen.parts[r, i, y, part] += sign
                        fen.parts[r, i, y, other] -= sign
                        used[r, i] = True
                        wanted -= np.bincount(unit[r], minlength=units)
    fen.cached.clear()


def _pairs(giving: np.ndarray, taking: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of the givers and takers (their prefectures given) move: as many as pair up within
    each prefecture first, so that a prefecture's totals move as little as they can, then as
    many of the rest as pair up across prefectures."""
    groups = max(giving.max(initial=-1), taking.max(initial=-1)) + 1
    within = np.minimum(np.bincount(giving, minlength=groups),
                        np.bincount(taking, minlength=groups))
    moves = [_first_of_each(giving, within), _first_of_each(taking, within)]
    rest = min(int((~moves[0]).sum()), int((~moves[1]).sum()))
    for chosen in moves:
        chosen[np.flatnonzero(~chosen)[:rest]] = True
    return moves[0], moves[1]


def _first_of_each(groups: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The first ``counts[g]`` entries of each group g, in their order (a mask)."""
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    within = np.arange(groups.size) - np.searchsorted(ordered, ordered, side="left")
    chosen = np.zeros(groups.size, dtype=bool)
    chosen[order[within < counts[ordered]]] = True
    return chosen


def _movable(can: np.ndarray, unit: np.ndarray, wanted: np.ndarray):
    """Up to ``wanted[u]`` of the cells ``can`` (region × item) per unit u, ``unit`` giving
    each region's: rows and items, in the order of the units, then of the cells."""
    r, i = np.nonzero(can & (wanted[unit] > 0)[:, None])
    order = np.argsort(unit[r], kind="stable")  # by unit, then by cell
    r, i = r[order], i[order]
    owner = unit[r]
    within = np.arange(owner.size) - np.searchsorted(owner, owner, side="left")
    keep = within < wanted[owner]
    return r[keep], i[keep]


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
