"""``fiscalshare docs [DIR]``: write the documentation that is derived from code (``make docs``).

``formulation.md`` comes from the docstrings of the model's modules (the mathematics is written
once, next to the code that builds it), ``inputs.md`` from the sheet declarations,
``datasets.md`` and ``results.md`` from the Dataset declarations.  Everything is rendered from the
installed package, so the command works outside a source checkout; tests fail when a file in
the project's docs/ is stale.
"""

from __future__ import annotations

from pathlib import Path

import click


def formulation_markdown() -> str:
    from fiscalshare.model.formulation import formulation_markdown as render

    return render()


def inputs_markdown() -> str:
    from fiscalshare.io.schema import render_markdown

    return render_markdown()


def datasets_markdown() -> str:
    from fiscalshare.datasets import datasets_markdown as render

    return render()


def results_markdown() -> str:
    from fiscalshare.datasets import results_markdown as render

    return render()


GENERATED = {
    "formulation.md": formulation_markdown,
    "inputs.md": inputs_markdown,
    "datasets.md": datasets_markdown,
    "results.md": results_markdown,
}


def write_docs(folder: Path) -> list[Path]:
    """Write every generated page into ``folder`` (created if missing); returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in GENERATED.items():
        path = folder / name
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written


@click.command("docs")
@click.argument("folder", required=False, default="docs", type=click.Path(path_type=Path))
def command(folder: Path):
    """Write the generated documentation pages into FOLDER (default: docs)."""
    for path in write_docs(folder):
        click.echo(f"wrote {path}")
