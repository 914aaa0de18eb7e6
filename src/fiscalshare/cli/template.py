"""``fiscalshare template OUT.xlsx``: a blank input workbook to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from fiscalshare.cli.common import lang_option


@click.command("template")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing file.")
@lang_option
def command(out: Path, force: bool, lang: str):
    """Write a blank workbook with every sheet, Chinese labels, instructions and drop-downs."""
    from fiscalshare.io.template import write_template
    from fiscalshare.runs.folder import RunExistsError

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an .xlsx workbook", param_hint="OUT")
    if out.exists() and not force:
        raise RunExistsError(f"{out} exists; give --force to replace it")
    write_template(out)
    from fiscalshare.report.labels import label

    click.echo(label("template_written", lang).format(out=out,
                                                   command=f"fiscalshare validate {out}"))
