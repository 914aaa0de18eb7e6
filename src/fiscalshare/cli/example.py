"""``fiscalshare example``: write the packaged example, or a synthetic case of any size."""

from __future__ import annotations

import shutil
from pathlib import Path

import click


@click.group("example")
def command():
    """Write example cases."""


@command.command("synthetic")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--regions", type=click.IntRange(min=1), default=130, show_default=True,
              help="Counties.")
@click.option("--prefectures", type=click.IntRange(min=1), help="Prefectures (default ≈ regions/15).")
@click.option("--items", type=click.IntRange(min=1), default=80, show_default=True)
@click.option("--years", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--budget-factor", type=click.FloatRange(min=0), help="Add a budget: co-financing "
              "at the lowest shares plus this share of the estimated equalisation need.")
@click.option("--hard", is_flag=True, help="The hard regime: solve the case without limits, then "
              "give it a pool of 30 % of that optimum's equalisation and a budget of the "
              "co-financing at the lowest shares plus 30 % of what the optimum spends beyond it.")
@click.option("--force", is_flag=True, help="Replace an existing OUT.")
def synthetic(out, regions, prefectures, items, years, seed, budget_factor, hard, force):
    """Write a synthetic case to OUT (a folder of CSV files, or OUT.xlsx)."""
    from fiscalshare.examples.synthetic import generate
    from fiscalshare.io import write_case
    from fiscalshare.runs.folder import RunExistsError

    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it")
    tables = generate(regions, items, years, seed, prefectures=prefectures,
                      budget_factor=budget_factor)
    if hard:
        tables = _hard(tables)
    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    write_case(tables, out)
    click.echo(f"{out}: {regions} counties, {items} items, {years} years (seed {seed})")


@command.command("guizhou")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--variant", type=click.Choice(["guizhou", "guizhou-lowbudget"]), default="guizhou",
              show_default=True)
@click.option("--force", is_flag=True)
def guizhou(out, variant, force):
    """Copy the packaged Guizhou example (a CSV folder) to OUT, or write it as OUT.xlsx."""
    from fiscalshare.examples import example_path
    from fiscalshare.io import read_tables, write_case
    from fiscalshare.runs.folder import RunExistsError

    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it")
    source = example_path(variant)
    if out.suffix.lower() == ".xlsx":
        tables, _ = read_tables(source)
        write_case(tables, out, labelled=True)
    else:
        shutil.copytree(source, out, dirs_exist_ok=True)
    click.echo(f"{out}: the {variant} example")


def _hard(tables):
    """The hard regime of ``tables``, from their optimum without budget or pool."""
    from fiscalshare.config import load_config
    from fiscalshare.examples.synthetic import hard_regime
    from fiscalshare.io.dataset import build_inputs
    from fiscalshare.quantities import by_region_tier, remainder
    from fiscalshare.solve import solve_case

    inputs = build_inputs(tables)
    results = solve_case(inputs, load_config("default"))
    floor = by_region_tier(inputs, inputs["province_min"])
    obligation = (floor * remainder(inputs)).sum(("region", "item")).values
    return hard_regime(tables, results["equalisation"].sum("unit").values,
                       results["transfer"].sum("unit").values, obligation)


@command.command("gansu")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True)
def gansu(out, force):
    """Copy the packaged Gansu county-level example (a CSV folder) to OUT, or write it as
    OUT.xlsx."""
    guizhou.callback(out, "gansu", force)  # the same copy, of another packaged example
