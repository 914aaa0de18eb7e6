"""The objective regression table: z1, z2 and the status quo of every packaged example under
every configuration in models/ (``tests/data/objectives.csv``).

Re-baseline deliberately, after a change of numbers you mean to make, with

    .venv/bin/python -m tests.objectives

and commit the new CSV with the change that explains it; ``tests/test_objectives.py`` re-solves
every row and fails on any figure that moved by more than 1e-6 relative.
"""

from __future__ import annotations

import csv
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "objectives.csv"
FIGURES = ("z1", "z2", "status_quo_z1", "status_quo_money", "status_quo_shortfall")


def pairs() -> list[tuple[str, str]]:
    """(example, configuration) for every packaged example and every models/*.yaml."""
    from fiscalshare.config import available
    from fiscalshare.examples import list_examples

    return [(example, model) for example in list_examples() for model in available()]


def figures(example: str, model: str) -> dict[str, float]:
    """The optimum's objectives and the status quo's figures (yuan) of one pair."""
    from fiscalshare.analysis.baseline import baseline_allocation
    from fiscalshare.config import load_config
    from fiscalshare.examples import example_path
    from fiscalshare.io import load_case
    from fiscalshare.solve import solve_case

    inputs = load_case(example_path(example))
    config = load_config(model)
    results = solve_case(inputs, config)
    status_quo = baseline_allocation(inputs, config)
    return {
        "z1": float(results.attrs["objective_shortfall"]),
        "z2": float(results.attrs["objective_cost"]),
        "status_quo_z1": float(status_quo.attrs["objective_shortfall"]),
        "status_quo_money": float(status_quo.attrs["objective_cost"]),
        "status_quo_shortfall": float(status_quo["shortfall"].sum()),
    }


def read_table(path: Path = TABLE) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{**row, **{f: float(row[f]) for f in FIGURES}} for row in rows]


def write_table(path: Path = TABLE) -> Path:
    rows = [{"example": e, "model": m, **figures(e, m)} for e, m in pairs()]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["example", "model", *FIGURES],
                                lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return path


if __name__ == "__main__":
    print(f"wrote {write_table()}")
