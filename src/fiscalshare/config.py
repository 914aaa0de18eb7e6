"""Model configurations (``models/*.yaml``): find, read, validate, resolve, check against a case.

A configuration names the modelling choices of spec/model.md (ratio mode, equalisation, η, φ,
MIP gap, time limit) and the solver's (threads, random seed, method).  The resolved
configuration is a plain JSON-able dict stored with every run, so a run can be reproduced from
its manifest alone.  Every problem is reported with the key it concerns (exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np

from fiscalshare.errors import ConfigError, InputError, Problem
from fiscalshare.quantities import DEFAULT_PHI

# Largest priority settings the LP represents faithfully: a region's weight is at most
# 100^η · Π(1 + φ) times the average (the capacity floor is 1 % of the mean), and beyond
# 100^5 = 1e10 the weights swamp HiGHS's tolerances (``--eta 1e300`` made the check fail).
MAX_ETA = 5.0
MAX_PHI = 10.0

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
    "backend": "auto",
}
RATIO_MODES = ("fixed", "optimise", "menu")
METHODS = ("auto", "dual", "primal", "ipm", "choose")
BACKENDS = ("auto", "pyomo", "matrix")
DESCRIPTION = "description"  # free text at the top of a file, kept in the resolved dict
SHARE_TOLERANCE = 1e-12


def configurations_dir() -> Path:
    """The packaged configurations (a link to the project's top-level ``models/``)."""
    return Path(str(resources.files("fiscalshare") / "configurations"))


def available() -> list[str]:
    return sorted(p.stem for p in configurations_dir().glob("*.yaml"))


def load_config(model: str | Path | None = None, overrides: Mapping | None = None) -> dict:
    """Resolve a configuration ``NAME`` (``models/NAME.yaml``) or a path, apply ``overrides``
    (single keys, e.g. from command-line flags) and validate every key."""
    import yaml

    path = _locate("default" if model is None else model)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(path.name, f"not a readable YAML file: {exc}")]) from None
    if not isinstance(loaded, dict):
        raise ConfigError([Problem(path.name, "expected a mapping of keys to values, found "
                                   f"{type(loaded).__name__}")])
    description = loaded.pop(DESCRIPTION, "")
    config = {**DEFAULTS, "phi": dict(DEFAULT_PHI)}
    problems = _merge(config, loaded, path.name)
    problems += _merge(config, dict(overrides or {}), "overrides")
    config["name"] = path.stem
    config[DESCRIPTION] = "" if description is None else str(description)
    problems += _validate(config, path.name)
    if problems:
        raise ConfigError(problems)
    return config


def _locate(model: str | Path) -> Path:
    path = Path(model)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise ConfigError([Problem("model", f"configuration file {path} not found")])
        return path
    candidate = configurations_dir() / f"{model}.yaml"
    if not candidate.is_file():
        raise ConfigError([Problem("model", f"unknown configuration {str(model)!r}; "
                                   f"available: {', '.join(available())}")])
    return candidate


def _merge(config: dict, layer: dict, source: str) -> list[Problem]:
    """Lay ``layer`` over ``config``; ``phi`` merges flag by flag, unknown keys are problems.
    A ``None`` override means "not given" (a flag that was not used)."""
    problems = []
    for key, value in layer.items():
        if key not in DEFAULTS:
            problems.append(Problem(source, f"unknown key; accepted keys: "
                                    f"{', '.join(DEFAULTS)}", column=str(key)))
        elif key == "phi" and isinstance(value, Mapping):
            config["phi"] = {**config["phi"], **value}
        elif value is not None or source != "overrides":
            config[key] = value
    return problems


