"""What a sweep varies: keys, their values, grids of scenarios, and one scenario applied to a case.

A key names one quantity an official asks "what if" about, narrowed by selectors after ``:`` —
a tier ``t3``, an item code, a domain name, or a year.  Selectors of one kind widen the selection
(``t3:t4`` is tiers 3 and 4), selectors of different kinds narrow it (``t3:学有所教`` is the
domain's items in tier 3)::

    province_share:t3:ED01=0.7,0.8,0.9   fixed provincial share s0 of item ED01 in tier 3
    province_min:学有所教=0.3,0.5         lower bound on σ for a domain's items, every tier
    province_max:t3=x0.9,x1.1             upper bound of tier 3 moved by a factor (kept in [0, 1])
    prefecture_share=0,0.2                π everywhere
    budget=x0.9,x1.0,x1.1                 provincial budget as a factor of the case's (or yuan)
    pool:2023=none,1e9                    equalisation pool of one year; ``none`` = no limit
    standard:ED01=x1.05                   national standard q of an item, a domain or a year
    eta=0,0.5,1                           priority strength η
    central_tier=1,2                      the province's central tier (ratio items' θ)
    capacity=x0.9,x0.95                   fiscal capacity of every unit (减收), a tier ``t5``,
                                          a prefecture (its code: the city and its counties) or
                                          a year
    beneficiaries:学有所教=x1.05           beneficiaries N of an item or a domain (or a year)

What a share key means depends on the ratio mode.  In ``fixed`` mode the sharing table's
``province_share`` is the share.  In ``optimise`` and ``menu`` mode the share is decided by the
model, so ``province_share`` *pins* it: the selected shares' lower and upper bounds are both set
to the value and the model optimises everything else (in ``menu`` mode the value must be on the
menu).  :func:`meaning` says so in words, and the sweep prints it.

Factors may be written ``x1.1`` or ``×1.1``.  Applying a scenario never changes the case it is
given: :func:`apply_scenario` returns new inputs and a new configuration, which a standalone
``solve_case`` takes exactly as the sweep's kept model does (the tests compare the two).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from fiscalshare.errors import InputError, Problem
from fiscalshare.io.dataset import CENTRAL_TIER_SHARES

SHARE_KEYS = ("province_share", "province_min", "province_max", "prefecture_share")
MONEY_KEYS = ("budget", "pool")
KEYS = {
    "province_share": "fixed provincial share s0 (used in fixed ratio mode), 0..1 or xFACTOR",
    "province_min": "lower bound on the provincial share σ, 0..1 or xFACTOR",
    "province_max": "upper bound on the provincial share σ, 0..1 or xFACTOR",
    "prefecture_share": "prefecture share π of a county's local part, 0..1 or xFACTOR",
    "budget": "provincial budget B in yuan, xFACTOR, or none (no limit)",
    "pool": "equalisation pool E in yuan, xFACTOR, or none (no limit)",
    "standard": "national standard q, xFACTOR only",
    "eta": "priority strength η ≥ 0",
    "central_tier": "the province's central tier 1..5 (sets ratio items' central share)",
    "capacity": "fiscal capacity Cap of the spending units, xFACTOR only",
    "beneficiaries": "beneficiaries N, xFACTOR only",
}
_SELECTORS = {  # which selector kinds each key takes
    **{key: ("tier", "item") for key in SHARE_KEYS},
    **{key: ("year",) for key in MONEY_KEYS},
    "standard": ("item", "year"),
    "eta": (),
    "central_tier": (),
    "capacity": ("tier", "prefecture", "year"),
    "beneficiaries": ("item", "year"),
}
_VARIABLE = {"budget": "provincial_budget", "pool": "equalisation_pool", "standard": "unit_cost",
             "capacity": "fiscal_capacity", "beneficiaries": "beneficiaries"}
FACTOR_ONLY = ("standard", "capacity", "beneficiaries")
# the input variables and configuration entries each key changes (what a kept model refreshes)
CHANGES = {
    "province_share": {"province_share", "province_min", "province_max"},
    "province_min": {"province_share", "province_min", "province_max"},
    "province_max": {"province_share", "province_min", "province_max"},
    "prefecture_share": {"prefecture_share"},
    "budget": {"provincial_budget"},
    "pool": {"equalisation_pool"},
    "standard": {"unit_cost"},
    "eta": {"eta"},
    "central_tier": {"central_share"},
    "capacity": {"fiscal_capacity"},
    "beneficiaries": {"beneficiaries"},
}
_FACTOR_MARKS = ("x", "X", "×")
NO_LIMIT = "none"


def accepted_keys() -> str:
    """The accepted keys and selectors, as listed with every rejected key."""
    return ("accepted keys: " + ", ".join(KEYS)
            + " — narrow one with :t<tier>, :<item code>, :<domain> or :<year>, "
              "e.g. province_max:t3:ED01=0.8,1.0")


def _problem(message: str) -> Problem:
    return Problem(sheet="sweep", message=message)


@dataclass(frozen=True)
class Value:
    """One value of a key: a number, a factor on the case's own value, or no limit (NaN)."""

    number: float
    factor: bool = False

    def __str__(self) -> str:
        if math.isnan(self.number):
            return NO_LIMIT
        return f"x{self.number:g}" if self.factor else f"{self.number:g}"


