"""Versions recorded with every run, read from package metadata (no heavy imports)."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from fiscalshare import __version__


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def version_attrs() -> dict[str, str]:
    return {
        "fiscalshare_version": __version__,
        "pyomo_version": _version("pyomo"),
        "highs_version": _version("highspy"),
        "python_version": platform.python_version(),
    }
