"""Generate the documentation that is derived from code (``make docs``).

``docs/formulation.md`` comes from the docstrings of the model's modules
(``fiscalshare.model.formulation``), so the mathematics is written once, next to the code that
builds it; ``docs/inputs.md`` comes from the sheet declarations.  Tests fail when either file is stale.
"""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def formulation_markdown() -> str:
    from fiscalshare.model.formulation import formulation_markdown as render

    return render()


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