@dataclass(frozen=True)
class Key:
    """A key with its selectors resolved against one case."""

    text: str
    name: str
    tiers: tuple[int, ...] = ()
    items: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    prefectures: tuple[str, ...] = ()


@dataclass
class Scenario:
    """One what-if: an id (its place in the sweep), a name, and its changes in order."""

    id: str
    name: str
    changes: dict[str, Value] = field(default_factory=dict)

    def encoded(self) -> dict:
        return {"id": self.id, "name": self.name,
                "changes": {key: str(value) for key, value in self.changes.items()}}

    @classmethod
    def decoded(cls, record: Mapping) -> Scenario:
        changes = {key: _value_or_raise(key, text) for key, text in record["changes"].items()}
        return cls(str(record["id"]), str(record["name"]), changes)


# -- reading keys and values ----------------------------------------------------------------------
def parse_key(text: str, inputs: xr.Dataset, problems: list[Problem]) -> Key | None:
    """Resolve ``name:selector:…`` against the case; a problem (and ``None``) when it is bad."""
    text = str(text).strip()
    name, *selectors = [part.strip() for part in text.split(":")]
    if name not in KEYS:
        problems.append(_problem(f"unknown key {name!r}; {accepted_keys()}"))
        return None
    kinds = _SELECTORS[name]
    tiers = {int(t) for t in inputs["tier"].values}
    items = [str(i) for i in inputs["item"].values]
    domains = [str(d) for d in inputs["domain"].values]
    years = {int(y) for y in inputs["year"].values}
    prefectures = [str(u) for u, level in zip(inputs["unit"].values, inputs["unit_level"].values,
                                               strict=True) if str(level) == "prefecture"]
    chosen: dict[str, set] = {"tier": set(), "item": set(), "year": set(), "prefecture": set()}
    for selector in selectors:
        if "tier" in kinds and selector[:1] == "t" and selector[1:].isdigit() \
                and int(selector[1:]) in tiers:
            chosen["tier"].add(int(selector[1:]))
        elif "item" in kinds and selector in items:
            chosen["item"].add(selector)
        elif "item" in kinds and selector in domains:
            chosen["item"].update(i for i, d in zip(items, domains, strict=True) if d == selector)
        elif "year" in kinds and selector.isdigit() and int(selector) in years:
            chosen["year"].add(int(selector))
        elif "prefecture" in kinds and selector in prefectures:
            chosen["prefecture"].add(selector)
        else:
            problems.append(_problem(f"{text}: {selector!r} is not a selector of {name}; "
                                     + _expected_selectors(name, kinds, tiers, items, years)))
            return None
    return Key(text=text, name=name,
               tiers=tuple(sorted(chosen["tier"])),
               items=tuple(i for i in items if i in chosen["item"]),
               years=tuple(sorted(chosen["year"])),
               prefectures=tuple(sorted(chosen["prefecture"])))


def _expected_selectors(name, kinds, tiers, items, years) -> str:
    if not kinds:
        return f"{name} takes no selector"
    shown = {"tier": "tiers " + ", ".join(f"t{t}" for t in sorted(tiers)),
             "item": "item codes (" + ", ".join(items[:8]) + (", …" if len(items) > 8 else "")
                     + ") or domains",
             "year": "years " + ", ".join(str(y) for y in sorted(years)),
             "prefecture": "prefecture codes"}
    return "expected " + "; ".join(shown[kind] for kind in kinds)


