"""Model configurations (``models/*.yaml``): find, read, validate once, as a typed value.

A configuration names the modelling choices of docs/model.md (ratio mode, equalisation, η, φ,
MIP gap, time limit) and the solver's (threads, random seed, method, backend).  It is a frozen
:class:`ModelConfig`; its defaults are its field defaults, and it is validated once, when made
from a file or a mapping.  ``as_dict()`` is the plain JSON-able form stored with every run, so a
run can be reproduced from its manifest alone.  Every problem is reported with the key it
concerns (exit 2).  The checks of a case against a configuration are in ``model.checks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path

import numpy as np

from fiscalshare.constants import DEFAULT_PHI
from fiscalshare.errors import ConfigError, Problem

# Largest priority settings the LP represents faithfully: a region's weight is at most
# 100^η · Π(1 + φ) times the average (the capacity floor is 1 % of the mean), and beyond
# 100^5 = 1e10 the weights swamp HiGHS's tolerances (``--eta 1e300`` made the check fail).
MAX_ETA = 5.0
MAX_PHI = 10.0

RATIO_MODES = ("fixed", "optimise", "menu")
METHODS = ("auto", "plain", "face", "decomposed", "dual", "primal", "ipm", "ipm-nocrossover",
           "choose")
BACKENDS = ("auto", "pyomo", "matrix")
DESCRIPTION = "description"  # free text at the top of a file, kept in the resolved configuration
SHARE_TOLERANCE = 1e-12  # a menu share counts as inside [smin, smax] within this


@dataclass(frozen=True)
class ModelConfig(Mapping):
    """A resolved, validated model configuration.

    Make one with :func:`load_config` or :meth:`from_mapping`.  It also reads as a read-only
    mapping (``config["eta"]``, ``dict(config)``) for the seams that take a plain mapping.
    """

    ratio_mode: str = "optimise"
    equalisation: str = "on"
    eta: float = 1.0
    phi: dict = field(default_factory=lambda: dict(DEFAULT_PHI))
    mip_rel_gap: float = 1e-6
    time_limit: float | None = None
    threads: int = 1
    random_seed: int = 0
    method: str = "auto"
    backend: str = "auto"
    name: str = "default"
    description: str = ""

    @property
    def equalisation_on(self) -> bool:
        return self.equalisation == "on"

    def as_dict(self) -> dict:
        """The plain, JSON-able form stored with every run (keys in declaration order)."""
        return asdict(self)

    def with_changes(self, **changes) -> ModelConfig:
        """A copy with some keys changed (``phi`` merges flag by flag), validated again."""
        return ModelConfig.from_mapping({**self.as_dict(), **_merged_phi(self.phi, changes)},
                                        source="overrides")

    @classmethod
    def from_mapping(cls, values: Mapping, *, source: str = "configuration") -> ModelConfig:
        """Defaults, then ``values`` over them; every problem at once (``ConfigError``)."""
        if isinstance(values, ModelConfig):
            return values
        config = {**_defaults(), "phi": dict(DEFAULT_PHI)}
        problems = _merge(config, {k: v for k, v in values.items() if k not in _NAMING}, source)
        for key in _NAMING:
            if key in values:
                config[key] = "" if values[key] is None else str(values[key])
        problems += _validate(config, source)
        if problems:
            raise ConfigError(problems)
        return cls(**config)

    # the read-only mapping view
    def __getitem__(self, key):
        if key in _KEYS:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self):
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)


_KEYS = tuple(f.name for f in fields(ModelConfig))
_NAMING = ("name", DESCRIPTION)  # set from the file, not validated
DEFAULTS = {key: value for key, value in asdict(ModelConfig()).items() if key not in _NAMING}


def _defaults() -> dict:
    return {key: (dict(value) if isinstance(value, dict) else value)
            for key, value in DEFAULTS.items()}


def _merged_phi(phi: Mapping, changes: Mapping) -> dict:
    if isinstance(changes.get("phi"), Mapping):
        return {**changes, "phi": {**phi, **changes["phi"]}}
    return dict(changes)


def as_config(config: Mapping) -> ModelConfig:
    """The typed configuration of a mapping (a :class:`ModelConfig` is returned as it is)."""
    return ModelConfig.from_mapping(config)


def configurations_dir() -> Path:
    """The packaged configurations: copies of the project's top-level ``models/*.yaml`` (a test
    keeps them equal), so that an installed package resolves ``--model NAME`` too."""
    return Path(str(resources.files("fiscalshare") / "configurations"))


def available() -> list[str]:
    return sorted(p.stem for p in configurations_dir().glob("*.yaml"))


def load_config(model: str | Path | None = None, overrides: Mapping | None = None) -> ModelConfig:
    """Resolve a configuration ``NAME`` (``models/NAME.yaml``) or a path, apply ``overrides``
    (single keys, e.g. from command-line flags; ``None`` means not given) and validate every key."""
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
    config = {**_defaults(), "phi": dict(DEFAULT_PHI)}
    problems = _merge(config, loaded, path.name)
    problems += _merge(config, dict(overrides or {}), "overrides")
    problems += _validate(config, path.name)
    if problems:
        raise ConfigError(problems)
    config["name"] = path.stem
    config[DESCRIPTION] = "" if description is None else str(description)
    return ModelConfig(**config)


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
