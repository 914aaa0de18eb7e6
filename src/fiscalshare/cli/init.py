"""``fiscalshare init DIR``: a working folder with the example case and the model configurations."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from fiscalshare.cli.common import lang_option


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a non-empty folder.")
@lang_option
def command(folder: Path, force: bool, lang: str):
    """Copy the Guizhou example (CSV and .xlsx) and models/*.yaml into FOLDER."""
    from fiscalshare.config import configurations_dir
    from fiscalshare.examples import example_path, list_examples
    from fiscalshare.io import read_tables, write_case
    from fiscalshare.runs.folder import RunExistsError

    if folder.exists() and any(folder.iterdir()) and not force:
        raise RunExistsError(f"{folder} is not empty; give --force to write into it")
    inputs = folder / "inputs"
    models = folder / "models"
    inputs.mkdir(parents=True, exist_ok=True)
    models.mkdir(exist_ok=True)
    for name in list_examples():
        shutil.copytree(example_path(name), inputs / name, dirs_exist_ok=True)
        tables, _ = read_tables(example_path(name))
        write_case(tables, inputs / f"{name}.xlsx", labelled=True)
    for config in sorted(configurations_dir().glob("*.yaml")):
        shutil.copy2(config, models / config.name)
    from fiscalshare.report.labels import label

    click.echo(label("init_written", lang).format(folder=folder, inputs="inputs/",
                                                  models="models/"))
    click.echo(label("init_next", lang).format(command=f"fiscalshare solve {inputs / 'guizhou.xlsx'}"
                                               f" --model {models / 'default.yaml'}"))