def parse_value(key: Key, text, problems: list[Problem]) -> Value | None:
    """One value of ``key``, checked against what the key accepts."""
    try:
        return _value_or_raise(key.name, text, key.text)
    except ValueError as exc:
        problems.append(_problem(str(exc)))
        return None


def _value_or_raise(name: str, text, shown: str | None = None) -> Value:
    name = name.split(":")[0]
    shown = shown or name
    raw = str(text).strip()
    if raw.lower() == NO_LIMIT:
        if name not in MONEY_KEYS:
            raise ValueError(f"{shown}: '{NO_LIMIT}' (no limit) applies only to budget and pool")
        return Value(float("nan"))
    factor = raw[:1] in _FACTOR_MARKS
    body = raw[1:].strip() if factor else raw
    try:
        number = float(body)
    except ValueError:
        raise ValueError(f"{shown}: {raw!r} is not a number or a factor such as x1.1") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{shown}: expected a finite number ≥ 0, found {raw!r}")
    if factor and name in ("eta", "central_tier"):
        raise ValueError(f"{shown}: {name} takes a number, not a factor, found {raw!r}")
    if not factor and name in FACTOR_ONLY:
        raise ValueError(f"{shown}: give {name} as a factor of the case's own, e.g. x1.05 "
                         f"(found {raw!r})")
    if not factor and name in SHARE_KEYS and number > 1:
        raise ValueError(f"{shown}: a share lies in [0, 1], found {raw!r}")
    if name == "central_tier" and number not in CENTRAL_TIER_SHARES:
        raise ValueError(f"{shown}: the central tier is one of 1, 2, 3, 4, 5, found {raw!r}")
    return Value(number, factor)


def parse_vary(options: Sequence[str], inputs: xr.Dataset) -> dict[Key, list[Value]]:
    """``KEY=V1,V2,…`` options as an ordered mapping; every problem is reported together."""
    problems: list[Problem] = []
    vary: dict[Key, list[Value]] = {}
    seen: set[str] = set()
    for option in options:
        if "=" not in option:
            problems.append(_problem(f"{option!r}: expected KEY=VALUES; {accepted_keys()}"))
            continue
        text, values = option.split("=", 1)
        key = parse_key(text, inputs, problems)
        if key is None:
            continue
        if key.text in seen:
            problems.append(_problem(f"{key.text}: given twice; give all its values in one "
                                     f"--vary, e.g. {key.text}=1,2 (a grid over one key)"))
            continue
        seen.add(key.text)
        parsed = [parse_value(key, v, problems) for v in values.split(",") if v.strip()]
        if not parsed:
            problems.append(_problem(f"{key.text}: no values given"))
        vary[key] = [v for v in parsed if v is not None]
    if problems:
        raise InputError(problems)
    return vary


def combine(vary: Mapping[Key, list[Value]], *, paired: bool = False) -> list[dict[str, Value]]:
    """Every combination of the values (a grid), or with ``paired`` the i-th values together."""
    keys = [key.text for key in vary]
    if paired:
        lengths = {key.text: len(values) for key, values in vary.items()}
        if len(set(lengths.values())) > 1:
            raise InputError([_problem("--zip pairs the i-th values of every key, so every key "
                                       "needs as many values; found " + ", ".join(
                                           f"{k}: {n}" for k, n in lengths.items()))])
        rows = zip(*vary.values(), strict=True)
    else:
        rows = itertools.product(*vary.values())
    return [dict(zip(keys, row, strict=True)) for row in rows]


def scenario_name(changes: Mapping[str, Value]) -> str:
    return " ".join(f"{key}={value}" for key, value in changes.items()) or "baseline"


def number_scenarios(changes: Iterable[Mapping[str, Value]], names: Iterable[str] | None = None,
                     *, prefix: str = "s") -> list[Scenario]:
    """Scenarios with ids ``s00000, s00001, …`` in the order given (sweep.nc sorts by id)."""
    changes = list(changes)
    names = list(names) if names is not None else [scenario_name(c) for c in changes]
    return [Scenario(f"{prefix}{k:05d}", name, dict(c))
            for k, (c, name) in enumerate(zip(changes, names, strict=True))]


