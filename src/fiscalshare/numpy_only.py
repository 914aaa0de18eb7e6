"""Keep xarray from importing dask arrays in commands that hold every array in memory.

With dask installed (the sweeps run on dask.distributed), xarray imports ``dask.array``, and
with it scipy's FFT modules, the first time it builds a variable, only to ask whether each array
is a dask array: 0.4 s of a county-level run that takes 2 s in all.  No command but ``sweep``
ever holds a dask array, so the others record dask arrays as unavailable in xarray's cache of
array libraries before building the first one.  Where xarray's cache is not where this expects it
(another xarray version), nothing changes but the time.

(xarray still imports ``dask`` and ``distributed`` when it writes a netCDF file, 0.3 s, to learn
which dask scheduler is in use; answering that for it would mean copying dask's own rules.)
"""

from __future__ import annotations

import sys


def numpy_arrays_only() -> bool:
    """Record dask arrays as unavailable to xarray unless dask arrays are loaded already;
    True when recorded."""
    if "dask.array" in sys.modules:  # someone uses dask arrays in this process: leave them be
        return False
    try:
        from xarray.namedarray import pycompat

        cache = pycompat._cached_duck_array_modules
        absent = pycompat.DuckArrayModule("fiscalshare._no_dask_arrays")  # an import that fails
    except Exception:  # noqa: BLE001 - another xarray: only slower
        return False
    if absent.available or not isinstance(cache, dict):
        return False
    cache.setdefault("dask", absent)
    return cache["dask"] is absent
