"""Constants every layer shares, importable without numpy or xarray.

The ``solve`` command forks the process that draws the plots before it imports pandas and
xarray (:func:`fiscalshare.workflows.plots_ahead`), so what that process and the command line
need at start-up must not pull them in.
"""

WAN = 1e4  # yuan per 万元: the unit of every figure a person reads, and of money inside the model

DEFAULT_PHI = {"poverty_exited": 0.2, "ethnic": 0.2, "border": 0.2, "old_revolutionary": 0.1}