def read_sweep_file(path: Path, inputs: xr.Dataset) -> tuple[list[dict[str, Value]], list[str]]:
    """A sweep file: ``vary:`` (a grid; ``zip: true`` pairs) or named ``scenarios:``."""
    import yaml

    where = Path(path).name
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError([Problem(where, f"not a readable YAML file: {exc}")]) from None
    if not isinstance(content, dict) or not ({"vary", "scenarios"} & set(content)):
        raise InputError([Problem(where, "expected a mapping with 'vary:' (key → list of values, "
                                  "optionally 'zip: true') or 'scenarios:' (name → {key: value})")])
    unknown = set(content) - {"vary", "zip", "scenarios"}
    problems = [Problem(where, f"unknown entry {k!r}; expected vary, zip or scenarios")
                for k in sorted(map(str, unknown))]
    if "scenarios" in content:
        named = content["scenarios"]
        if not isinstance(named, dict) or not named:
            raise InputError([Problem(where, "scenarios: expected name → {key: value, …}")])
        changes_list, names = [], []
        for name, changes in named.items():
            if not isinstance(changes, dict):
                problems.append(Problem(where, f"scenario {name!r}: expected {{key: value, …}}"))
                continue
            scenario = {}
            for text, value in changes.items():
                key = parse_key(str(text), inputs, problems)
                parsed = parse_value(key, value, problems) if key is not None else None
                if parsed is not None:
                    scenario[key.text] = parsed
            changes_list.append(scenario)
            names.append(str(name))
        if problems:
            raise InputError(problems)
        return changes_list, names
    vary_entries = content["vary"]
    if not isinstance(vary_entries, dict) or not vary_entries:
        raise InputError([Problem(where, "vary: expected key → list of values")])
    options = []
    for text, values in vary_entries.items():
        values = values if isinstance(values, list) else [values]
        options.append(f"{text}=" + ",".join(str(v) for v in values))
    if problems:
        raise InputError(problems)
    changes_list = combine(parse_vary(options, inputs), paired=bool(content.get("zip")))
    return changes_list, [scenario_name(c) for c in changes_list]


# -- applying a scenario --------------------------------------------------------------------------
def apply_scenario(inputs: xr.Dataset, config: Mapping, changes: Mapping[str, Value], *,
                   reference: Mapping[str, np.ndarray] | None = None) -> tuple[xr.Dataset, dict]:
    """The scenario's inputs and configuration, changes applied in the order given.

    ``reference`` holds what the baseline spends by year (``provincial_money``, ``equalisation``):
    a budget or pool factor in a year without a limit applies to it, so "8 % less" means 8 % less
    than the province spends there even in an unlimited case.  Shares stay consistent: a changed
    fixed share widens its bounds to hold it, changed bounds pull the fixed share inside them.
    The changes are made on numpy arrays and the Dataset is assembled once (assigning variables
    one by one to a Dataset of this size costs more than solving a county-level scenario).
    """
    arrays = _Arrays(inputs)
    config = {**config, "phi": dict(config.get("phi", {}))}
    attrs = dict(inputs.attrs)
    for text, value in changes.items():
        key = _key(text, inputs)
        if key.name in SHARE_KEYS:
            _apply_share(arrays, key, value, pin=key.name == "province_share"
                         and config.get("ratio_mode", "optimise") != "fixed")
        elif key.name in MONEY_KEYS:
            _apply_money(arrays, key, value, reference)
        elif key.name in ("standard", "beneficiaries"):
            variable = _VARIABLE[key.name]
            mask = arrays.mask(variable, items=key.items, years=key.years)
            current = arrays[variable]
            arrays[variable] = np.where(mask, current * value.number, current)
        elif key.name == "capacity":
            units = np.ones(inputs.sizes["unit"], dtype=bool)
            if key.tiers:
                units &= np.isin(inputs["unit_tier"].values, list(key.tiers))
            if key.prefectures:
                chosen = list(key.prefectures)
                units &= (np.isin(inputs["unit"].values.astype(str), chosen)
                          | np.isin(inputs["unit_parent"].values.astype(str), chosen))
            mask = arrays.mask("fiscal_capacity", years=key.years, units=units)
            current = arrays["fiscal_capacity"]
            arrays["fiscal_capacity"] = np.where(mask, current * value.number, current)
        elif key.name == "eta":
            config["eta"] = float(value.number)
        elif key.name == "central_tier":
            share = CENTRAL_TIER_SHARES[int(value.number)]
            mask = arrays.mask("central_share") & arrays.along(
                "central_share", "item", inputs["rule"].values == "ratio")
            arrays["central_share"] = np.where(mask, share, arrays["central_share"])
            attrs["central_tier"] = int(value.number)
    ds = inputs.copy(deep=False, data=arrays.all())
    ds.attrs = attrs
    return ds, config


