"""``fiscalshare example``: write the packaged example, or a synthetic case of any size."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from fiscalshare.cli.common import lang_option

# Costs grow up to 5 % a year in the generator: 50 years keeps every row within the input limits
# (io/schema.py), so `validate` accepts every case `example synthetic` writes.
MAX_YEARS = 50


@click.group("example")
def command():
    """Write example cases."""


@command.command("synthetic")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--regions", type=click.IntRange(min=1), default=130, show_default=True,
              help="Counties.")
@click.option("--prefectures", type=click.IntRange(min=1), help="Prefectures (default ≈ regions/15).")
@click.option("--items", type=click.IntRange(min=1), default=80, show_default=True)
@click.option("--years", type=click.IntRange(1, MAX_YEARS), default=5, show_default=True,
              help=f"Planning years (1..{MAX_YEARS}: costs grow each year and stay within the "
              "input limits).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--budget-factor", type=click.FloatRange(min=0), help="Add a budget: co-financing "
              "at the lowest shares plus this share of the estimated equalisation need.")
@click.option("--hard", is_flag=True, help="The hard regime: solve the case without limits, then "
              "give it a pool of 30 % of that optimum's equalisation and a budget of the "
              "co-financing at the lowest shares plus 30 % of what the optimum spends beyond it.")
@click.option("--force", is_flag=True, help="Replace an existing OUT.")
@lang_option
def synthetic(out, regions, prefectures, items, years, seed, budget_factor, hard, force, lang):
    """Write a synthetic case to OUT (a folder of CSV files, or OUT.xlsx)."""
    from fiscalshare.examples.synthetic import generate
    from fiscalshare.io import write_case
    from fiscalshare.runs.folder import RunExistsError, check_out_path

    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it")
    if out.suffix.lower() != ".xlsx" or out.is_dir():
        check_out_path(out, force=force, owned=_is_case_folder)
    elif out.is_symlink():
        raise RunExistsError(f"{out} is a symbolic link; give the file itself")
    tables = generate(regions, items, years, seed, prefectures=prefectures,
                      budget_factor=budget_factor)
    if hard:
        tables = _hard(tables)
    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    write_case(tables, out)
    from fiscalshare.report.labels import label

    click.echo(label("example_synthetic", lang).format(out=out, regions=regions, items=items,
                                                       years=years, seed=seed))


@command.command("guizhou")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--variant", type=click.Choice(["guizhou", "guizhou-lowbudget"]), default="guizhou",
              show_default=True)
@click.option("--force", is_flag=True)
@lang_option
def guizhou(out, variant, force, lang):
    """Copy the packaged Guizhou example (a CSV folder) to OUT, or write it as OUT.xlsx."""
    from fiscalshare.examples import example_path
    from fiscalshare.io import read_tables, write_case
    from fiscalshare.runs.folder import RunExistsError, check_out_path

    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it")
    if out.suffix.lower() != ".xlsx" or out.is_dir():
        check_out_path(out, force=force, owned=_is_case_folder)
    source = example_path(variant)
    if out.suffix.lower() == ".xlsx":
        tables, _ = read_tables(source)
        write_case(tables, out, labelled=True)
    else:
        shutil.copytree(source, out, dirs_exist_ok=True)
    from fiscalshare.report.labels import label

    click.echo(label("example_copied", lang).format(out=out, variant=variant))


def _is_case_folder(folder: Path) -> bool:
    """A folder holding only the CSV files of a case: the only folder --force may replace."""
    from fiscalshare.io.schema import SHEETS

    return all(p.is_file() and p.suffix == ".csv" and p.stem in SHEETS for p in folder.iterdir())


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
@lang_option
def gansu(out, force, lang):
    """Copy the packaged Gansu county-level example (a CSV folder) to OUT, or write it as
    OUT.xlsx."""
    guizhou.callback(out, "gansu", force, lang)  # the same copy, of another packaged example
