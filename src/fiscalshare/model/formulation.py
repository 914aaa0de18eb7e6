"""``docs/formulation.md``, generated from the docstrings of the model's modules.

The mathematics is written once, next to the code that builds it; this module only strings the
docstrings together in build order (``fiscalshare docs`` writes the page).  A test fails when a
constraint family has no mathematics or when the file in ``docs/`` differs from what this
produces (``make docs`` rewrites it).
"""

from __future__ import annotations

import inspect

from fiscalshare.model import coefficients, constraints, objective, variables
from fiscalshare.model.constraints import FAMILIES


def _doc(module) -> str:
    return inspect.cleandoc(module.__doc__ or "")


def family_title(module) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def formulation_markdown() -> str:
    lines = [
        "# The allocation model as implemented",
        "",
        "Generated from the docstrings in `src/fiscalshare/model/` "
        "(`fiscalshare.model.formulation`); do not edit by hand — run `make docs`.",
        "The model itself — sets, data, decisions, constraints, objectives — is stated in "
        "[model.md](model.md); the symbols are those of that page.",
        "",
        "## Data preparation",
        "",
        _doc(coefficients),
        "",
        "## Variables",
        "",
        _doc(variables),
        "",
        "## Constraint families",
        "",
        _doc(constraints),
        "",
    ]
    for module in FAMILIES:
        lines += [f"### `{family_title(module)}`", "", _doc(module), ""]
    lines += ["## Objectives", "", _doc(objective), ""]
    return "\n".join(lines)