_KEYS: dict = {}  # (id of the case, key text) → Key: a sweep applies the same keys many times


def _key(text: str, inputs: xr.Dataset) -> Key:
    cached = _KEYS.get((id(inputs), text))
    if cached is not None and cached[0] is inputs:
        return cached[1]
    problems: list[Problem] = []
    key = parse_key(text, inputs, problems)
    if key is None:
        raise InputError(problems)
    if len(_KEYS) > 256:
        _KEYS.clear()
    _KEYS[(id(inputs), text)] = (inputs, key)
    return key


class _Arrays:
    """The case's data variables as numpy arrays, changed ones replaced."""

    def __init__(self, inputs: xr.Dataset):
        self.inputs = inputs
        self.changed: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self.changed:
            return self.changed[name]
        return np.asarray(self.inputs[name].values)

    def __setitem__(self, name: str, values) -> None:
        current = self.inputs[name]
        self.changed[name] = np.broadcast_to(np.asarray(values, dtype=current.dtype),
                                             current.shape).copy()

    def along(self, variable: str, dim: str, chosen: np.ndarray) -> np.ndarray:
        """``chosen`` (over ``dim``) broadcast to the variable's shape."""
        dims = self.inputs[variable].dims
        shape = [1] * len(dims)
        shape[dims.index(dim)] = -1
        return np.asarray(chosen, dtype=bool).reshape(shape)

    def mask(self, variable: str, *, tiers=(), items=(), years=(), units=None) -> np.ndarray:
        """Where a change applies, over ``variable``'s dimensions (no selector of a kind = all)."""
        dims = self.inputs[variable].dims
        mask = np.ones(self.inputs[variable].shape, dtype=bool)
        for dim, chosen in (("tier", tiers), ("item", items), ("year", years)):
            if chosen and dim in dims:
                labels = self.inputs[dim].values
                mask = mask & self.along(variable, dim, np.isin(labels, list(chosen)))
        if units is not None and "unit" in dims:
            mask = mask & self.along(variable, "unit", units)
        return mask

    def all(self) -> dict[str, np.ndarray]:
        return {name: self[name] for name in self.inputs.data_vars}


def _apply_share(arrays: _Arrays, key: Key, value: Value, *, pin: bool = False) -> None:
    """A share key's change; with ``pin`` (``province_share`` in a mode that decides σ) the
    selected shares' bounds are both set to the value, so the model must use it."""
    mask = arrays.mask(key.name, tiers=key.tiers, items=key.items)
    current = arrays[key.name]
    new = np.clip(current * value.number, 0.0, 1.0) if value.factor else value.number
    arrays[key.name] = np.where(mask, new, current)
    low, high, fixed = arrays["province_min"], arrays["province_max"], arrays["province_share"]
    if pin:
        arrays["province_min"] = np.where(mask, fixed, low)
        arrays["province_max"] = np.where(mask, fixed, high)
    elif key.name == "province_share":
        arrays["province_min"] = np.minimum(low, fixed)
        arrays["province_max"] = np.maximum(high, fixed)
    elif key.name == "province_min":
        arrays["province_max"] = np.maximum(high, low)
        arrays["province_share"] = np.maximum(fixed, low)
    elif key.name == "province_max":
        arrays["province_min"] = np.minimum(low, high)
        arrays["province_share"] = np.minimum(fixed, high)


def _apply_money(arrays: _Arrays, key: Key, value: Value, reference) -> None:
    variable = _VARIABLE[key.name]
    current = arrays[variable]
    mask = arrays.mask(variable, years=key.years)
    if value.factor:
        base = current
        spent = None if reference is None else reference.get(
            "provincial_money" if key.name == "budget" else "equalisation")
        if spent is not None:
            base = np.where(np.isfinite(base), base, np.asarray(spent, dtype=float))
        new = base * value.number
    else:
        new = value.number
    arrays[variable] = np.where(mask, new, current)


