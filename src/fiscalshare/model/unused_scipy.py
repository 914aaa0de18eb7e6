"""Keep Pyomo from loading parts of scipy that nothing here uses.

Pyomo's dependency layer, when it is imported after scipy (or when scipy is imported after
it), imports ``scipy.stats``, ``scipy.integrate`` and ``scipy.spatial`` so that it may assume
they are there: 0.5–1 s on this machine class, more than a small case's whole solve.  Neither
fiscalshare nor the parts of Pyomo it uses (the model's components and
``LinearStandardFormCompiler``) use them.  Each is given a stand-in in ``sys.modules`` that
loads the real module the first time one of its names is asked for, if ever.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

UNUSED = ("scipy.stats", "scipy.integrate", "scipy.spatial")
_LOADING = threading.RLock()  # one thread puts the real modules in place (which may load others)


class _StandIn(types.ModuleType):
    """In ``sys.modules`` in place of a module until a name of it is asked for."""

    def __getattr__(self, name: str):  # only for names the stand-in does not have
        return getattr(_load(self.__name__), name)


def _load(name: str) -> types.ModuleType:
    """The real module, imported now, in ``sys.modules`` and on its package in place of the
    stand-in."""
    with _LOADING:
        if isinstance(sys.modules.get(name), _StandIn):
            del sys.modules[name]
        module = importlib.import_module(name)
        package, _, child = name.rpartition(".")
        setattr(sys.modules[package], child, module)
    return module


def defer_unused_scipy_modules() -> None:
    """A stand-in for each of :data:`UNUSED` that is not imported yet."""
    for name in UNUSED:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)  # imports scipy itself (a few ms)
        if spec is None:
            continue
        stand_in = _StandIn(name)
        stand_in.__spec__ = spec  # what the import system reads of a module it finds here
        stand_in.__package__ = name
        sys.modules[name] = stand_in
        package, _, child = name.rpartition(".")
        setattr(sys.modules[package], child, stand_in)
