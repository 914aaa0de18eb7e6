"""The allocation model of docs/model.md, built with Pyomo from prepared numpy arrays.

Only this package and :mod:`fiscalshare.solve` import Pyomo.  :func:`build` returns the model
compiled to standard form (:class:`StandardForm`), which the solver adapter hands to HiGHS.
"""

from fiscalshare.model.unused_scipy import defer_unused_scipy_modules

defer_unused_scipy_modules()  # before anything imports Pyomo

from fiscalshare.model.build import StandardForm, build  # noqa: E402
from fiscalshare.model.coefficients import MONEY_UNIT, Coefficients, prepare  # noqa: E402

__all__ = ["MONEY_UNIT", "Coefficients", "StandardForm", "build", "prepare"]
