"""``fiscalshare validate CASE``: every problem at once (exit 2), or a short summary (exit 0)."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import case_argument, echo, print_warnings, resolve_case


@click.command("validate")
@case_argument
def command(case: Path | None):
    """Check CASE (a workbook or CSV folder; default: the packaged example) and summarise it."""
    from fiscalshare.io import load_case
    from fiscalshare.quantities import standard_cost

    path = resolve_case(case)
    warnings: list = []
    ds = load_case(path, warnings=warnings)
    print_warnings(warnings)
    receiving = int(ds.sizes["region"])
    units = int(ds.sizes["unit"])
    echo(f"{path}: valid case '{ds.attrs['case']}' ({ds.attrs['province']})")
    click.echo(f"  {receiving} receiving regions, {units - receiving} prefectures with counties, "
               f"{ds.sizes['item']} items, years {ds.attrs['first_year']}–{ds.attrs['last_year']}, "
               f"tiers {', '.join(str(t) for t in ds['tier'].values)}")
    hard = int((ds["binding"] == "hard").sum())
    click.echo(f"  {hard} hard and {ds.sizes['item'] - hard} soft items; "
               f"{len(warnings)} warning(s)")
    cost = standard_cost(ds).sum(("region", "item"))
    click.echo("  standard cost (亿元): " + ", ".join(
        f"{int(y)} {float(v) / 1e8:,.2f}" for y, v in zip(ds["year"].values, cost.values,
                                                           strict=True)))
