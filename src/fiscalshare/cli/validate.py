"""``fiscalshare validate CASE``: every problem at once (exit 2), or a short summary (exit 0)."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import case_argument, echo, print_warnings, resolve_case


@click.command("validate")
@case_argument
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the summary and of the problems found.")
def command(case: Path | None, lang: str):
    """Check CASE (a workbook or CSV folder; default: the packaged example) and summarise it."""
    from fiscalshare.io import load_case
    from fiscalshare.quantities import standard_cost
    from fiscalshare.report.labels import label

    path = resolve_case(case)
    warnings: list = []
    ds = load_case(path, warnings=warnings)
    print_warnings(warnings, lang)
    receiving = int(ds.sizes["region"])
    units = int(ds.sizes["unit"])
    echo(label("validate_valid", lang).format(path=path, case=ds.attrs["case"],
                                              province=ds.attrs["province"]))
    click.echo(label("validate_regions", lang).format(
        receiving=receiving, prefectures=units - receiving, items=ds.sizes["item"],
        first=ds.attrs["first_year"], last=ds.attrs["last_year"],
        tiers=", ".join(str(t) for t in ds["tier"].values)))
    hard = int((ds["binding"] == "hard").sum())
    click.echo(label("validate_items", lang).format(hard=hard, soft=ds.sizes["item"] - hard,
                                                    warnings=len(warnings)))
    cost = standard_cost(ds).sum(("region", "item"))
    click.echo(label("validate_cost", lang).format(costs=", ".join(
        f"{int(y)} {float(v) / 1e4:,.2f}" for y, v in zip(ds["year"].values, cost.values,
                                                          strict=True))))
