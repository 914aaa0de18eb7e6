"""The constraint families of docs/model.md, one module each, in the order they are built.

Every module has a docstring with its mathematics (``docs/formulation.md`` is generated from
them) and a function ``rows(coefficients, columns) -> list[RowBlock]`` that prepares its rows
with numpy.  Constraint 6 (hard items are met) has no rows: hard items get no shortfall column.
"""

from __future__ import annotations

from fiscalshare.model.constraints import affordability, budget, local_part, menu, pool, priority

FAMILIES = (local_part, affordability, budget, pool, priority, menu)