def _validate(config: dict, source: str) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(source, message, column=key))

    if config["ratio_mode"] not in RATIO_MODES:
        bad("ratio_mode", f"expected one of {', '.join(RATIO_MODES)}, found "
            f"{config['ratio_mode']!r}")
    switch = config["equalisation"]
    if isinstance(switch, bool):  # YAML 1.1 reads a bare on/off as a boolean
        switch = "on" if switch else "off"
    config["equalisation"] = switch
    if switch not in ("on", "off"):
        bad("equalisation", f"expected on or off, found {switch!r}")
    for key, most in (("eta", MAX_ETA), ("mip_rel_gap", 1.0)):
        number = _number(config[key])
        if number is None or not 0 <= number <= most:
            bad(key, f"expected a number in [0, {most:g}], found {config[key]!r}")
        else:
            config[key] = number
    phi = config["phi"]
    if not isinstance(phi, Mapping):
        bad("phi", f"expected a mapping flag → number ≥ 0, found {phi!r}")
    else:
        for flag, value in list(phi.items()):
            number = _number(value)
            if flag not in DEFAULT_PHI:
                bad("phi", f"unknown flag {flag!r}; flags: {', '.join(DEFAULT_PHI)}")
            elif number is None or not 0 <= number <= MAX_PHI:
                bad("phi", f"{flag}: expected a number in [0, {MAX_PHI:g}], found {value!r}")
            else:
                phi[flag] = number
    limit = config["time_limit"]
    if limit is not None:
        number = _number(limit)
        if number is None or number <= 0:
            bad("time_limit", f"expected seconds > 0 or nothing, found {limit!r}")
        else:
            config["time_limit"] = number
    for key, least in (("threads", 1), ("random_seed", 0)):
        whole = _whole(config[key])
        if whole is None or whole < least:
            bad(key, f"expected a whole number ≥ {least}, found {config[key]!r}")
        else:
            config[key] = whole
    if config["method"] not in METHODS:
        bad("method", f"expected one of {', '.join(METHODS)}, found {config['method']!r}")
    if config["backend"] not in BACKENDS:
        bad("backend", f"expected one of {', '.join(BACKENDS)}, found {config['backend']!r}")
    return problems


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _whole(value) -> int | None:
    number = _number(value)
    if number is None or number != int(number):
        return None
    return int(number)


def check_case(inputs, config: dict) -> None:
    """Inputs that contradict themselves under this configuration (spec/model.md, exit 2).

    In ``menu`` mode: no menu at all, or no menu share inside a row's ``[smin, smax]``.  In
    ``optimise`` and ``menu`` mode: a chain of the priority constraint that no shares can satisfy
    — some tier's ``smin`` above the ``smax`` of a poorer tier (the chain links consecutive tiers
    that have a sharing row for the item; in ``menu`` mode only menu shares count).
    """
    mode = config["ratio_mode"]
    if mode == "fixed":
        return
    tiers = [int(t) for t in inputs["tier"].values]
    items = [str(i) for i in inputs["item"].values]
    low = inputs["province_min"].transpose("tier", "item").values
    high = inputs["province_max"].transpose("tier", "item").values
    given = inputs["sharing_given"].transpose("tier", "item").values.astype(bool)
    menu = np.sort(np.asarray(inputs["ratio_menu"].values, dtype=float))
    problems = []
    if mode == "menu" and menu.size == 0:
        problems.append(Problem("ratio_menu", "ratio_mode menu needs a ratio_menu sheet with at "
                                "least one share"))
    for i, item in enumerate(items):
        floor, floor_tier = -np.inf, None  # the least share the richer tiers force on this one
        for t in np.flatnonzero(given[:, i]):
            place = f"sharing (tier {tiers[t]}, item {item})"
            allowed = np.array([low[t, i], high[t, i]])
            if mode == "menu" and menu.size:
                allowed = menu[(menu >= low[t, i] - SHARE_TOLERANCE)
                               & (menu <= high[t, i] + SHARE_TOLERANCE)]
                if allowed.size == 0:
                    problems.append(Problem(place, "no ratio_menu share lies in "
                                            f"[{low[t, i]:g}, {high[t, i]:g}]"))
                    floor, floor_tier = -np.inf, None
                    continue
            feasible = allowed[allowed >= floor - SHARE_TOLERANCE] if mode == "menu" else (
                allowed if high[t, i] >= floor - SHARE_TOLERANCE else allowed[:0])
            if feasible.size == 0:
                problems.append(Problem(place, (
                    f"province_max {high[t, i]:g} is below the share {floor:g} that richer "
                    f"tier {floor_tier} must get at least; a poorer tier may never get a "
                    "smaller share") if mode != "menu" else (
                    f"no menu share in [{low[t, i]:g}, {high[t, i]:g}] reaches {floor:g}, the "
                    f"least share richer tier {floor_tier} can get; a poorer tier may never "
                    "get a smaller share")))
                floor, floor_tier = -np.inf, None
                continue
            least = float(feasible.min()) if mode == "menu" else max(float(low[t, i]), floor)
            if least > floor:
                floor, floor_tier = least, tiers[t]
    if problems:
        raise InputError(problems)
