"""The reference of the benchmark: the allocation LP of a CSV case with pandas, scipy and highspy.

Written for the benchmark only, independently of fiscalshare's code: it reads the CSV files
with pandas, builds the LP of spec/model.md (``optimise`` mode, equalisation on, η = 1, the
default φ) with scipy.sparse, and solves its two lexicographic stages with raw highspy —
stage 1 by dual simplex; stage 2 cold with every shortfall fixed at zero when z1 = 0, else
warm from stage 1's basis by primal simplex after adding the row Σ w u ≤ z1 + tolerance.
Money is in 万元 inside the LP, as in fiscalshare.  It prints one JSON line: z1 and z2 in yuan
and the seconds of each step.  No validation: the case is assumed valid.

    python bench/reference_highspy.py CASE_FOLDER [--pandas-engine c|pyarrow]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

UNIT = 1e4  # yuan per model unit
PHI = {"poverty_exited": 0.2, "ethnic": 0.2, "border": 0.2, "old_revolutionary": 0.1}


def read(folder: Path, engine: str) -> dict[str, pd.DataFrame]:
    names = ("meta", "regions", "items", "standards", "beneficiaries", "capacity", "sharing",
             "budget")
    text = {"code": str, "region": str, "parent": str, "item": str, "key": str, "value": str}
    frames = {}
    for name in names:
        path = folder / f"{name}.csv"
        if path.exists():
            frames[name] = pd.read_csv(path, dtype=text, keep_default_na=False,
                                       na_values=[""], engine=engine)
    return frames


def build(f: dict[str, pd.DataFrame]) -> dict:
    """Every array of the two-stage LP."""
    meta = dict(zip(f["meta"]["key"], f["meta"]["value"], strict=True))
    years = np.arange(int(meta["first_year"]), int(meta["last_year"]) + 1)
    regions = f["regions"].fillna({"parent": ""})
    parents = set(regions["parent"]) - {""}
    units = regions["code"].to_numpy()
    unit_pos = pd.Index(units)
    receiving = regions[~regions["code"].isin(parents)].reset_index(drop=True)
    R, Y = len(receiving), years.size
    items = f["items"]
    I = len(items)  # noqa: E741 - the model's symbol for items
    item_pos = pd.Index(items["code"])
    tiers = np.sort(receiving["tier"].astype(int).unique())
    T = tiers.size
    tier_of = np.searchsorted(tiers, receiving["tier"].astype(int).to_numpy())
    region_pos = pd.Index(receiving["code"])

    def cube(frame, keys, positions, shape, column, fill):
        out = np.full(shape, fill, dtype=float)
        out[tuple(positions)] = frame[column].astype(float).to_numpy()
        return out

    st = f["standards"]
    si, sy = item_pos.get_indexer(st["item"]), np.searchsorted(years, st["year"].astype(int))
    q = cube(st, None, (si, sy), (I, Y), "unit_cost", np.nan)
    topup = cube(st, None, (si, sy), (I, Y), "topup", 1.0)
    theta = cube(st, None, (si, sy), (I, Y), "central_share", np.nan)
    b = f["beneficiaries"]
    n = np.zeros((R, I, Y))
    n[region_pos.get_indexer(b["region"]), item_pos.get_indexer(b["item"]),
      np.searchsorted(years, b["year"].astype(int))] = b["units"].astype(float).to_numpy()
    kappa = receiving["cost_index"].astype(float).to_numpy()
    D = np.clip(n * q[None] * kappa[:, None, None] * (topup - theta)[None], 0, None) / UNIT
    c = f["capacity"]
    cap = np.zeros((len(units), Y))
    cap[unit_pos.get_indexer(c["region"]), np.searchsorted(years, c["year"].astype(int))] = (
        c["fiscal_capacity"].astype(float).to_numpy() / UNIT)

    # priority weights
    own = unit_pos.get_indexer(receiving["code"])
    pop = receiving["population"].astype(float).to_numpy()
    mean = cap[own, 0].sum() / pop.sum()
    omega = (mean / np.maximum(cap[own, 0] / pop, 0.01 * mean)) if mean > 0 else np.ones(R)
    for flag, strength in PHI.items():
        omega = omega * (1 + strength * receiving[flag].astype(float).to_numpy())
    w = items["weight"].astype(float).to_numpy()[None, :] * omega[:, None]

    sh = f["sharing"]
    sh = sh[sh["tier"].astype(int).isin(tiers)]
    st_t, st_i = np.searchsorted(tiers, sh["tier"].astype(int)), item_pos.get_indexer(sh["item"])
    given = np.zeros((T, I), bool)
    given[st_t, st_i] = True
    smin, smax, pi = (np.zeros((T, I)) for _ in range(3))
    smin[st_t, st_i] = sh["province_min"].astype(float)
    smax[st_t, st_i] = sh["province_max"].astype(float)
    pi[st_t, st_i] = sh["prefecture_share"].astype(float)

    # columns: σ, u, e
    sigma_pairs = np.flatnonzero(given.ravel())
    n_sigma = sigma_pairs.size
    sigma_col = np.full(T * I, -1)
    sigma_col[sigma_pairs] = np.arange(n_sigma)
    soft = (items["binding"] != "hard").to_numpy()
    u_keys = np.flatnonzero((soft[None, :, None] & (D > 0)).ravel())
    n_u = u_keys.size
    ur, ui, uy = np.unravel_index(u_keys, D.shape)
    n_e = len(units) * Y
    u0, e0 = n_sigma, n_sigma + n_u
    n_cols = e0 + n_e
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, np.inf)
    lower[:n_sigma], upper[:n_sigma] = smin.ravel()[sigma_pairs], smax.ravel()[sigma_pairs]
    upper[u0:e0] = D[ur, ui, uy]

    blocks = []  # (rows, cols, vals, lower, upper)
    # local part: u + D σ ≤ D
    k = np.arange(n_u)
    d = D[ur, ui, uy]
    s = sigma_col[tier_of[ur] * I + ui]
    blocks.append((np.r_[k, k], np.r_[u0 + k, s], np.r_[np.ones(n_u), d],
                   np.full(n_u, -np.inf), d))
    # affordability: -Σ αDσ - Σ α u - e ≤ Cap - Σ αD, per unit and year
    is_county = (receiving["parent"] != "").to_numpy()
    parent = unit_pos.get_indexer(receiving["parent"].where(is_county, receiving["code"]))
    pi_r = pi[tier_of]  # [r, i]
    alphas = [(np.arange(R), own, np.where(is_county[:, None], 1 - pi_r, 1.0)),
              (np.flatnonzero(is_county), parent[is_county], pi_r[is_county])]
    rows, cols, vals = [], [], []
    rhs = cap.copy()
    u_index = np.full(D.size, -1)
    u_index[u_keys] = u0 + k
    u_index = u_index.reshape(D.shape)
    for regs, us, alpha in alphas:
        ad = alpha[:, :, None] * D[regs]
        np.add.at(rhs, us, -ad.sum(axis=1))
        row = np.broadcast_to((us[:, None, None] * Y + np.arange(Y)), ad.shape)
        scol = np.broadcast_to(sigma_col[tier_of[regs][:, None] * I + np.arange(I)][:, :, None],
                               ad.shape)
        m = (scol >= 0) & (ad != 0)
        rows.append(row[m]), cols.append(scol[m]), vals.append(-ad[m])
        ucol = u_index[regs]
        full_alpha = np.broadcast_to(alpha[:, :, None], ad.shape)
        m = (ucol >= 0) & (full_alpha != 0)
        rows.append(row[m]), cols.append(ucol[m]), vals.append(-full_alpha[m])
    rows.append(np.arange(n_e)), cols.append(e0 + np.arange(n_e)), vals.append(-np.ones(n_e))
    blocks.append((np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                   np.full(n_e, -np.inf), rhs.ravel()))
    # budget and pool
    tier_total = np.zeros((T, I, Y))
    np.add.at(tier_total, tier_of, D)
    bud = f.get("budget")
    B = np.full(Y, np.nan)
    E = np.full(Y, np.nan)
    if bud is not None and len(bud):
        at = np.searchsorted(years, bud["year"].astype(int))
        B[at] = pd.to_numeric(bud.get("provincial_budget"), errors="coerce") / UNIT
        if "equalisation_pool" in bud:
            E[at] = pd.to_numeric(bud["equalisation_pool"], errors="coerce") / UNIT
    e_year = np.tile(np.arange(Y), len(units))
    for limit, with_sigma in ((B, True), (E, False)):
        years_limited = np.flatnonzero(np.isfinite(limit))
        row_of = np.full(Y, -1)
        row_of[years_limited] = np.arange(years_limited.size)
        r_, c_, v_ = [], [], []
        if with_sigma:
            tot = tier_total.reshape(T * I, Y)[sigma_pairs]
            for j, y in enumerate(years_limited):
                r_.append(np.full(n_sigma, j)), c_.append(np.arange(n_sigma))
                v_.append(tot[:, y])
        m = row_of[e_year] >= 0
        r_.append(row_of[e_year[m]]), c_.append(e0 + np.flatnonzero(m)), v_.append(np.ones(m.sum()))
        blocks.append((np.concatenate(r_), np.concatenate(c_), np.concatenate(v_),
                       np.full(years_limited.size, -np.inf), limit[years_limited]))
    # priority: σ[poorer] - σ[richer] ≥ 0 for consecutive tiers with a sharing row
    r_, c_, v_ = [], [], []
    count = 0
    for i in range(I):
        ts = np.flatnonzero(given[:, i])
        for a, bb in zip(ts[:-1], ts[1:], strict=True):
            r_ += [count, count]
            c_ += [sigma_col[bb * I + i], sigma_col[a * I + i]]
            v_ += [1.0, -1.0]
            count += 1
    blocks.append((np.array(r_, int), np.array(c_, int), np.array(v_, float), np.zeros(count),
                   np.full(count, np.inf)))

    offset, all_rows, all_cols, all_vals, row_lower, row_upper = 0, [], [], [], [], []
    for r_, c_, v_, lo, hi in blocks:
        all_rows.append(r_ + offset), all_cols.append(c_), all_vals.append(v_)
        row_lower.append(lo), row_upper.append(hi)
        offset += lo.size
    A = sp.csc_matrix((np.concatenate(all_vals), (np.concatenate(all_rows),
                                                 np.concatenate(all_cols))),
                      shape=(offset, n_cols))
    A.sum_duplicates()
    A.eliminate_zeros()
    keep = np.diff(A.tocsr().indptr) > 0  # rows without variables hold by the data
    A = A[keep]
    cost1 = np.zeros(n_cols)
    cost1[u0:e0] = w[ur, ui]
    cost2 = np.zeros(n_cols)
    cost2[:n_sigma] = tier_total.sum(axis=2).ravel()[sigma_pairs]
    cost2[e0:] = 1.0
    return dict(A=A, row_lower=np.concatenate(row_lower)[keep],
                row_upper=np.concatenate(row_upper)[keep], lower=lower, upper=upper,
                cost1=cost1, cost2=cost2, u=np.arange(u0, e0))


def solve(lp: dict, threads: int = 1) -> dict:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in {"threads": threads, "random_seed": 0, "solver": "simplex",
                       "simplex_strategy": 1, "primal_feasibility_tolerance": 1e-8,
                       "dual_feasibility_tolerance": 1e-8}.items():
        h.setOptionValue(key, value)
    A = lp["A"]
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = A.shape[1], A.shape[0]
    model.col_cost_, model.col_lower_, model.col_upper_ = lp["cost1"], lp["lower"], lp["upper"]
    model.row_lower_, model.row_upper_ = lp["row_lower"], lp["row_upper"]
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = A.indptr.astype(np.int32)
    model.a_matrix_.index_ = A.indices.astype(np.int32)
    model.a_matrix_.value_ = A.data
    h.passModel(model)
    started = time.perf_counter()
    h.run()
    stage1 = time.perf_counter() - started
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SystemExit(f"stage 1: {h.modelStatusToString(h.getModelStatus())}")
    z1 = max(h.getInfo().objective_function_value, 0.0)
    n = A.shape[1]
    h.changeColsCost(n, np.arange(n, dtype=np.int32), lp["cost2"])
    u = lp["u"].astype(np.int32)
    if z1 * UNIT <= 1e-6:
        z1 = 0.0
        h.changeColsBounds(u.size, u, np.zeros(u.size), np.zeros(u.size))
        h.clearSolver()
    else:
        weights = lp["cost1"][u]
        h.addRow(-highspy.kHighsInf, z1 + max(1e-7 * z1 * UNIT, 1e-6) / UNIT, u.size, u, weights)
        h.setOptionValue("simplex_strategy", 4)  # primal, warm from stage 1's basis
    started = time.perf_counter()
    h.run()
    stage2 = time.perf_counter() - started
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SystemExit(f"stage 2: {h.modelStatusToString(h.getModelStatus())}")
    z2 = h.getInfo().objective_function_value
    return {"z1": z1 * UNIT, "z2": z2 * UNIT, "stage1_seconds": round(stage1, 3),
            "stage2_seconds": round(stage2, 3), "columns": int(n), "rows": int(A.shape[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--pandas-engine", default="c", choices=("c", "pyarrow"))
    args = parser.parse_args()
    started = time.perf_counter()
    frames = read(args.case, args.pandas_engine)
    read_seconds = time.perf_counter() - started
    lp = build(frames)
    build_seconds = time.perf_counter() - started - read_seconds
    outcome = solve(lp)
    outcome.update(read_seconds=round(read_seconds, 3), build_seconds=round(build_seconds, 3),
                   total_seconds=round(time.perf_counter() - started, 3))
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