def meaning(key_text: str, config: Mapping, lang: str = "zh") -> str:
    """What varying a key does under the configuration, in one sentence (printed and kept)."""
    from fiscalshare.report.labels import label

    name = key_text.split(":")[0]
    mode = str(config.get("ratio_mode", "optimise"))
    if name == "province_share":
        if mode == "fixed":
            return label("meaning_fixed_share", lang).format(key_text)
        return label("meaning_pin", lang).format(key_text, mode)
    if name in ("province_min", "province_max") and mode == "fixed":
        return label("meaning_bounds_fixed", lang).format(key_text)
    return label("meaning_key", lang).format(key_text, label(f"key_{name}", lang))


def refusal(key: Key, values: Sequence[Value], inputs: xr.Dataset, config: Mapping) -> str | None:
    """Why a key cannot answer its question under the configuration (``None`` when it can)."""
    mode = str(config.get("ratio_mode", "optimise"))
    if key.name == "province_share" and mode == "menu":
        menu = sorted(float(m) for m in np.asarray(inputs["ratio_menu"].values, dtype=float))
        off = [str(v) for v in values if v.factor or not any(abs(v.number - m) < 1e-9
                                                             for m in menu)]
        if off:
            return (f"{key.text}: in menu mode a pinned share must be on the menu "
                    f"({', '.join(f'{m:g}' for m in menu)}); {', '.join(off)} is not. Vary it "
                    "with values on the menu, or under --model fixed-ratios where any share "
                    "is used as given")
    if key.name == "province_share" and mode != "fixed":
        clash = _pin_clashes(key, values, inputs)
        if clash:
            return clash
    if key.name in ("pool",) and str(config.get("equalisation", "on")) != "on":
        return (f"{key.text}: this configuration has no equalisation, so the pool cannot matter; "
                "use --model default")
    return None


def _pin_clashes(key: Key, values: Sequence[Value], inputs: xr.Dataset) -> str | None:
    """A pinned share that the priority rule cannot combine with the other tiers' bounds: a
    poorer tier whose upper bound is below it, or a richer tier whose lower bound is above it."""
    from fiscalshare.model.coefficients import policy_fixed

    # pairs whose share policy fixes take no part in the priority rule
    given = (inputs["sharing_given"].transpose("tier", "item").values.astype(bool)
             & ~policy_fixed(inputs)[None, :])
    low = inputs["province_min"].transpose("tier", "item").values
    high = inputs["province_max"].transpose("tier", "item").values
    tiers = [int(t) for t in inputs["tier"].values]
    items = [str(i) for i in inputs["item"].values]
    pinned_tiers = set(key.tiers or tiers)
    pinned_items = set(key.items or items)
    numbers = sorted({v.number for v in values if not v.factor})
    for number in numbers:
        for i, item in enumerate(items):
            if item not in pinned_items:
                continue
            for t, tier in enumerate(tiers):
                if tier not in pinned_tiers or not given[t, i]:
                    continue
                poorer = [u for u in range(t + 1, len(tiers)) if given[u, i]
                          and tiers[u] not in pinned_tiers and high[u, i] < number - 1e-12]
                richer = [u for u in range(t) if given[u, i]
                          and tiers[u] not in pinned_tiers and low[u, i] > number + 1e-12]
                if poorer or richer:
                    other = (poorer or richer)[0]
                    bound = high[other, i] if poorer else low[other, i]
                    side = "upper" if poorer else "lower"
                    return (f"{key.text}={number:g} pins tier {tier}'s share of {item} (and "
                            f"maybe others) {'above' if poorer else 'below'} the {side} bound "
                            f"{bound:g} of {'poorer' if poorer else 'richer'} tier "
                            f"{tiers[other]}, which the priority rule (a poorer tier never gets "
                            "a smaller share) cannot meet. Pin only values in that range, pin "
                            "the neighbouring tiers too (e.g. "
                            f"province_share:t{tier}:t{tiers[other]}), or ask under "
                            "--model fixed-ratios, where the shares are used as given")
    return None
