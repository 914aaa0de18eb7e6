"""Keep xarray from importing dask in commands that hold every array in memory.

With dask installed (the sweeps run on dask.distributed), xarray imports dask where a command
that never uses dask gains nothing from it:

- ``dask.array``, and with it scipy's FFT modules (0.4 s), the first time it builds a variable,
  only to ask whether each array is a dask array;
- ``dask.base`` (0.15 s) to ask whether an array is a dask collection;
- ``dask.distributed`` (0.15 s) when it writes a netCDF file, to learn which dask scheduler
  runs, so as to pick a lock for the file.

No command but ``sweep`` ever holds a dask array, so the others record dask arrays as
unavailable in xarray's cache of array libraries before building the first one, and answer the
other two questions themselves while dask is not imported: a process that never imported dask
holds no dask collection and runs no dask scheduler (for which xarray's own answer is None: a
plain thread lock).  Where xarray's internals are not where this expects them (another xarray
version), nothing changes but the time.
"""

from __future__ import annotations

import functools
import sys


def numpy_arrays_only() -> bool:
    """Record dask arrays as unavailable to xarray unless dask arrays are loaded already, and
    keep xarray's other dask questions from importing dask; True when recorded."""
    if "dask.array" in sys.modules:  # someone uses dask arrays in this process: leave them be
        return False
    _no_dask_lookups_without_dask()
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


def _no_dask_lookups_without_dask() -> None:
    """xarray's questions to dask (is this a dask collection? which scheduler runs?) answered
    without importing it while dask is not imported: no dask object exists in such a process
    and no scheduler runs (None is xarray's own answer when dask is absent)."""
    try:
        from xarray.backends import locks, writers
        from xarray.core import utils as core_utils
        from xarray.namedarray import utils as namedarray_utils
    except Exception:  # noqa: BLE001 - another xarray: only slower
        return
    for name, answer, modules in (
            ("is_dask_collection", False, (namedarray_utils, core_utils)),
            ("get_dask_scheduler", None, (locks, writers))):
        original = getattr(modules[0], name, None)
        if original is None or getattr(original, "_without_dask", False):
            continue
        wrapped = _unless_dask_imported(original, answer)
        for module in modules:
            if getattr(module, name, None) is original:
                setattr(module, name, wrapped)


def _unless_dask_imported(original, answer):
    @functools.wraps(original)
    def ask(*args, **kwargs):
        if "dask" not in sys.modules:
            return answer
        return original(*args, **kwargs)

    ask._without_dask = True
    return ask
