"""Generate the documentation that is derived from code (``make docs``).

``docs/formulation.md`` comes from the docstrings of the constraint families and of the
objectives and bounds, so the mathematics is written once, next to the code that builds it;
``docs/inputs.md`` comes from the sheet declarations.  Tests fail when either file is stale.
"""

from __future__ import annotations

import inspect
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def formulation_markdown() -> str:
    from fiscalshare.lp import assemble, families, solver, structure

    lines = [
        "# The allocation model as implemented",
        "",
        "Generated from the docstrings in `src/fiscalshare/lp/` by `make docs`; do not edit by hand.",
        "The contract is `../shared/spec/model.md`.",
        "",
        "## Data preparation",
        "",
        inspect.cleandoc(structure.__doc__),
        "",
        "## Variables and bounds",
        "",
        inspect.cleandoc(assemble.column_bounds.__doc__),
        "",
        "## Constraint families",
        "",
        inspect.cleandoc(families.__doc__),
        "",
    ]
    for family in families.FAMILIES:
        lines += [f"### `{family.__name__}`", "", inspect.cleandoc(family.__doc__), ""]
    lines += ["## Objectives", "", inspect.cleandoc(assemble.objectives.__doc__), "",
              "## The lexicographic solve", "", inspect.cleandoc(solver.__doc__), ""]
    return "\n".join(lines)


def inputs_markdown() -> str:
    from fiscalshare.io.schema import render_markdown

    return render_markdown()


GENERATED = {"formulation.md": formulation_markdown, "inputs.md": inputs_markdown}


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, render in GENERATED.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
