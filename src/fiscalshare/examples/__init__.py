"""Example cases shipped inside the package (never downloaded) and the synthetic generator.

``guizhou`` is built from public facts and labelled assumptions by ``build_guizhou.py``;
``guizhou-lowbudget`` is the same case with a tighter provincial budget.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fiscalshare.errors import InputError


def _root() -> Path:
    return Path(str(resources.files("fiscalshare.examples")))


def list_examples() -> list[str]:
    return sorted(p.name for p in _root().iterdir() if p.is_dir() and (p / "meta.csv").exists())


def example_path(name: str) -> Path:
    path = _root() / name
    if not (path / "meta.csv").exists():
        raise InputError(f"no packaged example {name!r}; available: {', '.join(list_examples())}")
    return path
