"""Model configurations (``models/*.yaml``): load, validate, resolve, and check against a case.

The resolved configuration is a plain JSON-able dict stored with every run, so a run can be
reproduced from its manifest alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np

from fiscalshare.errors import ConfigError, InputError, Problem
from fiscalshare.quantities import DEFAULT_PHI

DEFAULTS = {
    "ratio_mode": "optimise",
    "equalisation": "on",
    "eta": 1.0,
    "phi": dict(DEFAULT_PHI),
    "mip_rel_gap": 1e-6,
    "time_limit": None,
    "threads": 1,
    "random_seed": 0,
    "method": "auto",
}
METHODS = {"auto", "simplex", "dual", "primal", "ipm"}
_DESCRIPTION = "description"


def configurations_dir() -> Path:
    """The packaged configurations (a link to the project's top-level ``models/``)."""
    return Path(str(resources.files("fiscalshare") / "configurations"))


def available() -> list[str]:
    return sorted(p.stem for p in configurations_dir().glob("*.yaml"))


def _find(model: str | Path) -> Path:
    path = Path(model)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ConfigError([Problem("model", f"configuration file {path} not found")])
        return path
    candidate = configurations_dir() / f"{model}.yaml"
    if not candidate.is_file():
        raise ConfigError([Problem("model", f"unknown configuration {model!r}; "
                                   f"available: {', '.join(available())}")])
    return candidate


def load_config(model: str | Path | None = None, overrides: Mapping | None = None) -> dict:
    """Resolve a configuration name or path, apply ``overrides``, validate every key."""
    import yaml

    name = "default" if model is None else str(model)
    path = _find(name)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(path.name, f"not valid YAML: {exc}")]) from None
    if not isinstance(loaded, dict):
        raise ConfigError([Problem(path.name, "expected a mapping of keys to values")])
    description = loaded.pop(_DESCRIPTION, "")
    config = {**DEFAULTS, "phi": dict(DEFAULTS["phi"])}
    config.update(loaded)
    config.update(dict(overrides or {}))
    config["name"] = path.stem
    config[_DESCRIPTION] = str(description)
    _validate(config, path.name)
    return config


def _validate(config: dict, source: str) -> None:
    problems = []

    def bad(key, message):
        problems.append(Problem(source, message, column=key))

    unknown = set(config) - set(DEFAULTS) - {"name", _DESCRIPTION}
    for key in sorted(unknown):
        bad(key, f"unknown key; accepted keys: {', '.join(sorted(DEFAULTS))}")
    if config["ratio_mode"] not in ("fixed", "optimise", "menu"):
        bad("ratio_mode", f"expected fixed, optimise or menu, found {config['ratio_mode']!r}")
    equalisation = config["equalisation"]
    if isinstance(equalisation, bool):  # YAML reads a bare on/off as a boolean
        config["equalisation"] = equalisation = "on" if equalisation else "off"
    if equalisation not in ("on", "off"):
        bad("equalisation", f"expected on or off, found {equalisation!r}")
    for key, low in (("eta", 0.0), ("mip_rel_gap", 0.0)):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value) \
                or value < low:
            bad(key, f"expected a number ≥ {low:g}, found {value!r}")
        else:
            config[key] = float(value)
    phi = config["phi"]
    if not isinstance(phi, Mapping):
        bad("phi", "expected a mapping flag → number ≥ 0")
    else:
        merged = dict(DEFAULT_PHI)
        for flag, value in phi.items():
            if flag not in DEFAULT_PHI:
                bad("phi", f"unknown flag {flag!r}; flags: {', '.join(DEFAULT_PHI)}")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                bad("phi", f"{flag}: expected a number ≥ 0, found {value!r}")
            else:
                merged[flag] = float(value)
        config["phi"] = merged
    limit = config["time_limit"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float)
                              or limit <= 0):
        bad("time_limit", f"expected seconds > 0 or nothing, found {limit!r}")
    threads = config["threads"]
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        bad("threads", f"expected a whole number ≥ 1, found {threads!r}")
    if isinstance(config["random_seed"], bool) or not isinstance(config["random_seed"], int):
        bad("random_seed", f"expected a whole number, found {config['random_seed']!r}")
    if config["method"] not in METHODS:
        bad("method", f"expected one of {', '.join(sorted(METHODS))}, found {config['method']!r}")
    if problems:
        raise ConfigError(problems)


def check_case(inputs, config: dict) -> None:
    """Inputs that contradict themselves under this configuration (spec/model.md, exit 2)."""
    mode = config["ratio_mode"]
    if mode == "fixed":
        return
    tiers = [int(t) for t in inputs["tier"].values]
    items = [str(i) for i in inputs["item"].values]
    smin = inputs["province_min"].transpose("tier", "item").values
    smax = inputs["province_max"].transpose("tier", "item").values
    given = inputs["sharing_given"].transpose("tier", "item").values
    menu = np.asarray(inputs["ratio_menu"].values, dtype=float)
    problems = []
    if mode == "menu" and menu.size == 0:
        problems.append(Problem("ratio_menu", "menu mode needs a ratio_menu sheet with shares"))
    for t in range(len(tiers)):
        for i in range(len(items)):
            if not given[t, i]:
                continue
            place = f"sharing (tier {tiers[t]}, item {items[i]})"
            if mode == "menu" and menu.size:
                inside = (menu >= smin[t, i] - 1e-12) & (menu <= smax[t, i] + 1e-12)
                if not inside.any():
                    problems.append(Problem(place, f"no ratio_menu share lies in "
                                            f"[{smin[t, i]:g}, {smax[t, i]:g}]"))
    # Priority chain: σ of a poorer tier ≥ σ of a richer one, so smin may never exceed the
    # smax of any poorer tier linked to it through consecutive rows.
    for i in range(len(items)):
        floor = None  # the largest smin along the current chain of consecutive sharing rows
        for t in range(len(tiers)):
            if not given[t, i]:
                floor = None
                continue
            if floor is not None and floor > smax[t, i] + 1e-12:
                problems.append(Problem(
                    f"sharing (tier {tiers[t]}, item {items[i]})",
                    f"province_max {smax[t, i]:g} is below province_min {floor:g} of a "
                    f"richer tier: poorer tiers may never get a smaller share",
                ))
            floor = smin[t, i] if floor is None else max(floor, smin[t, i])
    if problems:
        raise InputError(problems)
